#include "imagery/io/context.h"

#include <pthread.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <thread>

#include "imagery/io/http_transport.h"

namespace imagery::io {

namespace {

std::atomic<Context*> g_default{nullptr};
std::mutex g_default_mutex;

// In a child made by fork() the default context's threads do not exist: forget it (on purpose
// without destroying it, which would join threads that are not there) and make a new one on
// first use.
void forget_default_in_child() {
  g_default.store(nullptr);
}

}  // namespace

Context::Context(ContextOptions options)
    : options_(std::move(options)),
      credentials_(std::make_shared<Credentials>()),
      memory_cache_(options_.memory_cache_bytes),
      decoded_chunks_(options_.decoded_cache_bytes) {}

Context::~Context() {
  // Driver state first (it may hold storages that use the transport and the pool), then the
  // transport (its completions may still hand work to the pool), then the pool.
  {
    std::lock_guard lock(resources_mutex_);
    resources_.clear();
  }
  transport_.reset();
  pool_.reset();
}

Context& Context::default_context() {
  if (Context* c = g_default.load()) return *c;
  std::lock_guard lock(g_default_mutex);
  if (Context* c = g_default.load()) return *c;
  static std::once_flag atfork_once;
  std::call_once(atfork_once, [] { pthread_atfork(nullptr, nullptr, forget_default_in_child); });
  ContextOptions options;
  if (const char* env = std::getenv("IMAGERY_CACHE_MEM")) {
    char* end = nullptr;
    const unsigned long long mb = std::strtoull(env, &end, 10);
    if (end != env && *end == '\0' && mb < (std::uint64_t{1} << 40))
      options.memory_cache_bytes = static_cast<std::size_t>(mb) << 20;
  }
  // Lives until the process ends: destroying it at exit would race with detached work.
  auto* c = new Context(std::move(options));
  g_default.store(c);
  return *c;
}

ThreadPool& Context::pool() {
  std::lock_guard lock(start_mutex_);
  if (!pool_) {
    const std::size_t n =
        options_.threads ? options_.threads : std::max(1u, std::thread::hardware_concurrency());
    pool_ = std::make_unique<ThreadPool>(n);
  }
  return *pool_;
}

HttpTransport& Context::transport() {
  std::lock_guard lock(start_mutex_);
  if (!transport_) transport_ = std::make_unique<HttpTransport>(options_.http, credentials_);
  return *transport_;
}

HttpStats Context::http_stats() {
  std::lock_guard lock(start_mutex_);
  return transport_ ? transport_->stats() : HttpStats{};
}

void Context::warn(const std::string& message) const {
  std::lock_guard lock(warn_mutex_);
  if (warning_sink_)
    warning_sink_(message);
  else
    std::fprintf(stderr, "imagery: warning: %s\n", message.c_str());
}

void Context::set_warning_sink(WarningSink sink) {
  std::lock_guard lock(warn_mutex_);
  warning_sink_ = std::move(sink);
}

}  // namespace imagery::io
