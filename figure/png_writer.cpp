#include "imagery/figure/internal/png_writer.h"

#include "imagery/core/error.h"
#include "imagery/overlay/figure_png.h"

namespace imagery::figure {

std::vector<std::byte> PngWriter::encode(std::span<const Panel> panels, const FigureSpec& spec,
                                         ThreadPool* pool) const {
  if (panels.size() != 1)
    fail(ErrorCode::kInternal, "a PNG holds one panel, not " + std::to_string(panels.size()));
  return overlay::encode_figure_png(panels[0].picture, {spec.output.png_level, pool});
}

}  // namespace imagery::figure
