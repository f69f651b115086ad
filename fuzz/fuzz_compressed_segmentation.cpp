// libFuzzer entry point of fuzz_compressed_segmentation (the target is in
// fuzz_compressed_segmentation.h, which the regression test replays).
#include "fuzz/fuzz_compressed_segmentation.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  imagery::fuzz::fuzz_compressed_segmentation(data, size);
  return 0;
}
