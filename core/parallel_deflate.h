// Deflating pictures on a thread pool: the rows of a picture as PNG scanlines (each row behind a
// filter byte, the "up" filter) compressed as one zlib stream whose horizontal strips are
// deflated in parallel and joined (each strip ends on a byte-aligned sync flush, the Adler-32
// checksums are combined), the way pigz parallelises gzip. The stream is what a PNG's IDAT
// chunks hold and what a PDF image with /FlateDecode and /Predictor 15 holds, so both writers
// share it; and plain buffers (a PDF's content streams, a font) as one zlib stream.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "imagery/core/thread_pool.h"

namespace imagery {

// `pixels`: `height` rows of `rowbytes` bytes, top to bottom; `level` 0-9 (at level 0 no row is
// filtered: nothing would be compressed). Strips are deflated on `pool` (one after the other
// without one); their number depends on the picture alone, so the bytes are the same on every
// machine. Throws kInvalidArgument for a level outside 0-9 or an empty picture.
std::vector<unsigned char> deflate_scanlines(const std::uint8_t* pixels, std::size_t rowbytes,
                                             std::uint32_t height, int level,
                                             ThreadPool* pool = nullptr);

// `data` as one zlib stream at `level` 0-9.
std::vector<unsigned char> deflate_zlib(std::span<const unsigned char> data, int level);

}  // namespace imagery
