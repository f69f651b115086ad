// TIFF figures: a picture (grey, grey+alpha, RGB or RGBA, 8 bits) as a baseline TIFF in memory,
// written by libtiff. Alpha is an unassociated extra sample (straight, as the picture holds it);
// the resolution tags carry the DPI (XResolution = YResolution = dpi, ResolutionUnit = inch) and
// Software names imagery. Compression is lossless: deflate at level 1 with the horizontal
// predictor by default (the fastest that still shrinks imagery well; docs/graphics.md compares
// it with LZW), or LZW, or none.
//
// libtiff's messages never reach stderr: errors and warnings go to handlers of this handle, and
// an error becomes an exception carrying libtiff's message.
#pragma once

#include <cstddef>
#include <vector>

#include "imagery/overlay/image.h"

namespace imagery::graphics {

enum class TiffCompression { kNone, kDeflate, kLzw };

struct TiffOptions {
  double dpi = 0;  // 0: no resolution tags
  TiffCompression compression = TiffCompression::kDeflate;
  int deflate_level = 1;  // 1-9
};

// Throws kInvalidArgument for an empty picture, a pixel buffer that does not match its size, a
// negative or non-finite dpi or a level outside 1-9; kInternal when libtiff fails.
std::vector<std::byte> encode_tiff(const overlay::Image& image, const TiffOptions& options = {});

}  // namespace imagery::graphics
