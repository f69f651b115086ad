// Choosing a mip: the selector's text form (index, resolution or default) read back exactly,
// malformed text refused, selection by index, resolution or default with messages that name the
// volume and what it has, and the nearest usable scale to a resolution.
#include "imagery/volume/mip.h"

#include <catch2/catch.hpp>
#include <cmath>
#include <string>

#include "imagery/core/error.h"
#include "support/error_of.h"

using imagery::ErrorCode;
using imagery::Vec3d;
using imagery::testing::error_of;
using imagery::volume::Metadata;
using imagery::volume::MipSelector;
using imagery::volume::nearest_mip;
using imagery::volume::ScaleInfo;
using imagery::volume::select_mip;

namespace {

Metadata three_scales() {
  Metadata m;
  m.url = "gs://bucket/em";
  for (const Vec3d& r : {Vec3d{4, 4, 40}, Vec3d{8, 8, 40}, Vec3d{16, 16, 40}}) {
    ScaleInfo s;
    s.key =
        std::to_string(static_cast<int>(r.x)) + "_" + std::to_string(static_cast<int>(r.y)) + "_40";
    s.resolution = r;
    m.scales.push_back(s);
  }
  m.default_mip = 1;
  return m;
}

}  // namespace

TEST_CASE("mip selectors read back from their text form", "[volume][mip]") {
  for (const MipSelector& s :
       {MipSelector{}, MipSelector::index(0), MipSelector::index(7), MipSelector::index(1000),
        MipSelector::resolution({8, 8, 40}), MipSelector::resolution({4.5, 3.25, 40}),
        MipSelector::resolution({0.1, 1e-3, 1e6}), MipSelector::resolution({1.0 / 3, 2, 3})}) {
    const std::string text = s.to_string();
    INFO("'" << text << "'");
    CHECK(MipSelector::parse(text) == s);
  }
  CHECK(MipSelector{}.to_string().empty());
  CHECK(MipSelector::index(2).to_string() == "2");
  CHECK(MipSelector::resolution({8, 8, 40}).to_string() == "8,8,40");
  CHECK(MipSelector::resolution({4.5, 4.5, 40}).to_string() == "4.5,4.5,40");
}

TEST_CASE("mip selectors parse indices, resolutions and blanks", "[volume][mip]") {
  CHECK(MipSelector::parse("").is_default());
  CHECK(MipSelector::parse("  \t").is_default());
  CHECK(MipSelector::parse("3") == MipSelector::index(3));
  CHECK(MipSelector::parse(" 3 ") == MipSelector::index(3));
  CHECK(MipSelector::parse("0") == MipSelector::index(0));
  CHECK(MipSelector::parse("8,8,40") == MipSelector::resolution({8, 8, 40}));
  CHECK(MipSelector::parse(" 8 , 8.5 ,40 ") == MipSelector::resolution({8, 8.5, 40}));
  CHECK(MipSelector::parse("4e0,4,4e1") == MipSelector::resolution({4, 4, 40}));
  CHECK_FALSE(MipSelector::parse("2").is_default());
}

TEST_CASE("malformed mip selectors are refused quoting the text", "[volume][mip]") {
  for (const char* text :
       {"abc", "2x", "x2", "1.5", "+2", "0x3", "8,8", "8,8,40,1", "8,,40", ",8,40", "8,8,",
        "0,8,40", "-4,4,40", "nan,4,40", "inf,4,40", "1e999,4,40", "a,b,c", "8;8;40"}) {
    INFO(text);
    const auto e = error_of([&] { MipSelector::parse(text); });
    CHECK(e.code() == ErrorCode::kInvalidArgument);
    CHECK_THAT(e.what(), Catch::Contains(std::string("'") + text + "'") &&
                             Catch::Contains("neither a mip index nor a resolution"));
  }
}

TEST_CASE("mip indices out of any range are not found", "[volume][mip]") {
  for (const char* text : {"-1", "1001"}) {
    INFO(text);
    const auto e = error_of([&] { MipSelector::parse(text); });
    CHECK(e.code() == ErrorCode::kNotFound);
    CHECK_THAT(e.what(), Catch::Contains(std::string("no mip ") + text));
  }
}

TEST_CASE("select_mip takes the default, an index or a resolution", "[volume][mip]") {
  const Metadata m = three_scales();
  CHECK(select_mip(m, {}) == 1);
  CHECK(select_mip(m, MipSelector::index(0)) == 0);
  CHECK(select_mip(m, MipSelector::index(2)) == 2);
  CHECK(select_mip(m, MipSelector::resolution({4, 4, 40})) == 0);
  CHECK(select_mip(m, MipSelector::resolution({16, 16, 40})) == 2);
  // Resolutions match with a relative tolerance of 1e-6, as written in infos.
  CHECK(select_mip(m, MipSelector::resolution({8 * (1 + 1e-8), 8, 40 * (1 - 1e-8)})) == 1);
}

TEST_CASE("select_mip names the volume and its mips when the index is missing", "[volume][mip]") {
  const Metadata m = three_scales();
  for (int mip : {3, 10, -1}) {
    INFO(mip);
    const auto e = error_of([&] { select_mip(m, MipSelector::index(mip)); });
    CHECK(e.code() == ErrorCode::kNotFound);
    CHECK_THAT(e.what(), Catch::Contains("gs://bucket/em has no mip " + std::to_string(mip)) &&
                             Catch::Contains("mips 0..2"));
  }
}

TEST_CASE("select_mip lists the resolutions there are when none matches", "[volume][mip]") {
  const Metadata m = three_scales();
  for (const Vec3d& r : {Vec3d{8, 8, 41}, Vec3d{8.001, 8, 40}, Vec3d{40, 8, 8}}) {
    const auto e = error_of([&] { select_mip(m, MipSelector::resolution(r)); });
    CHECK(e.code() == ErrorCode::kNotFound);
    CHECK_THAT(e.what(), Catch::Contains("gs://bucket/em has no scale at resolution " +
                                         MipSelector::resolution(r).to_string() + " nm") &&
                             Catch::Contains("[4, 4, 40], [8, 8, 40], [16, 16, 40]"));
  }
}

TEST_CASE("nearest_mip picks the usable scale closest in log ratio", "[volume][mip]") {
  Metadata m = three_scales();
  CHECK(nearest_mip(m, {4, 4, 40}) == 0);
  CHECK(nearest_mip(m, {9, 9, 40}) == 1);
  // 12 nm is 1.5x of 8 but only 1.33x below 16: log ratios, not differences, decide.
  CHECK(nearest_mip(m, {12, 12, 40}) == 2);
  CHECK(nearest_mip(m, {1, 1, 40}) == 0);
  CHECK(nearest_mip(m, {1000, 1000, 40}) == 2);
  // Halfway in log terms (sqrt(8 * 16)) is a tie: the finer scale, first in order, wins.
  CHECK(nearest_mip(m, {std::sqrt(128.0), std::sqrt(128.0), 40}) == 1);
  // Unusable scales (placeholders, hidden) are never chosen.
  m.scales[0].usable = false;
  CHECK(nearest_mip(m, {4, 4, 40}) == 1);
  m.scales[2].usable = false;
  CHECK(nearest_mip(m, {1000, 1000, 40}) == 1);
  // With nothing usable, the default.
  m.scales[1].usable = false;
  CHECK(nearest_mip(m, {8, 8, 40}) == m.default_mip);
}
