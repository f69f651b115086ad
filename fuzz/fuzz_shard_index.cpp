// libFuzzer entry point of fuzz_shard_index (the target is in fuzz_shard_index.h, which the
// regression test replays).
#include "fuzz/fuzz_shard_index.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  imagery::fuzz::fuzz_shard_index(data, size);
  return 0;
}
