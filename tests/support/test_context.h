// Contexts for tests: each test makes its own (nothing is shared between tests through the
// process), with fast retries and no memory cache unless it asks for them.
#pragma once

#include <memory>
#include <string>

#include "imagery/io/context.h"

namespace imagery::testing {

// No memory cache, two attempts 5-20 ms apart, a 2 s connect timeout, no secret files.
io::ContextOptions quick_options();

// A context with `options`; secret files are off unless `secret_files`.
std::unique_ptr<io::Context> make_context(io::ContextOptions options = quick_options(),
                                          bool secret_files = false);

// A context with quick options whose requests to the origin of `url` carry `token`.
std::unique_ptr<io::Context> make_context_with_token(const std::string& url,
                                                     const std::string& token,
                                                     io::ContextOptions options = quick_options());

}  // namespace imagery::testing
