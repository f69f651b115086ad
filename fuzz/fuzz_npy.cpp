// libFuzzer entry point of fuzz_npy (the target is in fuzz_npy.h, which the regression test
// replays).
#include "fuzz/fuzz_npy.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  imagery::fuzz::fuzz_npy(data, size);
  return 0;
}
