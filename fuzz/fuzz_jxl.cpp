// libFuzzer entry point of fuzz_jxl (the target is in fuzz_jxl.h, which the regression test
// replays).
#include "fuzz/fuzz_jxl.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  imagery::fuzz::fuzz_jxl(data, size);
  return 0;
}
