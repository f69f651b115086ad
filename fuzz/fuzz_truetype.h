// fuzz_truetype: the TrueType reader behind the PDF writer's embedded fonts (the font files come
// from the system or from $IMAGERY_FONT_DIR). A font it accepts must subset into a font it
// accepts again, with the same glyph count and advances.
#pragma once

#include <cstdint>
#include <set>
#include <vector>

#include "imagery/core/error.h"
#include "imagery/graphics/internal/truetype_font.h"

namespace imagery::fuzz {

inline void fuzz_truetype(const std::uint8_t* data, std::size_t size) {
  try {
    const graphics::TrueTypeFont font(std::vector<unsigned char>(data, data + size), "fuzz.ttf");
    std::set<std::uint16_t> glyphs;
    for (int g = 0; g < font.glyph_count() && g < 64; g += 3)
      glyphs.insert(static_cast<std::uint16_t>(g));
    const graphics::TrueTypeFont subset(font.subset(glyphs), "subset");
    if (subset.glyph_count() != font.glyph_count()) __builtin_trap();
    for (int g = 0; g < font.glyph_count() && g < 64; ++g)
      if (subset.advance(static_cast<std::uint16_t>(g)) !=
          font.advance(static_cast<std::uint16_t>(g)))
        __builtin_trap();
  } catch (const Error&) {
  }
}

}  // namespace imagery::fuzz
