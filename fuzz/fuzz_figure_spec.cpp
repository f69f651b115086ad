// libFuzzer entry point of fuzz_figure_spec (the target is in fuzz_figure_spec.h, which the
// regression test replays).
#include "fuzz/fuzz_figure_spec.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  imagery::fuzz::fuzz_figure_spec(data, size);
  return 0;
}
