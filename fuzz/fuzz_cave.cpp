// libFuzzer entry point of fuzz_cave (the target is in fuzz_cave.h, which the regression test
// replays).
#include "fuzz/fuzz_cave.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  imagery::fuzz::fuzz_cave(data, size);
  return 0;
}
