// The same figure as PNG (the compositor's pixels), SVG and PDF (the imagery embedded and the
// objects traced to polygons; outlines a stroke of twice the width clipped to one side of the
// edge) and TIFF: rsvg-convert's and poppler's renderings of the vector files agree with the PNG,
// every outline pixel of the PNG is drawn in them too (at width 1 the band ImageryClient dilates
// lies wholly inside the stroke), the SVG holds one picture and one outline path per object, the
// PDF page has the printed size, and the TIFF holds the PNG's pixels at its DPI.
#include "imagery/figure/vector_overlay.h"

#include <tiffio.h>

#include <catch2/catch.hpp>
#include <regex>
#include <set>

#include "figure/figure_test_support.h"
#include "imagery/core/npy.h"
#include "overlay/overlay_test_support.h"

using namespace imagery;
using imagery::testing::fixture_figure;
using imagery::testing::make_fixture_figure;
using imagery::testing::TempDir;
using nlohmann::json;

namespace {

// Runs a program that must be on PATH (rsvg-convert, poppler-utils, xmllint: scripts/setup
// installs them) and gives its stdout.
std::string run_tool(const std::string& program, const std::vector<std::string>& args) {
  const std::string path = testing::find_program(program);
  INFO(program << " is not on PATH");
  REQUIRE_FALSE(path.empty());
  const auto r = testing::run_program(path, args);
  INFO(program << ": " << r.err);
  REQUIRE(r.exit_code == 0);
  return r.out;
}

// rsvg-convert at the figure's native pixels.
overlay::Image svg_pixels(const std::string& svg, std::uint32_t w, std::uint32_t h) {
  const std::string png = svg + ".png";
  run_tool("rsvg-convert",
           {"-w", std::to_string(w), "-h", std::to_string(h), "-f", "png", "-o", png, svg});
  return overlay::read_figure_png(png);
}

// pdftoppm (Splash) at 4x, averaged back to native pixels: Splash smooths pictures drawn at less
// than 4x their pixels (tests/graphics/pdf_writer_test.cpp).
overlay::Image pdf_pixels(const std::string& pdf, std::uint32_t w, std::uint32_t h) {
  run_tool("pdftoppm", {"-png", "-singlefile", "-scale-to-x", std::to_string(4 * w), "-scale-to-y",
                        std::to_string(4 * h), pdf, pdf + ".splash"});
  return testing::box_average(overlay::read_figure_png(pdf + ".splash.png"), 4);
}

// pdftocairo at native pixels (cairo honours /Interpolate false).
overlay::Image pdf_pixels_cairo(const std::string& pdf, std::uint32_t w, std::uint32_t h) {
  run_tool("pdftocairo", {"-png", "-singlefile", "-scale-to-x", std::to_string(w), "-scale-to-y",
                          std::to_string(h), pdf, pdf + ".cairo"});
  return overlay::read_figure_png(pdf + ".cairo.png");
}

// How the objects of a vector raster coincide with the PNG's. `outline`: pixels where the PNG
// differs from the imagery alone (its object pixels); `missing`: those of them the vector raster
// leaves as imagery (within `tolerance` levels of it) though the PNG is further from it;
// `recoloured`: those it draws but more than `tolerance` levels from the PNG's colour (where a
// later object's round corner covers part of an earlier object's band, or a renderer's
// antialiasing bleeds across an edge); `extra`: pixels it draws (more than `tolerance` levels from
// the imagery) where the PNG shows the imagery, `stray` those of them not next to (8-connected) an
// object pixel of the PNG.
struct Coincidence {
  std::size_t outline = 0, missing = 0, recoloured = 0, extra = 0, stray = 0;
  std::string first_missing;
  std::string describe() const {
    return std::to_string(outline) + " object pixels in the PNG: " + std::to_string(missing) +
           " not drawn in the vector raster" + first_missing + ", " + std::to_string(recoloured) +
           " drawn in another colour; " + std::to_string(extra) +
           " drawn only in the vector raster, " + std::to_string(stray) +
           " of them away from the PNG's";
  }
};
Coincidence coincidence(const overlay::Image& png, const overlay::Image& vector,
                        const overlay::Image& imagery, int tolerance) {
  Coincidence c;
  const auto png_drawn_near = [&](std::uint32_t x, std::uint32_t y) {
    for (std::uint32_t j = y > 0 ? y - 1 : 0; j <= std::min(y + 1, png.height - 1); ++j)
      for (std::uint32_t i = x > 0 ? x - 1 : 0; i <= std::min(x + 1, png.width - 1); ++i)
        if (testing::channel_difference(png, imagery, i, j, false) > 0) return true;
    return false;
  };
  for (std::uint32_t y = 0; y < png.height; ++y)
    for (std::uint32_t x = 0; x < png.width; ++x) {
      const int png_drawn = testing::channel_difference(png, imagery, x, y, false);
      const int vector_drawn = testing::channel_difference(vector, imagery, x, y, false);
      if (png_drawn > 0) {
        ++c.outline;
        if (testing::channel_difference(vector, png, x, y, false) <= tolerance) continue;
        if (vector_drawn > tolerance) {
          ++c.recoloured;
        } else if (c.missing++ == 0) {
          c.first_missing = " (first at x=" + std::to_string(x) + ", y=" + std::to_string(y) + ")";
        }
      } else if (vector_drawn > tolerance) {
        ++c.extra;
        c.stray += !png_drawn_near(x, y);
      }
    }
  return c;
}

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (std::size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

// xmllint's verdict: "" when well-formed.
std::string xml_errors(const std::string& file) {
  const std::string xmllint = testing::find_program("xmllint");
  REQUIRE_FALSE(xmllint.empty());  // libxml2-utils (scripts/setup)
  const auto r = testing::run_program(xmllint, {"--noout", file});
  return r.exit_code == 0 ? "" : r.err + r.out;
}

// The objects a figure draws: the distinct non-zero ids of its saved segmentation.
std::size_t objects_in(const std::string& seg_npy) {
  const NpyArray seg = read_npy(seg_npy);
  const auto* ids = seg.array.data<std::uint64_t>();
  std::set<std::uint64_t> distinct(ids, ids + seg.array.shape().count());
  distinct.erase(0);
  return distinct.size();
}

// Four touching objects of the fixture's section 30 (one with the top bit of its id set), on
// background: merged outlines then differ from separate ones.
json four_objects() {
  return json::array({633, 3416906412804ULL, 14783079453580ULL, 11048929927385934382ULL});
}

struct StyleCase {
  const char* name;
  json keys;
  // The share of pixels within 8 levels of the PNG's (the issue asks for 99 %; outlines are the
  // compositor's own band traced into polygons, so every renderer should agree everywhere).
  double agreeing = 0.99;
};

}  // namespace

TEST_CASE("SVG and PDF figures draw what the PNG figure draws", "[figure][vector][svg][pdf]") {
  const json outline = {{"outline", true}, {"alpha", 1}, {"root_ids", four_objects()}};
  const auto with = [](json doc, const json& more) {
    for (auto it = more.begin(); it != more.end(); ++it) doc[it.key()] = it.value();
    return doc;
  };
  const StyleCase cases[] = {
      {"outlines of width 1, merged", with(outline, {{"width", 1}})},
      {"outlines of width 1, not merged", with(outline, {{"width", 1}, {"merge_outline", false}})},
      {"outlines of width 2, merged", with(outline, {{"width", 2}})},
      {"outlines of width 2, not merged", with(outline, {{"width", 2}, {"merge_outline", false}})},
      {"outlines of width 3, not merged, without overlap",
       with(outline, {{"width", 3}, {"merge_outline", false}, {"overlap", false}})},
      {"outlines of width 1 inside, merged", with(outline, {{"width", 1}, {"side", "in"}})},
      {"outlines of width 2 inside, not merged, translucent",
       with(outline, {{"width", 2}, {"side", "in"}, {"merge_outline", false}, {"alpha", 0.6}})},
      // Every object of the section: no background, so bands overlap other objects everywhere.
      {"outlines of width 1 of every object, not merged",
       with(outline, {{"width", 1}, {"merge_outline", false}, {"root_ids", nullptr}})},
      {"filled at alpha 0.35", {{"alpha", 0.35}, {"root_ids", four_objects()}}},
  };
  TempDir dir;
  const auto imagery =
      make_fixture_figure(fixture_figure({{"seg", nullptr}}), dir.file("imagery.png")).picture;
  for (const StyleCase& c : cases) {
    SECTION(c.name) {
      json keys = c.keys;
      keys["save_arrays"] = dir.file("arrays");
      const auto png = make_fixture_figure(fixture_figure(keys), dir.file("f.png")).picture;
      REQUIRE(png.width == 128);
      REQUIRE(png.height == 96);
      make_fixture_figure(fixture_figure(keys), dir.file("f.svg"));
      make_fixture_figure(fixture_figure(keys), dir.file("f.pdf"));
      const std::size_t objects = objects_in(dir.file("arrays_seg.npy"));
      REQUIRE(objects >= 4);

      const overlay::Image svg = svg_pixels(dir.file("f.svg"), 128, 96);
      const overlay::Image pdf = pdf_pixels(dir.file("f.pdf"), 128, 96);
      const overlay::Image cairo = pdf_pixels_cairo(dir.file("f.pdf"), 128, 96);
      // The objects show: the PNG is not the imagery alone.
      const Coincidence own = coincidence(png, png, imagery, 8);
      CHECK(own.outline > 200);
      for (const auto& [renderer, raster] :
           {std::pair{"rsvg-convert (SVG)", &svg}, std::pair{"pdftoppm at 4x (PDF)", &pdf},
            std::pair{"pdftocairo (PDF)", &cairo}}) {
        INFO(renderer);
        const Coincidence seen = coincidence(png, *raster, imagery, 8);
        INFO(seen.describe());
        // Pixels within 8 levels of the PNG's on every colour channel.
        CHECK(testing::agreement(*raster, png, 8, c.agreeing, false) == "");
        // Outline pixels coincide: every object pixel of the PNG is drawn in the vector raster in
        // its colour, and the vector raster draws nothing else. (Splash, pdftoppm's rasteriser,
        // antialiases pixel-aligned edges a little even at 4x: a few pixels along the band,
        // never away from it.)
        CHECK(seen.missing == 0);
        if (std::string(renderer).rfind("pdftoppm", 0) == 0) {
          CHECK(seen.recoloured <= seen.outline / 20);
          CHECK(seen.extra <= seen.outline / 10);
          CHECK(seen.stray == 0);
        } else {
          CHECK(seen.recoloured == 0);
          CHECK(seen.extra == 0);
        }
      }

      const std::string text = testing::read_text(dir.file("f.svg"));
      CHECK(xml_errors(dir.file("f.svg")) == "");
      CHECK(count(text, "<image") == 1);
      if (c.keys.contains("outline")) {
        // One path per object (side in: objects with an edge off the picture's border).
        if (c.keys.value("side", "out") == "out")
          CHECK(count(text, "class=\"outline\"") == objects);
        else
          CHECK(count(text, "class=\"outline\"") <= objects);
        CHECK(count(text, "class=\"fill\"") == 0);
      } else {
        CHECK(count(text, "class=\"fill\"") == objects);
        CHECK(count(text, "class=\"outline\"") == 0);
        CHECK(count(text, "fill-opacity=\"0.349\"") == objects);  // alpha 89 of 255
      }
    }
  }
}

// The coordinates in the outline paths of an SVG.
std::size_t outline_coordinates(const std::string& svg) {
  std::size_t n = 0;
  const std::string key = "class=\"outline\" d=\"";
  for (std::size_t at = svg.find(key); at != std::string::npos; at = svg.find(key, at + 1)) {
    const std::size_t end = svg.find('"', at + key.size());
    for (std::size_t k = at + key.size(); k < end; ++k) n += svg[k] == ' ';
  }
  return n;
}

TEST_CASE("simplified SVG outlines have fewer vertices and are still one XML path per object",
          "[figure][vector][svg]") {
  TempDir dir;
  const json keys = {
      {"outline", true}, {"width", 1}, {"merge_outline", false}, {"save_arrays", dir.file("a")}};
  make_fixture_figure(fixture_figure(keys), dir.file("exact.svg"));
  json simplified = keys;
  simplified["simplify"] = 2;
  make_fixture_figure(fixture_figure(simplified), dir.file("simple.svg"));
  const std::string exact = testing::read_text(dir.file("exact.svg"));
  const std::string simple = testing::read_text(dir.file("simple.svg"));
  INFO("exact: " << outline_coordinates(exact)
                 << " coordinates, simplified: " << outline_coordinates(simple));
  CHECK(outline_coordinates(simple) * 2 < outline_coordinates(exact));
  CHECK(xml_errors(dir.file("simple.svg")) == "");
  const std::size_t objects = objects_in(dir.file("a_seg.npy"));
  CHECK(count(exact, "class=\"outline\"") == objects);
  // (An object smaller than the tolerance may vanish.)
  const std::size_t simple_paths = count(simple, "class=\"outline\"");
  CHECK(simple_paths <= objects);
  CHECK(simple_paths + 2 >= objects);
  // Simplified outlines are strokes of the outline width (twice it, half clipped away).
  CHECK(count(simple, "stroke-width=\"2\"") == simple_paths);
}

TEST_CASE("a PDF figure's page is its printed size", "[figure][vector][pdf]") {
  TempDir dir;
  make_fixture_figure(fixture_figure({{"outline", true}, {"width_mm", 89}}), dir.file("f.pdf"));
  const std::string info = run_tool("pdfinfo", {dir.file("f.pdf")});
  INFO(info);
  std::smatch m;
  REQUIRE(std::regex_search(info, m, std::regex("Page size: +([0-9.]+) x ([0-9.]+) pts")));
  CHECK(std::stod(m[1]) == Approx(252.28).margin(0.01));                       // 89 mm
  CHECK(std::stod(m[2]) == Approx(89.0 * 96 / 128 / 25.4 * 72).margin(0.01));  // 66.75 mm
}

namespace {

struct Tiff {
  overlay::Image image;
  float xres = 0, yres = 0;
  std::uint16_t unit = 0;
};

Tiff read_tiff(const std::string& path) {
  TIFF* t = TIFFOpen(path.c_str(), "r");
  REQUIRE(t != nullptr);
  std::uint32_t w = 0, h = 0;
  std::uint16_t spp = 0, bps = 0;
  TIFFGetField(t, TIFFTAG_IMAGEWIDTH, &w);
  TIFFGetField(t, TIFFTAG_IMAGELENGTH, &h);
  TIFFGetField(t, TIFFTAG_SAMPLESPERPIXEL, &spp);
  TIFFGetField(t, TIFFTAG_BITSPERSAMPLE, &bps);
  Tiff r;
  TIFFGetField(t, TIFFTAG_XRESOLUTION, &r.xres);
  TIFFGetField(t, TIFFTAG_YRESOLUTION, &r.yres);
  TIFFGetField(t, TIFFTAG_RESOLUTIONUNIT, &r.unit);
  REQUIRE(bps == 8);
  r.image = overlay::Image(w, h, spp);
  for (std::uint32_t y = 0; y < h; ++y) REQUIRE(TIFFReadScanline(t, r.image.pixel(0, y), y) == 1);
  TIFFClose(t);
  return r;
}

}  // namespace

TEST_CASE("a TIFF figure holds the PNG's pixels at its DPI", "[figure][tiff]") {
  TempDir dir;
  struct Case {
    const char* name;
    json keys;
    double dpi;
    std::uint32_t width;
  };
  for (const Case& c :
       {Case{"the compositor's picture", {{"outline", true}, {"dpi", 600}}, 600, 128},
        Case{"elements, default DPI",
             {{"outline", true}, {"scale_bar", "auto"}, {"label", "a"}},
             300,
             128},
        // 20 mm at 600 dpi: 472.44 pixels for 128.
        Case{"resampled to a printed width",
             {{"alpha", 0.35}, {"scale_bar", "200nm"}, {"width_mm", 20}, {"dpi", 600}},
             600,
             472}}) {
    SECTION(c.name) {
      const auto png = make_fixture_figure(fixture_figure(c.keys), dir.file("f.png")).picture;
      make_fixture_figure(fixture_figure(c.keys), dir.file("f.tif"));
      const Tiff tiff = read_tiff(dir.file("f.tif"));
      CHECK(tiff.image.width == c.width);
      CHECK(testing::pixel_difference(overlay::to_rgba(tiff.image), overlay::to_rgba(png)) == "");
      CHECK(tiff.unit == RESUNIT_INCH);
      CHECK(tiff.xres == Approx(c.dpi));
      CHECK(tiff.yres == Approx(c.dpi));
    }
  }
}
