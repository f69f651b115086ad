// The `crackle` chunk encoding (seung-lab/crackle), which CloudVolume writes for segmentation
// scales (`crackle.compress(chunk)`, then gzip transport, which volume.cpp undoes). Each z-slice
// is stored as the cracks between its differently labelled pixels (crack_codes.h) plus one label
// per 4-connected component of the pixels the cracks leave connected. Labels of 1 to 8 bytes.
//
// The stream, all integers little-endian:
//   header: 0 "crkl"  4 format version (u8: 0 or 1)  5 format bits (u16, below)
//           7 sx  11 sy  15 sz (u32 each)  19 log2 of the grid size (u8; writers use 31)
//           20 label-section bytes: u64 (version 1), u32 (version 0, whose header ends at 24)
//           28 (version 1) CRC-8 of bytes 5..27 (polynomial 0xE7 taken LSB first, start 0xFF)
//   slice index: sz u32 crack-code lengths; (version 1) u32 CRC-32C of those 4*sz bytes
//   label section (its length from the header), flat or pins, below
//   (Markov order k > 0) the model, ceil(5 * 4^k / 8) bytes
//   crack codes of slices 0 .. sz-1, back to back
//   (version 1) u32 CRC-32C of the label section, then sz u32: the CRC-32C of each slice's
//   component image (sx*sy u32 component numbers, x fastest)
//
// Format bits (bit 0 lowest): 0-1 log2 of the label width; 2-3 log2 of the width the labels are
// stored with (may be narrower); 4 crack meaning: 0 a crack separates two pixels (every other
// neighbour pair is joined), 1 a crack joins them (every other pair is separate); 5-6 label
// format: 0 flat, 2 pins (1, fixed-width pins, is refused: no writer makes it); 7 the decoded
// array is x-fastest (0: z-fastest, which holds the same [x, y, z] labels); 8 signed labels;
// 9-12 Markov order; 13 the unique labels are not sorted.
//
// Components: the 4-connected components of each slice's pixels as its cracks leave them, numbered
// from 0 in raster order of their first pixel (raster_components.h), slice by slice.
//
// Flat labels: u64 N, N unique labels (stored width), sz component counts (byte_width(sx*sy)
//   each), then one key per component of every slice in order (byte_width(N) each): component j
//   of slice z has label unique[key], its keys following those of the earlier slices.
// Pins: background label (stored width), u64 N, N unique labels (all but the background), sz
//   component counts, a width byte (bits 0-1 log2 width of the two counts, 2-3 of the depths, 4-5
//   of the component numbers), then per unique label i: pin count P, P voxel indices
//   (byte_width(sx*sy*sz) each, differences, the first absolute), P depths, component count C, C
//   component numbers counted over the whole chunk (differences, the first absolute). Every
//   component starts as background; each listed component takes label i, and each pin takes the
//   component under its pixel index % (sx*sy) in slices index / (sx*sy) to that plus its depth.
//
// Versions: 0 (crackle 0.4 to 0.16) has the 24-byte header and no CRC anywhere; 1 (0.18 on) adds
// the CRCs. Streams of crackle 0.17.x say version 1 but lack the index and tail CRCs: their
// lengths do not add up and they are refused, as crackle itself refuses them. Streams from before
// crackle 0.4 used another crack code and cannot be told apart; versions above 1 are refused.
//
// Traps: the header length depends on the version; the crack bit's meaning is as written here
// (crackle's README has it the other way round); key widths follow the count N (256 labels need
// 2-byte keys), component-count widths sx*sy, pin-index widths sx*sy*sz (which crackle computes
// in 32 bits: for chunks of 2^32 voxels or more, which nobody writes, it would differ from
// imagery's); stored labels may be
// narrower than the data type (and are sign-extended when signed); the grid size must cover the
// slice (smaller grids are refused: no writer makes them); a Markov model of order k takes
// ceil(5*4^k/8) bytes (crackle's Python helper floors it).
//
// Every length, count, key, component number and pin is checked against the stream and the
// chunk's size; the CRCs of version 1 are checked; memory stays within a few bytes per voxel of
// the slices decoded (each slice decodes on its own, so a cutout of a few sections decodes
// only those).
#pragma once

#include <span>
#include <string>

#include "imagery/precomputed/internal/chunk_copy.h"

namespace imagery::precomputed {

// Decodes the chunk's overlap with the target (whose dtype must have the stream's label width;
// one channel). Throws kDataLoss naming `name` for anything malformed or unsupported.
void decode_crackle_chunk(std::span<const std::byte> bytes, const ChunkTarget& target,
                          const std::string& name);

// CRC-8 with polynomial 0xE7 (LSB first), initial value 0xFF: the check of crackle's header.
std::uint8_t crackle_crc8(std::span<const std::byte> bytes);

}  // namespace imagery::precomputed
