// libFuzzer entry point of fuzz_neuroglancer_state (the target is in fuzz_neuroglancer_state.h,
// which the regression test replays).
#include "fuzz/fuzz_neuroglancer_state.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  imagery::fuzz::fuzz_neuroglancer_state(data, size);
  return 0;
}
