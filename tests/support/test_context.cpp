#include "support/test_context.h"

namespace imagery::testing {

io::ContextOptions quick_options() {
  io::ContextOptions o;
  o.memory_cache_bytes = 0;
  o.http.backoff_base_ms = 5;
  o.http.backoff_max_ms = 20;
  o.http.max_attempts = 2;
  o.http.connect_timeout_ms = 2000;
  return o;
}

std::unique_ptr<io::Context> make_context(io::ContextOptions options, bool secret_files) {
  auto context = std::make_unique<io::Context>(std::move(options));
  context->credentials().set_use_secret_files(secret_files);
  return context;
}

std::unique_ptr<io::Context> make_context_with_token(const std::string& url,
                                                     const std::string& token,
                                                     io::ContextOptions options) {
  auto context = make_context(std::move(options));
  context->credentials().grant(url, token);
  return context;
}

}  // namespace imagery::testing
