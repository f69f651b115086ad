// Helpers for the figure tests that make whole figures: specs over the CloudVolume fixtures
// (tests/data/cloudvolume: image_raw, uint8 at 4 nm, 300 x 270 x 37 voxels from (100, 36, 12);
// seg_cseg at 8 nm) read from local paths, make_figure into a temporary folder, and finding what
// was drawn in a picture (runs of one colour, pixels that differ from another picture).
#pragma once

#include <algorithm>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "graphics/graphics_test_support.h"
#include "imagery/figure/figure_spec_json.h"
#include "imagery/figure/make_figure.h"
#include "imagery/overlay/figure_png.h"
#include "support/test_context.h"
#include "support/test_support.h"

namespace imagery::testing {

inline std::string fixture_image() {
  return data_path("cloudvolume/image_raw");
}
inline std::string fixture_segmentation() {
  return data_path("cloudvolume/seg_cseg");
}

// A figure document over the fixtures: image and segmentation, 128 x 96 pixels at mip 0 (4 nm)
// around (250, 170, 30), i.e. voxels [186, 314) x [122, 218) of section 30; `extra` keys added
// (null removes a key).
inline nlohmann::json fixture_figure(const nlohmann::json& extra = nlohmann::json::object()) {
  nlohmann::json doc = {{"image", fixture_image()},
                        {"seg", fixture_segmentation()},
                        {"center", {250, 170, 30}},
                        {"image_size", {128, 96}}};
  for (auto it = extra.begin(); it != extra.end(); ++it) {
    if (it.value().is_null())
      doc.erase(it.key());
    else
      doc[it.key()] = it.value();
  }
  return doc;
}

struct MadeFigure {
  figure::FigureFiles files;
  nlohmann::json sidecar;
  overlay::Image picture;  // the PNG, when the output is one
};

// make_figure of `doc` (a figure document) into `output`.
inline MadeFigure make_fixture_figure(nlohmann::json doc, const std::string& output) {
  doc["output"] = output;
  const figure::FigureSpec spec = figure::read_figure_spec(doc);
  const auto context = make_context();
  MadeFigure made;
  made.files = figure::make_figure(spec, *context);
  made.sidecar = nlohmann::json::parse(read_text(made.files.sidecar));
  if (output.size() > 4 && output.substr(output.size() - 4) == ".png")
    made.picture = overlay::read_figure_png(output);
  return made;
}

// A maximal run of pixels of one colour along a row: [x0, x0 + length) of row y.
struct Run {
  std::uint32_t y = 0, x0 = 0, length = 0;
};

// Every maximal run of opaque pixels of exactly `rgb` along the rows of `im`, row by row.
inline std::vector<Run> runs_of(const overlay::Image& im, std::uint8_t r, std::uint8_t g,
                                std::uint8_t b) {
  std::vector<Run> runs;
  for (std::uint32_t y = 0; y < im.height; ++y) {
    std::uint32_t start = 0, length = 0;
    for (std::uint32_t x = 0; x <= im.width; ++x) {
      bool match = false;
      if (x < im.width) {
        int p[4];
        rgba_at(im, x, y, p);
        match = p[0] == r && p[1] == g && p[2] == b && p[3] == 255;
      }
      if (match) {
        if (length++ == 0) start = x;
      } else if (length > 0) {
        runs.push_back({y, start, length});
        length = 0;
      }
    }
  }
  return runs;
}

// A bar of one colour: the longest run, and how many consecutive rows hold that same run.
struct Bar {
  std::uint32_t x0 = 0, y0 = 0, length = 0, rows = 0;
  std::string describe() const {
    std::ostringstream out;
    out << length << " px from (x=" << x0 << ", y=" << y0 << "), " << rows << " rows";
    return out.str();
  }
};
inline Bar find_bar(const overlay::Image& im, std::uint8_t r, std::uint8_t g, std::uint8_t b) {
  const std::vector<Run> runs = runs_of(im, r, g, b);
  Bar bar;
  if (runs.empty()) return bar;
  const Run longest = *std::max_element(
      runs.begin(), runs.end(), [](const Run& a, const Run& c) { return a.length < c.length; });
  bar.x0 = longest.x0;
  bar.y0 = longest.y;
  bar.length = longest.length;
  for (const Run& run : runs)
    if (run.x0 == longest.x0 && run.length == longest.length && run.y == bar.y0 + bar.rows)
      ++bar.rows;
  return bar;
}

// The largest difference over the channels of pixel (x, y) of two pictures (RGBA).
inline int channel_difference(const overlay::Image& a, const overlay::Image& b, std::uint32_t x,
                              std::uint32_t y, bool with_alpha = true) {
  int p[4], q[4];
  rgba_at(a, x, y, p);
  rgba_at(b, x, y, q);
  int d = 0;
  for (int k = 0; k < (with_alpha ? 4 : 3); ++k) d = std::max(d, std::abs(p[k] - q[k]));
  return d;
}

// Where two pictures of one size differ: the bounding box of the differing pixels and their
// count (count 0: identical).
struct Difference {
  std::size_t count = 0;
  std::uint32_t x0 = UINT32_MAX, y0 = UINT32_MAX, x1 = 0, y1 = 0;  // half-open
};
inline Difference difference_of(const overlay::Image& a, const overlay::Image& b) {
  Difference d;
  for (std::uint32_t y = 0; y < std::min(a.height, b.height); ++y)
    for (std::uint32_t x = 0; x < std::min(a.width, b.width); ++x)
      if (channel_difference(a, b, x, y) > 0) {
        ++d.count;
        d.x0 = std::min(d.x0, x), d.y0 = std::min(d.y0, y);
        d.x1 = std::max(d.x1, x + 1), d.y1 = std::max(d.y1, y + 1);
      }
  return d;
}

// Rows [y0, y0 + height) of `im`.
inline overlay::Image crop_rows(const overlay::Image& im, std::uint32_t y0, std::uint32_t height) {
  overlay::Image out(im.width, height, im.channels);
  std::copy(im.pixel(0, y0),
            im.pixel(0, y0) + static_cast<std::size_t>(im.width) * height * im.channels,
            out.pixels.begin());
  return out;
}

}  // namespace imagery::testing
