// The PDF writer: page size in points from millimetres, pdftoppm's rendering agreeing with
// render_raster, real embedded text, grey pictures kept grey and not interpolated, the same
// bytes for the same scene.
#include "imagery/graphics/pdf_writer.h"

#include <catch2/catch.hpp>
#include <cmath>
#include <cstdio>
#include <random>
#include <regex>

#include "graphics/graphics_test_support.h"
#include "imagery/core/error.h"
#include "imagery/graphics/raster_renderer.h"
#include "imagery/graphics/svg_writer.h"
#include "imagery/graphics/tiff_writer.h"
#include "imagery/overlay/figure_png.h"
#include "imagery/version.h"
#include "support/test_support.h"

using namespace imagery;
using namespace imagery::graphics;

namespace {

// Runs a poppler program (poppler-utils, installed by scripts/setup) and gives its stdout.
std::string poppler(const std::string& program, const std::vector<std::string>& args) {
  const std::string path = testing::find_program(program);
  INFO(program << " is not on PATH");
  REQUIRE_FALSE(path.empty());
  auto r = testing::run_program(path, args);
  INFO(program << ": " << r.err);
  REQUIRE(r.exit_code == 0);
  return r.out;
}

}  // namespace

TEST_CASE("a PDF page is the physical size in points", "[graphics][pdf]") {
  const Scene scene = testing::figure_scene();
  testing::TempDir tmp;
  testing::write_file(tmp.file("f.pdf"), write_pdf(scene, {89, 60}));
  const std::string info = poppler("pdfinfo", {tmp.file("f.pdf")});
  std::smatch m;
  REQUIRE(std::regex_search(info, m, std::regex("Page size: +([0-9.]+) x ([0-9.]+) pts")));
  CHECK(std::stod(m[1]) == Approx(252.28).margin(0.01));  // 89 mm
  CHECK(std::stod(m[2]) == Approx(60 / 25.4 * 72).margin(0.01));
  INFO(info);
  CHECK(std::regex_search(info, std::regex(std::string("Creator: +imagery ") + kVersion + "\n")));
  CHECK(std::regex_search(info, std::regex("Pages: +1\n")));
  CHECK(info.find("CreationDate") == std::string::npos);  // no date: reproducible bytes
}

TEST_CASE("pdftoppm draws a PDF as render_raster draws the scene", "[graphics][pdf]") {
  const Scene scene = testing::figure_scene();
  testing::TempDir tmp;
  testing::write_file(tmp.file("f.pdf"), write_pdf(scene, {89, 89}));
  // pdftoppm (Splash) smooths every picture drawn at less than 4x its pixels, /Interpolate false
  // or not (poppler's isImageInterpolationRequired), so at the native size the imagery comes out
  // blurred. At 4x it takes the nearest pixel; the mean of each 4x4 block is then the native
  // raster (exact for the imagery and for shapes covering whole pixels, supersampled at edges).
  // -scale-to-x/-y rather than -r: 256 pixels over 89 mm asks for 73.06... dpi, which -r rounds
  // up to 257 pixels.
  poppler("pdftoppm", {"-png", "-singlefile", "-scale-to-x", "1024", "-scale-to-y", "1024",
                       tmp.file("f.pdf"), tmp.file("f")});
  const overlay::Image theirs =
      testing::box_average(overlay::read_figure_png(tmp.file("f.png")), 4);
  const overlay::Image ours = render_raster(scene);
  // pdftoppm paints on white paper; the scene is opaque, so RGB is all there is to compare.
  CHECK(testing::agreement(theirs, ours, 8, 0.99, false) == "");
  CHECK(testing::exact_in(theirs, ours, testing::figure_scene_exact_boxes(), false) == "");
  // The label: glyphs drawn from the embedded font land a fraction of a pixel away from the
  // outlines render_raster fills (~10% of its pixels differ at the stems' edges), but the halo
  // and the glyphs are where they belong.
  CHECK(testing::agreement(theirs, ours, 8, 0.85, false, testing::figure_scene_text_box()) == "");
}

TEST_CASE("a viewer that honours /Interpolate false shows the PDF's pixels at native size",
          "[graphics][pdf]") {
  const Scene scene = testing::figure_scene();
  testing::TempDir tmp;
  testing::write_file(tmp.file("f.pdf"), write_pdf(scene, {89, 89}));
  poppler("pdftocairo", {"-png", "-singlefile", "-scale-to-x", "256", "-scale-to-y", "256",
                         tmp.file("f.pdf"), tmp.file("f")});
  const overlay::Image theirs = overlay::read_figure_png(tmp.file("f.png"));
  const overlay::Image ours = render_raster(scene);
  CHECK(testing::agreement(theirs, ours, 8, 0.99, false) == "");
  CHECK(testing::exact_in(theirs, ours, testing::figure_scene_exact_boxes(), false) == "");
}

TEST_CASE("PDF text is real text in an embedded DejaVu font", "[graphics][pdf]") {
  const Scene scene = testing::figure_scene();
  testing::TempDir tmp;
  testing::write_file(tmp.file("f.pdf"), write_pdf(scene, {89, 89}));
  CHECK_THAT(poppler("pdftotext", {tmp.file("f.pdf"), "-"}), Catch::Contains("1 \u00b5m"));
  const std::string fonts = poppler("pdffonts", {tmp.file("f.pdf")});
  INFO(fonts);
  // Embedded, subset, with a Unicode map (cairo picks a simple or a CID TrueType font by the
  // number of glyphs).
  CHECK(std::regex_search(fonts,
                          std::regex(R"([A-Z]{6}\+DejaVuSans-Bold +.*TrueType.* yes +yes +yes )")));
}

TEST_CASE("PDF pictures are embedded at their pixels, grey as grey, not interpolated",
          "[graphics][pdf]") {
  const Scene scene = testing::figure_scene();
  testing::TempDir tmp;
  testing::write_file(tmp.file("f.pdf"), write_pdf(scene, {89, 89}));
  const std::string list = poppler("pdfimages", {"-list", tmp.file("f.pdf")});
  INFO(list);
  // page num type width height color comp bpc enc interp ...
  CHECK(std::regex_search(list, std::regex("\\n +1 +0 image +256 +256 +gray +1 +8 +image +no ")));
  CHECK(std::count(list.begin(), list.end(), '\n') == 3);  // two header lines, one picture
}

TEST_CASE("a picture drawn twice is embedded once", "[graphics][pdf]") {
  Scene s = testing::figure_scene();
  ImageItem inset = std::get<ImageItem>(s.items[0]);
  inset.x = 200, inset.y = 200, inset.width = 50, inset.height = 50;
  s.items.push_back(inset);
  testing::TempDir tmp;
  testing::write_file(tmp.file("f.pdf"), write_pdf(s, {89, 89}));
  const std::string list = poppler("pdfimages", {"-list", tmp.file("f.pdf")});
  INFO(list);
  CHECK(std::count(list.begin(), list.end(), '\n') == 4);  // drawn twice, listed twice
  std::smatch m;
  // Both uses name the same object.
  const std::regex row("image +256 +256 +gray +1 +8 +image +no +([0-9]+) ");
  std::vector<std::string> objects;
  for (auto it = std::sregex_iterator(list.begin(), list.end(), row); it != std::sregex_iterator();
       ++it)
    objects.push_back((*it)[1]);
  REQUIRE(objects.size() == 2);
  CHECK(objects[0] == objects[1]);
}

TEST_CASE("the same scene gives the same PDF bytes", "[graphics][pdf]") {
  const Scene scene = testing::figure_scene();
  CHECK(write_pdf(scene, {89, 89}) == write_pdf(scene, {89, 89}));
}

TEST_CASE("PDF sizes must be positive", "[graphics][pdf]") {
  Scene s;
  s.width = 10;
  s.height = 10;
  CHECK_THROWS_AS(write_pdf(s, {0, 10}), Error);
  CHECK_THROWS_AS(write_pdf(s, {10, -1}), Error);
  s.width = std::nan("");
  CHECK_THROWS_AS(write_pdf(s, {10, 10}), Error);
}

TEST_CASE("a translucent picture gets a soft mask, an opaque RGBA one none", "[graphics][pdf]") {
  Scene s;
  s.width = s.height = 8;
  auto translucent = std::make_shared<overlay::Image>(8, 8, 4);
  auto opaque = std::make_shared<overlay::Image>(8, 8, 4);
  for (std::uint32_t y = 0; y < 8; ++y)
    for (std::uint32_t x = 0; x < 8; ++x) {
      std::uint8_t* t = translucent->pixel(x, y);
      std::uint8_t* o = opaque->pixel(x, y);
      t[0] = o[0] = static_cast<std::uint8_t>(30 * x);
      t[1] = o[1] = static_cast<std::uint8_t>(30 * y);
      t[2] = o[2] = 200;
      t[3] = static_cast<std::uint8_t>(x * 32);
      o[3] = 255;
    }
  s.items.push_back(ImageItem{translucent, 0, 0, 8, 8, "a"});
  s.items.push_back(ImageItem{opaque, 0, 0, 4, 4, "b"});
  testing::TempDir tmp;
  testing::write_file(tmp.file("f.pdf"), write_pdf(s, {10, 10}));
  const std::string list = poppler("pdfimages", {"-list", tmp.file("f.pdf")});
  INFO(list);
  CHECK(std::regex_search(list, std::regex("image +8 +8 +rgb +3 +8 +image +no ")));
  CHECK(std::regex_search(list, std::regex("smask +8 +8 +gray +1 +8 +image +no ")));
  CHECK(std::count(list.begin(), list.end(), '\n') == 5);  // two headers, two pictures, one mask
}

TEST_CASE("an RGB picture whose channels agree is written grey", "[graphics][pdf]") {
  Scene s;
  s.width = s.height = 16;
  auto rgb = std::make_shared<overlay::Image>(16, 16, 3);
  for (std::size_t i = 0; i < rgb->pixels.size(); ++i)
    rgb->pixels[i] = static_cast<std::uint8_t>(i / 3 % 251);
  s.items.push_back(ImageItem{rgb, 0, 0, 16, 16, "imagery"});
  testing::TempDir tmp;
  testing::write_file(tmp.file("f.pdf"), write_pdf(s, {10, 10}));
  const std::string list = poppler("pdfimages", {"-list", tmp.file("f.pdf")});
  INFO(list);
  CHECK(std::regex_search(list, std::regex("image +16 +16 +gray +1 +8 +image +no ")));
  poppler("pdftocairo", {"-png", "-singlefile", "-scale-to-x", "16", "-scale-to-y", "16",
                         tmp.file("f.pdf"), tmp.file("f")});
  CHECK(testing::exact_in(overlay::read_figure_png(tmp.file("f.png")), render_raster(s),
                          {{0, 0, 16, 16}}, false) == "");
}

TEST_CASE("a large scene is cut into content streams that draw as one, on any pool",
          "[graphics][pdf]") {
  // 400 polygons of 101 points: more than one stream's worth of path.
  Scene s = testing::figure_scene();
  std::mt19937 rng(5);
  for (int k = 0; k < 400; ++k) {
    PathItem p;
    Polyline line;
    const double cx = 20 + rng() % 216, cy = 20 + rng() % 216;
    for (int i = 0; i <= 100; ++i) {
      const double a = i * 2 * 3.14159265358979 / 101;
      line.points.push_back({std::round(cx + 12 * std::cos(a)), std::round(cy + 12 * std::sin(a))});
    }
    p.subpaths = {line};
    p.stroke = Stroke{Color{static_cast<std::uint8_t>(rng()), 200, 40, 160}, 1};
    p.role = "outline";
    s.items.push_back(p);
  }
  ThreadPool pool(3);
  const std::vector<std::byte> alone = write_pdf(s, {89, 89});
  CHECK(write_pdf(s, {89, 89}, &pool) == alone);  // the pool changes nothing in the bytes
  testing::TempDir tmp;
  testing::write_file(tmp.file("f.pdf"), alone);
  const std::string text(reinterpret_cast<const char*>(alone.data()), alone.size());
  std::smatch m;
  REQUIRE(std::regex_search(text, m, std::regex("/Contents \\[([0-9 R]+)\\]")));
  CHECK(std::count(m[1].first, m[1].second, 'R') > 1);
  poppler("pdftocairo", {"-png", "-singlefile", "-scale-to-x", "256", "-scale-to-y", "256",
                         tmp.file("f.pdf"), tmp.file("f")});
  CHECK(testing::agreement(overlay::read_figure_png(tmp.file("f.png")), render_raster(s), 8, 0.98,
                           false) == "");
}

TEST_CASE("a scene with a non-finite point is refused", "[graphics][pdf]") {
  Scene s = testing::figure_scene();
  PathItem p;
  p.subpaths = {{{{1, 1}, {std::nan(""), 2}, {3, 3}}, true}};
  p.fill = Color{255, 0, 0, 255};
  s.items.push_back(p);
  CHECK_THROWS_AS(write_pdf(s, {10, 10}), Error);
  CHECK_THROWS_AS(write_pdf(testing::figure_scene(), {10, 10}, nullptr, 10), Error);
}
