// The instant "now" of a run: taken once per context on first use, so that every graphene read
// of a run without an explicit timestamp (every panel, every batch row) sees the same roots. The
// CLI takes it when a command starts.
#pragma once

#include "imagery/cave/timestamp.h"
#include "imagery/io/context.h"

namespace imagery::cave {

Timestamp pinned_now(io::Context& context);

}  // namespace imagery::cave
