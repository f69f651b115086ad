// How `imagery serve` ends: on SIGTERM or SIGINT it stops accepting connections, lets the
// requests in flight finish for up to the drain deadline, then cancels what is still running
// (its reads stop with kCancelled and answer 503) and returns, so the process exits 0.
#pragma once

#include <chrono>

#include "imagery/serve/server.h"

namespace imagery::serve {

// Blocks SIGTERM and SIGINT in the calling thread (call before any thread starts, so that every
// thread inherits the mask and the signals reach only the waiting thread).
void block_shutdown_signals();

// Serves until SIGTERM or SIGINT, then drains as above. Returns the signal that ended it.
int serve_until_signal(Server& server, std::chrono::milliseconds drain_deadline);

}  // namespace imagery::serve
