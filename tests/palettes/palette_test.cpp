// Palettes against ImageryClient's discrete_colors (palettes.json, written by ImageryClient with
// seaborn 0.12.2) and against seaborn's color_palette for the other named palettes.
#include <catch2/catch.hpp>
#include <fstream>
#include <nlohmann/json.hpp>

#include "imagery/core/error.h"
#include "imagery/palettes/internal/hls.h"
#include "imagery/palettes/internal/husl.h"
#include "imagery/palettes/named_palettes.h"
#include "imagery/palettes/palette.h"
#include "support/test_support.h"

using imagery::palettes::discrete_colors;
using imagery::palettes::Rgb8;
using imagery::palettes::RgbF;

namespace {

nlohmann::json load_json(const std::string& relative) {
  std::ifstream in(imagery::testing::data_path(relative));
  REQUIRE(in);
  return nlohmann::json::parse(in);
}

// Compares every colour exactly: floats bit for bit, bytes after ImageryClient's truncation.
void check_against(const std::string& palette, std::size_t n, const nlohmann::json& expected) {
  INFO("palette " << palette << " n=" << n);
  std::vector<RgbF> got = discrete_colors(palette, n);
  REQUIRE(got.size() == expected["float"].size());
  std::vector<Rgb8> bytes = imagery::palettes::to_uint8(got);
  for (std::size_t i = 0; i < n; ++i) {
    INFO("colour " << i);
    const auto& f = expected["float"][i];
    CHECK(got[i].r == f[0].get<double>());
    CHECK(got[i].g == f[1].get<double>());
    CHECK(got[i].b == f[2].get<double>());
    const auto& u = expected["uint8"][i];
    CHECK(int(bytes[i].r) == u[0].get<int>());
    CHECK(int(bytes[i].g) == u[1].get<int>());
    CHECK(int(bytes[i].b) == u[2].get<int>());
  }
}

}  // namespace

TEST_CASE("husl palette equals ImageryClient's colours bit for bit at every n",
          "[palettes][husl]") {
  auto doc = load_json("imageryclient/palettes.json");
  REQUIRE(doc["husl"].size() >= 15);
  for (auto& [n, expected] : doc["husl"].items()) check_against("husl", std::stoul(n), expected);
}

TEST_CASE("hls palette equals ImageryClient's colours including 0.9999999999999999 -> 254",
          "[palettes][hls]") {
  auto doc = load_json("imageryclient/palettes.json");
  for (auto& [n, expected] : doc["hls"].items()) check_against("hls", std::stoul(n), expected);
  // colorsys gives l + s - l*s = 0.9999999999999999 for l=0.65, s=1: truncation makes it 254.
  CHECK(imagery::palettes::to_uint8(discrete_colors("hls", 1)[0]) == Rgb8{254, 87, 76});
}

TEST_CASE("tab10 and Set1 equal ImageryClient's colours and cycle past their length",
          "[palettes][named]") {
  auto doc = load_json("imageryclient/palettes.json");
  for (const char* name : {"tab10", "Set1"})
    for (auto& [n, expected] : doc[name].items()) check_against(name, std::stoul(n), expected);
}

TEST_CASE("every other named palette equals seaborn's color_palette", "[palettes][named]") {
  auto doc = load_json("palettes/seaborn_named.json");
  REQUIRE(doc["palettes"].size() == 18);
  for (auto& [name, by_n] : doc["palettes"].items())
    for (auto& [n, expected] : by_n.items()) check_against(name, std::stoul(n), expected);
}

TEST_CASE("Accent keeps matplotlib's float so its 23/255 component truncates to 22",
          "[palettes][named]") {
  auto accent = discrete_colors("Accent", 7);
  CHECK(accent[6].b == 0.09019607843137253);
  CHECK(imagery::palettes::to_uint8(accent[6]) == Rgb8{191, 91, 22});
}

TEST_CASE("husl and hls with custom h, s, l equal seaborn's values", "[palettes][husl]") {
  // seaborn.husl_palette(3, h=0.5, s=0.7, l=0.4) and seaborn.hls_palette(3, h=0.3, l=0.4, s=0.5).
  const std::vector<RgbF> husl = {{0.20215256374822999, 0.39904815756685025, 0.3752446373382459},
                                  {0.546296843412558, 0.23321679127496275, 0.6024087663854059},
                                  {0.4383443216924449, 0.3541323061044876, 0.19052997914492348}};
  CHECK(discrete_colors("husl", 3, {0.5, 0.7, 0.4}) == husl);
  const std::vector<RgbF> hls = {{0.27999999999999997, 0.6000000000000001, 0.19999999999999996},
                                 {0.19999999999999996, 0.27999999999999997, 0.6000000000000001},
                                 {0.6000000000000001, 0.19999999999999996, 0.27999999999999997}};
  CHECK(discrete_colors("hls", 3, {0.3, 0.5, 0.4}) == hls);
  // l = 1 scales to 99, not 100, so it is near-white with a tint (seaborn gives these bytes).
  const std::vector<Rgb8> light = {
      {246, 254, 238}, {243, 254, 254}, {253, 251, 254}, {254, 251, 251}};
  CHECK(imagery::palettes::to_uint8(imagery::palettes::husl_palette(4, 0.3, 1.0, 1.0)) == light);
  // l = 0 is black, whatever the hue.
  for (const RgbF& c : imagery::palettes::husl_palette(4, 0.3, 1.0, 0.0)) CHECK(c == RgbF{0, 0, 0});
}

TEST_CASE("an empty palette request gives no colours", "[palettes]") {
  CHECK(discrete_colors("husl", 0).empty());
  CHECK(discrete_colors("tab20", 0).empty());
}

TEST_CASE("an unknown palette name is an error that lists the known names", "[palettes]") {
  try {
    discrete_colors("viridis_nope", 3);
    FAIL("no error");
  } catch (const imagery::Error& e) {
    CHECK(e.code() == imagery::ErrorCode::kInvalidArgument);
    CHECK_THAT(e.what(), Catch::Contains("viridis_nope") && Catch::Contains("tab10") &&
                             Catch::Contains("colorblind"));
  }
  CHECK_FALSE(imagery::palettes::is_palette_name("TAB10"));  // names are case-sensitive
  CHECK(imagery::palettes::is_palette_name("Pastel2"));
}
