// Helpers for the graphics tests: a scene drawn like a figure (grey EM-like noise, outlined and
// filled polygons, one with a hole, a wide stroke clipped to one side of an edge, a scale bar with
// white text on a dark halo), external programs found on PATH, and raster comparisons that say
// how many pixels differ.
#pragma once

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <memory>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "imagery/graphics/scene.h"
#include "imagery/overlay/image.h"

namespace imagery::testing {

// The program `name` from $PATH, or "" (callers fail: CI always has the programs, scripts/setup
// installs them).
inline std::string find_program(const std::string& name) {
  const char* path = std::getenv("PATH");
  std::stringstream dirs(path ? path : "");
  std::string dir;
  while (std::getline(dirs, dir, ':')) {
    if (dir.empty()) continue;
    const std::string candidate = dir + "/" + name;
    if (::access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  return "";
}

inline std::shared_ptr<overlay::Image> grey_noise(std::uint32_t w, std::uint32_t h, unsigned seed) {
  auto im = std::make_shared<overlay::Image>(w, h, 1);
  std::mt19937 rng(seed);
  // Smooth blobs plus noise, roughly like an EM picture.
  for (std::uint32_t y = 0; y < h; ++y)
    for (std::uint32_t x = 0; x < w; ++x) {
      const int base = 120 + static_cast<int>(((x / 16 + y / 16) % 5) * 12);
      const int v = base + static_cast<int>(rng() % 41) - 20;
      *im->pixel(x, y) = static_cast<std::uint8_t>(std::clamp(v, 0, 255));
    }
  return im;
}

inline graphics::Polyline rect(double x0, double y0, double x1, double y1) {
  return {{{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}}, true};
}

// Boxes of whole pixels [x0, x1) x [y0, y1) that opaque, pixel-aligned shapes of figure_scene()
// cover fully: every renderer must give exactly the same pixels there.
struct PixelBox {
  int x0, y0, x1, y1;
};

// A 256 x 256 scene like a figure panel.
inline graphics::Scene figure_scene() {
  using namespace graphics;
  Scene scene;
  scene.width = 256;
  scene.height = 256;
  scene.items.push_back(ImageItem{grey_noise(256, 256, 7), 0, 0, 256, 256, "imagery"});
  // A translucent fill with a hole (even-odd).
  PathItem holed;
  holed.subpaths = {rect(30, 30, 110, 110), rect(50, 50, 90, 90)};
  holed.fill = Color{255, 0, 0, 102};
  holed.role = "fill";
  scene.items.push_back(holed);
  // An outline along a slanted polygon.
  PathItem outline;
  outline.subpaths = {{{{20, 130}, {110, 140}, {70, 200}}, true}};
  outline.stroke = Stroke{Color{0, 255, 0, 255}, 3, LineJoin::kRound, LineCap::kButt, 10};
  outline.role = "outline";
  scene.items.push_back(outline);
  // A wide stroke clipped to the inside of its square: a 6-unit band inside the edge.
  PathItem band;
  band.subpaths = {rect(140, 30, 230, 120)};
  band.stroke = Stroke{Color{0, 128, 255, 255}, 12, LineJoin::kMiter, LineCap::kButt, 10};
  band.clip = Region{{rect(140, 30, 230, 120)}, FillRule::kEvenOdd};
  band.role = "outline";
  scene.items.push_back(band);
  // An opaque stroked square on whole pixels (width 4 centred on x = 20 covers x 18-22).
  PathItem frame;
  frame.subpaths = {rect(20, 150, 100, 230)};
  frame.stroke = Stroke{Color{255, 220, 0, 255}, 4, LineJoin::kMiter, LineCap::kButt, 10};
  frame.role = "annotation";
  scene.items.push_back(frame);
  // Scale bar and its label.
  PathItem bar;
  bar.subpaths = {rect(160, 225, 240, 233)};
  bar.fill = Color{255, 255, 255, 255};
  bar.role = "scale-bar";
  scene.items.push_back(bar);
  TextItem label;
  label.text = "1 \u00b5m";
  label.x = 200;
  label.y = 215;
  label.size = 16;
  label.bold = true;
  label.anchor = TextAnchor::kMiddle;
  label.fill = Color{255, 255, 255, 255};
  label.halo = Stroke{Color{0, 0, 0, 255}, 3, LineJoin::kRound, LineCap::kRound, 10};
  label.role = "scale-bar";
  scene.items.push_back(label);
  return scene;
}

inline std::vector<PixelBox> figure_scene_exact_boxes() {
  return {
      {141, 31, 146, 119},   // inside the clipped band, left side
      {141, 31, 229, 36},    // inside the clipped band, top side
      {18, 152, 22, 228},    // the frame's left side
      {18, 148, 102, 152},   // the frame's top side
      {161, 226, 239, 232},  // the scale bar
      {160, 150, 250, 190},  // bare imagery
  };
}

// The pixel at (x, y) as RGBA (grey and RGB spread out, missing alpha 255).
inline void rgba_at(const overlay::Image& im, std::uint32_t x, std::uint32_t y, int out[4]) {
  const std::uint8_t* p = im.pixel(x, y);
  switch (im.channels) {
    case 1:
      out[0] = out[1] = out[2] = p[0], out[3] = 255;
      break;
    case 2:
      out[0] = out[1] = out[2] = p[0], out[3] = p[1];
      break;
    case 3:
      out[0] = p[0], out[1] = p[1], out[2] = p[2], out[3] = 255;
      break;
    default:
      out[0] = p[0], out[1] = p[1], out[2] = p[2], out[3] = p[3];
  }
}

// The mean of each k x k block (rounded), RGB: a raster drawn at k times the size brought back to
// native pixels (pdftoppm draws pictures at less than 4x blurred, at 4x with the nearest pixel).
inline overlay::Image box_average(const overlay::Image& im, std::uint32_t k) {
  overlay::Image out(im.width / k, im.height / k, 3);
  for (std::uint32_t y = 0; y < out.height; ++y)
    for (std::uint32_t x = 0; x < out.width; ++x)
      for (int c = 0; c < 3; ++c) {
        std::uint32_t sum = 0;
        for (std::uint32_t j = 0; j < k; ++j)
          for (std::uint32_t i = 0; i < k; ++i) {
            int px[4];
            rgba_at(im, x * k + i, y * k + j, px);
            sum += static_cast<std::uint32_t>(px[c]);
          }
        out.pixel(x, y)[c] = static_cast<std::uint8_t>((sum + k * k / 2) / (k * k));
      }
  return out;
}

// The box around the scale bar's label in figure_scene(), halo included.
inline PixelBox figure_scene_text_box() {
  return {170, 196, 231, 224};
}

// "" when at least `fraction` of the pixels (of `box`, or all) are within `tolerance` levels on
// every channel (alpha compared only when `with_alpha`), else how many are not and the worst.
inline std::string agreement(const overlay::Image& got, const overlay::Image& expected,
                             int tolerance, double fraction, bool with_alpha = true,
                             std::optional<PixelBox> box = std::nullopt) {
  std::ostringstream out;
  if (got.width != expected.width || got.height != expected.height) {
    out << "size differs: got " << got.width << "x" << got.height << ", expected " << expected.width
        << "x" << expected.height;
    return out.str();
  }
  const PixelBox region = box.value_or(PixelBox{0, 0, int(got.width), int(got.height)});
  std::size_t outside = 0, worst = 0, worst_at = 0;
  const std::size_t n = static_cast<std::size_t>(region.x1 - region.x0) * (region.y1 - region.y0);
  for (std::uint32_t y = region.y0; y < std::uint32_t(region.y1); ++y)
    for (std::uint32_t x = region.x0; x < std::uint32_t(region.x1); ++x) {
      int a[4], b[4];
      rgba_at(got, x, y, a);
      rgba_at(expected, x, y, b);
      std::size_t d = 0;
      for (int k = 0; k < (with_alpha ? 4 : 3); ++k)
        d = std::max<std::size_t>(d, static_cast<std::size_t>(std::abs(a[k] - b[k])));
      if (d > static_cast<std::size_t>(tolerance)) ++outside;
      if (d > worst) worst = d, worst_at = static_cast<std::size_t>(y) * got.width + x;
    }
  if (static_cast<double>(n - outside) >= fraction * static_cast<double>(n)) return "";
  out << outside << " of " << n << " pixels differ by more than " << tolerance
      << " levels; the worst by " << worst << " at (x=" << worst_at % got.width
      << ", y=" << worst_at / got.width << ")";
  return out.str();
}

// "" when every pixel in `boxes` is identical (RGB, and alpha when `with_alpha`), else how many
// differ and the first.
inline std::string exact_in(const overlay::Image& got, const overlay::Image& expected,
                            const std::vector<PixelBox>& boxes, bool with_alpha = true) {
  std::size_t differing = 0, total = 0;
  std::ostringstream first;
  for (const PixelBox& b : boxes)
    for (int y = b.y0; y < b.y1; ++y)
      for (int x = b.x0; x < b.x1; ++x) {
        int p[4], q[4];
        rgba_at(got, x, y, p);
        rgba_at(expected, x, y, q);
        ++total;
        bool same = true;
        for (int k = 0; k < (with_alpha ? 4 : 3); ++k) same &= p[k] == q[k];
        if (!same && differing++ == 0)
          first << "; first at (x=" << x << ", y=" << y << "): got (" << p[0] << "," << p[1] << ","
                << p[2] << "," << p[3] << ") expected (" << q[0] << "," << q[1] << "," << q[2]
                << "," << q[3] << ")";
      }
  if (!differing) return "";
  std::ostringstream out;
  out << differing << " of " << total << " pixels of pixel-aligned shapes differ" << first.str();
  return out.str();
}

}  // namespace imagery::testing
