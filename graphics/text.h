// Text in figures: the fonts every output format uses (DejaVu Sans and DejaVu Sans Bold, read
// from their files) and the size of a string in them, so that the figure layer can place labels
// before anything is drawn.
//
// Text is laid out the same way everywhere: one glyph per character from the font's cmap, each
// advanced by its unhinted advance width plus the kerning of the pair in the font's kern table
// (what SVG viewers apply to DejaVu Sans: their GPOS kerning has the same values), and no other
// shaping. measure_text, the raster renderer and the PDF writer all use this layout, so a label
// measured here covers the pixels it is drawn on.
#pragma once

#include <string>
#include <string_view>

namespace imagery::graphics {

// Where DejaVu Sans (`bold`: DejaVu Sans Bold) is read from: $IMAGERY_FONT_DIR when set, else
// Debian's /usr/share/fonts/truetype/dejavu. Throws kNotFound naming the path when the file is
// missing.
std::string font_path(bool bold);

// A string's size in scene units at em size `size`: `width` is the advance (where the next text
// would start), `ascent` and `descent` how far the glyphs' ink reaches above and below the
// baseline (descent is positive below it; both 0 for blank text). `font_ascent` and
// `font_descent` are the font's own line metrics, the same for every string.
struct TextExtents {
  double width = 0;
  double ascent = 0, descent = 0;
  double font_ascent = 0, font_descent = 0;
};

// `text` is UTF-8 (malformed bytes count as U+FFFD); characters missing from the font are drawn
// as its empty-box glyph. Throws kNotFound when the font file is missing, kDataLoss when it is
// not a font.
TextExtents measure_text(std::string_view text, double size, bool bold);

}  // namespace imagery::graphics
