// What every command of the program shares: the Context built from the global options, the
// token given with --token (or $IMAGERY_TOKEN) granted to exactly the hosts of the sources
// named on the command line (or in a batch's manifest), and the hint each command adds to an
// error whose remedy is one of its flags.
#pragma once

#include <map>
#include <nlohmann/json.hpp>

#include <memory>
#include <string>
#include <string_view>

#include "imagery/cli/global_options.h"
#include "imagery/core/error.h"
#include "imagery/figure/figure_spec.h"
#include "imagery/io/context.h"

namespace imagery::cli {

// A fresh context with the options' caches, limits and TLS setting, its "now" pinned (every
// graphene read of the command without a timestamp sees the roots of this instant).
// `default_decoded_cache_mb` is the command's decoded-chunk cache unless --decoded-cache-mb says.
std::unique_ptr<io::Context> make_context(const GlobalOptions& global,
                                          double default_decoded_cache_mb = 0);

// The token of --token, else $IMAGERY_TOKEN, else "".
std::string given_token(const GlobalOptions& global);

// Grants the given token (if any) to the origin `source` is fetched from (nothing for local
// paths). Call it for every source the user named, and only for those: hosts a source leads to
// (a redirect, a graphene layer's bucket) get no token from the command line.
void grant_token(io::Context& context, const GlobalOptions& global, const std::string& source);

// A state given by name (a file, "-", a link, a URL) read into `spec`, so that the sources it
// names are known before tokens are granted; the token goes to the state's own host when it is
// a URL. `cache` (optional) keeps states already read, for many batch rows naming one.
void load_state_of_spec(io::Context& context, const GlobalOptions& global, figure::FigureSpec& spec,
                        std::map<std::string, nlohmann::json>* cache = nullptr);

// grant_token for every source `spec` names (a state's layer sources included), and for the
// info service of its datastack.
void grant_token_for_spec(io::Context& context, const GlobalOptions& global,
                          const figure::FigureSpec& spec);

// " (pass --fill-missing to read missing chunks as 0)": what `command` says about a remedy, ""
// for none.
std::string remedy_hint(std::string_view command, Remedy remedy);

// The error's message with the command's hint.
std::string message_with_hint(std::string_view command, const Error& error);

}  // namespace imagery::cli
