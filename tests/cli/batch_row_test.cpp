// Manifest rows to figure arguments: defaults overridden key by key, JSON and CSV spellings of
// values, names kept inside the output folder, and clear errors naming the key.
#include <catch2/catch.hpp>

#include "imagery/cli/batch_row.h"
#include "imagery/core/error.h"

using imagery::cli::BatchRow;
using imagery::cli::figure_for_row;
using imagery::cli::ManifestRow;
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
  CHECK(r.figure.output == "/out/syn/0001.png");
  CHECK(r.figure.image == "/data/em");
  CHECK(r.figure.center == "100,200,30");
  CHECK(r.figure.size == "64,64,1");
  CHECK(r.figure.overlay.width == 5);
  CHECK(r.figure.overlay.alpha == 0.4);
  CHECK(r.figure.overlay.outline);
  CHECK(r.figure.overlay.root_ids == "11,12");
  CHECK(r.figure.save_arrays.empty());
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
  CHECK_FALSE(a.figure.overlay.outline);
  CHECK(a.figure.overlay.rgb);
  CHECK(a.figure.size.empty());
  CHECK(a.figure.bounds == "0,0,0,9,9,1");
  CHECK(a.figure.overlay.alpha == 0.25);
  // Colours: an object or a list of ID=COLOR, or ';' between them in CSV; colours by rank.
  BatchRow b =
      row_of({{"name", 17}, {"center", "1,2,3"}, {"color", {{"5", "red"}, {"6", "#00ff00"}}}});
  CHECK(b.name == "17");
  CHECK(b.figure.overlay.color == std::vector<std::string>{"5=red", "6=#00ff00"});
  BatchRow c = row_of({{"name", "c"}, {"center", "1,2,3"}, {"color", "5=red; 6=0.1,0.2,0.3"}});
  CHECK(c.figure.overlay.color == std::vector<std::string>{"5=red", "6=0.1,0.2,0.3"});
  BatchRow d = row_of({{"name", "d"}, {"center", "1,2,3"}, {"colors", {"red", "0,0,1"}}});
  CHECK(d.figure.overlay.colors == "red;0,0,1");
  BatchRow e = row_of({{"name", "e"},
                       {"center", "1,2,3"},
                       {"save_arrays", true},
                       {"image-mip", 1},
                       {"husl_h", 0.5}});
  CHECK(e.figure.save_arrays == "/out/e");
  CHECK(e.figure.image_mip == "1");
  CHECK(e.figure.overlay.husl_h == 0.5);
}

TEST_CASE("bad rows name the key at fault", "[cli][batch]") {
  CHECK_THAT(error_of({{"center", "1,2,3"}}), Catch::Contains("no 'name'"));
  CHECK_THAT(error_of({{"name", "x"}, {"center", "1,2,3"}, {"colour", "red"}}),
             Catch::Contains("'colour' is not an option of imagery figure"));
  CHECK_THAT(error_of({{"name", "x"}, {"center", "1,2,3"}, {"output", "/tmp/x.png"}}),
             Catch::Contains("'output'"));
  CHECK_THAT(error_of({{"name", "x"}, {"center", "1,2,3"}, {"from", "x.json"}}),
             Catch::Contains("'from'"));
  CHECK_THAT(error_of({{"name", "x"}, {"center", "1,2"}}), Catch::Contains("--center"));
  CHECK_THAT(error_of({{"name", "x"}, {"center", "1,2,3"}, {"width", "wide"}}),
             Catch::Contains("--width"));
  CHECK_THAT(error_of({{"name", "x"}, {"center", "1,2,3"}, {"alpha", 2}}),
             Catch::Contains("--alpha"));
  CHECK_THAT(error_of({{"name", "x"}, {"center", "1,2,3"}, {"outline", "maybe"}}),
             Catch::Contains("outline"));
  CHECK_THAT(error_of({{"name", "x"}, {"center", "1,2,3"}, {"image", true}}),
             Catch::Contains("'image': expected a value"));
  CHECK_THAT(error_of({{"name", "x"}, {"center", {{"a", 1}}}}), Catch::Contains("'center'"));
  CHECK_THAT(error_of({{"name", "x"}, {"center", "1,2,3"}, {"side", "left"}}),
             Catch::Contains("--side"));
  CHECK_THAT(error_of({{"name", "x"}, {"center", "1,2,3"}, {"palette", "rainbowz"}}),
             Catch::Contains("rainbowz"));
  CHECK_THAT(error_of({{"name", "x"}, {"center", "1,2,3"}, {"save_arrays", "maybe"}}),
             Catch::Contains("save_arrays"));
  CHECK_THAT(error_of({{"name", "x"}, {"center", "1,2,3"}}, {{"size", "8,8"}, {"seg", ""}}),
             Catch::Contains("give --image, --seg or both"));
}

TEST_CASE("row names never leave the output folder", "[cli][batch]") {
  for (const char* name :
       {"../x", "a/../../x", "/etc/passwd", "a//b", "./a", "a/.", "", " ", "a\\..\\b"}) {
    INFO(name);
    CHECK_THAT(error_of({{"name", name}, {"center", "1,2,3"}}), Catch::Contains("'name'"));
  }
  CHECK_THAT(error_of({{"name", 1.5}, {"center", "1,2,3"}}), Catch::Contains("'name'"));
  CHECK(row_of({{"name", "deep/er/x"}, {"center", "1,2,3"}}).figure.output == "/out/deep/er/x.png");
  CHECK(row_of({{"name", "..x"}, {"center", "1,2,3"}}).figure.output == "/out/..x.png");
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
  CHECK_THAT(error({{"alpah", 0.5}}), Catch::Contains("style.json: 'alpah' is not an option"));
  CHECK_THAT(error({{"width", "x"}}), Catch::Contains("style.json"));
  CHECK(imagery::cli::unknown_columns({"name", "center", "root_ids", "_mine", "colour",
                                       "output"}) == std::vector<std::string>{"colour", "output"});
}
