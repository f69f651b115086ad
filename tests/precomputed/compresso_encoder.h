// A compresso encoder for tests, fuzzing and benchmarks (no encoder is packaged in Debian). It is
// written from the format as precomputed/internal/compresso.h describes it, not from seung-lab's
// code, and is checked against real streams: given the same settings it writes CloudVolume's
// pinky40 chunks byte for byte (compresso_public_test.cpp).
#pragma once

#include <cstddef>
#include <vector>

#include "imagery/core/array.h"

namespace imagery::testing {

struct CompressoOptions {
  int xstep = 4, ystep = 4, zstep = 1;  // product 1..64
  int connectivity = 4;                 // 4 or 6 (6 needs version 0)
  int version = 1;                      // 1: with the per-slice index (CloudVolume's default)
};

// Encodes x-fastest labels (an integer Array of one channel; its element size is the label
// width). Throws kInvalidArgument for options the format cannot hold, as compresso does (more
// distinct windows than the window width can number: use larger steps).
std::vector<std::byte> encode_compresso(const Array& labels, const CompressoOptions& options = {});

}  // namespace imagery::testing
