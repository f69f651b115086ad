// The SVG writer: valid XML, one <image> per picture, paths with their class, real text, the
// physical size, and rsvg-convert's rendering of it agreeing with render_raster.
#include "imagery/graphics/svg_writer.h"

#include <catch2/catch.hpp>

#include "graphics/graphics_test_support.h"
#include "imagery/core/error.h"
#include "imagery/graphics/raster_renderer.h"
#include "imagery/overlay/figure_png.h"
#include "support/test_support.h"

using namespace imagery;
using namespace imagery::graphics;

namespace {

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (std::size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

// xmllint's verdict on `svg`: "" when well-formed.
std::string xml_errors(const std::string& svg) {
  const std::string xmllint = testing::find_program("xmllint");
  REQUIRE_FALSE(xmllint.empty());  // libxml2-utils (scripts/setup)
  testing::TempDir tmp;
  testing::write_file(tmp.file("a.svg"), svg);
  auto r = testing::run_program(xmllint, {"--noout", tmp.file("a.svg")});
  return r.exit_code == 0 ? "" : r.err + r.out;
}

std::vector<std::byte> base64_decode(const std::string& text) {
  std::vector<std::byte> out;
  std::uint32_t buffer = 0;
  int bits = 0;
  for (char c : text) {
    int v = c >= 'A' && c <= 'Z'   ? c - 'A'
            : c >= 'a' && c <= 'z' ? c - 'a' + 26
            : c >= '0' && c <= '9' ? c - '0' + 52
            : c == '+'             ? 62
            : c == '/'             ? 63
                                   : -1;
    if (v < 0) continue;
    buffer = buffer << 6 | static_cast<std::uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<std::byte>((buffer >> bits) & 0xFF));
    }
  }
  return out;
}

}  // namespace

TEST_CASE("an SVG of a figure scene is XML with its image, paths and text", "[graphics][svg]") {
  const Scene scene = testing::figure_scene();
  const std::string svg = write_svg(scene, {89, 89});
  CHECK(xml_errors(svg) == "");
  CHECK(count(svg, "<image") == 1);
  CHECK(count(svg, "<path class=\"fill\"") == 1);
  CHECK(count(svg, "<path class=\"outline\"") == 2);
  CHECK(count(svg, "<path class=\"scale-bar\"") == 1);
  CHECK(count(svg, "<path class=\"annotation\"") == 1);
  CHECK(count(svg, "<clipPath") == 1);
  CHECK(count(svg, "clip-rule=\"evenodd\"") == 1);
  CHECK(count(svg, "fill-rule=\"evenodd\"") == 2);  // the holed fill and the scale bar
  CHECK(count(svg, "fill-opacity=\"0.4\"") == 1);   // alpha 102
  CHECK(count(svg, ">1 \u00b5m</text>") == 1);
  CHECK(count(svg, "font-family=\"DejaVu Sans") == 1);
  CHECK(count(svg, "font-weight=\"bold\"") == 1);
  CHECK(count(svg, "text-anchor=\"middle\"") == 1);
  CHECK(count(svg, "paint-order=\"stroke\"") == 1);
  CHECK(count(svg, "width=\"89mm\" height=\"89mm\" viewBox=\"0 0 256 256\"") == 1);
  CHECK(count(svg, "image-rendering=\"optimizeSpeed\" style=\"image-rendering:pixelated\"") == 1);
}

TEST_CASE("an SVG's picture is a PNG of its own pixels, grey staying grey", "[graphics][svg]") {
  const Scene scene = testing::figure_scene();
  const std::string svg = write_svg(scene, {50, 50});
  const std::string prefix = "data:image/png;base64,";
  const std::size_t begin = svg.find(prefix);
  REQUIRE(begin != std::string::npos);
  const std::size_t end = svg.find('"', begin);
  REQUIRE(end != std::string::npos);
  const overlay::Image back = overlay::decode_figure_png(
      base64_decode(svg.substr(begin + prefix.size(), end - begin - prefix.size())), "embedded");
  const overlay::Image& noise = *std::get<ImageItem>(scene.items[0]).image;
  CHECK(back.channels == 1);
  CHECK(back.pixels == noise.pixels);
}

TEST_CASE("rsvg-convert draws an SVG as render_raster draws the scene", "[graphics][svg]") {
  const std::string rsvg = testing::find_program("rsvg-convert");
  REQUIRE_FALSE(rsvg.empty());  // librsvg2-bin (scripts/setup)
  const Scene scene = testing::figure_scene();
  testing::TempDir tmp;
  testing::write_file(tmp.file("f.svg"), write_svg(scene, {89, 89}));
  // -w/-h: the native size, so that one scene unit is one pixel whatever the physical size.
  auto r = testing::run_program(
      rsvg, {"-w", "256", "-h", "256", "-f", "png", "-o", tmp.file("f.png"), tmp.file("f.svg")});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  const overlay::Image theirs = overlay::read_figure_png(tmp.file("f.png"));
  const overlay::Image ours = render_raster(scene);
  CHECK(testing::agreement(theirs, ours, 8, 0.99) == "");
  CHECK(testing::exact_in(theirs, ours, testing::figure_scene_exact_boxes()) == "");
  // The label alone (a few hundred pixels of the whole): rsvg lays it out as text.h does
  // (DejaVu Sans Bold, kerned, anchored in the middle) and paints the halo under the glyphs.
  CHECK(testing::agreement(theirs, ours, 8, 0.99, true, testing::figure_scene_text_box()) == "");
}

TEST_CASE("SVG text and classes are XML-escaped", "[graphics][svg]") {
  Scene s;
  s.width = 100;
  s.height = 20;
  TextItem t;
  t.text = "a<b & \"c\" 'd' >\x01\xC3";  // a control character and a cut-short sequence
  t.x = 5;
  t.y = 15;
  t.role = "label \"x\"";
  s.items.push_back(t);
  const std::string svg = write_svg(s, {10, 2});
  CHECK(xml_errors(svg) == "");
  CHECK(
      count(svg, ">a&lt;b &amp; &quot;c&quot; &apos;d&apos; &gt;\xEF\xBF\xBD\xEF\xBF\xBD</text>") ==
      1);
  CHECK(count(svg, "class=\"label &quot;x&quot;\"") == 1);
}

TEST_CASE("SVG numbers are short and free of floating-point noise", "[graphics][svg]") {
  Scene s;
  s.width = 0.1 + 0.2;  // 0.30000000000000004
  s.height = 3;
  PathItem p;
  p.subpaths = {{{{1e-17, -1e-12}, {1.0 / 3, 2.5}, {100, 2}}, false}};
  p.stroke = Stroke{};
  s.items.push_back(p);
  const std::string svg = write_svg(s, {25.4, 254});
  CHECK(count(svg, "viewBox=\"0 0 0.3 3\"") == 1);
  CHECK(count(svg, "width=\"25.4mm\" height=\"254mm\"") == 1);
  CHECK(count(svg, "d=\"M0 0 0.3333 2.5 100 2\"") == 1);
  CHECK(count(svg, "0.30000") == 0);
}

TEST_CASE("identical clips share one clipPath", "[graphics][svg]") {
  Scene s;
  s.width = 50;
  s.height = 50;
  PathItem p;
  p.subpaths = {testing::rect(10, 10, 40, 40)};
  p.stroke = Stroke{Color{1, 2, 3, 255}, 4, LineJoin::kMiter, LineCap::kButt, 10};
  p.clip = Region{{testing::rect(10, 10, 40, 40)}, FillRule::kNonZero};
  s.items.push_back(p);
  s.items.push_back(p);
  p.clip->rule = FillRule::kEvenOdd;
  s.items.push_back(p);
  const std::string svg = write_svg(s, {10, 10});
  CHECK(count(svg, "<clipPath") == 2);
  CHECK(count(svg, "clip-path=\"url(#clip1)\"") == 2);
  CHECK(count(svg, "clip-path=\"url(#clip2)\"") == 1);
}

TEST_CASE("SVG sizes must be positive", "[graphics][svg]") {
  Scene s;
  s.width = 10;
  s.height = 10;
  CHECK_THROWS_AS(write_svg(s, {0, 10}), Error);
  CHECK_THROWS_AS(write_svg(s, {10, std::nan("")}), Error);
  s.height = 0;
  CHECK_THROWS_AS(write_svg(s, {10, 10}), Error);
}
