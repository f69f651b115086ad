#include "imagery/serve/prefetcher.h"

#include <sys/resource.h>
#include <unistd.h>

#include <chrono>

namespace imagery::serve {

std::vector<TileRequest> neighbours_of(const TileRequest& tile) {
  std::vector<TileRequest> out;
  const auto with = [&](std::int64_t dx, std::int64_t dy, std::int64_t dz) {
    TileRequest t = tile;
    t.x += dx;
    t.y += dy;
    t.z += dz;
    if (t.x >= 0 && t.y >= 0) out.push_back(std::move(t));
  };
  // z first: scrolling through sections is what a viewer does most after panning.
  with(0, 0, 1);
  with(0, 0, -1);
  with(1, 0, 0);
  with(-1, 0, 0);
  with(0, 1, 0);
  with(0, -1, 0);
  return out;
}

Prefetcher::Prefetcher(Admission& admission, RenderTile render, std::size_t max_queued)
    : admission_(admission),
      render_(std::move(render)),
      max_queued_(max_queued),
      thread_([this] { run(); }) {}

Prefetcher::~Prefetcher() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    current_.request_stop();
  }
  wake_.notify_all();
  thread_.join();
}

void Prefetcher::after_request(const TileRequest& tile,
                               const std::function<bool(const TileRequest&)>& skip) {
  std::vector<TileRequest> wanted;
  for (TileRequest& t : neighbours_of(tile))
    if (!skip(t)) wanted.push_back(std::move(t));
  {
    std::lock_guard lock(mutex_);
    for (TileRequest& t : wanted) {
      const std::string key = tile_cache_key(t);
      if (!queued_keys_.insert(key).second) continue;
      queue_.push_back(std::move(t));
      while (queue_.size() > max_queued_) {
        queued_keys_.erase(tile_cache_key(queue_.front()));
        queue_.pop_front();
      }
    }
  }
  wake_.notify_all();
}

void Prefetcher::preempt() {
  std::lock_guard lock(mutex_);
  current_.request_stop();
}

void Prefetcher::run() {
  // The lowest priority for this thread alone (Linux schedules threads by their own nice value).
  ::setpriority(PRIO_PROCESS, static_cast<id_t>(::gettid()), 19);
  std::unique_lock lock(mutex_);
  while (true) {
    wake_.wait_for(lock, std::chrono::milliseconds(20),
                   [&] { return stopping_ || (!queue_.empty() && admission_.inflight() == 0); });
    if (stopping_) return;
    if (queue_.empty() || admission_.inflight() != 0) continue;
    TileRequest tile = std::move(queue_.front());
    queue_.pop_front();
    queued_keys_.erase(tile_cache_key(tile));
    current_ = std::stop_source();
    const std::stop_token stop = current_.get_token();
    lock.unlock();
    render_(tile, stop);
    lock.lock();
  }
}

}  // namespace imagery::serve
