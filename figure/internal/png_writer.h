// The PNG figure writer: each panel to its own PNG, RGBA or RGB as drawn (overlay/figure_png.h:
// zlib at the spec's level, strips deflated in parallel).
#pragma once

#include "imagery/figure/writer.h"

namespace imagery::figure {

class PngWriter : public FigureWriter {
 public:
  std::string_view format() const override { return "PNG"; }
  bool file_per_panel() const override { return true; }
  std::vector<std::byte> encode(std::span<const Panel> panels, const FigureSpec& spec,
                                ThreadPool* pool) const override;
};

}  // namespace imagery::figure
