// libFuzzer entry point of fuzz_manifest (the target is in fuzz_manifest.h, which the regression
// test replays).
#include "fuzz/fuzz_manifest.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  imagery::fuzz::fuzz_manifest(data, size);
  return 0;
}
