// FigureSpec on its own: regions and whether they span sections, the files an output names
// (sidecar, slices, arrays), and check_figure_spec's messages, which name each field the way the
// caller says it (a flag, a manifest key).
#include "imagery/figure/figure_spec.h"

#include <catch2/catch.hpp>
#include <cmath>
#include <limits>
#include <string>

#include "imagery/core/error.h"
#include "support/error_of.h"

using imagery::ErrorCode;
using imagery::Vec3;
using imagery::Vec3d;
using imagery::figure::check_figure_spec;
using imagery::figure::FigureSpec;
using imagery::figure::RegionSpec;
using imagery::figure::sidecar_path;
using imagery::figure::slice_path;
using imagery::figure::SourceSpec;
using imagery::testing::error_of;

namespace {

// A spec check_figure_spec accepts; each test breaks one thing.
FigureSpec valid_spec() {
  FigureSpec s;
  s.image = SourceSpec{"gs://bucket/em", {}};
  s.segmentation = SourceSpec{"gs://bucket/seg", {}};
  s.region = RegionSpec::centered({100, 200, 30}, {64, 64, 1});
  s.output.path = "fig.png";
  return s;
}

// The CLI's way of naming a field: --image-size for image_size.
std::string flag(std::string_view field) {
  std::string f(field);
  for (char& c : f)
    if (c == '_') c = '-';
  return "--" + f;
}

// check_figure_spec's message for `spec`, named as flags (and the code checked on the way).
std::string flag_error(const FigureSpec& spec) {
  const auto e = error_of([&] { check_figure_spec(spec, flag); });
  CHECK(e.code() == ErrorCode::kInvalidArgument);
  return e.what();
}

}  // namespace

TEST_CASE("region factories record the kind and what was given", "[figure][spec]") {
  const RegionSpec c = RegionSpec::corners({0, 1, 2}, {10, 11, 12});
  CHECK(c.kind == RegionSpec::Kind::kCorners);
  CHECK(c.min == Vec3d{0, 1, 2});
  CHECK(c.max == Vec3d{10, 11, 12});
  const RegionSpec s = RegionSpec::centered({5, 5, 5}, {64, 32, 0}, false);
  CHECK(s.kind == RegionSpec::Kind::kCenterSize);
  CHECK(s.center == Vec3d{5, 5, 5});
  CHECK(s.size == Vec3d{64, 32, 0});
  CHECK_FALSE(s.has_depth);
  const RegionSpec p = RegionSpec::centered_pixels({5, 5, 5}, {256, 128, 3});
  CHECK(p.kind == RegionSpec::Kind::kCenterPixels);
  CHECK(p.pixels == Vec3{256, 128, 3});
  CHECK(p.has_depth);
  CHECK(RegionSpec{}.kind == RegionSpec::Kind::kNone);
  CHECK(s != p);
  CHECK(s == RegionSpec::centered({5, 5, 5}, {64, 32, 0}, false));
}

TEST_CASE("a region spans sections only when it is deeper than one", "[figure][spec]") {
  CHECK_FALSE(RegionSpec{}.spans_sections());
  CHECK_FALSE(RegionSpec::corners({0, 0, 5}, {10, 10, 6}).spans_sections());
  CHECK(RegionSpec::corners({0, 0, 5}, {10, 10, 7}).spans_sections());
  CHECK_FALSE(RegionSpec::centered({0, 0, 0}, {10, 10, 1}).spans_sections());
  CHECK(RegionSpec::centered({0, 0, 0}, {10, 10, 3}).spans_sections());
  // Without a depth the size's z is not a depth at all.
  CHECK_FALSE(RegionSpec::centered({0, 0, 0}, {10, 10, 3}, false).spans_sections());
  CHECK(RegionSpec::centered_pixels({0, 0, 0}, {10, 10, 2}).spans_sections());
  CHECK_FALSE(RegionSpec::centered_pixels({0, 0, 0}, {10, 10, 1}).spans_sections());
  CHECK_FALSE(RegionSpec::centered_pixels({0, 0, 0}, {10, 10, 9}, false).spans_sections());
}

TEST_CASE("a figure writes one file per slice with {i} in the output and no stacking",
          "[figure][spec]") {
  FigureSpec s = valid_spec();
  CHECK_FALSE(s.per_slice_files());
  s.output.path = "out/slice_{i}.png";
  CHECK(s.per_slice_files());
  s.style.stack = imagery::overlay::Direction::kVertical;
  CHECK_FALSE(s.per_slice_files());
}

TEST_CASE("sidecar_path swaps the picture's extension for .json and drops {i}", "[figure][spec]") {
  struct Case {
    const char* output;
    const char* sidecar;
  };
  for (const Case& c :
       {Case{"fig.png", "fig.json"}, Case{"out/fig.png", "out/fig.json"},
        Case{"out/fig.PNG", "out/fig.json"}, Case{"fig", "fig.json"},
        Case{"out.d/fig", "out.d/fig.json"}, Case{"a.b.png", "a.b.json"},
        Case{"out/.hidden", "out/.hidden.json"}, Case{"slice_{i}.png", "slice.json"},
        Case{"slice-{i}.png", "slice.json"}, Case{"slice.{i}.png", "slice.json"},
        Case{"slice{i}.png", "slice.json"}, Case{"a{i}b.png", "ab.json"},
        Case{"x_{i}_{i}.png", "x.json"}, Case{"out/{i}_z.png", "out/_z.json"}}) {
    INFO(c.output);
    CHECK(sidecar_path(c.output) == c.sidecar);
  }
}

TEST_CASE("slice_path puts the index in every {i}", "[figure][spec]") {
  CHECK(slice_path("slice_{i}.png", 0) == "slice_0.png");
  CHECK(slice_path("slice_{i}.png", 12) == "slice_12.png");
  CHECK(slice_path("{i}/s{i}.png", 7) == "7/s7.png");
  CHECK(slice_path("s_{i}.png", 123456789012) == "s_123456789012.png");
  CHECK(slice_path("fig.png", 3) == "fig.png");
  // Each {i} is replaced once; the digits put in are not searched again.
  CHECK(slice_path("{i}{i}", 1) == "11");
}

TEST_CASE("arrays go to the given prefix, beside the output, or nowhere", "[figure][spec]") {
  FigureSpec s = valid_spec();
  CHECK(s.output.arrays_prefix().empty());
  s.output.path = "out/fig.png";
  s.output.arrays_beside_output = true;
  CHECK(s.output.arrays_prefix() == "out/fig");
  s.output.path = "out/slice_{i}.png";
  CHECK(s.output.arrays_prefix() == "out/slice");
  // A prefix given wins.
  s.output.save_arrays = "arrays/p";
  CHECK(s.output.arrays_prefix() == "arrays/p");
}

TEST_CASE("check_figure_spec accepts a whole spec of each region kind", "[figure][spec]") {
  FigureSpec s = valid_spec();
  CHECK_NOTHROW(check_figure_spec(s));
  s.region = RegionSpec::corners({0, 0, 0}, {64, 64, 1});
  CHECK_NOTHROW(check_figure_spec(s));
  s.region = RegionSpec::centered_pixels({0, 0, 0}, {256, 256, 0}, false);
  CHECK_NOTHROW(check_figure_spec(s));
  s.region = RegionSpec::centered({0, 0, 0}, {256, 256, 0}, false);
  CHECK_NOTHROW(check_figure_spec(s));
  // One source is enough.
  s.image.reset();
  CHECK_NOTHROW(check_figure_spec(s));
}

TEST_CASE("check_figure_spec names the output, the sources and the region through the namer",
          "[figure][spec]") {
  FigureSpec s = valid_spec();
  s.output.path.clear();
  CHECK(flag_error(s) == "--output is required");
  // The default namer says the field as it is.
  CHECK(std::string(error_of([&] { check_figure_spec(s); }).what()) == "output is required");

  s = valid_spec();
  s.image.reset();
  s.segmentation.reset();
  CHECK(flag_error(s) == "give --image, --seg, both, --datastack, or --state");
  s = valid_spec();
  s.image->url.clear();
  CHECK(flag_error(s) == "--image is empty");
  s = valid_spec();
  s.segmentation->url.clear();
  CHECK(flag_error(s) == "--seg is empty");

  s = valid_spec();
  s.region = {};
  CHECK(flag_error(s) ==
        "give exactly one of --bounds, --center with --size, --center with --image-size");
}

TEST_CASE("check_figure_spec refuses impossible regions", "[figure][spec]") {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double inf = std::numeric_limits<double>::infinity();
  FigureSpec s = valid_spec();

  s.region = RegionSpec::corners({0, 0, 0}, {64, 64, 0});
  CHECK_THAT(flag_error(s), Catch::StartsWith("--bounds: max must exceed min on every axis"));
  s.region = RegionSpec::corners({10, 0, 0}, {5, 64, 1});
  CHECK_THAT(flag_error(s), Catch::StartsWith("--bounds: max must exceed min"));
  for (double bad : {nan, inf, std::ldexp(1.0, 61)}) {
    INFO(bad);
    s.region = RegionSpec::corners({0, 0, 0}, {bad, 64, 1});
    CHECK_THAT(flag_error(s), Catch::StartsWith("--bounds: coordinates must be finite"));
  }

  s.region = RegionSpec::centered({nan, 0, 0}, {64, 64, 1});
  CHECK_THAT(flag_error(s), Catch::StartsWith("--center: coordinates must be finite"));
  for (const Vec3d& size : {Vec3d{0, 64, 1}, Vec3d{64, 0.5, 1}, Vec3d{64, 64, 0}, Vec3d{inf, 64, 1},
                            Vec3d{-64, 64, 1}}) {
    INFO(size.to_string());
    s.region = RegionSpec::centered({0, 0, 0}, size);
    CHECK_THAT(flag_error(s), Catch::StartsWith("--size: every size must be at least 1"));
  }

  s.region = RegionSpec::centered_pixels({0, inf, 0}, {64, 64, 1});
  CHECK_THAT(flag_error(s), Catch::StartsWith("--center: coordinates must be finite"));
  for (const Vec3& px :
       {Vec3{0, 64, 1}, Vec3{64, -1, 1}, Vec3{64, 64, 0}, Vec3{1000000001, 64, 1}}) {
    INFO(px.to_string());
    s.region = RegionSpec::centered_pixels({0, 0, 0}, px);
    CHECK_THAT(flag_error(s), Catch::StartsWith("--image-size: pixel counts must be whole "
                                                "numbers >= 1"));
  }
}

TEST_CASE("check_figure_spec refuses bad resolutions, PNG levels and styles", "[figure][spec]") {
  FigureSpec s = valid_spec();
  for (const Vec3d& r :
       {Vec3d{0, 4, 40}, Vec3d{4, -4, 40}, Vec3d{4, 4, std::numeric_limits<double>::infinity()}}) {
    s.resolution = r;
    CHECK(flag_error(s) == "--resolution: every value must be > 0 nm");
  }
  s = valid_spec();
  for (int level : {-1, 10}) {
    s.output.png_level = level;
    CHECK(flag_error(s) == "--png-level must be 0-9, got " + std::to_string(level));
  }
  s = valid_spec();
  s.style.composite.alpha = 1.5;
  CHECK_THAT(flag_error(s), Catch::StartsWith("--alpha must be in [0, 1]"));
  s = valid_spec();
  s.style.colors.palette = "no-such-palette";
  CHECK_THAT(flag_error(s), Catch::StartsWith("--palette: unknown palette 'no-such-palette'"));
}

TEST_CASE("a pattern that is all index still has a sidecar name", "[figure][spec]") {
  CHECK(imagery::figure::sidecar_path("{i}.png") == "figure.json");
  CHECK(imagery::figure::sidecar_path("out/{i}.png") == "out/figure.json");
  CHECK(imagery::figure::sidecar_path("out/a_{i}.png") == "out/a.json");
}
