// Fuzzes gzip/zlib inflation with an output cap.
#include <cstdint>

#include "imagery/core/error.h"
#include "imagery/precomputed/gzip.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  try {
    imagery::precomputed::gunzip({reinterpret_cast<const std::byte*>(data), size}, "fuzz", 0, 1 << 24);
  } catch (const imagery::Error&) {
  }
  return 0;
}
