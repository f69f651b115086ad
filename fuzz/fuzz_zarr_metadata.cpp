// libFuzzer entry point of fuzz_zarr_metadata (the target is in fuzz_zarr_metadata.h, which the
// regression test replays).
#include "fuzz/fuzz_zarr_metadata.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  imagery::fuzz::fuzz_zarr_metadata(data, size);
  return 0;
}
