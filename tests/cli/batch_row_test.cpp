// Manifest rows to figure specs: defaults overridden key by key, JSON and CSV spellings of
// values, names kept inside the output folder, and clear errors naming the key.
#include <catch2/catch.hpp>
#include <fstream>

#include "imagery/cli/batch_row.h"
#include "imagery/core/error.h"
#include "imagery/figure/figure_spec_json.h"
#include "imagery/figure/make_figure.h"
#include "imagery/palettes/color.h"
#include "support/test_support.h"

using imagery::cli::BatchRow;
using imagery::cli::figure_for_row;
using imagery::cli::ManifestRow;
using imagery::figure::RegionSpec;
using nlohmann::json;

namespace {

const json kDefaults = {{"image", "/data/em"}, {"seg", "/data/seg"}, {"alpha", 0.4},
                        {"outline", true},     {"width", 3},         {"size", "64,64,1"}};

BatchRow row_of(const json& values, const json& defaults = kDefaults) {
  ManifestRow row;
  row.line = 7;
  row.values = values;
  return figure_for_row(row, defaults, "/out");
}

std::string error_of(const json& values, const json& defaults = kDefaults) {
  try {
    row_of(values, defaults);
  } catch (const imagery::Error& e) {
    CHECK(e.code() == imagery::ErrorCode::kInvalidArgument);
    return e.what();
  }
  FAIL("no error for " << values.dump());
  return "";
}

}  // namespace

TEST_CASE("a row overrides the defaults and places its output by name", "[cli][batch]") {
  BatchRow r = row_of({{"name", "syn/0001"},
                       {"center", {100, 200, 30}},
                       {"width", 5},
                       {"root_ids", {11, 12}},
                       {"_synapse", "ignored"}});
  CHECK(r.line == 7);
  CHECK(r.name == "syn/0001");
  CHECK(r.spec.output.path == "/out/syn/0001.png");
  CHECK(r.spec.image->url == "/data/em");
  CHECK(r.spec.region.kind == RegionSpec::Kind::kCenterSize);
  CHECK(r.spec.region.center == imagery::Vec3d{100, 200, 30});
  CHECK(r.spec.region.size == imagery::Vec3d{64, 64, 1});
  CHECK(r.spec.style.composite.width == 5);
  CHECK(r.spec.style.composite.alpha == 0.4);
  CHECK(r.spec.style.composite.outline);
  CHECK(r.spec.style.root_ids == std::vector<std::uint64_t>{11, 12});
  CHECK(r.spec.output.arrays_prefix().empty());
}

TEST_CASE("row values may be typed JSON or CSV text", "[cli][batch]") {
  // Flags from booleans and from text; null drops a default; nested bounds flatten.
  BatchRow a = row_of({{"name", "a.png"},
                       {"outline", "false"},
                       {"size", nullptr},
                       {"bounds", {{0, 0, 0}, {9, 9, 1}}},
                       {"rgb", "yes"},
                       {"alpha", "0.25"}});
  CHECK(a.name == "a");
  CHECK_FALSE(a.spec.style.composite.outline);
  CHECK(a.spec.style.rgb);
  CHECK(a.spec.region.kind == RegionSpec::Kind::kCorners);
  CHECK(a.spec.region.min == imagery::Vec3d{0, 0, 0});
  CHECK(a.spec.region.max == imagery::Vec3d{9, 9, 1});
  CHECK(a.spec.style.composite.alpha == 0.25);
  // Colours: an object or a list of ID=COLOR, or ';' between them in CSV; colours by rank.
  BatchRow b =
      row_of({{"name", 17}, {"center", "1,2,3"}, {"color", {{"5", "red"}, {"6", "#00ff00"}}}});
  using imagery::palettes::Rgb8;
  using ById = std::vector<std::pair<std::uint64_t, Rgb8>>;
  CHECK(b.name == "17");
  CHECK(b.spec.style.colors.by_id == ById{{5, {255, 0, 0}}, {6, {0, 255, 0}}});
  BatchRow c = row_of({{"name", "c"}, {"center", "1,2,3"}, {"color", "5=red; 6=0.1,0.2,0.3"}});
  CHECK(c.spec.style.colors.by_id == ById{{5, {255, 0, 0}}, {6, {25, 51, 76}}});
  BatchRow d = row_of({{"name", "d"}, {"center", "1,2,3"}, {"colors", {"red", "0,0,1"}}});
  CHECK(d.spec.style.colors.by_rank == std::vector<Rgb8>{{255, 0, 0}, {0, 0, 255}});
  BatchRow e = row_of({{"name", "e"},
                       {"center", "1,2,3"},
                       {"save_arrays", true},
                       {"image-mip", 1},
                       {"husl_h", 0.5}});
  CHECK(e.spec.output.arrays_prefix() == "/out/e");
  CHECK(e.spec.image->mip == imagery::volume::MipSelector::index(1));
  CHECK(e.spec.style.colors.params.h == 0.5);
}

TEST_CASE("bad rows name the key at fault", "[cli][batch]") {
  CHECK_THAT(error_of({{"center", "1,2,3"}}), Catch::Contains("no 'name'"));
  CHECK_THAT(error_of({{"name", "x"}, {"center", "1,2,3"}, {"colour", "red"}}),
             Catch::Contains("'colour' is not a figure option"));
  CHECK_THAT(error_of({{"name", "x"}, {"center", "1,2,3"}, {"output", "/tmp/x.png"}}),
             Catch::Contains("'output'"));
  // A row's own output stays inside the output folder and is a format imagery writes.
  CHECK_THAT(error_of({{"center", "1,2,3"}, {"output", "/tmp/x.png"}}),
             Catch::Contains("'output'") && Catch::Contains("absolute"));
  CHECK_THAT(error_of({{"center", "1,2,3"}, {"output", "x.gif"}}), Catch::Contains("'.gif'"));
  CHECK_THAT(error_of({{"name", "x"}, {"center", "1,2,3"}, {"from", "x.json"}}),
             Catch::Contains("'from'"));
  CHECK_THAT(error_of({{"name", "x"}, {"center", "1,2"}}), Catch::Contains("'center'"));
  CHECK_THAT(error_of({{"name", "x"}, {"center", "1,2,3"}, {"width", "wide"}}),
             Catch::Contains("'width'"));
  CHECK_THAT(error_of({{"name", "x"}, {"center", "1,2,3"}, {"alpha", 2}}),
             Catch::Contains("'alpha'"));
  CHECK_THAT(error_of({{"name", "x"}, {"center", "1,2,3"}, {"outline", "maybe"}}),
             Catch::Contains("outline"));
  CHECK_THAT(error_of({{"name", "x"}, {"center", "1,2,3"}, {"image", true}}),
             Catch::Contains("'image': expected a string"));
  CHECK_THAT(error_of({{"name", "x"}, {"center", {{"a", 1}}}}), Catch::Contains("'center'"));
  CHECK_THAT(error_of({{"name", "x"}, {"center", "1,2,3"}, {"side", "left"}}),
             Catch::Contains("'side'"));
  CHECK_THAT(error_of({{"name", "x"}, {"center", "1,2,3"}, {"palette", "rainbowz"}}),
             Catch::Contains("rainbowz"));
  CHECK_THAT(error_of({{"name", "x"}, {"center", "1,2,3"}, {"save_arrays", "maybe"}}),
             Catch::Contains("save_arrays"));
  CHECK_THAT(error_of({{"name", "x"}, {"center", "1,2,3"}}, {{"size", "8,8"}, {"seg", ""}}),
             Catch::Contains("give 'image', 'seg', both, 'datastack', or 'state'"));
}

TEST_CASE("row names never leave the output folder", "[cli][batch]") {
  for (const char* name :
       {"../x", "a/../../x", "/etc/passwd", "a//b", "./a", "a/.", "", " ", "a\\..\\b"}) {
    INFO(name);
    CHECK_THAT(error_of({{"name", name}, {"center", "1,2,3"}}), Catch::Contains("'name'"));
  }
  CHECK_THAT(error_of({{"name", 1.5}, {"center", "1,2,3"}}), Catch::Contains("'name'"));
  CHECK(row_of({{"name", "deep/er/x"}, {"center", "1,2,3"}}).spec.output.path ==
        "/out/deep/er/x.png");
  CHECK(row_of({{"name", "..x"}, {"center", "1,2,3"}}).spec.output.path == "/out/..x.png");
  CHECK(row_of({{"output", "sub/y.png"}, {"center", "1,2,3"}}).spec.output.path ==
        "/out/sub/y.png");
}

TEST_CASE("defaults are checked once, naming the file", "[cli][batch]") {
  using imagery::cli::check_batch_defaults;
  CHECK_NOTHROW(check_batch_defaults(kDefaults, "style.json"));
  auto error = [](const json& j) {
    try {
      check_batch_defaults(j, "style.json");
    } catch (const imagery::Error& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  CHECK_THAT(error(json::array()),
             Catch::Contains("--defaults style.json: expected one JSON object"));
  CHECK_THAT(error({{"name", "x"}}), Catch::Contains("'name' belongs in the manifest rows"));
  CHECK_THAT(error({{"alpah", 0.5}}),
             Catch::Contains("style.json: 'alpah' is not a figure option"));
  CHECK_THAT(error({{"width", "x"}}), Catch::Contains("style.json"));
  CHECK(imagery::cli::unknown_columns({"name", "center", "root_ids", "_mine", "colour", "output",
                                       "from"}) == std::vector<std::string>{"colour", "from"});
}

namespace {

// A sidecar as `imagery figure` writes it: the spec as run plus the "rendered" record.
json sidecar_of(const imagery::figure::FigureSpec& spec) {
  imagery::figure::RenderedFigure figure;
  figure.provenance.imagery_version = "test";
  figure.provenance.coordinate_resolution = {4, 4, 40};
  figure.panels.resize(1);
  imagery::figure::FigureFiles files;
  files.pictures = {spec.output.path};
  files.sidecar = imagery::figure::sidecar_path(spec.output.path);
  return json::parse(imagery::figure::sidecar_json(spec, figure, files).dump());
}

imagery::figure::FigureSpec sidecar_spec() {
  imagery::figure::FigureSpec spec;
  spec.image = imagery::figure::SourceSpec{"/data/em", imagery::volume::MipSelector::index(1)};
  spec.segmentation = imagery::figure::SourceSpec{"/data/seg", {}};
  spec.region = RegionSpec::centered({100, 200, 30}, {64, 64, 1});
  spec.style.composite.outline = true;
  spec.style.composite.merge_outline = false;
  spec.style.composite.overlap = false;
  spec.style.root_ids = std::vector<std::uint64_t>{11, 12};
  spec.style.colors.by_id = {{11, {255, 0, 0}}};
  spec.style.window.mode = imagery::overlay::DisplayWindow::Mode::kAuto;
  spec.output.path = "earlier/fig.png";
  spec.output.arrays_beside_output = true;
  return spec;
}

}  // namespace

TEST_CASE("a whole sidecar is valid as batch --defaults", "[cli][batch]") {
  const json sidecar = sidecar_of(sidecar_spec());
  // What makes a sidecar more than a defaults file: all of it must be accepted.
  REQUIRE(sidecar.contains("rendered"));
  REQUIRE(sidecar.contains("output"));
  REQUIRE(sidecar.contains("format"));
  REQUIRE(sidecar["merge_outline"] == false);
  CHECK_NOTHROW(imagery::cli::check_batch_defaults(sidecar, "x.json"));
  // Every row then draws the sidecar's figure at its own place, with its own changes.
  const BatchRow again = row_of({{"name", "again"}}, sidecar);
  CHECK(again.spec.output.path == "/out/again.png");
  CHECK(again.spec.region == sidecar_spec().region);
  CHECK_FALSE(again.spec.style.composite.merge_outline);
  CHECK_FALSE(again.spec.style.composite.overlap);
  CHECK(again.spec.style.root_ids == std::vector<std::uint64_t>{11, 12});
  CHECK(again.spec.image->mip == imagery::volume::MipSelector::index(1));
  CHECK(again.spec.output.arrays_beside_output);
  const BatchRow moved =
      row_of({{"name", "moved"}, {"center", "1,2,3"}, {"merge_outline", true}}, sidecar);
  CHECK(moved.spec.region.center == imagery::Vec3d{1, 2, 3});
  CHECK(moved.spec.style.composite.merge_outline);
}

TEST_CASE("an imagery 0.1 sidecar as --defaults keeps each row's own values", "[cli][batch]") {
  std::ifstream in(imagery::testing::data_path("figure/sidecar_0.1.json"));
  const json legacy = json::parse(in);
  CHECK_NOTHROW(imagery::cli::check_batch_defaults(legacy, "old.json"));
  const BatchRow r = row_of({{"name", "row"}, {"alpha", 0.9}, {"center", "5,6,7"}}, legacy);
  // The row's keys win over the sidecar's, as they do over any defaults.
  CHECK(r.spec.style.composite.alpha == 0.9);
  CHECK(r.spec.region.center == imagery::Vec3d{5, 6, 7});
  // The rest is the sidecar's.
  CHECK(r.spec.image->url == "gs://bucket/em");
  CHECK(r.spec.style.composite.side == imagery::overlay::Side::kIn);
  CHECK(r.spec.region.size == imagery::Vec3d{512, 512, 0});
  CHECK(r.spec.output.path == "/out/row.png");
}

TEST_CASE("a sidecar's save_arrays prefix, as batch defaults, puts arrays beside each row",
          "[cli][batch]") {
  json sidecar = kDefaults;
  sidecar["save_arrays"] = "/elsewhere/fig";  // what the figure that wrote it used
  CHECK_NOTHROW(imagery::cli::check_batch_defaults(sidecar, "fig.json"));
  BatchRow r = row_of({{"name", "x"}, {"center", "1,2,3"}}, sidecar);
  CHECK(r.spec.output.arrays_prefix() == "/out/x");
}
