// libFuzzer entry point of fuzz_annotation_source (the target is in fuzz_annotation_source.h, which
// the regression test replays).
#include "fuzz/fuzz_annotation_source.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  imagery::fuzz::fuzz_annotation_source(data, size);
  return 0;
}
