// TrueType fonts for PDFs: DejaVu's metrics, subsets that keep glyphs at their indices (with the
// parts of composite glyphs), a valid checksum, and refusals of bytes that are not a font.
#include "imagery/graphics/internal/truetype_font.h"

#include <catch2/catch.hpp>
#include <fstream>
#include <iterator>

#include "imagery/core/error.h"
#include "imagery/graphics/internal/fonts.h"
#include "imagery/graphics/text.h"

using namespace imagery;
using namespace imagery::graphics;

namespace {

std::vector<unsigned char> read_font(bool bold) {
  std::ifstream in(font_path(bold), std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::uint32_t be32(const std::vector<unsigned char>& b, std::size_t at) {
  return std::uint32_t{b[at]} << 24 | std::uint32_t{b[at + 1]} << 16 |
         std::uint32_t{b[at + 2]} << 8 | b[at + 3];
}

// The whole-file sfnt checksum (big-endian 32-bit words, zero padded).
std::uint32_t file_checksum(const std::vector<unsigned char>& b) {
  std::uint32_t sum = 0;
  std::vector<unsigned char> padded = b;
  while (padded.size() % 4) padded.push_back(0);
  for (std::size_t i = 0; i < padded.size(); i += 4) sum += be32(padded, i);
  return sum;
}

std::uint16_t glyph_of(const char* utf8, bool bold = false) {
  const GlyphLayout layout = layout_text(utf8, 10, bold);
  REQUIRE(layout.glyphs.size() == 1);
  return static_cast<std::uint16_t>(layout.glyphs[0].index);
}

// A glyph's outline bytes, found through the font's loca table (long or short offsets).
std::vector<unsigned char> outline(const std::vector<unsigned char>& font, std::uint16_t glyph) {
  std::map<std::string, std::pair<std::uint32_t, std::uint32_t>> tables;
  const std::uint32_t count = std::uint32_t{font[4]} << 8 | font[5];
  for (std::uint32_t i = 0; i < count; ++i)
    tables[std::string(font.begin() + 12 + i * 16, font.begin() + 16 + i * 16)] = {
        be32(font, 12 + i * 16 + 8), be32(font, 12 + i * 16 + 12)};
  const auto head = tables.at("head").first, loca = tables.at("loca").first,
             glyf = tables.at("glyf").first;
  const bool long_offsets = (font[head + 50] << 8 | font[head + 51]) != 0;
  const auto at = [&](std::uint32_t g) -> std::uint32_t {
    if (long_offsets) return be32(font, loca + 4 * g);
    return 2u * (std::uint32_t{font[loca + 2 * g]} << 8 | font[loca + 2 * g + 1]);
  };
  return {font.begin() + glyf + at(glyph), font.begin() + glyf + at(glyph + 1)};
}

}  // namespace

TEST_CASE("DejaVu Sans's metrics are read from its tables", "[graphics][pdf][font]") {
  const TrueTypeFont font(read_font(false), "DejaVuSans.ttf");
  CHECK(font.units_per_em() == 2048);
  CHECK(font.postscript_name() == "DejaVuSans");
  CHECK(font.ascent() == 1901);
  CHECK(font.descent() == -483);
  CHECK(font.glyph_count() > 5000);
  // The advance of "m" agrees with the layout's (FreeType's) unhinted advance.
  const GlyphLayout mm = layout_text("mm", 2048, false);
  CHECK(font.advance(glyph_of("m")) == Approx(mm.glyphs[1].x));
  CHECK(font.advance(60000) == 0);
  CHECK(TrueTypeFont(read_font(true), "DejaVuSans-Bold.ttf").postscript_name() ==
        "DejaVuSans-Bold");
}

TEST_CASE("a font subset keeps the glyphs asked for at their indices and empties the rest",
          "[graphics][pdf][font]") {
  const std::vector<unsigned char> bytes = read_font(false);
  const TrueTypeFont font(bytes, "DejaVuSans.ttf");
  const std::uint16_t a = glyph_of("a"), mu = glyph_of("\u00b5"), z = glyph_of("z");
  const std::vector<unsigned char> subset = font.subset({a, mu});
  CHECK(subset.size() < bytes.size() / 5);
  const TrueTypeFont again(subset, "subset");  // a font that reads back
  CHECK(again.glyph_count() == font.glyph_count());
  CHECK(again.advance(a) == font.advance(a));
  CHECK(again.advance(z) == font.advance(z));  // metrics of every glyph stay
  CHECK(outline(subset, a) == outline(bytes, a));
  CHECK(outline(subset, mu) == outline(bytes, mu));
  CHECK(!outline(bytes, z).empty());
  CHECK(outline(subset, z).empty());
  CHECK(outline(subset, 0) == outline(bytes, 0));  // .notdef always stays
  // head.checkSumAdjustment makes the whole file sum to the magic number.
  CHECK(file_checksum(subset) == 0xB1B0AFBAu);
}

TEST_CASE("a subset keeps the parts of composite glyphs", "[graphics][pdf][font]") {
  const std::vector<unsigned char> bytes = read_font(false);
  const TrueTypeFont font(bytes, "DejaVuSans.ttf");
  const std::uint16_t e_acute = glyph_of("\u00e9"), e = glyph_of("e");
  const std::vector<unsigned char> original = outline(bytes, e_acute);
  REQUIRE(original.size() > 10);
  // DejaVu builds é from e and an acute accent (a negative contour count marks a composite).
  REQUIRE(static_cast<std::int16_t>(original[0] << 8 | original[1]) < 0);
  const std::vector<unsigned char> subset = font.subset({e_acute});
  CHECK(outline(subset, e_acute) == original);
  CHECK(outline(subset, e) == outline(bytes, e));
  CHECK(outline(subset, glyph_of("a")).empty());
}

TEST_CASE("bytes that are not a TrueType font are refused with the file's name",
          "[graphics][pdf][font]") {
  const auto refused = [](std::vector<unsigned char> bytes) {
    try {
      TrueTypeFont font(std::move(bytes), "broken.ttf");
    } catch (const Error& e) {
      CHECK(e.code() == ErrorCode::kDataLoss);
      CHECK_THAT(e.what(), Catch::Contains("broken.ttf"));
      return true;
    }
    return false;
  };
  CHECK(refused({}));
  CHECK(refused({'O', 'T', 'T', 'O', 0, 0, 0, 0, 0, 0, 0, 0}));  // CFF outlines
  std::vector<unsigned char> font = read_font(false);
  CHECK(refused({font.begin(), font.begin() + 1000}));  // tables past the end
  // A glyph count in maxp larger than loca can hold.
  std::vector<unsigned char> bad = font;
  const std::uint32_t count = std::uint32_t{bad[4]} << 8 | bad[5];
  for (std::uint32_t i = 0; i < count; ++i)
    if (std::string(bad.begin() + 12 + i * 16, bad.begin() + 16 + i * 16) == "maxp") {
      const std::uint32_t at = be32(bad, 12 + i * 16 + 8);
      bad[at + 4] = 0xFF;
      bad[at + 5] = 0xFF;
    }
  CHECK(refused(bad));
}
