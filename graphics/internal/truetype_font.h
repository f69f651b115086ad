// A TrueType font file read for embedding in PDFs: the metrics a PDF's font dictionaries carry
// (units per em, bounding box, ascent and descent, advance widths, the PostScript name) and a
// subset that keeps only the glyphs a document draws.
//
// The subset keeps every glyph index where it was (the PDF maps its two-byte codes to glyph
// indices one to one, /CIDToGIDMap /Identity) and empties the outlines of the glyphs not drawn,
// so DejaVu's ~700 KB shrink to a few KB per label. It holds the tables a PDF reader needs
// (head, hhea, maxp, hmtx, loca, glyf and the hinting tables cvt, fpgm, prep); composite glyphs
// keep the glyphs they are built from.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace imagery::graphics {

class TrueTypeFont {
 public:
  // Reads and checks the tables the subset and the metrics need. Throws kDataLoss naming `name`
  // when the bytes are not a TrueType font or a table reaches outside the file.
  TrueTypeFont(std::vector<unsigned char> bytes, std::string name);

  int units_per_em() const { return units_per_em_; }
  // xMin, yMin, xMax, yMax over all glyphs, font units.
  const std::int16_t* bbox() const { return bbox_; }
  int ascent() const { return ascent_; }
  int descent() const { return descent_; }  // negative below the baseline
  int glyph_count() const { return glyph_count_; }
  // The advance width of a glyph, font units (0 for an index past the last glyph).
  int advance(std::uint16_t glyph) const;
  // nameID 6 of the name table, or the file's name when it has none.
  const std::string& postscript_name() const { return postscript_name_; }

  // A font file holding the outlines of `glyphs` (and of glyph 0, and of the parts of composite
  // ones) at their own indices.
  std::vector<unsigned char> subset(const std::set<std::uint16_t>& glyphs) const;

 private:
  struct Table {
    std::uint32_t offset = 0, length = 0;
  };
  const Table& table(const char* tag) const;
  // The byte range of a glyph's outline inside glyf (empty for a blank glyph).
  std::pair<std::uint32_t, std::uint32_t> glyph_range(std::uint16_t glyph) const;

  std::vector<unsigned char> bytes_;
  std::string name_;
  std::map<std::string, Table> tables_;
  int units_per_em_ = 1000, ascent_ = 0, descent_ = 0, glyph_count_ = 0, metric_count_ = 0;
  std::int16_t bbox_[4] = {0, 0, 0, 0};
  bool long_offsets_ = false;
  std::string postscript_name_;
};

}  // namespace imagery::graphics
