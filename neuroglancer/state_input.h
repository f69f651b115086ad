// Where a Neuroglancer state comes from, as a user gives it: a JSON file, "-" for standard input,
// a Neuroglancer link whose fragment is "#!" + the URL-encoded JSON, a link whose fragment is
// "#!" + the URL of a JSON state (gs://, s3://, http(s)://, fetched), a link with
// "?json_url=URL" (CAVE's state server), or the URL of a JSON state itself. And the other way:
// a state as a link (state_link).
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "imagery/io/context.h"

namespace imagery::neuroglancer {

// The state `reference` names. Throws kInvalidArgument naming it for text that is not a JSON
// object, kNotFound for a missing file or URL, and what fetching throws.
nlohmann::json load_state(const std::string& reference, io::Context& context);

// Whether `reference` is a state itself (starts with '{' after blanks) rather than a name of one.
bool is_inline_state(const std::string& reference);

// "%7B%22a%22..." -> "{\"a\"..." ('+' stays '+', as in a fragment). Throws kInvalidArgument on a
// broken escape.
std::string percent_decode(const std::string& text);
// Encodes every byte but the unreserved ones (A-Z a-z 0-9 - _ . ~), as encodeURIComponent does
// for ASCII.
std::string percent_encode(const std::string& text);

// The public Neuroglancer app `imagery link` points to when no --base is given.
inline constexpr const char* kDefaultNeuroglancerBase = "https://neuroglancer-demo.appspot.com/";

// base (up to any '#') + "#!" + the state, percent-encoded.
std::string state_link(const nlohmann::json& state,
                       const std::string& base = kDefaultNeuroglancerBase);

}  // namespace imagery::neuroglancer
