// FigureWriter: how a rendered figure becomes the bytes of a file, chosen by the output's
// extension. PNG now (one file per panel); SVG, PDF and TIFF writers go beside it (one class and
// one line in writer_for() each).
#pragma once

#include <cstddef>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "imagery/core/thread_pool.h"
#include "imagery/figure/figure_spec.h"
#include "imagery/figure/render.h"

namespace imagery::figure {

class FigureWriter {
 public:
  virtual ~FigureWriter() = default;
  // "PNG", for messages.
  virtual std::string_view format() const = 0;
  // Whether each panel goes to a file of its own (else all panels make one file).
  virtual bool file_per_panel() const = 0;
  // The bytes of one file holding `panels`.
  virtual std::vector<std::byte> encode(std::span<const Panel> panels, const FigureSpec& spec,
                                        ThreadPool* pool) const = 0;
};

// The writer for `path` by its extension (case-insensitive; {i} patterns included). Throws
// kInvalidArgument naming the path and the extensions there are writers for.
std::unique_ptr<FigureWriter> writer_for(const std::string& path);
// ".png", ...
std::vector<std::string> writer_extensions();

}  // namespace imagery::figure
