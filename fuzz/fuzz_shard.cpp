// libFuzzer entry point of fuzz_shard (the target is in fuzz_shard.h, which the regression test
// replays).
#include "fuzz/fuzz_shard.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  imagery::fuzz::fuzz_shard(data, size);
  return 0;
}
