#include "imagery/graphics/internal/truetype_font.h"

#include <algorithm>
#include <cstring>
#include <utility>

#include "imagery/core/error.h"

namespace imagery::graphics {

namespace {

std::uint32_t u16(const unsigned char* p) {
  return static_cast<std::uint32_t>(p[0]) << 8 | p[1];
}
std::uint32_t u32(const unsigned char* p) {
  return u16(p) << 16 | u16(p + 2);
}
void put16(std::vector<unsigned char>& out, std::uint32_t v) {
  out.push_back(static_cast<unsigned char>(v >> 8));
  out.push_back(static_cast<unsigned char>(v));
}
void put32(std::vector<unsigned char>& out, std::uint32_t v) {
  put16(out, v >> 16);
  put16(out, v & 0xFFFF);
}
void set16(std::vector<unsigned char>& out, std::size_t at, std::uint32_t v) {
  out[at] = static_cast<unsigned char>(v >> 8);
  out[at + 1] = static_cast<unsigned char>(v);
}
void set32(std::vector<unsigned char>& out, std::size_t at, std::uint32_t v) {
  set16(out, at, v >> 16);
  set16(out, at + 2, v & 0xFFFF);
}

// The sfnt checksum: the sum of big-endian 32-bit words, the data padded with zeros.
std::uint32_t checksum(const unsigned char* p, std::size_t n) {
  std::uint32_t sum = 0;
  for (std::size_t i = 0; i < n; i += 4) {
    unsigned char word[4] = {0, 0, 0, 0};
    std::memcpy(word, p + i, std::min<std::size_t>(4, n - i));
    sum += u32(word);
  }
  return sum;
}

// Composite glyph component flags (the glyf table's specification).
constexpr std::uint32_t kArgsAreWords = 0x0001, kHaveScale = 0x0008, kMoreComponents = 0x0020,
                        kHaveXYScale = 0x0040, kHaveTwoByTwo = 0x0080;

}  // namespace

TrueTypeFont::TrueTypeFont(std::vector<unsigned char> bytes, std::string name)
    : bytes_(std::move(bytes)), name_(std::move(name)) {
  const auto bad = [this](const std::string& why) -> void {
    fail(ErrorCode::kDataLoss, name_ + ": not a usable TrueType font (" + why + ")");
  };
  if (bytes_.size() < 12) bad("too short");
  const std::uint32_t version = u32(bytes_.data());
  if (version != 0x00010000 && version != 0x74727565) bad("not a TrueType outline font");
  const std::uint32_t count = u16(bytes_.data() + 4);
  if (12 + std::size_t{count} * 16 > bytes_.size()) bad("table directory cut short");
  for (std::uint32_t i = 0; i < count; ++i) {
    const unsigned char* entry = bytes_.data() + 12 + i * 16;
    Table t{u32(entry + 8), u32(entry + 12)};
    if (std::uint64_t{t.offset} + t.length > bytes_.size()) bad("a table reaches past the end");
    tables_[std::string(reinterpret_cast<const char*>(entry), 4)] = t;
  }
  for (const char* tag : {"head", "hhea", "maxp", "hmtx", "loca", "glyf"})
    if (!tables_.count(tag)) bad(std::string("no ") + tag + " table");

  const Table& head = table("head");
  if (head.length < 54) bad("head table cut short");
  const unsigned char* h = bytes_.data() + head.offset;
  units_per_em_ = static_cast<int>(u16(h + 18));
  if (units_per_em_ < 16 || units_per_em_ > 16384) bad("units per em out of range");
  for (int i = 0; i < 4; ++i) bbox_[i] = static_cast<std::int16_t>(u16(h + 36 + 2 * i));
  long_offsets_ = u16(h + 50) != 0;

  const Table& hhea = table("hhea");
  if (hhea.length < 36) bad("hhea table cut short");
  const unsigned char* hh = bytes_.data() + hhea.offset;
  ascent_ = static_cast<std::int16_t>(u16(hh + 4));
  descent_ = static_cast<std::int16_t>(u16(hh + 6));
  metric_count_ = static_cast<int>(u16(hh + 34));

  const Table& maxp = table("maxp");
  if (maxp.length < 6) bad("maxp table cut short");
  glyph_count_ = static_cast<int>(u16(bytes_.data() + maxp.offset + 4));
  if (glyph_count_ == 0) bad("no glyphs");
  if (metric_count_ == 0 || metric_count_ > glyph_count_ ||
      table("hmtx").length < 4 * static_cast<std::uint64_t>(metric_count_) +
                                 2 * static_cast<std::uint64_t>(glyph_count_ - metric_count_))
    bad("hmtx table does not match hhea");
  const std::uint64_t loca_entries = static_cast<std::uint64_t>(glyph_count_) + 1;
  if (table("loca").length < loca_entries * (long_offsets_ ? 4 : 2)) bad("loca table cut short");
  for (int g = 0; g < glyph_count_; ++g) {
    const auto [begin, end] = glyph_range(static_cast<std::uint16_t>(g));
    if (begin > end || end > table("glyf").length) bad("a glyph reaches outside glyf");
  }

  // The PostScript name (nameID 6): Macintosh Roman or Windows UTF-16, ASCII either way.
  if (tables_.count("name")) {
    const Table& nt = table("name");
    const unsigned char* n = bytes_.data() + nt.offset;
    if (nt.length >= 6) {
      const std::uint32_t records = u16(n + 2), strings = u16(n + 4);
      for (std::uint32_t i = 0; i < records && 6 + (i + 1) * 12 <= nt.length; ++i) {
        const unsigned char* r = n + 6 + i * 12;
        if (u16(r + 6) != 6) continue;
        const std::uint32_t platform = u16(r), length = u16(r + 8), offset = u16(r + 10);
        if (std::uint64_t{strings} + offset + length > nt.length) continue;
        const unsigned char* s = n + strings + offset;
        std::string text;
        const std::uint32_t step = platform == 3 || platform == 0 ? 2 : 1;
        for (std::uint32_t k = step - 1; k < length; k += step)
          if (s[k] > 32 && s[k] < 127 && s[k] != '/' && s[k] != '(' && s[k] != ')')
            text += static_cast<char>(s[k]);
        if (!text.empty()) {
          postscript_name_ = text;
          break;
        }
      }
    }
  }
  if (postscript_name_.empty()) postscript_name_ = "Font";
}

const TrueTypeFont::Table& TrueTypeFont::table(const char* tag) const {
  return tables_.at(tag);
}

std::pair<std::uint32_t, std::uint32_t> TrueTypeFont::glyph_range(std::uint16_t glyph) const {
  const unsigned char* loca = bytes_.data() + table("loca").offset;
  if (long_offsets_) return {u32(loca + 4 * glyph), u32(loca + 4 * (glyph + 1))};
  return {2 * u16(loca + 2 * glyph), 2 * u16(loca + 2 * (glyph + 1))};
}

int TrueTypeFont::advance(std::uint16_t glyph) const {
  if (glyph >= glyph_count_) return 0;
  const unsigned char* hmtx = bytes_.data() + table("hmtx").offset;
  const int metric = std::min<int>(glyph, metric_count_ - 1);
  return static_cast<int>(u16(hmtx + 4 * metric));
}

std::vector<unsigned char> TrueTypeFont::subset(const std::set<std::uint16_t>& glyphs) const {
  // The glyphs to keep: those asked for, glyph 0 (.notdef), and every component of a kept
  // composite glyph, followed to any depth.
  std::vector<bool> keep(glyph_count_, false);
  std::vector<std::uint16_t> pending{0};
  for (std::uint16_t g : glyphs)
    if (g < glyph_count_) pending.push_back(g);
  const unsigned char* glyf = bytes_.data() + table("glyf").offset;
  while (!pending.empty()) {
    const std::uint16_t g = pending.back();
    pending.pop_back();
    if (keep[g]) continue;
    keep[g] = true;
    const auto [begin, end] = glyph_range(g);
    if (end - begin < 10 || static_cast<std::int16_t>(u16(glyf + begin)) >= 0) continue;
    std::uint32_t at = begin + 10, flags = kMoreComponents;
    while ((flags & kMoreComponents) && at + 4 <= end) {
      flags = u16(glyf + at);
      const std::uint32_t component = u16(glyf + at + 2);
      if (component < static_cast<std::uint32_t>(glyph_count_))
        pending.push_back(static_cast<std::uint16_t>(component));
      at += 4 + ((flags & kArgsAreWords) ? 4 : 2);
      if (flags & kHaveScale)
        at += 2;
      else if (flags & kHaveXYScale)
        at += 4;
      else if (flags & kHaveTwoByTwo)
        at += 8;
    }
  }

  std::vector<unsigned char> new_glyf, new_loca;
  for (int g = 0; g < glyph_count_; ++g) {
    put32(new_loca, static_cast<std::uint32_t>(new_glyf.size()));
    if (!keep[g]) continue;
    const auto [begin, end] = glyph_range(static_cast<std::uint16_t>(g));
    new_glyf.insert(new_glyf.end(), glyf + begin, glyf + end);
    while (new_glyf.size() % 4) new_glyf.push_back(0);
  }
  put32(new_loca, static_cast<std::uint32_t>(new_glyf.size()));

  // Tables in tag order, as the directory must list them.
  std::map<std::string, std::vector<unsigned char>> out_tables;
  for (const char* tag : {"cvt ", "fpgm", "glyf", "head", "hhea", "hmtx", "loca", "maxp", "prep"}) {
    if (!tables_.count(tag)) continue;
    const Table& t = table(tag);
    out_tables[tag].assign(bytes_.begin() + t.offset, bytes_.begin() + t.offset + t.length);
  }
  out_tables["glyf"] = std::move(new_glyf);
  out_tables["loca"] = std::move(new_loca);
  std::vector<unsigned char>& head = out_tables["head"];
  set32(head, 8, 0);   // checkSumAdjustment, set once the whole file is known
  set16(head, 50, 1);  // indexToLocFormat: long offsets

  const std::uint32_t count = static_cast<std::uint32_t>(out_tables.size());
  std::uint32_t power = 1, log2 = 0;
  while (power * 2 <= count) power *= 2, ++log2;
  std::vector<unsigned char> out;
  put32(out, 0x00010000);
  put16(out, count);
  put16(out, power * 16);
  put16(out, log2);
  put16(out, count * 16 - power * 16);
  std::size_t offset = 12 + std::size_t{count} * 16;
  std::size_t head_at = 0;
  for (const auto& [tag, data] : out_tables) {
    out.insert(out.end(), tag.begin(), tag.end());
    put32(out, checksum(data.data(), data.size()));
    put32(out, static_cast<std::uint32_t>(offset));
    put32(out, static_cast<std::uint32_t>(data.size()));
    if (tag == "head") head_at = offset;
    offset += (data.size() + 3) / 4 * 4;
  }
  for (const auto& [tag, data] : out_tables) {
    out.insert(out.end(), data.begin(), data.end());
    while (out.size() % 4) out.push_back(0);
  }
  set32(out, head_at + 8, 0xB1B0AFBA - checksum(out.data(), out.size()));
  return out;
}

}  // namespace imagery::graphics
