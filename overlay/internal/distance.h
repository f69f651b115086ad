// City-block (L1, 4-connected) distance transforms on a w x h picture. Repeating scipy's
// binary_dilation with its default cross `width` times reaches exactly the pixels within L1
// distance `width`, so one two-pass transform replaces `width` passes over the picture.
#pragma once

#include <cstdint>
#include <limits>
#include <vector>

namespace imagery::overlay {

// Larger than any distance inside a picture; the value for "no seed anywhere".
constexpr std::uint32_t kFarAway = std::numeric_limits<std::uint32_t>::max() / 2;

// dist[p] = L1 distance from p to the nearest pixel with seed[p] != 0 (0 on seeds).
void l1_distance(const std::uint8_t* seed, std::uint32_t w, std::uint32_t h, std::uint32_t* dist);

}  // namespace imagery::overlay
