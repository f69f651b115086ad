// libFuzzer entry point of fuzz_zarr_chunk (the target is in fuzz_zarr_chunk.h, which the
// regression test replays).
#include "fuzz/fuzz_zarr_chunk.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  imagery::fuzz::fuzz_zarr_chunk(data, size);
  return 0;
}
