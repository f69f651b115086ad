// libFuzzer entry point of fuzz_chunk (the target is in fuzz_chunk.h, which the regression test
// replays).
#include "fuzz/fuzz_chunk.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  imagery::fuzz::fuzz_chunk(data, size);
  return 0;
}
