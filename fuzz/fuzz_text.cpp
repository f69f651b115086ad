// libFuzzer entry point of fuzz_text (the target is in fuzz_text.h, which the regression test
// replays).
#include "fuzz/fuzz_text.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  imagery::fuzz::fuzz_text(data, size);
  return 0;
}
