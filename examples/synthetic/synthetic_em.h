// Synthetic EM-like data for the demo volume and the benchmarks: warped,
// touching cells with ids in several ranges (small, above 2^32, above 2^40), a
// background pocket of id 0, and a grey image with dark membranes along the
// cell boundaries, lighter cytoplasm, vesicle-like dots and noise.
#pragma once

#include <cstdint>

namespace imagery::synthetic {

// A 64-bit integer hash (SplitMix/Murmur-style finaliser) for reproducible pseudo-random patterns.
std::uint64_t mix64(std::uint64_t x);

// Segment id at voxel (x, y, z) of a grid of `cell_size` voxels (segmentation resolution).
std::uint64_t label_at(std::int64_t x, std::int64_t y, std::int64_t z, double cell_size = 48.0);

// Grey value at image voxel (x, y, z); the image is `ratio` times finer than the labels in x and y.
std::uint8_t grey_at(std::int64_t x, std::int64_t y, std::int64_t z, int ratio = 2,
                     double cell_size = 48.0);

}  // namespace imagery::synthetic
