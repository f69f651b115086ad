// The fast compositor against the literal per-object reference on random label pictures, plus
// the axis conventions: non-square pictures, slicing along each dim, transposition.
#include <catch2/catch.hpp>
#include <random>

#include "imagery/core/error.h"
#include "imagery/core/npy.h"
#include "imagery/overlay/display_window.h"
#include "imagery/overlay/object_colors.h"
#include "imagery/overlay/object_labels.h"
#include "imagery/overlay/series.h"
#include "overlay/overlay_test_support.h"
#include "overlay/reference_compositor.h"

using namespace imagery;
using imagery::testing::pixel_difference;

namespace {

// Voronoi cells with some cells left as background, like a cutout of a segmentation.
std::vector<std::uint32_t> random_labels(std::mt19937& rng, std::uint32_t w, std::uint32_t h,
                                         std::uint32_t objects) {
  struct Seed {
    std::int64_t x, y;
    std::uint32_t rank;
  };
  std::vector<Seed> seeds;
  const std::uint32_t cells = objects + 1 + rng() % 4;
  for (std::uint32_t i = 0; i < cells; ++i)
    seeds.push_back({static_cast<std::int64_t>(rng() % w), static_cast<std::int64_t>(rng() % h),
                     objects ? static_cast<std::uint32_t>(rng() % (objects + 1)) : 0});
  for (std::uint32_t k = 1; k <= objects && k <= cells; ++k)
    seeds[k - 1].rank = k;  // every rank occurs
  std::vector<std::uint32_t> ranks(static_cast<std::size_t>(w) * h);
  for (std::int64_t y = 0; y < h; ++y)
    for (std::int64_t x = 0; x < w; ++x) {
      std::int64_t best = -1, best_d = 0;
      for (std::size_t s = 0; s < seeds.size(); ++s) {
        std::int64_t d = (x - seeds[s].x) * (x - seeds[s].x) + (y - seeds[s].y) * (y - seeds[s].y);
        if (best < 0 || d < best_d) best = static_cast<std::int64_t>(s), best_d = d;
      }
      ranks[static_cast<std::size_t>(y * w + x)] = seeds[static_cast<std::size_t>(best)].rank;
    }
  return ranks;
}

overlay::Image transpose(const overlay::Image& in) {
  overlay::Image out(in.height, in.width, in.channels);
  for (std::uint32_t y = 0; y < in.height; ++y)
    for (std::uint32_t x = 0; x < in.width; ++x)
      std::copy(in.pixel(x, y), in.pixel(x, y) + in.channels, out.pixel(y, x));
  return out;
}

}  // namespace

TEST_CASE("the label-picture compositor equals the per-object reference on random segmentations",
          "[overlay][composite]") {
  std::mt19937 rng(2024);
  const double alphas[] = {0.2, 0.4, 1.0, 0.0, 0.77};
  for (int round = 0; round < 300; ++round) {
    const std::uint32_t w = 1 + rng() % 37, h = 1 + rng() % 29, objects = rng() % 9;
    auto ranks = random_labels(rng, w, h, objects);
    std::vector<palettes::Rgb8> colors;
    for (std::uint32_t k = 0; k < objects; ++k)
      colors.push_back({static_cast<std::uint8_t>(rng()), static_cast<std::uint8_t>(rng()),
                        static_cast<std::uint8_t>(rng())});
    std::vector<std::uint8_t> grey(ranks.size());
    for (auto& g : grey) g = static_cast<std::uint8_t>(rng());
    overlay::CompositeOptions o;
    o.alpha = alphas[rng() % 5];
    o.outline = rng() % 4 != 0;
    o.side = rng() % 2 ? overlay::Side::kIn : overlay::Side::kOut;
    o.width = static_cast<int>(rng() % 7);  // 0 = until nothing changes
    o.merge_outline = rng() % 2;
    o.overlap = rng() % 2;
    const bool with_grey = rng() % 2;
    INFO("round " << round << ": " << w << "x" << h << ", " << objects << " objects, alpha "
                  << o.alpha
                  << (o.outline ? (o.side == overlay::Side::kIn ? " outline in" : " outline out")
                                : " fill")
                  << " width " << o.width << " merge " << o.merge_outline << " overlap "
                  << o.overlap << " imagery " << with_grey);
    const std::uint8_t* g = with_grey ? grey.data() : nullptr;
    auto got = overlay::composite_picture(ranks.data(), w, h, colors, g, o);
    auto expected = testing::reference_composite(ranks, w, h, colors, g, o);
    REQUIRE(pixel_difference(got, expected) == "");
  }
}

TEST_CASE("a transposed segmentation gives the transposed picture", "[overlay][composite]") {
  std::mt19937 rng(11);
  const std::uint32_t w = 53, h = 31;  // non-square on purpose
  auto ranks = random_labels(rng, w, h, 6);
  std::vector<std::uint32_t> ranks_t(ranks.size());
  for (std::uint32_t y = 0; y < h; ++y)
    for (std::uint32_t x = 0; x < w; ++x) ranks_t[x * h + y] = ranks[y * w + x];
  const std::vector<palettes::Rgb8> colors = {{255, 0, 0}, {0, 255, 0},  {0, 0, 255},
                                              {9, 9, 9},   {200, 1, 50}, {3, 100, 3}};
  for (auto side : {overlay::Side::kIn, overlay::Side::kOut}) {
    overlay::CompositeOptions o;
    o.outline = true;
    o.side = side;
    o.width = 3;
    o.alpha = 0.6;
    auto a = overlay::composite_picture(ranks.data(), w, h, colors, nullptr, o);
    auto b = overlay::composite_picture(ranks_t.data(), h, w, colors, nullptr, o);
    CHECK(a.width == w);
    CHECK(a.height == h);
    CHECK(pixel_difference(transpose(a), b) == "");
  }
}

TEST_CASE("a non-square crop of the fixture fills like the same rows of the golden picture",
          "[overlay][composite][golden]") {
  // Fill is per pixel, so the picture of seg[:, :200] with the full set's colours is the first
  // 200 rows of the golden: this pins rows = y and columns = x on a non-square input.
  NpyArray seg = read_npy(testing::data_path("imageryclient/inputs/seg256.npy"));
  NpyArray img = read_npy(testing::data_path("imageryclient/inputs/img256.npy"));
  auto full = overlay::ObjectLabels::split(seg.array);
  overlay::ColorChoice choice;
  choice.palette = "husl";
  auto colors = overlay::object_colors(full.ids(), false, choice);
  overlay::ColorChoice by_id;
  for (std::size_t k = 0; k < full.ids().size(); ++k)
    by_id.by_id.emplace_back(full.ids()[k], colors[k]);

  Array crop(DataType::kUint64, {256, 200, 1, 1});
  Array crop_img(DataType::kUint8, {256, 200, 1, 1});
  std::copy(seg.array.data<std::uint64_t>(), seg.array.data<std::uint64_t>() + 256 * 200,
            crop.data<std::uint64_t>());
  std::copy(img.array.data<std::uint8_t>(), img.array.data<std::uint8_t>() + 256 * 200,
            crop_img.data<std::uint8_t>());
  auto labels = overlay::ObjectLabels::split(crop);
  overlay::CompositeOptions o;
  o.alpha = 0.4;
  auto pictures =
      overlay::composite_series(labels, overlay::object_colors(labels.ids(), false, by_id),
                                overlay::to_grey8(crop_img, {}), 2, o);
  REQUIRE(pictures.size() == 1);
  auto golden =
      overlay::read_figure_png(testing::data_path("imageryclient/golden/fill_256_husl_a0.4.png"));
  golden.height = 200;
  golden.pixels.resize(256 * 200 * 4);
  CHECK(pictures[0].width == 256);
  CHECK(pictures[0].height == 200);
  CHECK(pixel_difference(pictures[0], golden) == "");
}

TEST_CASE("slicing along x, y and z gives pictures of the remaining axes, first axis as columns",
          "[overlay][series]") {
  // A 4 x 3 x 2 volume whose ids encode their position, so each picture can be predicted.
  Array seg(DataType::kUint32, {4, 3, 2, 1});
  for (std::int64_t z = 0; z < 2; ++z)
    for (std::int64_t y = 0; y < 3; ++y)
      for (std::int64_t x = 0; x < 4; ++x)
        seg.at<std::uint32_t>(x, y, z) = static_cast<std::uint32_t>(1 + x + 4 * y + 12 * z);
  auto labels = overlay::ObjectLabels::split(seg);
  REQUIRE(labels.object_count() == 24);
  std::vector<palettes::Rgb8> colors;  // object k (id k+1) gets red = id
  for (std::uint32_t k = 0; k < 24; ++k) colors.push_back({static_cast<std::uint8_t>(k + 1), 0, 0});
  overlay::CompositeOptions o;
  o.alpha = 1.0;
  auto id_at = [](const overlay::Image& p, std::uint32_t col, std::uint32_t row) {
    return int(p.pixel(col, row)[0]);
  };
  auto along_z = overlay::composite_series(labels, colors, {}, 2, o);
  REQUIRE(along_z.size() == 2);
  CHECK(along_z[1].width == 4);
  CHECK(along_z[1].height == 3);
  CHECK(id_at(along_z[1], 3, 2) == 1 + 3 + 8 + 12);
  auto along_y = overlay::composite_series(labels, colors, {}, 1, o);
  REQUIRE(along_y.size() == 3);
  CHECK(along_y[2].width == 4);
  CHECK(along_y[2].height == 2);
  CHECK(id_at(along_y[2], 1, 1) == 1 + 1 + 8 + 12);
  auto along_x = overlay::composite_series(labels, colors, {}, 0, o);
  REQUIRE(along_x.size() == 4);
  CHECK(along_x[3].width == 3);
  CHECK(along_x[3].height == 2);
  CHECK(id_at(along_x[3], 2, 1) == 1 + 3 + 8 + 12);
  CHECK_THROWS_AS(overlay::composite_series(labels, colors, {}, 3, o), Error);
}

TEST_CASE("colours come by id, by rank or by palette and missing colours are errors",
          "[overlay][colors]") {
  const std::vector<std::uint64_t> ids = {5, 9, static_cast<std::uint64_t>(-3)};
  overlay::ColorChoice by_id;
  by_id.source = "--color";
  by_id.by_id = {
      {9, {1, 2, 3}}, {5, {4, 5, 6}}, {static_cast<std::uint64_t>(-3), {7, 8, 9}}, {77, {0, 0, 0}}};
  CHECK(overlay::object_colors(ids, true, by_id) ==
        std::vector<palettes::Rgb8>{{4, 5, 6}, {1, 2, 3}, {7, 8, 9}});
  by_id.by_id.erase(by_id.by_id.begin() + 2);
  try {
    overlay::object_colors(ids, true, by_id);
    FAIL("accepted");
  } catch (const Error& e) {
    CHECK_THAT(e.what(), Catch::StartsWith("--color: no colour for object -3"));
  }
  overlay::ColorChoice by_rank;
  by_rank.by_rank = {{1, 1, 1}, {2, 2, 2}, {3, 3, 3}, {4, 4, 4}};
  CHECK(overlay::object_colors(ids, false, by_rank).size() == 3);
  by_rank.by_rank = {{1, 1, 1}, {2, 2, 2}};
  CHECK_THROWS_AS(overlay::object_colors(ids, false, by_rank), Error);
  overlay::ColorChoice tab;
  tab.palette = "tab10";
  CHECK(overlay::object_colors(ids, false, tab)[1] == palettes::Rgb8{255, 127, 14});
}

TEST_CASE("a colour table shorter than the objects is refused, not read past",
          "[overlay][composite]") {
  std::vector<std::uint32_t> ranks = {0, 1, 2, 3};
  std::vector<palettes::Rgb8> two = {{1, 1, 1}, {2, 2, 2}};
  CHECK_THROWS_AS(overlay::composite_picture(ranks.data(), 2, 2, two, nullptr, {}), Error);
}
