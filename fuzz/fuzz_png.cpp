// Fuzzes PNG decoding through libpng as imagery drives it (chunks and `stack` inputs).
#include <cstdint>

#include "imagery/core/error.h"
#include "imagery/core/png.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  try {
    imagery::decode_png({reinterpret_cast<const std::byte*>(data), size}, "fuzz.png");
  } catch (const imagery::Error&) {
  }
  return 0;
}
