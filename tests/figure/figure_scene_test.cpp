// What add_panel draws on a figure, found in the pixels of figures made end to end from the
// CloudVolume fixtures: a scale bar exactly L / (output pixel size) pixels long at every mip, on a
// segmentation's own grid and in a resampled print; annotation marks on the pixels of their
// coordinates (and the ones outside the panel counted as skipped); the panel letter, the title
// band and the overview inset where they belong, and nothing changed elsewhere.
#include "imagery/figure/figure_scene.h"

#include <catch2/catch.hpp>
#include <cmath>

#include "figure/figure_test_support.h"
#include "imagery/figure/overview.h"
#include "overlay/overlay_test_support.h"

using namespace imagery;
using imagery::testing::fixture_figure;
using imagery::testing::make_fixture_figure;
using imagery::testing::TempDir;
using nlohmann::json;

namespace {

struct ScaleBarCase {
  const char* name;
  json keys;
  double length_nm;
  long long pixels;             // round(L / output pixel size), worked out by hand below
  std::uint32_t width, height;  // the PNG's
  const char* position;
};

std::string rgb_text(const int p[4]) {
  return std::to_string(p[0]) + "," + std::to_string(p[1]) + "," + std::to_string(p[2]) + "," +
         std::to_string(p[3]);
}

}  // namespace

TEST_CASE("a scale bar is L / output pixel size pixels long at every mip, grid and print size",
          "[figure][scale-bar]") {
  const ScaleBarCase cases[] = {
      // 4 nm pixels: 500 / 4 = 125.
      {"image mip 0",
       {{"image_size", {160, 96}}, {"scale_bar", "500nm"}},
       500,
       125,
       160,
       96,
       "bottom-right"},
      // 8 nm pixels: 500 / 8 = 62.5, rounded up to 63.
      {"image mip 1", {{"image_mip", 1}, {"scale_bar", "500nm"}}, 500, 63, 128, 96, "bottom-left"},
      // 300 / 8 = 37.5 -> 38.
      {"image mip 1, 300 nm",
       {{"image_mip", 1}, {"scale_bar", "0.3um"}},
       300,
       38,
       128,
       96,
       "top-left"},
      // 16 nm pixels: 700 / 16 = 43.75 -> 44.
      {"image mip 2", {{"image_mip", 2}, {"scale_bar", "700 nm"}}, 700, 44, 128, 96, "top-right"},
      // A segmentation alone is drawn on its own grid (16 nm at its mip 1) while coordinates stay
      // at 4 nm: 500 / 16 = 31.25 -> 31.
      {"segmentation grid",
       {{"image", nullptr}, {"seg_mip", 1}, {"resolution", {4, 4, 40}}, {"scale_bar", "500nm"}},
       500,
       31,
       128,
       96,
       "bottom-right"},
      // Auto: 20 % of 128 pixels of 4 nm is 102.4 nm -> 100 nm, 25 pixels.
      {"auto", {{"scale_bar", "auto"}}, 100, 25, 128, 96, "bottom-right"},
      // 20 mm wide at 300 dpi is 236.22 pixels for 128 native ones, a raster scale of 1.845472;
      // a pixel is then 4 / 1.845472 = 2.16748 nm and 200 nm is 92.27 -> 92 pixels.
      {"resampled print",
       {{"scale_bar", "200nm"}, {"width_mm", 20}, {"dpi", 300}},
       200,
       92,
       236,
       177,
       "bottom-right"},
  };
  for (const ScaleBarCase& c : cases) {
    SECTION(c.name) {
      TempDir dir;
      json keys = c.keys;
      keys["scale_bar_color"] = "#ff00ff";
      keys["scale_bar_thickness"] = 3;
      keys["scale_bar_position"] = c.position;
      keys["font_size"] = 4;
      const auto made = make_fixture_figure(fixture_figure(keys), dir.file("bar.png"));
      REQUIRE(made.picture.width == c.width);
      REQUIRE(made.picture.height == c.height);
      const testing::Bar bar = testing::find_bar(made.picture, 255, 0, 255);
      INFO("the bar found: " << bar.describe());
      CHECK(bar.length == static_cast<std::uint32_t>(c.pixels));
      const json& record = made.sidecar["rendered"]["panels"][0]["elements"]["scale_bar"];
      CHECK(record["pixels"] == c.pixels);
      CHECK(record["length_nm"] == c.length_nm);
      const json& panel = made.sidecar["rendered"]["panels"][0];
      const double scale = panel["print"]["raster_scale"];
      const double native_w = panel["width"], native_h = panel["height"];
      // The thickness is given in native pixels: 3, or round(3 x scale) when resampled.
      CHECK(bar.rows == static_cast<std::uint32_t>(std::lround(3 * scale)));
      // In its corner, `margin` (4 native pixels here) from the picture's edges.
      const std::string position = c.position;
      const bool right = position.find("right") != std::string::npos;
      const bool bottom = position.find("bottom") != std::string::npos;
      const auto edge = [&](double native) {
        return static_cast<std::uint32_t>(std::lround(native * scale));
      };
      if (right)
        CHECK(bar.x0 + bar.length == edge(native_w - 4));
      else
        CHECK(bar.x0 == edge(4));
      if (bottom)
        CHECK(bar.y0 + bar.rows == edge(native_h - 4));
      else
        CHECK(bar.y0 < c.height / 2);
    }
  }
}

TEST_CASE("a scale bar's label stays inside a panel it is wider than the bar in",
          "[figure][scale-bar]") {
  // 100 nm is 25 pixels at 4 nm; "100 nm" at 6 points (25 pixels an em at 300 dpi) is three times
  // wider, and the bar sits 4 pixels from the right edge: centred over the bar the label would be
  // cut by the edge.
  TempDir dir;
  const json keys = {{"image_size", {96, 64}},       {"scale_bar", "100nm"},
                     {"scale_bar_color", "#ff00ff"}, {"scale_bar_position", "bottom-right"},
                     {"scale_bar_thickness", 3},     {"font_size", 6}};
  const auto made = make_fixture_figure(fixture_figure(keys), dir.file("bar.png"));
  const overlay::Image& im = made.picture;
  const testing::Bar bar = testing::find_bar(im, 255, 0, 255);
  INFO("the bar found: " << bar.describe());
  REQUIRE(bar.length == 25);
  // The label's magenta glyph pixels (above the bar): some exist, none in the two outermost
  // columns on either side, and they reach left of the bar (the label moved inwards).
  std::uint32_t x_min = UINT32_MAX, x_max = 0;
  for (std::uint32_t y = 0; y + 1 < bar.y0; ++y)
    for (std::uint32_t x = 0; x < im.width; ++x) {
      int p[4];
      testing::rgba_at(im, x, y, p);
      if (p[0] == 255 && p[1] == 0 && p[2] == 255) {
        x_min = std::min(x_min, x);
        x_max = std::max(x_max, x);
      }
    }
  REQUIRE(x_min != UINT32_MAX);
  CHECK(x_max + 2 < im.width);
  CHECK(x_min >= 2);
  CHECK(x_min < bar.x0);
}

namespace {

struct Expected {
  std::uint32_t x, y;
  std::uint8_t r, g, b;
};

// "" when each expected pixel has its colour, else which do not.
std::string misplaced(const overlay::Image& im, const std::vector<Expected>& marks) {
  std::string out;
  for (const Expected& e : marks) {
    int p[4];
    testing::rgba_at(im, e.x, e.y, p);
    if (p[0] != e.r || p[1] != e.g || p[2] != e.b || p[3] != 255)
      out +=
          "(x=" + std::to_string(e.x) + ", y=" + std::to_string(e.y) + ") is " + rgb_text(p) + "; ";
  }
  return out;
}

// The middle of the pixels of exactly `c` within `radius` of pixel (x, y): the centre of their
// bounding box, with pixel i spanning [i, i + 1). {-1, -1} when there are none.
std::pair<double, double> middle_of(const overlay::Image& im, std::uint32_t x, std::uint32_t y,
                                    std::uint32_t radius, const Expected& c) {
  std::uint32_t x0 = UINT32_MAX, y0 = UINT32_MAX, x1 = 0, y1 = 0;
  for (std::uint32_t j = y - radius; j <= y + radius; ++j)
    for (std::uint32_t i = x - radius; i <= x + radius; ++i) {
      int p[4];
      testing::rgba_at(im, i, j, p);
      if (p[0] != c.r || p[1] != c.g || p[2] != c.b || p[3] != 255) continue;
      x0 = std::min(x0, i), y0 = std::min(y0, j);
      x1 = std::max(x1, i + 1), y1 = std::max(y1, j + 1);
    }
  if (x0 == UINT32_MAX) return {-1, -1};
  return {(x0 + x1) / 2.0, (y0 + y1) / 2.0};
}

}  // namespace

TEST_CASE("annotation marks land on the pixels of their coordinates, those outside are skipped",
          "[figure][annotations]") {
  TempDir dir;
  // Coordinates at the figure's resolution (4 nm): the panel holds [186, 314) x [122, 218) of
  // section 30.
  testing::write_file(dir.file("points.csv"),
                      "x,y,z,color\n"
                      "200,130,30,#ff0000\n"
                      "300,200,30,#00ff00\n"
                      "250,170,30,#0000ff\n"
                      "400,170,30,#ff0000\n"    // right of the panel
                      "250,40,30,#ff0000\n"     // above it
                      "250,170,31,#ff0000\n"    // the next section
                      "250,170,29,#ff0000\n");  // the one before
  testing::write_file(dir.file("lines.csv"),
                      "x1,y1,z1,x2,y2,z2,color,size\n"
                      "190,140,30,240,140,30,#00ffff,3\n"
                      "150,200,30,195,210,30,#00ffff,3\n"    // from outside into the panel
                      "100,40,30,150,50,30,#00ffff,3\n"      // wholly outside
                      "190,140,32,240,140,32,#00ffff,3\n");  // another section
  testing::write_file(dir.file("boxes.csv"),
                      "x1,y1,z1,x2,y2,z2,color,size\n"
                      "270,140,30,310,160,31,#ffff00,2\n"
                      "270,140,31,310,160,32,#ffff00,2\n");  // the next section only
  json keys = {{"points", dir.file("points.csv")},
               {"lines", dir.file("lines.csv")},
               {"boxes", dir.file("boxes.csv")}};

  // Pixel (x, y) of the panel for coordinates (cx, cy): voxel centres, at `scale` grid voxels per
  // coordinate unit.
  double scale = 1;
  SECTION("on the image's grid (4 nm)") {}
  SECTION("on a grid of 8 nm (image mip 1) with coordinates at 4 nm") {
    keys["image_mip"] = 1;
    keys["resolution"] = {4, 4, 40};
    scale = 0.5;
  }
  const auto made = make_fixture_figure(fixture_figure(keys), dir.file("marks.png"));
  const json& grid = made.sidecar["rendered"]["grid"]["voxels"];
  const double gx = grid[0][0], gy = grid[0][1];
  const auto px = [&](double c) {
    return static_cast<std::uint32_t>(std::floor((c + 0.5) * scale - gx));
  };
  const auto py = [&](double c) {
    return static_cast<std::uint32_t>(std::floor((c + 0.5) * scale - gy));
  };
  // Box edges lie on coordinates (not voxel centres): a 2-pixel stroke covers the pixel on
  // either side of the edge.
  const auto ex = [&](double c) { return static_cast<std::uint32_t>(std::lround(c * scale - gx)); };
  const auto ey = [&](double c) { return static_cast<std::uint32_t>(std::lround(c * scale - gy)); };

  // Each point's marker is on its pixel, in its colour, and centred on the voxel's centre: the
  // pixels of its colour are symmetric about it (to a quarter pixel, where a 4 nm voxel's centre
  // lies in an 8 nm pixel).
  const std::vector<Expected> points = {
      {px(200), py(130), 255, 0, 0}, {px(300), py(200), 0, 255, 0}, {px(250), py(170), 0, 0, 255}};
  const double centres[3][2] = {{200.5, 130.5}, {300.5, 200.5}, {250.5, 170.5}};
  CHECK(misplaced(made.picture, points) == "");
  for (std::size_t i = 0; i < 3; ++i) {
    const auto [mx, my] = middle_of(made.picture, points[i].x, points[i].y, 6, points[i]);
    INFO("point " << i << ": its pixels' middle is (" << mx << ", " << my << ")");
    CHECK(std::abs(mx - (centres[i][0] * scale - gx)) <= 0.25);
    CHECK(std::abs(my - (centres[i][1] * scale - gy)) <= 0.25);
  }
  // The 3-pixel line covers the row of its pixel centres along its length, centred on them.
  const Expected cyan{px(215), py(140), 0, 255, 255};
  CHECK(misplaced(made.picture,
                  {cyan, {px(195), py(140), 0, 255, 255}, {px(235), py(140), 0, 255, 255}}) == "");
  CHECK(std::abs(middle_of(made.picture, cyan.x, cyan.y, 4, cyan).second - (140.5 * scale - gy)) <=
        0.25);
  // The box's edges: the pixels on both sides of x = 270, x = 310, y = 140 and y = 160; not its
  // inside.
  CHECK(misplaced(made.picture, {{ex(270) - 1, py(150), 255, 255, 0},
                                 {ex(270), py(150), 255, 255, 0},
                                 {ex(310) - 1, py(150), 255, 255, 0},
                                 {ex(310), py(150), 255, 255, 0},
                                 {px(290), ey(140) - 1, 255, 255, 0},
                                 {px(290), ey(140), 255, 255, 0},
                                 {px(290), ey(160) - 1, 255, 255, 0},
                                 {px(290), ey(160), 255, 255, 0}}) == "");
  int inside[4];
  testing::rgba_at(made.picture, ex(270) + 4, py(150), inside);
  CHECK_FALSE((inside[0] == 255 && inside[1] == 255 && inside[2] == 0));

  // What was drawn and skipped, by file.
  const json& e = made.sidecar["rendered"]["panels"][0]["elements"];
  INFO(e.dump());
  CHECK(e["points"]["file"] == dir.file("points.csv"));
  CHECK(e["points"]["drawn"] == 3);
  CHECK(e["points"]["skipped"] == 4);
  CHECK(e["lines"]["drawn"] == 2);
  CHECK(e["lines"]["skipped"] == 2);
  CHECK(e["boxes"]["drawn"] == 1);
  CHECK(e["boxes"]["skipped"] == 1);

  // Skipped marks draw nothing: without them the picture is the same.
  testing::write_file(dir.file("points_in.csv"),
                      "x,y,z,color\n200,130,30,#ff0000\n300,200,30,#00ff00\n250,170,30,#0000ff\n");
  testing::write_file(dir.file("lines_in.csv"),
                      "x1,y1,z1,x2,y2,z2,color,size\n"
                      "190,140,30,240,140,30,#00ffff,3\n150,200,30,195,210,30,#00ffff,3\n");
  testing::write_file(dir.file("boxes_in.csv"),
                      "x1,y1,z1,x2,y2,z2,color,size\n270,140,30,310,160,31,#ffff00,2\n");
  keys["points"] = dir.file("points_in.csv");
  keys["lines"] = dir.file("lines_in.csv");
  keys["boxes"] = dir.file("boxes_in.csv");
  const auto inside_only = make_fixture_figure(fixture_figure(keys), dir.file("inside.png"));
  CHECK(testing::pixel_difference(made.picture, inside_only.picture) == "");
}

TEST_CASE("a panel letter is white text at the top-left and changes nothing else",
          "[figure][label]") {
  TempDir dir;
  const auto plain = make_fixture_figure(fixture_figure(), dir.file("plain.png"));
  const auto lettered =
      make_fixture_figure(fixture_figure({{"label", "b"}, {"font_size", 6}}), dir.file("b.png"));
  REQUIRE(lettered.picture.width == plain.picture.width);
  REQUIRE(lettered.picture.height == plain.picture.height);
  const testing::Difference d = testing::difference_of(lettered.picture, plain.picture);
  INFO(d.count << " pixels differ in x [" << d.x0 << ", " << d.x1 << "), y [" << d.y0 << ", "
               << d.y1 << ")");
  // A 6 pt bold "b" at 300 dpi is ~31 pixels high, 3 pixels from the corner, with its halo.
  CHECK(d.count > 100);
  CHECK(d.x1 <= 40);
  CHECK(d.y1 <= 40);
  std::size_t white = 0;
  for (std::uint32_t y = d.y0; y < d.y1; ++y)
    for (std::uint32_t x = d.x0; x < d.x1; ++x) {
      int p[4];
      testing::rgba_at(lettered.picture, x, y, p);
      white += p[0] == 255 && p[1] == 255 && p[2] == 255 && p[3] == 255;
    }
  CHECK(white > 40);
}

TEST_CASE("a title adds a white band above the picture, which stays as it was below",
          "[figure][title]") {
  TempDir dir;
  const auto plain = make_fixture_figure(fixture_figure(), dir.file("plain.png"));
  const auto titled =
      make_fixture_figure(fixture_figure({{"title", "CA1"}}), dir.file("title.png"));
  // 8 pt x 1.15 at 300 dpi is 38.3 pixels; the band is 1.6 times that, rounded up: 62.
  const std::uint32_t band = 62;
  REQUIRE(titled.picture.width == 128);
  REQUIRE(titled.picture.height == 96 + band);
  CHECK(titled.sidecar["rendered"]["panels"][0]["height"] == 96);  // the picture's own height
  CHECK(testing::pixel_difference(testing::crop_rows(titled.picture, band, 96), plain.picture) ==
        "");
  // The band: opaque white with black text.
  std::size_t white = 0, black = 0, other_transparent = 0;
  for (std::uint32_t y = 0; y < band; ++y)
    for (std::uint32_t x = 0; x < 128; ++x) {
      int p[4];
      testing::rgba_at(titled.picture, x, y, p);
      white += p[0] == 255 && p[1] == 255 && p[2] == 255 && p[3] == 255;
      black += p[0] == 0 && p[1] == 0 && p[2] == 0 && p[3] == 255;
      other_transparent += p[3] != 255;
    }
  INFO(white << " white and " << black << " black pixels in the band");
  CHECK(other_transparent == 0);
  CHECK(white > band * 128 / 2);
  CHECK(black > 50);
}

TEST_CASE("an overview inset shows the section with the figure's box marked on it",
          "[figure][inset]") {
  TempDir dir;
  // The image alone: grey, so the box's yellow is the only colour.
  const json keys = {{"seg", nullptr}};
  const auto plain = make_fixture_figure(fixture_figure(keys), dir.file("plain.png"));
  json with_inset = keys;
  with_inset["inset"] = "top-right";
  const auto inset = make_fixture_figure(fixture_figure(with_inset), dir.file("inset.png"));
  const json& record = inset.sidecar["rendered"]["panels"][0]["elements"]["inset"];
  INFO(record.dump());
  // The coarsest mip at least as wide as the inset: mip 2 (16 nm), the whole section 30.
  CHECK(record["mip"] == 2);
  CHECK(record["voxels"] == json::parse("[[25, 9, 30], [100, 77, 31]]"));
  const auto [w, h] = figure::overview_size(128, 96, 75 * 16, 68 * 16);
  CHECK(w == 32);
  CHECK(h == 29);
  // The figure's box, voxels [186, 314) x [122, 218) at 4 nm, on the inset's pixels.
  const double box[4] = {record["box"][0], record["box"][1], record["box"][2], record["box"][3]};
  CHECK(box[0] == Approx((186 * 4 - 25 * 16) / (1200.0 / w)));
  CHECK(box[1] == Approx((122 * 4 - 9 * 16) / (1088.0 / h)));
  CHECK(box[2] == Approx((314 * 4 - 25 * 16) / (1200.0 / w)));
  CHECK(box[3] == Approx((218 * 4 - 9 * 16) / (1088.0 / h)));

  // At the top-right, 4 pixels in: the inset covers [92, 124) x [4, 33), its frame one more.
  const std::uint32_t ix = 128 - 4 - w, iy = 4;
  const testing::Difference d = testing::difference_of(inset.picture, plain.picture);
  INFO(d.count << " pixels differ in x [" << d.x0 << ", " << d.x1 << "), y [" << d.y0 << ", "
               << d.y1 << ")");
  CHECK(d.x0 == ix - 1);
  CHECK(d.y0 == iy - 1);
  CHECK(d.x1 == ix + w + 1);
  CHECK(d.y1 == iy + h + 1);
  // The yellow box: where the figure's box is on the overview (a 1-pixel stroke on its edges).
  std::uint32_t yx0 = UINT32_MAX, yy0 = UINT32_MAX, yx1 = 0, yy1 = 0;
  std::size_t yellow = 0;
  for (std::uint32_t y = 0; y < inset.picture.height; ++y)
    for (std::uint32_t x = 0; x < inset.picture.width; ++x) {
      int p[4];
      testing::rgba_at(inset.picture, x, y, p);
      if (p[0] - p[2] < 40 || p[1] - p[2] < 30) continue;
      ++yellow;
      yx0 = std::min(yx0, x), yy0 = std::min(yy0, y);
      yx1 = std::max(yx1, x + 1), yy1 = std::max(yy1, y + 1);
    }
  INFO(yellow << " yellow pixels in x [" << yx0 << ", " << yx1 << "), y [" << yy0 << ", " << yy1
              << ")");
  CHECK(yellow > 20);
  CHECK(std::abs(double(yx0) - (ix + box[0] - 0.5)) <= 1);
  CHECK(std::abs(double(yy0) - (iy + box[1] - 0.5)) <= 1);
  CHECK(std::abs(double(yx1) - (ix + box[2] + 0.5)) <= 1);
  CHECK(std::abs(double(yy1) - (iy + box[3] + 0.5)) <= 1);
}
