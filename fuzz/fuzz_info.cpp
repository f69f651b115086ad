// libFuzzer entry point of fuzz_info (the target is in fuzz_info.h, which the regression test
// replays).
#include "fuzz/fuzz_info.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  imagery::fuzz::fuzz_info(data, size);
  return 0;
}
