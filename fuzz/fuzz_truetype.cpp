// libFuzzer entry point of fuzz_truetype (the target is in fuzz_truetype.h, which the regression
// test replays).
#include "fuzz/fuzz_truetype.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  imagery::fuzz::fuzz_truetype(data, size);
  return 0;
}
