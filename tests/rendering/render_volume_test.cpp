// render_volume and thumbnails over every driver: precomputed raw, jpeg, png 16-bit (several
// channels), compressed_segmentation, and OME-Zarr. Each picture is checked against the volume's
// own read put through the formulas by hand.
#include "imagery/rendering/render_volume.h"

#include <catch2/catch.hpp>
#include <cmath>

#include "imagery/core/error.h"
#include "imagery/overlay/object_colors.h"
#include "imagery/overlay/object_labels.h"
#include "imagery/precomputed/volume_writer.h"
#include "imagery/rendering/area_average.h"
#include "imagery/rendering/projection.h"
#include "imagery/rendering/thumbnail.h"
#include "imagery/volume/open_volume.h"
#include "support/test_context.h"
#include "support/test_support.h"

using namespace imagery;
using rendering::RegionRequest;
using rendering::RenderRequest;

namespace {

RenderRequest request_for(const std::string& source, Bbox box) {
  RenderRequest r;
  r.source = source;
  r.region.kind = RegionRequest::Kind::kBounds;
  r.region.min = {double(box.min.x), double(box.min.y), double(box.min.z)};
  r.region.max = {double(box.max.x), double(box.max.y), double(box.max.z)};
  return r;
}

std::uint8_t windowed(double v, double lo, double hi) {
  const double f = hi > lo ? std::clamp((v - lo) / (hi - lo), 0.0, 1.0) : (v > lo ? 1.0 : 0.0);
  return static_cast<std::uint8_t>(std::nearbyint(255 * f));
}

double value(const Array& a, std::int64_t x, std::int64_t y, std::int64_t c = 0) {
  return visit_dtype(a.dtype(), [&](auto zero) {
    using T = decltype(zero);
    return static_cast<double>(a.at<T>(x, y, 0, c));
  });
}

// Pixels of a grey picture that differ from the windowed values of `values` (X, Y, 1).
std::int64_t grey_differences(const overlay::Image& p, const Array& values, double lo, double hi) {
  std::int64_t n = 0;
  for (std::uint32_t y = 0; y < p.height; ++y)
    for (std::uint32_t x = 0; x < p.width; ++x)
      n += p.pixel(x, y)[0] != windowed(value(values, x, y), lo, hi);
  return n;
}

// A uint16 volume of two channels in png, 2 mips.
std::string write_png16(const testing::TempDir& dir) {
  precomputed::VolumeInfo info;
  info.type = "image";
  info.data_type = DataType::kUint16;
  info.num_channels = 2;
  for (int m = 0; m < 2; ++m) {
    precomputed::Scale s;
    s.key = "s" + std::to_string(m);
    s.size = {64 >> m, 48 >> m, 4};
    s.voxel_offset = {10 >> m, 20 >> m, 3};
    s.resolution = {4.0 * (1 << m), 4.0 * (1 << m), 40};
    s.chunk_sizes = {{16, 16, 2}};
    s.encoding = precomputed::Encoding::kPng;
    info.scales.push_back(s);
  }
  precomputed::VolumeWriter writer(dir.file("png16"), info);
  for (int m = 0; m < 2; ++m) {
    const precomputed::Scale& s = info.scales[static_cast<std::size_t>(m)];
    Array a(DataType::kUint16, {s.size.x, s.size.y, s.size.z, 2});
    for (std::int64_t c = 0; c < 2; ++c)
      for (std::int64_t z = 0; z < s.size.z; ++z)
        for (std::int64_t y = 0; y < s.size.y; ++y)
          for (std::int64_t x = 0; x < s.size.x; ++x)
            a.at<std::uint16_t>(x, y, z, c) =
                static_cast<std::uint16_t>((x * 977 + y * 131 + z * 4001 + c * 20000) % 65536);
    writer.write(a, s.bounds(), m);
  }
  return dir.file("png16");
}

}  // namespace

TEST_CASE("raw and jpeg uint8: the default greyscale is the data itself (full window)",
          "[rendering][render]") {
  auto context = testing::make_context();
  for (const std::string name : {"image_raw", "image_jpeg"}) {
    const std::string src = testing::data_path("cloudvolume/" + name);
    const Bbox box{{120, 66, 23}, {220, 126, 24}};
    const rendering::RenderResult r = rendering::render_volume(request_for(src, box), *context);
    INFO(name);
    CHECK(r.model == rendering::ColorModel::kGreyscale);
    CHECK(r.level.mip == 0);
    REQUIRE(r.picture.width == 100);
    REQUIRE(r.picture.height == 60);
    REQUIRE(r.picture.channels == 1);
    const Array read = volume::open_volume(src, *context)->read(box, 0, {});
    CHECK(grey_differences(r.picture, read, 0, 255) == 0);
    CHECK(r.channels.at(0).low == 0);
    CHECK(r.channels.at(0).high == 255);
  }
}

TEST_CASE("a max projection over a driver equals projecting its read; the window is the data's",
          "[rendering][render]") {
  auto context = testing::make_context();
  const std::string src = testing::data_path("cloudvolume/image_raw");
  const Bbox box{{100, 36, 16}, {250, 136, 24}};
  RenderRequest req = request_for(src, box);
  req.projection = rendering::Projection::kMax;
  req.window = overlay::parse_display_window("minmax", "w");
  const rendering::RenderResult r = rendering::render_volume(req, *context);
  const Array truth = rendering::project(volume::open_volume(src, *context)->read(box, 0, {}),
                                         rendering::Projection::kMax);
  CHECK(r.sections == 8);
  REQUIRE(r.values.shape() == truth.shape());
  CHECK(std::memcmp(r.values.bytes(), truth.bytes(), truth.size_bytes()) == 0);
  const auto [lo, hi] = overlay::data_range({&truth});
  CHECK(r.channels[0].low == lo);
  CHECK(r.channels[0].high == hi);
  CHECK(grey_differences(r.picture, truth, lo, hi) == 0);
  // Without a projection a slab is refused, naming the sections.
  req.projection = rendering::Projection::kNone;
  CHECK_THROWS_WITH(rendering::render_volume(req, *context),
                    Catch::Contains("8 sections") && Catch::Contains("--projection"));
}

TEST_CASE("png 16-bit with two channels: the colour model with per-channel windows and colours",
          "[rendering][render]") {
  testing::TempDir dir;
  auto context = testing::make_context();
  const std::string src = write_png16(dir);
  const Bbox box{{10, 20, 4}, {74, 68, 5}};
  RenderRequest req = request_for(src, box);
  req.channels = {rendering::parse_channel_setting("0:window=1000,50000:color=magenta", "c"),
                  rendering::parse_channel_setting("1:window=p:1,99:color=green:invert", "c")};
  const rendering::RenderResult r = rendering::render_volume(req, *context);
  CHECK(r.model == rendering::ColorModel::kColor);
  REQUIRE(r.picture.channels == 3);
  const Array read = volume::open_volume(src, *context)->read(box, 0, {});
  const auto [lo1, hi1] = overlay::percentile_range({&read}, 1, 99, 1);
  CHECK(r.channels[1].low == lo1);
  std::int64_t off = 0;
  for (std::uint32_t y = 0; y < r.picture.height; ++y)
    for (std::uint32_t x = 0; x < r.picture.width; ++x) {
      const double f0 = std::clamp((value(read, x, y, 0) - 1000) / 49000.0, 0.0, 1.0);
      const double f1 = 1 - std::clamp((value(read, x, y, 1) - lo1) / (hi1 - lo1), 0.0, 1.0);
      const std::uint8_t want[3] = {
          static_cast<std::uint8_t>(std::nearbyint(255 * std::clamp(f0, 0.0, 1.0))),
          static_cast<std::uint8_t>(std::nearbyint(255 * std::clamp(f1, 0.0, 1.0))),
          static_cast<std::uint8_t>(std::nearbyint(255 * std::clamp(f0, 0.0, 1.0)))};
      off += std::memcmp(r.picture.pixel(x, y), want, 3) != 0;
    }
  CHECK(off == 0);
  // Default: every channel in its standard colour (red, green).
  const rendering::RenderResult d = rendering::render_volume(request_for(src, box), *context);
  CHECK(d.channels.size() == 2);
  CHECK(d.channels[0].color.rgb == palettes::Rgb8{255, 0, 0});
  CHECK(d.channels[1].color.rgb == palettes::Rgb8{0, 255, 0});
  // A channel the volume does not have.
  req.channels = {rendering::parse_channel_setting("2", "c")};
  CHECK_THROWS_WITH(rendering::render_volume(req, *context), Catch::Contains("2 channel"));
}

TEST_CASE("a max-size render reads the coarsest adequate mip and area-averages to the exact size",
          "[rendering][render]") {
  testing::TempDir dir;
  auto context = testing::make_context();
  const std::string src = write_png16(dir);
  const Bbox box{{10, 20, 4}, {74, 68, 5}};  // 64 x 48 at 4 nm
  RenderRequest req = request_for(src, box);
  req.level.kind = rendering::LevelRequest::Kind::kMaxSize;
  req.level.max_width = 20;
  req.level.max_height = 20;
  const rendering::RenderResult r = rendering::render_volume(req, *context);
  CHECK(r.level.mip == 1);  // 12.8 nm pixels: 8 nm is fine enough
  CHECK(r.picture.width == 20);
  CHECK(r.picture.height == 15);
  const Array at1 = volume::open_volume(src, *context)->read(r.level.read_box, 1, {});
  const Array truth =
      rendering::area_average(at1, 20, 15, r.level.x0, r.level.x1, r.level.y0, r.level.y1);
  REQUIRE(r.values.shape() == truth.shape());
  CHECK(std::memcmp(r.values.bytes(), truth.bytes(), truth.size_bytes()) == 0);
}

TEST_CASE("compressed_segmentation: objects in palette colours, sampled, never averaged",
          "[rendering][render]") {
  auto context = testing::make_context();
  const std::string src = testing::data_path("cloudvolume/seg_cseg");
  auto v = volume::open_volume(src, *context);
  const Bbox b0 = v->metadata().scale(0).bounds;
  const Bbox box{{b0.min.x, b0.min.y, b0.min.z + 3}, {b0.min.x + 96, b0.min.y + 64, b0.min.z + 4}};
  const rendering::RenderResult r = rendering::render_volume(request_for(src, box), *context);
  CHECK(r.segmentation);
  const Array read = v->read(box, 0, {});
  const overlay::ObjectLabels split = overlay::ObjectLabels::split(read);
  const auto colors = overlay::object_colors(split.ids(), false, {});
  std::int64_t off = 0;
  for (std::uint32_t y = 0; y < r.picture.height; ++y)
    for (std::uint32_t x = 0; x < r.picture.width; ++x) {
      const std::uint32_t rank = split.ranks()[y * r.picture.width + x];
      const palettes::Rgb8 want = rank ? colors[rank - 1] : palettes::Rgb8{};
      const std::uint8_t* p = r.picture.pixel(x, y);
      off += p[0] != want.r || p[1] != want.g || p[2] != want.b;
    }
  CHECK(off == 0);
  RenderRequest projected = request_for(src, box);
  projected.projection = rendering::Projection::kMax;
  CHECK_THROWS_WITH(rendering::render_volume(projected, *context), Catch::Contains("footprint"));
}

TEST_CASE("OME-Zarr: omero windows and colours are the channels' defaults", "[rendering][render]") {
  auto context = testing::make_context();
  const std::string src = testing::data_path("zarr/tczyx.zarr");
  auto v = volume::open_volume(src, *context);
  const Bbox b0 = v->metadata().scale(0).bounds;
  const Bbox box{b0.min, {b0.max.x, b0.max.y, b0.min.z + 1}};
  RenderRequest req = request_for(src, box);
  req.time_point = 1;
  const rendering::RenderResult r = rendering::render_volume(req, *context);
  REQUIRE(r.channels.size() == 2);
  CHECK(r.channels[0].color.rgb == palettes::Rgb8{0, 0, 255});  // DAPI
  CHECK(r.channels[0].low == 20);
  CHECK(r.channels[0].high == 240);
  CHECK(r.channels[1].color.rgb == palettes::Rgb8{0, 255, 0});  // GFP
  volume::ReadOptions at_t1;
  at_t1.time_point = 1;
  const Array read = v->read(box, 0, at_t1);
  std::int64_t off = 0;
  for (std::uint32_t y = 0; y < r.picture.height; ++y)
    for (std::uint32_t x = 0; x < r.picture.width; ++x) {
      const std::uint8_t* p = r.picture.pixel(x, y);
      off += p[0] != 0 || p[1] != windowed(value(read, x, y, 1), 0, 250) ||
             p[2] != windowed(value(read, x, y, 0), 20, 240);
    }
  CHECK(off == 0);
}

TEST_CASE("layers: another volume on the same grid, added in its colour", "[rendering][render]") {
  auto context = testing::make_context();
  const std::string em = testing::data_path("cloudvolume/image_raw");
  const Bbox box{{120, 66, 23}, {220, 126, 24}};
  RenderRequest req = request_for(em, box);
  req.layers = {rendering::parse_layer_setting(
      testing::data_path("cloudvolume/image_jpeg") + ":color=magenta:window=0,255:opacity=0.5",
      "l")};
  const rendering::RenderResult r = rendering::render_volume(req, *context);
  CHECK(r.model == rendering::ColorModel::kColor);
  REQUIRE(r.channels.size() == 2);
  CHECK(r.channels[1].opacity == 0.5);
  const Array a = volume::open_volume(em, *context)->read(box, 0, {});
  const Array b =
      volume::open_volume(testing::data_path("cloudvolume/image_jpeg"), *context)->read(box, 0, {});
  std::int64_t off = 0;
  for (std::uint32_t y = 0; y < r.picture.height; ++y)
    for (std::uint32_t x = 0; x < r.picture.width; ++x) {
      const double fa = value(a, x, y) / 255.0, fb = 0.5 * value(b, x, y) / 255.0;
      const std::uint8_t rb =
          static_cast<std::uint8_t>(std::nearbyint(255 * std::min(1.0, fa + fb)));
      const std::uint8_t g = static_cast<std::uint8_t>(std::nearbyint(255 * fa));
      const std::uint8_t* p = r.picture.pixel(x, y);
      off += p[0] != rb || p[1] != g || p[2] != rb;
    }
  CHECK(off == 0);
  req.layers = {rendering::parse_layer_setting(testing::data_path("cloudvolume/seg_cseg"), "l")};
  CHECK_THROWS_WITH(rendering::render_volume(req, *context), Catch::Contains("segmentation"));
}

TEST_CASE("thumbnails: longest side N or fitted into W x H, aspect kept, box marked",
          "[rendering][thumbnail]") {
  auto context = testing::make_context();
  const std::string src = testing::data_path("cloudvolume/image_raw");  // 300 x 270 at mip 0
  struct Case {
    std::int64_t w, h, out_w, out_h;
    int mip;
  };
  for (const Case& c : {Case{64, 0, 64, 58, 2}, Case{100, 100, 100, 90, 1},
                        Case{300, 50, 56, 50, 2}, Case{600, 0, 600, 540, 0}}) {
    rendering::ThumbnailRequest t;
    t.render.source = src;
    t.width = c.w;
    t.height = c.h;
    const rendering::RenderResult r = rendering::render_thumbnail(t, *context);
    INFO(c.w << "," << c.h);
    CHECK(r.picture.width == c.out_w);
    CHECK(r.picture.height == c.out_h);
    CHECK(r.level.mip == c.mip);
    CHECK(r.voxels.size().z == 1);
    CHECK(r.voxels.min.z == 30);  // the middle of sections 12..48
  }
  rendering::ThumbnailRequest t;
  t.render.source = src;
  t.width = 150;
  t.box = Bbox{{200, 136, 0}, {300, 196, 1}};
  const rendering::RenderResult r = rendering::render_thumbnail(t, *context);
  REQUIRE(r.picture.channels == 3);
  const std::uint8_t* corner = r.picture.pixel(50, 50);  // (200, 136) at half size
  CHECK((corner[0] == 255 && corner[1] == 255 && corner[2] == 0));
  const std::uint8_t* inside = r.picture.pixel(70, 65);
  CHECK_FALSE((inside[0] == 255 && inside[1] == 255 && inside[2] == 0));
  t.box = Bbox{{1000, 1000, 0}, {1100, 1100, 1}};
  CHECK_THROWS_WITH(rendering::render_thumbnail(t, *context), Catch::Contains("outside"));
  t.box.reset();
  t.z = 99;
  CHECK_THROWS_WITH(rendering::render_thumbnail(t, *context), Catch::Contains("--z 99"));
}
