// Context: everything a process would otherwise keep in globals, made explicit — the worker pool,
// the HTTP transport (one connection pool and one cap on requests in flight), credentials, the
// in-memory cache of fetched bytes, the cache of decoded chunks, the disk-cache settings, a sink
// for warnings, and one slot per type for drivers' own state (shard-index caches, opened infos).
// Two contexts share nothing, so tests, a server and a forked Python process can each have their
// own.
//
//   imagery::io::Context ctx({.memory_cache_bytes = 256 << 20});
//   auto volume = imagery::volume::open_volume("gs://bucket/em", ctx);
//
// Library entry points take a Context&; default_context() is the one the CLI and the
// convenience overloads use. Its pool and transport start on first use. Thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <type_traits>
#include <typeindex>

#include "imagery/core/lru_cache.h"
#include "imagery/core/thread_pool.h"
#include "imagery/io/credentials.h"
#include "imagery/io/decoded_chunk_cache.h"
#include "imagery/io/http_options.h"
#include "imagery/io/http_transport.h"
#include "imagery/io/storage.h"

namespace imagery::io {

struct ContextOptions {
  // Worker threads for decoding and drawing; 0: one per hardware thread.
  std::size_t threads = 0;
  // In-memory cache of fetched bytes of remote sources (0: none).
  std::size_t memory_cache_bytes = std::size_t{512} << 20;
  // Cache of decoded chunks of every source (0: none). Off by default: a one-shot read touches
  // each chunk once, so it would only cost memory and a copy; `imagery serve`, whose tiles and
  // prefetches overlap, turns it on (docs/architecture.md).
  std::size_t decoded_cache_bytes = 0;
  // Non-empty: remote sources also keep fetched bytes under this folder.
  std::string disk_cache_dir;
  std::uint64_t disk_cache_bytes = std::uint64_t{20} << 30;
  HttpOptions http;
};

using WarningSink = std::function<void(const std::string& message)>;

class Context {
 public:
  explicit Context(ContextOptions options = {});
  ~Context();
  Context(const Context&) = delete;
  Context& operator=(const Context&) = delete;

  // The process's default context, made on first use with the default options, except that
  // IMAGERY_CACHE_MEM (MB) sets the memory cache. A child process made by fork() gets a fresh
  // one on first use (the parent's threads do not exist there).
  static Context& default_context();

  const ContextOptions& options() const { return options_; }
  ThreadPool& pool();
  HttpTransport& transport();
  // The transport's counters; zeros when no request was ever made (the transport not started).
  HttpStats http_stats();
  Credentials& credentials() { return *credentials_; }
  LruCache<StoredObject>& memory_cache() { return memory_cache_; }
  DecodedChunkCache& decoded_chunks() { return decoded_chunks_; }

  // Warnings the library has for the user (an all-missing cutout, ...): to stderr as
  // "imagery: warning: ..." unless a sink is set.
  void warn(const std::string& message) const;
  void set_warning_sink(WarningSink sink);

  // The context's one object of type T, made on first use: T(Context&) when T has that
  // constructor, else T(). For drivers' per-context state. A T may ask for other resources in
  // its constructor (the lock is recursive).
  template <class T>
  T& resource() {
    std::lock_guard lock(resources_mutex_);
    auto& slot = resources_[std::type_index(typeid(T))];
    if (!slot) {
      if constexpr (std::is_constructible_v<T, Context&>)
        slot = std::make_shared<T>(*this);
      else
        slot = std::make_shared<T>();
    }
    return *static_cast<T*>(slot.get());
  }

 private:
  ContextOptions options_;
  std::shared_ptr<Credentials> credentials_;
  LruCache<StoredObject> memory_cache_;
  DecodedChunkCache decoded_chunks_;
  std::mutex start_mutex_;
  std::unique_ptr<ThreadPool> pool_;
  std::unique_ptr<HttpTransport> transport_;
  mutable std::mutex warn_mutex_;
  WarningSink warning_sink_;
  std::recursive_mutex resources_mutex_;
  std::map<std::type_index, std::shared_ptr<void>> resources_;
};

}  // namespace imagery::io
