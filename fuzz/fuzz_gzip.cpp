// libFuzzer entry point of fuzz_gzip (the target is in fuzz_gzip.h, which the regression test
// replays).
#include "fuzz/fuzz_gzip.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  imagery::fuzz::fuzz_gzip(data, size);
  return 0;
}
