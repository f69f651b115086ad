// The glyph layout behind text.h, for the renderers: a string as glyph indices and positions in
// the DejaVu face, and that face for cairo (a cairo-ft face over the same file, so cairo draws
// exactly the outlines FreeType measured).
#pragma once

#include <cairo.h>

#include <string>
#include <string_view>
#include <vector>

namespace imagery::graphics {

struct GlyphLayout {
  struct Glyph {
    unsigned long index = 0;  // in the font
    double x = 0;             // pen position relative to the text's start, scene units
    int utf8_bytes = 0;       // length of the character it draws in `utf8`
  };
  std::vector<Glyph> glyphs;
  std::string utf8;  // the text re-encoded as valid UTF-8 (malformed bytes became U+FFFD)
  double width = 0;  // advance of the whole string
};

// `text` with malformed UTF-8 replaced by U+FFFD, as layout_text reads it (needs no font).
std::string valid_utf8(std::string_view text);

// `text` laid out at em size `size` from x = 0 (see text.h for the rules).
GlyphLayout layout_text(std::string_view text, double size, bool bold);

// The cairo font face of DejaVu Sans (Bold), loaded once per file and kept for the process.
// Hinting is off: glyphs keep their design outlines at every size, like the advances above.
cairo_font_face_t* cairo_font_face(bool bold);

// Font options for cairo contexts that draw text: no hinting of outlines or metrics.
void set_unhinted(cairo_t* cr);

}  // namespace imagery::graphics
