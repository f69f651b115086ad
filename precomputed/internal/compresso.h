// The `compresso` chunk encoding: seung-lab's variant of Compresso (Matejek et al. 2017), which
// CloudVolume writes for segmentation scales (`compresso.compress(chunk)`, then gzip transport,
// which volume.cpp undoes before this decoder sees the bytes). Labels of 1, 2, 4 or 8 bytes.
//
// The stream, all integers little-endian:
//   header, 36 bytes:
//     0  "cpso"      4  format version (u8)    5  label width in bytes (u8: 1, 2, 4, 8)
//     6  sx, sy, sz (u16 each: the chunk's own, clipped, size)
//     12 xstep, ystep, zstep (u8 each: the window size; their product p is 1..64)
//     15 id count (u64)   23 window-value count (u32)   27 location count (u64)
//     35 connectivity (u8: 4 = per z-slice, 6 = in 3-D)
//   ids[id count]                  label width each: the label of component c is ids[c - 1]
//   window values[value count]     W bytes each, distinct, ascending; W = 1, 2, 4, 8 bytes for
//                                  p <= 8, 16, 32, 64
//   locations[location count]      label width each: how boundary voxels get their labels
//   windows                        W bytes each, run-length coded, filling the rest up to the tail
//   (version 1 only) tail: sz component counts, then sz location counts shifted by one slice
//                                  (entry 0 is 0, entry z the count of slice z - 1); each entry
//                                  I bytes, I = 1, 2, 4 or 8 as 2*sx*sy < 255, 65535, 2^32 - 1.
//
// Decoding:
//   1. Windows: the chunk is cut into ceil(sx/xstep) x ceil(sy/ystep) x ceil(sz/zstep) windows (x
//      fastest). Each run-length entry v is either a run of v >> 1 windows holding value index 0
//      (v odd) or one window holding index v >> 1 (v even). Voxel (x, y, z) is a boundary voxel
//      when bit (x%xs) + xs*((y%ys) + ys*(z%zs)) of its window's value is set.
//   2. Components: the non-boundary voxels are labelled 4-connected within each z-slice
//      (connectivity 4, numbering carried on from slice to slice) or 6-connected in 3-D, numbered
//      1, 2, ... by first voxel in raster order (raster_components.h); they take their ids.
//   3. Boundary voxels, in raster order once step 2 is complete: the label of the voxel to the
//      left if that is not a boundary voxel, else of the one above (y - 1), else (connectivity 6)
//      of the one in the previous slice; else the next location says: 0 left, 1 right, 2 up,
//      3 down, 4 previous slice, 5 next slice, 6 "the location after me is the label itself",
//      k >= 7 the label k - 7.
//
// Versions: 0 has no tail; 1 (what CloudVolume writes: steps 4x4x1, connectivity 4) adds it and
// never refers to another slice (no codes 4 and 5), so each slice decodes on its own: a cutout of
// a few sections decodes only those. Versions above 1 are refused.
//
// Traps: the header is 36 bytes (the format's README says 35); the window width depends on the
// step product, and CloudVolume falls back from 4x4x1 to 8x8x1 windows chunk by chunk, so one
// volume mixes them; the tail's entry width comes from 2*sx*sy, not from the labels; a run of
// windows "without a value" holds window value 0, which is the empty pattern only when some
// window has no boundary; the locations of right, down and next-slice codes are read after the
// component pass (they point at non-boundary voxels, which are final by then).
//
// Every count, offset and index is checked against the stream and the chunk's size before use:
// the stream's dimensions must be the chunk's, counts must fit in the bytes, window values and
// component numbers in their tables, locations must be used up exactly. Memory stays within a few
// bytes per voxel of the slices decoded.
#pragma once

#include <span>
#include <string>

#include "imagery/precomputed/internal/chunk_copy.h"

namespace imagery::precomputed {

// Decodes the chunk's overlap with the target (whose dtype must have the stream's label width;
// one channel). Throws kDataLoss naming `name` for anything malformed or unsupported.
void decode_compresso_chunk(std::span<const std::byte> bytes, const ChunkTarget& target,
                            const std::string& name);

}  // namespace imagery::precomputed
