#include "imagery/graphics/svg_writer.h"

#include <charconv>
#include <cmath>
#include <unordered_map>

#include "imagery/core/error.h"
#include "imagery/graphics/internal/fonts.h"
#include "imagery/overlay/figure_png.h"
#include "imagery/version.h"

namespace imagery::graphics {

namespace {

// Numbers with at most 4 decimals and no trailing zeros: a ten-thousandth of a scene unit is far
// below what any viewer shows, and keeps 0.1 + 0.2 from printing as 0.30000000000000004.
void put_number(std::string& out, double v) {
  if (!std::isfinite(v)) fail(ErrorCode::kInvalidArgument, "SVG: a scene coordinate is not finite");
  char buffer[64];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, v, std::chars_format::fixed, 4);
  if (ec != std::errc()) fail(ErrorCode::kInvalidArgument, "SVG: a number is out of range");
  char* last = end;
  while (last > buffer && last[-1] == '0') --last;
  if (last > buffer && last[-1] == '.') --last;
  std::string_view text(buffer, static_cast<std::size_t>(last - buffer));
  if (text == "-0" || text.empty()) text = "0";
  out += text;
}

void put_attribute(std::string& out, const char* name, double v) {
  out += ' ';
  out += name;
  out += "=\"";
  put_number(out, v);
  out += '"';
}

// Escaped for XML text and attribute values; control characters XML 1.0 cannot hold become
// U+FFFD.
void put_escaped(std::string& out, std::string_view text) {
  for (char c : valid_utf8(text)) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\n' && c != '\r')
          out += "\xEF\xBF\xBD";
        else
          out += c;
    }
  }
}

void put_class(std::string& out, const std::string& role) {
  if (role.empty()) return;
  out += " class=\"";
  put_escaped(out, role);
  out += '"';
}

void put_color(std::string& out, const char* name, Color c) {
  static constexpr char kHex[] = "0123456789abcdef";
  out += ' ';
  out += name;
  out += "=\"#";
  for (std::uint8_t v : {c.r, c.g, c.b}) {
    out += kHex[v >> 4];
    out += kHex[v & 15];
  }
  out += '"';
}

// fill="#rrggbb" and, unless opaque, fill-opacity (likewise for stroke).
void put_paint(std::string& out, const char* name, Color c) {
  put_color(out, name, c);
  if (c.a != 255) put_attribute(out, (std::string(name) + "-opacity").c_str(), c.a / 255.0);
}

void put_stroke(std::string& out, const Stroke& s) {
  put_paint(out, "stroke", s.color);
  put_attribute(out, "stroke-width", s.width);
  switch (s.join) {
    case LineJoin::kMiter:
      put_attribute(out, "stroke-miterlimit", s.miter_limit);  // SVG's default is 4, ours 10
      break;
    case LineJoin::kRound:
      out += " stroke-linejoin=\"round\"";
      break;
    case LineJoin::kBevel:
      out += " stroke-linejoin=\"bevel\"";
      break;
  }
  if (s.cap == LineCap::kRound) out += " stroke-linecap=\"round\"";
  if (s.cap == LineCap::kSquare) out += " stroke-linecap=\"square\"";
}

// Path data: "M x y x y ... Z" per subpath (coordinates after a moveto are implicit linetos).
std::string path_data(const std::vector<Polyline>& subpaths) {
  std::string d;
  for (const Polyline& line : subpaths) {
    if (line.points.empty()) continue;
    if (!d.empty()) d += ' ';
    d += 'M';
    for (std::size_t i = 0; i < line.points.size(); ++i) {
      if (i) d += ' ';
      put_number(d, line.points[i].x);
      d += ' ';
      put_number(d, line.points[i].y);
    }
    if (line.closed) d += 'Z';
  }
  return d;
}

void put_base64(std::string& out, const std::vector<std::byte>& bytes) {
  static constexpr char kDigits[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  out.reserve(out.size() + (bytes.size() + 2) / 3 * 4);
  std::size_t i = 0;
  const auto at = [&](std::size_t k) { return static_cast<std::uint32_t>(bytes[k]); };
  for (; i + 3 <= bytes.size(); i += 3) {
    const std::uint32_t v = at(i) << 16 | at(i + 1) << 8 | at(i + 2);
    out += kDigits[v >> 18];
    out += kDigits[(v >> 12) & 63];
    out += kDigits[(v >> 6) & 63];
    out += kDigits[v & 63];
  }
  if (i < bytes.size()) {
    const bool two = i + 1 < bytes.size();
    const std::uint32_t v = at(i) << 16 | (two ? at(i + 1) << 8 : 0);
    out += kDigits[v >> 18];
    out += kDigits[(v >> 12) & 63];
    out += two ? kDigits[(v >> 6) & 63] : '=';
    out += '=';
  }
}

class SvgBuilder {
 public:
  explicit SvgBuilder(ThreadPool* pool) : pool_(pool) {}

  void image(const ImageItem& item) {
    if (!item.image || item.image->width == 0 || item.image->height == 0) return;
    out += "<image";
    put_class(out, item.role);
    put_attribute(out, "x", item.x);
    put_attribute(out, "y", item.y);
    put_attribute(out, "width", item.width);
    put_attribute(out, "height", item.height);
    out +=
        " preserveAspectRatio=\"none\" image-rendering=\"optimizeSpeed\""
        " style=\"image-rendering:pixelated\" xlink:href=\"data:image/png;base64,";
    put_base64(out, overlay::encode_figure_png(*item.image, {1, pool_}));
    out += "\"/>\n";
  }

  void path(const PathItem& item) {
    std::string clip_id;
    if (item.clip) clip_id = clip(*item.clip);
    out += "<path";
    put_class(out, item.role);
    out += " d=\"";
    out += path_data(item.subpaths);
    out += '"';
    if (item.fill) {
      put_paint(out, "fill", *item.fill);
      if (item.rule == FillRule::kEvenOdd) out += " fill-rule=\"evenodd\"";
    } else {
      out += " fill=\"none\"";
    }
    if (item.stroke) put_stroke(out, *item.stroke);
    if (!clip_id.empty()) out += " clip-path=\"url(#" + clip_id + ")\"";
    out += "/>\n";
  }

  void text(const TextItem& item) {
    out += "<text";
    put_class(out, item.role);
    put_attribute(out, "x", item.x);
    put_attribute(out, "y", item.y);
    out += " font-family=\"DejaVu Sans, sans-serif\"";
    put_attribute(out, "font-size", item.size);
    if (item.bold) out += " font-weight=\"bold\"";
    if (item.anchor == TextAnchor::kMiddle) out += " text-anchor=\"middle\"";
    if (item.anchor == TextAnchor::kEnd) out += " text-anchor=\"end\"";
    put_paint(out, "fill", item.fill);
    if (item.halo) {
      put_stroke(out, *item.halo);
      out += " paint-order=\"stroke\"";
    }
    out += " xml:space=\"preserve\">";
    put_escaped(out, item.text);
    out += "</text>\n";
  }

  std::string out;

 private:
  // The id of a <clipPath> for `region`, written before its first use; identical regions (the
  // bands of one object) share one.
  std::string clip(const Region& region) {
    std::string d = path_data(region.subpaths);
    const bool even_odd = region.rule == FillRule::kEvenOdd;
    std::string key = (even_odd ? "e" : "n") + d;
    auto it = clips_.find(key);
    if (it != clips_.end()) return it->second;
    std::string id = "clip" + std::to_string(clips_.size() + 1);
    out += "<defs><clipPath id=\"" + id + "\" clipPathUnits=\"userSpaceOnUse\"><path d=\"";
    out += d;
    out += even_odd ? "\" clip-rule=\"evenodd\"/>" : "\"/>";
    out += "</clipPath></defs>\n";
    clips_.emplace(std::move(key), id);
    return id;
  }

  ThreadPool* pool_;
  std::unordered_map<std::string, std::string> clips_;
};

}  // namespace

std::string write_svg(const Scene& scene, const PhysicalSize& size, ThreadPool* pool) {
  const auto positive = [](double v) { return std::isfinite(v) && v > 0; };
  if (!positive(scene.width) || !positive(scene.height))
    fail(ErrorCode::kInvalidArgument, "SVG: the scene has no size");
  if (!positive(size.width_mm) || !positive(size.height_mm))
    fail(ErrorCode::kInvalidArgument, "SVG: the physical size must be positive millimetres");
  SvgBuilder svg(pool);
  std::string& out = svg.out;
  out += "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!-- Created by imagery ";
  out += kVersion;
  out +=
      " -->\n<svg xmlns=\"http://www.w3.org/2000/svg\" "
      "xmlns:xlink=\"http://www.w3.org/1999/xlink\" version=\"1.1\" width=\"";
  put_number(out, size.width_mm);
  out += "mm\" height=\"";
  put_number(out, size.height_mm);
  out += "mm\" viewBox=\"0 0 ";
  put_number(out, scene.width);
  out += ' ';
  put_number(out, scene.height);
  out += "\" preserveAspectRatio=\"none\">\n";
  if (scene.background) {
    out += "<rect class=\"background\" x=\"0\" y=\"0\"";
    put_attribute(out, "width", scene.width);
    put_attribute(out, "height", scene.height);
    put_paint(out, "fill", *scene.background);
    out += "/>\n";
  }
  for (const Item& item : scene.items) {
    if (const auto* image = std::get_if<ImageItem>(&item))
      svg.image(*image);
    else if (const auto* path = std::get_if<PathItem>(&item))
      svg.path(*path);
    else if (const auto* text = std::get_if<TextItem>(&item))
      svg.text(*text);
  }
  out += "</svg>\n";
  return std::move(out);
}

}  // namespace imagery::graphics
