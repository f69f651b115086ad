// Decoding only some rows of a greyscale JPEG with libjpeg's scanline API. A chunk of a 2-D
// figure is one z section of a JPEG that stores all of the chunk's sections as rows (y*z rows of
// x pixels), so a 128x128x16 chunk read for one section needs 128 of its 2048 rows: the others
// are skipped without their inverse DCT. The whole entropy-coded stream is still read, so a
// damaged or truncated JPEG fails exactly as a full decode does, and the rows returned are
// bit-identical to a full decode with the accurate integer IDCT.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

namespace imagery::precomputed {

// Decodes rows [first_row, last_row) of a greyscale JPEG of `width` x `height` pixels into
// `pixels` (width * height bytes; other rows are left as they were). Throws kDataLoss naming
// `name` on corrupt data, a warning, a size other than width x height, colour data, or more than
// 500 progressive scans.
void decode_jpeg_grey_rows(std::span<const std::byte> bytes, int width, int height, int first_row,
                           int last_row, std::uint8_t* pixels, const std::string& name);

}  // namespace imagery::precomputed
