// The `jxl` chunk encoding: one JPEG XL image per chunk (codestream or container), decoded with
// libjxl (Debian libjxl-dev). uint8 (8-bit samples) or uint16 (16-bit samples), 1 or 3 channels.
//
// The picture of a chunk of sx x sy x sz voxels, as CloudVolume writes it (chunks.py:
// encode_jpegxl through imagecodecs.jpegxl_encode) and Neuroglancer reads it
// (sliceview/jxl: jxl-oxide, every frame's samples one after the other, then read as a raw chunk):
//   - width sx, height sy*sz (any width x height with the chunk's voxel count is accepted, as
//     Neuroglancer does); its rows, top to bottom, are the voxels in x-fastest order (y, then z);
//   - 1 channel: one grey frame;
//   - 3 channels: CloudVolume hands imagecodecs a (3, sy*sz, sx) array, which it writes as an
//     animation of three grey frames, frame c holding channel c; Neuroglancer's concatenated
//     frames are then exactly the planar [x, y, z, c] chunk. A single RGB frame (what cjxl makes
//     from a colour picture, and the interleaved layout of the jpeg and png encodings) is read
//     too, its samples interleaved per voxel.
//
// Traps: CloudVolume's own decoder does not invert its encoder for 3 channels (it transposes the
// three frames to interleaved samples and reshapes them as planar), so its reads of 3-channel
// jxl are scrambled; imagery follows the frames, as Neuroglancer does. With sx <= 4,
// imagecodecs takes the (3, sy*sz, sx) array for one picture of sx samples per pixel instead:
// such chunks do not come out as described and are refused by the channel checks. libjxl would
// turn the picture by its orientation field and scale samples of another bit depth: imagery keeps
// the stored orientation and refuses a bit depth other than the volume's, alpha and extra
// channels, floating-point samples, and more frames than channels. Debian's libjxl prints its
// own diagnostics on stderr for corrupt data (no switch silences them): a missing signature and a
// truncated chunk are refused before libjxl sees them, so those stay one line of error.
//
// The picture's size is checked against the chunk before any pixel is decoded; decoding writes
// into one buffer of the chunk's size.
#pragma once

#include <span>
#include <string>
#include <vector>

#include "imagery/precomputed/internal/chunk_copy.h"

namespace imagery::precomputed {

// Decodes the chunk's overlap with the target (uint8 or uint16, `channels` 1 or 3). Throws
// kDataLoss naming `name` for corrupt data or a picture that does not fit the chunk.
void decode_jxl_chunk(std::span<const std::byte> bytes, const ChunkTarget& target, int channels,
                      const std::string& name);

// Encodes a uint8 or uint16 chunk (x-fastest, planar channels, 1 or 3) the way CloudVolume lays
// it out: width x, height y*z, one grey frame per channel. `lossless`, else at `distance`
// (Butteraugli distance, 1.0 is visually lossless); `effort` 1 (fastest) to 9.
std::vector<std::byte> encode_jxl_chunk(const std::byte* voxels, DataType dtype, const Vec3& shape,
                                        int channels, bool lossless = true, float distance = 1.0f,
                                        int effort = 3);

}  // namespace imagery::precomputed
