// FigureWriter: how a finished figure (a graphics::Scene) becomes the bytes of a file, chosen by
// the output's extension: PNG and TIFF are rasters (the scene drawn by graphics::render_raster,
// or the compositor's picture as it is when nothing is drawn over it), SVG and PDF are vectors
// (the imagery embedded at its native pixels, the overlay and every element as paths and text).
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "imagery/core/thread_pool.h"
#include "imagery/figure/print_size.h"
#include "imagery/graphics/scene.h"

namespace imagery::figure {

struct EncodeOptions {
  PrintSize print;
  // Whether the DPI was asked for (--dpi, --width-mm, --height-mm): PNGs record it only then, so
  // figures made without stay byte for byte as before.
  bool record_dpi = false;
  int png_level = 1;
  ThreadPool* pool = nullptr;
};

class FigureWriter {
 public:
  virtual ~FigureWriter() = default;
  // "PNG", for messages.
  virtual std::string_view format() const = 0;
  // Whether the overlay is drawn as vectors (traced polygons) rather than as pixels.
  virtual bool draws_vectors() const = 0;
  // The bytes of one file holding `scene`.
  virtual std::vector<std::byte> encode(const graphics::Scene& scene,
                                        const EncodeOptions& options) const = 0;
};

// The writer for `path` by its extension (case-insensitive; {i} patterns included). Throws
// kInvalidArgument naming the path and the extensions there are writers for.
std::unique_ptr<FigureWriter> writer_for(const std::string& path);
// ".png", ".svg", ".pdf", ".tif", ".tiff"
std::vector<std::string> writer_extensions();

// The picture of a scene that is one picture at its own size and nothing else (a figure
// without elements), else null: raster writers then write it untouched.
const overlay::Image* sole_picture(const graphics::Scene& scene);

}  // namespace imagery::figure
