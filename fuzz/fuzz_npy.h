// fuzz_npy: .npy decoding (headers, shapes, orders, dtypes).
#pragma once

#include <cstdint>

#include "imagery/core/error.h"
#include "imagery/core/npy.h"

namespace imagery::fuzz {

inline void fuzz_npy(const std::uint8_t* data, std::size_t size) {
  try {
    decode_npy({reinterpret_cast<const std::byte*>(data), size}, "fuzz.npy");
  } catch (const Error&) {
  }
}

}  // namespace imagery::fuzz
