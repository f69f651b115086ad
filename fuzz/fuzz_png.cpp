// libFuzzer entry point of fuzz_png (the target is in fuzz_png.h, which the regression test
// replays).
#include "fuzz/fuzz_png.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  imagery::fuzz::fuzz_png(data, size);
  return 0;
}
