#include "imagery/palettes/palette.h"

#include "imagery/core/error.h"
#include "imagery/palettes/internal/hls.h"
#include "imagery/palettes/internal/husl.h"
#include "imagery/palettes/named_palettes.h"

namespace imagery::palettes {

std::vector<RgbF> discrete_colors(std::string_view palette, std::size_t n,
                                  const PaletteParams& params) {
  if (palette == "husl") return husl_palette(n, params.h, params.s, params.l);
  if (palette == "hls") return hls_palette(n, params.h, params.l, params.s);
  const std::vector<RgbF>* base = named_palette(palette);
  if (!base)
    fail(ErrorCode::kInvalidArgument,
         "unknown palette '" + std::string(palette) + "' (known: " + palette_names_text() + ")");
  std::vector<RgbF> out;
  out.reserve(n);
  for (std::size_t i = 0; i < n; ++i) out.push_back((*base)[i % base->size()]);
  return out;
}

bool is_palette_name(std::string_view palette) {
  return palette == "husl" || palette == "hls" || named_palette(palette) != nullptr;
}

std::string palette_names_text() {
  std::string text = "husl, hls";
  for (std::string_view name : named_palette_names()) {
    text += ", ";
    text += name;
  }
  return text;
}

}  // namespace imagery::palettes
