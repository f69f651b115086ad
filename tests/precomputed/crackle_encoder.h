// A crackle encoder for tests, fuzzing and benchmarks (no encoder is packaged in Debian). It is
// written from the format as precomputed/internal/crackle.h and crack_codes.h describe it, not
// from seung-lab's code: its chains are a plain depth-first walk of each slice's cracks (crackle
// walks them in another order, so crack codes differ byte for byte while meaning the same), its
// pins a simple greedy cover. What is fixed by the format is checked against real streams: the
// flat label section and every CRC come out byte for byte as crackle writes them
// (crackle_public_test.cpp).
#pragma once

#include <cstddef>
#include <optional>
#include <vector>

#include "imagery/core/array.h"

namespace imagery::testing {

struct CrackleOptions {
  int version = 1;       // 0: 24-byte header, no CRCs
  bool pins = false;     // condensed pins instead of flat labels (needs more than one slice)
  int markov_order = 0;  // 0: plain 2-bit codes
  // A crack joins its two pixels instead of separating them. Unset: as crackle decides, when
  // fewer than half the neighbouring voxel pairs (in memory order) hold equal labels.
  std::optional<bool> permissible;
  int stored_width = 0;  // bytes per stored label; 0: the fewest that hold the largest label
};

// Encodes x-fastest labels (an integer Array of one channel; its element size is the label
// width, a signed dtype sets the signed bit).
std::vector<std::byte> encode_crackle(const Array& labels, const CrackleOptions& options = {});

}  // namespace imagery::testing
