// libFuzzer entry point of fuzz_crackle (the target is in fuzz_crackle.h, which the regression test
// replays).
#include "fuzz/fuzz_crackle.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  imagery::fuzz::fuzz_crackle(data, size);
  return 0;
}
