#include "imagery/graphics/text.h"

#include <cairo-ft.h>
#include <ft2build.h>
#include FT_FREETYPE_H
#include FT_ADVANCES_H

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>

#include "imagery/core/error.h"
#include "imagery/graphics/internal/fonts.h"

namespace imagery::graphics {

namespace {

constexpr const char* kDebianFontDir = "/usr/share/fonts/truetype/dejavu";

// One font file, opened twice: a face for measuring (ours, used under `mutex`) and one that only
// cairo uses (cairo-ft serialises its own use of it). FreeType faces are not thread safe, and
// cairo locks only what it knows of.
struct LoadedFont {
  std::mutex mutex;
  FT_Face face = nullptr;
  cairo_font_face_t* cairo_face = nullptr;
};

struct FontCache {
  std::mutex mutex;  // guards `fonts` and FT_New_Face on `library` (FreeType asks for a lock there)
  FT_Library library = nullptr;
  std::map<std::string, std::unique_ptr<LoadedFont>> fonts;
};

// Kept for the life of the process (never destroyed, so it stays reachable for leak checkers).
FontCache& cache() {
  static FontCache* c = [] {
    auto* fc = new FontCache;
    if (FT_Init_FreeType(&fc->library) != 0) fc->library = nullptr;
    return fc;
  }();
  return *c;
}

LoadedFont& load_font(bool bold) {
  const std::string path = font_path(bold);
  FontCache& c = cache();
  std::lock_guard lock(c.mutex);
  auto it = c.fonts.find(path);
  if (it != c.fonts.end()) return *it->second;
  if (!c.library) fail(ErrorCode::kInternal, "FreeType could not be initialised");
  auto font = std::make_unique<LoadedFont>();
  FT_Face cairo_ft = nullptr;
  if (FT_New_Face(c.library, path.c_str(), 0, &font->face) != 0 ||
      FT_New_Face(c.library, path.c_str(), 0, &cairo_ft) != 0) {
    if (font->face) FT_Done_Face(font->face);
    fail(ErrorCode::kDataLoss, path + ": FreeType cannot read this font file");
  }
  if (!FT_IS_SCALABLE(font->face) || font->face->units_per_EM == 0) {
    FT_Done_Face(font->face);
    FT_Done_Face(cairo_ft);
    fail(ErrorCode::kDataLoss, path + ": not a scalable (outline) font");
  }
  font->cairo_face = cairo_ft_font_face_create_for_ft_face(cairo_ft, FT_LOAD_NO_HINTING);
  LoadedFont& ref = *font;
  c.fonts.emplace(path, std::move(font));
  return ref;
}

// The next code point of `text` from `at` (advanced past it); malformed input gives U+FFFD and
// advances one byte.
char32_t next_code_point(std::string_view text, std::size_t& at) {
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
  const unsigned char b0 = byte(at);
  int length = b0 < 0x80           ? 1
               : (b0 >> 5) == 0x6  ? 2
               : (b0 >> 4) == 0xE  ? 3
               : (b0 >> 3) == 0x1E ? 4
                                   : 0;
  if (length == 1) {
    ++at;
    return b0;
  }
  if (length == 0 || at + length > text.size()) {
    ++at;
    return 0xFFFD;
  }
  char32_t cp = b0 & (0x7F >> length);
  for (int i = 1; i < length; ++i) {
    const unsigned char b = byte(at + i);
    if ((b & 0xC0) != 0x80) {
      ++at;
      return 0xFFFD;
    }
    cp = (cp << 6) | (b & 0x3F);
  }
  static constexpr char32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
  if (cp < kMin[length] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
    ++at;
    return 0xFFFD;
  }
  at += length;
  return cp;
}

int append_utf8(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
    return 1;
  }
  if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
    return 2;
  }
  if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
    return 3;
  }
  out += static_cast<char>(0xF0 | (cp >> 18));
  out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
  out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
  out += static_cast<char>(0x80 | (cp & 0x3F));
  return 4;
}

void check_size(double size) {
  if (!std::isfinite(size) || size <= 0)
    fail(ErrorCode::kInvalidArgument,
         "text size must be a positive number of scene units, not " + std::to_string(size));
}

}  // namespace

std::string font_path(bool bold) {
  const char* dir = std::getenv("IMAGERY_FONT_DIR");
  const std::filesystem::path folder = dir && *dir ? dir : kDebianFontDir;
  const std::string path = (folder / (bold ? "DejaVuSans-Bold.ttf" : "DejaVuSans.ttf")).string();
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec))
    fail(ErrorCode::kNotFound, path +
                                   ": font not found (install the Debian package "
                                   "fonts-dejavu-core, or set IMAGERY_FONT_DIR to a folder "
                                   "holding DejaVuSans.ttf and DejaVuSans-Bold.ttf)");
  return path;
}

std::string valid_utf8(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t at = 0; at < text.size();) append_utf8(out, next_code_point(text, at));
  return out;
}

GlyphLayout layout_text(std::string_view text, double size, bool bold) {
  check_size(size);
  LoadedFont& font = load_font(bold);
  std::lock_guard lock(font.mutex);
  const double scale = size / font.face->units_per_EM;
  GlyphLayout out;
  out.glyphs.reserve(text.size());
  // Advances are summed in font units and scaled once, so the layout does not depend on where
  // rounding happens.
  const bool kerning = FT_HAS_KERNING(font.face);
  long pen = 0;
  FT_UInt previous = 0;
  for (std::size_t at = 0; at < text.size();) {
    const char32_t cp = next_code_point(text, at);
    GlyphLayout::Glyph g;
    g.index = FT_Get_Char_Index(font.face, cp);
    FT_Vector kern{0, 0};
    if (kerning && previous != 0 && g.index != 0 &&
        FT_Get_Kerning(font.face, previous, static_cast<FT_UInt>(g.index), FT_KERNING_UNSCALED,
                       &kern) == 0)
      pen += kern.x;
    previous = static_cast<FT_UInt>(g.index);
    g.x = pen * scale;
    g.utf8_bytes = append_utf8(out.utf8, cp);
    FT_Fixed advance = 0;
    if (FT_Get_Advance(font.face, static_cast<FT_UInt>(g.index), FT_LOAD_NO_SCALE, &advance) != 0)
      advance = 0;
    pen += advance;
    out.glyphs.push_back(g);
  }
  out.width = pen * scale;
  return out;
}

TextExtents measure_text(std::string_view text, double size, bool bold) {
  const GlyphLayout layout = layout_text(text, size, bold);
  LoadedFont& font = load_font(bold);
  std::lock_guard lock(font.mutex);
  const double scale = size / font.face->units_per_EM;
  TextExtents e;
  e.width = layout.width;
  e.font_ascent = font.face->ascender * scale;
  e.font_descent = -font.face->descender * scale;
  long top = 0, bottom = 0;  // font units, y up
  bool ink = false;
  for (const auto& g : layout.glyphs) {
    if (FT_Load_Glyph(font.face, static_cast<FT_UInt>(g.index), FT_LOAD_NO_SCALE) != 0) continue;
    const FT_Glyph_Metrics& m = font.face->glyph->metrics;
    if (m.width == 0 || m.height == 0) continue;  // spaces
    const long glyph_top = m.horiBearingY, glyph_bottom = m.horiBearingY - m.height;
    top = ink ? std::max(top, glyph_top) : glyph_top;
    bottom = ink ? std::min(bottom, glyph_bottom) : glyph_bottom;
    ink = true;
  }
  if (ink) {
    e.ascent = top * scale;
    e.descent = -bottom * scale;
  }
  return e;
}

cairo_font_face_t* cairo_font_face(bool bold) {
  return load_font(bold).cairo_face;
}

void set_unhinted(cairo_t* cr) {
  cairo_font_options_t* options = cairo_font_options_create();
  cairo_font_options_set_hint_style(options, CAIRO_HINT_STYLE_NONE);
  cairo_font_options_set_hint_metrics(options, CAIRO_HINT_METRICS_OFF);
  cairo_font_options_set_antialias(options, CAIRO_ANTIALIAS_GRAY);
  cairo_set_font_options(cr, options);
  cairo_font_options_destroy(options);
}

}  // namespace imagery::graphics
