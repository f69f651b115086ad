// A PNG encoder for figures that deflates horizontal strips of the picture on the thread pool
// and joins them into one zlib stream (core/parallel_deflate.h). libpng writes the signature,
// IHDR, IDAT and IEND chunks around it. Every row uses the "up" filter (none at level 0), so the
// result decodes with any PNG reader and costs about 1/threads of a single zlib stream.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "imagery/core/thread_pool.h"

namespace imagery::overlay {

// `pixels`: rows top to bottom, `channels` 1-4 interleaved 8-bit samples; `level` 0-9. Strips
// are deflated on `pool` (one after the other without one); the bytes do not depend on it.
// `pixels_per_metre` > 0 adds a pHYs chunk with that resolution on both axes.
std::vector<std::byte> encode_png_parallel(const std::uint8_t* pixels, std::uint32_t width,
                                           std::uint32_t height, int channels, int level,
                                           ThreadPool* pool = nullptr,
                                           std::uint32_t pixels_per_metre = 0);

}  // namespace imagery::overlay
