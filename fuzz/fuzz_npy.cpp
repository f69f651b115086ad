// Fuzzes .npy decoding (headers, shapes, orders, dtypes).
#include <cstdint>

#include "imagery/core/error.h"
#include "imagery/core/npy.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  try {
    imagery::decode_npy({reinterpret_cast<const std::byte*>(data), size}, "fuzz.npy");
  } catch (const imagery::Error&) {
  }
  return 0;
}
