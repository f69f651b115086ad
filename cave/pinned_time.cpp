#include "imagery/cave/pinned_time.h"

namespace imagery::cave {

namespace {
struct PinnedNow {
  Timestamp instant = now_timestamp();
};
}  // namespace

Timestamp pinned_now(io::Context& context) {
  return context.resource<PinnedNow>().instant;
}

}  // namespace imagery::cave
