#include "imagery/graphics/pdf_writer.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <string_view>

#include "imagery/core/error.h"
#include "imagery/core/parallel_deflate.h"
#include "imagery/graphics/internal/fonts.h"
#include "imagery/graphics/internal/truetype_font.h"
#include "imagery/graphics/text.h"
#include "imagery/version.h"

namespace imagery::graphics {

namespace {

constexpr double kPointsPerMm = 72 / 25.4;

// Numbers as PDF writes them: integers bare, others with up to four decimals (1/10000 of a
// scene unit is far below any device pixel), never in exponent form.
void put_pdf_number(std::string& out, double v) {
  char buf[48];
  if (v == std::floor(v) && std::abs(v) < 1e15) {
    const auto r = std::to_chars(buf, buf + sizeof buf, static_cast<long long>(v));
    out.append(buf, r.ptr);
    return;
  }
  auto r = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed, 4);
  char* end = r.ptr;
  while (end > buf && end[-1] == '0') --end;
  if (end > buf && end[-1] == '.') --end;
  if (end - buf == 2 && buf[0] == '-' && buf[1] == '0') {  // "-0.00001" rounds to "-0"
    out += '0';
    return;
  }
  out.append(buf, end);
}

void put_numbers(std::string& out, std::initializer_list<double> values) {
  for (double v : values) {
    put_pdf_number(out, v);
    out += ' ';
  }
}

void check_point(const Point& p) {
  if (!std::isfinite(p.x) || !std::isfinite(p.y))
    fail(ErrorCode::kInvalidArgument, "scene path: a point is not finite");
}

void put_subpaths(std::string& out, const std::vector<Polyline>& subpaths) {
  for (const Polyline& line : subpaths) {
    if (line.points.empty()) continue;
    for (std::size_t i = 0; i < line.points.size(); ++i) {
      const Point& p = line.points[i];
      check_point(p);
      put_pdf_number(out, p.x);
      out += ' ';
      put_pdf_number(out, p.y);
      out += i == 0 ? " m\n" : " l\n";
    }
    if (line.closed) out += "h\n";
  }
}

void put_color(std::string& out, Color c, const char* op) {
  put_numbers(out, {c.r / 255.0, c.g / 255.0, c.b / 255.0});
  out += op;
  out += '\n';
}

// Alpha goes through named graphics states, one per value: /Fa<alpha> for fills, /Sa<alpha> for
// strokes (only the translucent ones are needed).
void put_alpha(std::string& out, Color c, char kind) {
  if (c.a == 255) return;
  out += '/';
  out += kind;
  out += 'a';
  out += std::to_string(c.a);
  out += " gs\n";
}

void put_stroke_style(std::string& out, const Stroke& s) {
  put_pdf_number(out, s.width);
  out += " w ";
  out += s.join == LineJoin::kRound ? "1 j " : s.join == LineJoin::kBevel ? "2 j " : "0 j ";
  out += s.cap == LineCap::kRound ? "1 J " : s.cap == LineCap::kSquare ? "2 J " : "0 J ";
  put_pdf_number(out, std::max(1.0, s.miter_limit));
  out += " M\n";
}

bool shows(const Stroke& s) {
  return s.color.a > 0 && s.width > 0;
}

void put_path(std::string& out, const PathItem& path) {
  const bool filled = path.fill && path.fill->a > 0;
  const bool stroked = path.stroke && shows(*path.stroke);
  if (!filled && !stroked) return;
  out += "q\n";
  if (path.clip) {
    put_subpaths(out, path.clip->subpaths);
    out += path.clip->rule == FillRule::kEvenOdd ? "W* n\n" : "W n\n";
  }
  if (filled) {
    put_alpha(out, *path.fill, 'F');
    put_color(out, *path.fill, "rg");
  }
  if (stroked) {
    put_alpha(out, path.stroke->color, 'S');
    put_color(out, path.stroke->color, "RG");
    put_stroke_style(out, *path.stroke);
  }
  put_subpaths(out, path.subpaths);
  const bool even_odd = path.rule == FillRule::kEvenOdd;
  out += filled && stroked ? (even_odd ? "B*\n" : "B\n")
         : filled          ? (even_odd ? "f*\n" : "f\n")
                           : "S\n";
  out += "Q\n";
}

// ---- Fonts -------------------------------------------------------------------------------------

// The DejaVu faces, read once per file and process.
std::shared_ptr<const TrueTypeFont> load_pdf_font(bool bold) {
  static std::mutex mutex;
  static std::map<std::string, std::shared_ptr<const TrueTypeFont>> fonts;
  const std::string path = font_path(bold);
  std::lock_guard lock(mutex);
  auto& font = fonts[path];
  if (!font) {
    std::ifstream in(path, std::ios::binary);
    std::vector<unsigned char> bytes((std::istreambuf_iterator<char>(in)),
                                     std::istreambuf_iterator<char>());
    if (!in.good() && !in.eof()) fail(ErrorCode::kNotFound, path + ": cannot read the font");
    font = std::make_shared<const TrueTypeFont>(std::move(bytes), path);
  }
  return font;
}

// What the document draws in one face: its glyphs and the characters they stand for.
struct FontUse {
  std::shared_ptr<const TrueTypeFont> font;
  std::map<std::uint16_t, std::u32string> text;  // glyph -> the characters of its first use
};

char32_t decode_utf8(std::string_view s) {
  const auto b = [&](std::size_t i) {
    return static_cast<char32_t>(static_cast<unsigned char>(s[i]));
  };
  if (s.empty()) return 0xFFFD;
  if (s.size() == 1) return b(0);
  if (s.size() == 2) return (b(0) & 0x1F) << 6 | (b(1) & 0x3F);
  if (s.size() == 3) return (b(0) & 0x0F) << 12 | (b(1) & 0x3F) << 6 | (b(2) & 0x3F);
  return (b(0) & 0x07) << 18 | (b(1) & 0x3F) << 12 | (b(2) & 0x3F) << 6 | (b(3) & 0x3F);
}

void put_hex16(std::string& out, unsigned v) {
  static const char* kHex = "0123456789ABCDEF";
  for (int shift = 12; shift >= 0; shift -= 4) out += kHex[(v >> shift) & 15];
}

void put_utf16(std::string& out, const std::u32string& text) {
  for (char32_t c : text) {
    if (c >= 0x10000) {
      c -= 0x10000;
      put_hex16(out, 0xD800 + static_cast<unsigned>(c >> 10));
      put_hex16(out, 0xDC00 + static_cast<unsigned>(c & 0x3FF));
    } else {
      put_hex16(out, static_cast<unsigned>(c));
    }
  }
}

// Text laid out once, drawn by the content and counted for the fonts.
struct PlacedText {
  GlyphLayout layout;
  double start = 0;  // x of the first glyph's pen position
};

void put_text(std::string& out, const TextItem& text, const PlacedText& placed,
              const TrueTypeFont& font) {
  const bool halo = text.halo && shows(*text.halo);
  const bool filled = text.fill.a > 0;
  if ((!halo && !filled) || placed.layout.glyphs.empty() || !(text.size > 0)) return;
  if (!std::isfinite(text.x) || !std::isfinite(text.y) || !std::isfinite(text.size))
    fail(ErrorCode::kInvalidArgument, "scene text: a position is not finite");
  // One show-text operation for the whole string; where the layout's pen positions differ from
  // the font's advances (kerning), a TJ adjustment in thousandths of the em moves the next glyph.
  std::string show = "[<";
  const auto& glyphs = placed.layout.glyphs;
  const double upem = font.units_per_em();
  for (std::size_t i = 0; i < glyphs.size(); ++i) {
    put_hex16(show, static_cast<unsigned>(glyphs[i].index));
    if (i + 1 == glyphs.size()) break;
    const double advance = font.advance(static_cast<std::uint16_t>(glyphs[i].index)) * 1000 / upem;
    const double wanted = (glyphs[i + 1].x - glyphs[i].x) * 1000 / text.size;
    const double adjust = advance - wanted;
    if (std::abs(adjust) >= 0.001) {
      show += "> ";
      put_pdf_number(show, adjust);
      show += " <";
    }
  }
  show += ">] TJ\n";
  const auto begin = [&](int mode) {
    out += "BT\n/";
    out += text.bold ? "F1" : "F0";
    out += " 1 Tf ";
    out += std::to_string(mode);
    out += " Tr ";
    put_numbers(out, {text.size, 0, 0, -text.size, placed.start + glyphs[0].x, text.y});
    out += "Tm\n";
  };
  out += "q\n";
  if (halo) {
    put_alpha(out, text.halo->color, 'S');
    put_color(out, text.halo->color, "RG");
    put_stroke_style(out, *text.halo);
    begin(1);
    out += show;
    out += "ET\n";
  }
  if (filled) {
    put_alpha(out, text.fill, 'F');
    put_color(out, text.fill, "rg");
    begin(0);
    out += show;
    out += "ET\n";
  }
  out += "Q\n";
}

// ---- The file ----------------------------------------------------------------------------------

class PdfFile {
 public:
  PdfFile() { put("%PDF-1.5\n%\xE2\xE3\xCF\xD3\n"); }

  int reserve() {
    offsets_.push_back(0);
    return static_cast<int>(offsets_.size());
  }
  void object(int number, std::string_view body) {
    start(number);
    put(body);
    put("\nendobj\n");
  }
  // A stream object: `dict` holds the entries other than /Length.
  void stream(int number, std::string_view dict, std::span<const unsigned char> data) {
    start(number);
    put("<< /Length " + std::to_string(data.size()) + " " + std::string(dict) + " >>\nstream\n");
    const auto* p = reinterpret_cast<const std::byte*>(data.data());
    out_.insert(out_.end(), p, p + data.size());
    put("\nendstream\nendobj\n");
  }
  std::vector<std::byte> finish(int root, int info) {
    const std::size_t xref = out_.size();
    std::string table =
        "xref\n0 " + std::to_string(offsets_.size() + 1) + "\n0000000000 65535 f \n";
    char line[24];
    for (std::size_t offset : offsets_) {
      std::snprintf(line, sizeof line, "%010zu 00000 n \n", offset);
      table += line;
    }
    table += "trailer\n<< /Size " + std::to_string(offsets_.size() + 1) + " /Root " +
             std::to_string(root) + " 0 R /Info " + std::to_string(info) + " 0 R >>\nstartxref\n" +
             std::to_string(xref) + "\n%%EOF\n";
    put(table);
    return std::move(out_);
  }

 private:
  void start(int number) {
    offsets_.at(static_cast<std::size_t>(number) - 1) = out_.size();
    put(std::to_string(number) + " 0 obj\n");
  }
  void put(std::string_view s) {
    const auto* p = reinterpret_cast<const std::byte*>(s.data());
    out_.insert(out_.end(), p, p + s.size());
  }
  std::vector<std::byte> out_;
  std::vector<std::size_t> offsets_;
};

std::string ref(int number) {
  return std::to_string(number) + " 0 R";
}

// A picture as an image XObject (and its soft mask), rows deflated as PNG scanlines.
int write_picture(PdfFile& pdf, const overlay::Image& im, ThreadPool* pool, int level) {
  const int c = im.channels;
  if (c < 1 || c > 4 || im.pixels.size() != static_cast<std::size_t>(im.width) * im.height * c)
    fail(ErrorCode::kInvalidArgument, "scene image: pixel buffer does not match its size");
  const std::size_t n = static_cast<std::size_t>(im.width) * im.height;
  const bool has_alpha = c == 2 || c == 4;
  const std::uint8_t* px = im.pixels.data();
  bool opaque = true, grey = c <= 2;
  for (std::size_t i = 0; has_alpha && opaque && i < n; ++i) opaque = px[i * c + c - 1] == 255;
  if (!grey) {
    grey = true;
    for (std::size_t i = 0; grey && i < n; ++i)
      grey = px[i * c] == px[i * c + 1] && px[i * c] == px[i * c + 2];
  }
  const int colours = grey ? 1 : 3;
  const auto scanline_dict = [&](int components, const char* space) {
    return "/Type /XObject /Subtype /Image /Width " + std::to_string(im.width) + " /Height " +
           std::to_string(im.height) + " /ColorSpace " + space +
           " /BitsPerComponent 8 /Interpolate false /Filter /FlateDecode /DecodeParms << "
           "/Predictor 15 /Colors " +
           std::to_string(components) + " /BitsPerComponent 8 /Columns " +
           std::to_string(im.width) + " >>";
  };
  // The colour channels (and the alpha) on their own when the picture interleaves others.
  const auto plane = [&](int first, int count) {
    std::vector<std::uint8_t> out(n * count);
    for (std::size_t i = 0; i < n; ++i)
      for (int k = 0; k < count; ++k) out[i * count + k] = px[i * c + first + k];
    return out;
  };
  int mask = 0;
  if (has_alpha && !opaque) {
    mask = pdf.reserve();
    const std::vector<std::uint8_t> alpha = plane(c - 1, 1);
    pdf.stream(mask, scanline_dict(1, "/DeviceGray"),
               deflate_scanlines(alpha.data(), im.width, im.height, level, pool));
  }
  const int number = pdf.reserve();
  std::string dict = scanline_dict(colours, colours == 1 ? "/DeviceGray" : "/DeviceRGB");
  if (mask) dict += " /SMask " + ref(mask);
  if (c == colours) {
    pdf.stream(
        number, dict,
        deflate_scanlines(px, static_cast<std::size_t>(im.width) * c, im.height, level, pool));
  } else {
    const std::vector<std::uint8_t> colour = plane(0, colours);
    pdf.stream(number, dict,
               deflate_scanlines(colour.data(), static_cast<std::size_t>(im.width) * colours,
                                 im.height, level, pool));
  }
  return number;
}

// A face as a Type 0 font over a CIDFontType2 subset, codes = glyph indices.
int write_font(PdfFile& pdf, const FontUse& use) {
  const TrueTypeFont& font = *use.font;
  std::set<std::uint16_t> glyphs;
  for (const auto& [glyph, text] : use.text) glyphs.insert(glyph);
  const std::vector<unsigned char> program = font.subset(glyphs);
  // A subset's name starts with six capital letters of its own (PDF 32000 9.6.4), here drawn
  // from the glyphs it holds so that the same text gives the same bytes.
  std::uint32_t hash = 2166136261u;
  for (std::uint16_t g : glyphs) hash = (hash ^ g) * 16777619u;
  std::string name;
  for (int i = 0; i < 6; ++i, hash /= 26) name += static_cast<char>('A' + hash % 26);
  name += "+" + font.postscript_name();

  const double scale = 1000.0 / font.units_per_em();
  const int file = pdf.reserve(), descriptor = pdf.reserve(), cid = pdf.reserve(),
            to_unicode = pdf.reserve(), type0 = pdf.reserve();
  pdf.stream(file, "/Filter /FlateDecode /Length1 " + std::to_string(program.size()),
             deflate_zlib(program, 9));
  std::string d = "<< /Type /FontDescriptor /FontName /" + name + " /Flags 32 /FontBBox [";
  for (int i = 0; i < 4; ++i) {
    d += ' ';
    put_pdf_number(d, std::round(font.bbox()[i] * scale));
  }
  d += " ] /ItalicAngle 0 /Ascent ";
  put_pdf_number(d, std::round(font.ascent() * scale));
  d += " /Descent ";
  put_pdf_number(d, std::round(font.descent() * scale));
  d += " /CapHeight ";
  put_pdf_number(d, std::round(font.ascent() * scale));
  d += " /StemV 80 /FontFile2 " + ref(file) + " >>";
  pdf.object(descriptor, d);

  std::string widths = "[";
  for (std::uint16_t g : glyphs) {
    widths += ' ' + std::to_string(g) + " [";
    put_pdf_number(widths, font.advance(g) * scale);
    widths += ']';
  }
  widths += " ]";
  pdf.object(cid, "<< /Type /Font /Subtype /CIDFontType2 /BaseFont /" + name +
                      " /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >>"
                      " /FontDescriptor " +
                      ref(descriptor) + " /CIDToGIDMap /Identity /DW 0 /W " + widths + " >>");

  // The ToUnicode CMap: which characters each glyph stands for, for copying and searching.
  std::string cmap =
      "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
      "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
      "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
      "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n";
  auto it = use.text.begin();
  while (it != use.text.end()) {
    const std::size_t block = std::min<std::size_t>(100, std::distance(it, use.text.end()));
    cmap += std::to_string(block) + " beginbfchar\n";
    for (std::size_t i = 0; i < block; ++i, ++it) {
      cmap += '<';
      put_hex16(cmap, it->first);
      cmap += "> <";
      put_utf16(cmap, it->second);
      cmap += ">\n";
    }
    cmap += "endbfchar\n";
  }
  cmap += "endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n";
  pdf.stream(to_unicode, "/Filter /FlateDecode",
             deflate_zlib({reinterpret_cast<const unsigned char*>(cmap.data()), cmap.size()}, 6));
  pdf.object(type0, "<< /Type /Font /Subtype /Type0 /BaseFont /" + name +
                        " /Encoding /Identity-H /DescendantFonts [" + ref(cid) + "] /ToUnicode " +
                        ref(to_unicode) + " >>");
  return type0;
}

// How much content an item makes, roughly, to cut the page into streams of similar size.
std::size_t weight(const Item& item) {
  std::size_t points = 1;
  if (const auto* path = std::get_if<PathItem>(&item)) {
    for (const Polyline& l : path->subpaths) points += l.points.size();
    if (path->clip)
      for (const Polyline& l : path->clip->subpaths) points += l.points.size();
  }
  return points;
}

}  // namespace

std::vector<std::byte> write_pdf(const Scene& scene, const PhysicalSize& size, ThreadPool* pool,
                                 int level) {
  const auto positive = [](double v) { return std::isfinite(v) && v > 0; };
  if (!positive(scene.width) || !positive(scene.height))
    fail(ErrorCode::kInvalidArgument, "PDF: the scene has no size");
  if (!positive(size.width_mm) || !positive(size.height_mm))
    fail(ErrorCode::kInvalidArgument, "PDF: the physical size must be positive millimetres");
  if (level < 0 || level > 9)
    fail(ErrorCode::kInvalidArgument, "PDF: zlib level must be 0-9, not " + std::to_string(level));
  const double width_pt = size.width_mm * kPointsPerMm, height_pt = size.height_mm * kPointsPerMm;

  // What the content refers to: pictures (each embedded once), fonts and their glyphs, alpha
  // states. Gathered first so the content streams can then be written independently.
  std::map<const overlay::Image*, int> picture_index;
  std::vector<const overlay::Image*> pictures;
  std::vector<PlacedText> placed(scene.items.size());
  FontUse fonts[2];
  std::set<int> fill_alphas, stroke_alphas;
  const auto note_alpha = [](std::set<int>& set, Color c) {
    if (c.a != 255) set.insert(c.a);
  };
  if (scene.background) note_alpha(fill_alphas, *scene.background);
  for (std::size_t i = 0; i < scene.items.size(); ++i) {
    const Item& item = scene.items[i];
    if (const auto* image = std::get_if<ImageItem>(&item)) {
      if (!image->image || image->image->width == 0 || image->image->height == 0) continue;
      if (picture_index.emplace(image->image.get(), static_cast<int>(pictures.size())).second)
        pictures.push_back(image->image.get());
    } else if (const auto* path = std::get_if<PathItem>(&item)) {
      if (path->fill) note_alpha(fill_alphas, *path->fill);
      if (path->stroke) note_alpha(stroke_alphas, path->stroke->color);
    } else if (const auto* text = std::get_if<TextItem>(&item)) {
      const bool halo = text->halo && shows(*text->halo);
      if ((!halo && text->fill.a == 0) || !(text->size > 0)) continue;
      PlacedText& p = placed[i];
      p.layout = layout_text(text->text, text->size, text->bold);
      p.start = text->anchor == TextAnchor::kMiddle ? text->x - p.layout.width / 2
                : text->anchor == TextAnchor::kEnd  ? text->x - p.layout.width
                                                    : text->x;
      FontUse& use = fonts[text->bold ? 1 : 0];
      if (!use.font) use.font = load_pdf_font(text->bold);
      std::size_t at = 0;
      for (const GlyphLayout::Glyph& g : p.layout.glyphs) {
        const std::string_view chars(p.layout.utf8.data() + at,
                                     static_cast<std::size_t>(g.utf8_bytes));
        at += static_cast<std::size_t>(g.utf8_bytes);
        use.text.emplace(static_cast<std::uint16_t>(g.index),
                         std::u32string(1, decode_utf8(chars)));
      }
      note_alpha(fill_alphas, text->fill);
      if (halo) note_alpha(stroke_alphas, text->halo->color);
    }
  }

  // The page's content in streams of similar size, each built and deflated on its own.
  std::size_t total = 0;
  for (const Item& item : scene.items) total += weight(item);
  // Points per stream: small pages stay one stream. The number of streams depends on the scene
  // alone, never on the pool, so the bytes are the same on every machine.
  constexpr std::size_t kMinWeight = 20000, kMaxStreams = 32;
  const std::size_t streams = std::clamp<std::size_t>(total / kMinWeight, 1, kMaxStreams);
  std::vector<std::size_t> cuts{0};
  {
    std::size_t acc = 0;
    for (std::size_t i = 0; i < scene.items.size(); ++i) {
      acc += weight(scene.items[i]);
      if (acc * streams >= total * cuts.size() && cuts.size() < streams &&
          i + 1 < scene.items.size())
        cuts.push_back(i + 1);
    }
    cuts.push_back(scene.items.size());
  }
  std::vector<std::vector<unsigned char>> contents(cuts.size() - 1);
  parallel_for(contents.size() == 1 ? nullptr : pool, contents.size(), [&](std::size_t k) {
    std::string out;
    if (k == 0) {
      // Scene units to points, y down: the one transformation of the page.
      put_numbers(out, {width_pt / scene.width, 0, 0, -height_pt / scene.height, 0, height_pt});
      out += "cm\n";
      if (scene.background) {
        out += "q\n";
        put_alpha(out, *scene.background, 'F');
        put_color(out, *scene.background, "rg");
        put_numbers(out, {0, 0, scene.width, scene.height});
        out += "re f\nQ\n";
      }
    }
    for (std::size_t i = cuts[k]; i < cuts[k + 1]; ++i) {
      const Item& item = scene.items[i];
      if (const auto* image = std::get_if<ImageItem>(&item)) {
        if (!image->image || image->image->width == 0 || image->image->height == 0 ||
            !(image->width > 0) || !(image->height > 0))
          continue;
        if (!std::isfinite(image->x) || !std::isfinite(image->y) || !std::isfinite(image->width) ||
            !std::isfinite(image->height))
          fail(ErrorCode::kInvalidArgument, "scene image: a position is not finite");
        out += "q\n";
        put_numbers(out, {image->width, 0, 0, -image->height, image->x, image->y + image->height});
        out += "cm /Im" + std::to_string(picture_index.at(image->image.get())) + " Do\nQ\n";
      } else if (const auto* path = std::get_if<PathItem>(&item)) {
        put_path(out, *path);
      } else if (const auto* text = std::get_if<TextItem>(&item)) {
        if (!placed[i].layout.glyphs.empty())
          put_text(out, *text, placed[i], *fonts[text->bold ? 1 : 0].font);
      }
    }
    contents[k] =
        deflate_zlib({reinterpret_cast<const unsigned char*>(out.data()), out.size()}, level);
  });

  PdfFile pdf;
  const int catalog = pdf.reserve(), pages = pdf.reserve(), page = pdf.reserve(),
            info = pdf.reserve();
  std::string resources = "<< /XObject <<";
  for (std::size_t k = 0; k < pictures.size(); ++k)
    resources +=
        " /Im" + std::to_string(k) + " " + ref(write_picture(pdf, *pictures[k], pool, level));
  resources += " >> /Font <<";
  for (int bold = 0; bold < 2; ++bold)
    if (fonts[bold].font)
      resources += " /F" + std::to_string(bold) + " " + ref(write_font(pdf, fonts[bold]));
  resources += " >> /ExtGState <<";
  for (int a : fill_alphas) {
    resources += " /Fa" + std::to_string(a) + " << /ca ";
    put_pdf_number(resources, a / 255.0);
    resources += " >>";
  }
  for (int a : stroke_alphas) {
    resources += " /Sa" + std::to_string(a) + " << /CA ";
    put_pdf_number(resources, a / 255.0);
    resources += " >>";
  }
  resources += " >> >>";
  std::string content_refs;
  for (const auto& stream : contents) {
    const int number = pdf.reserve();
    pdf.stream(number, "/Filter /FlateDecode", stream);
    content_refs += ' ' + ref(number);
  }
  std::string box = "[0 0 ";
  put_pdf_number(box, width_pt);
  box += ' ';
  put_pdf_number(box, height_pt);
  box += ']';
  pdf.object(page, "<< /Type /Page /Parent " + ref(pages) + " /MediaBox " + box + " /Resources " +
                       resources + " /Contents [" + content_refs + " ] >>");
  pdf.object(pages, "<< /Type /Pages /Kids [" + ref(page) + "] /Count 1 >>");
  pdf.object(catalog, "<< /Type /Catalog /Pages " + ref(pages) + " >>");
  const std::string creator = std::string("imagery ") + kVersion;
  pdf.object(info, "<< /Creator (" + creator + ") /Producer (" + creator + ") >>");
  return pdf.finish(catalog, info);
}

}  // namespace imagery::graphics
