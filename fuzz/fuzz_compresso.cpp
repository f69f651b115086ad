// libFuzzer entry point of fuzz_compresso (the target is in fuzz_compresso.h, which the regression
// test replays).
#include "fuzz/fuzz_compresso.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  imagery::fuzz::fuzz_compresso(data, size);
  return 0;
}
