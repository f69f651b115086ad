// libFuzzer entry point of fuzz_annotation_file (the target is in fuzz_annotation_file.h, which
// the regression test replays).
#include "fuzz/fuzz_annotation_file.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  imagery::fuzz::fuzz_annotation_file(data, size);
  return 0;
}
