// Prefetching the tiles a viewer asks next: after a tile request, its neighbours at the same
// level and the same tile at z - 1 and z + 1 are rendered into the tile cache on one background
// thread at the lowest CPU priority, only while no client request is in flight, and a tile
// being prefetched is cancelled the moment a client request is admitted, so a client never
// waits for one.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <set>
#include <stop_token>
#include <string>
#include <thread>

#include "imagery/serve/admission.h"
#include "imagery/serve/tile_renderer.h"

namespace imagery::serve {

class Prefetcher {
 public:
  // `render` renders one tile into the cache (and logs it); it is given a stop token.
  using RenderTile = std::function<void(const TileRequest&, std::stop_token)>;
  Prefetcher(Admission& admission, RenderTile render, std::size_t max_queued = 64);
  ~Prefetcher();
  Prefetcher(const Prefetcher&) = delete;
  Prefetcher& operator=(const Prefetcher&) = delete;

  // Queues the neighbours of `tile` (those not already queued); the oldest queued tiles are
  // dropped beyond max_queued. `skip` says which are already cached.
  void after_request(const TileRequest& tile, const std::function<bool(const TileRequest&)>& skip);
  // Cancels the tile being prefetched (a client request was admitted).
  void preempt();

 private:
  void run();

  Admission& admission_;
  RenderTile render_;
  const std::size_t max_queued_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<TileRequest> queue_;
  std::set<std::string> queued_keys_;
  std::stop_source current_;
  bool stopping_ = false;
  std::thread thread_;
};

// The tiles prefetched after `tile`: x +- 1 and y +- 1 at its level, and z +- 1 (those outside
// the grid are filtered out when rendered).
std::vector<TileRequest> neighbours_of(const TileRequest& tile);

}  // namespace imagery::serve
