// Precomputed annotation sources: the info, the binary lists, box reads over every spatial level
// (unsharded, sharded, gzip'd) from a folder and from nginx, and the errors of hostile or corrupt
// sources. The fixtures come from tests/data/neuroglancer/annotation_sources/generate.py, whose
// expected.json files are the ground truth (computed there, not by the reader).
#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <limits>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <stop_token>

#include "imagery/core/error.h"
#include "imagery/neuroglancer/annotation_source.h"
#include "support/error_of.h"
#include "support/nginx_server.h"
#include "support/test_context.h"
#include "support/test_support.h"

using imagery::Error;
using imagery::ErrorCode;
using imagery::neuroglancer::Annotation;
using imagery::neuroglancer::AnnotationReadOptions;
using imagery::neuroglancer::AnnotationType;
using imagery::neuroglancer::PrecomputedAnnotationSource;
using imagery::testing::data_path;
using imagery::testing::error_of;
using imagery::testing::TempDir;
namespace ng = imagery::neuroglancer;
namespace fs = std::filesystem;

namespace {

std::string fixture(const std::string& name) {
  return data_path("neuroglancer/annotation_sources/" + name);
}

nlohmann::json expected(const std::string& name) {
  return nlohmann::json::parse(imagery::testing::read_text(fixture(name) + "/expected.json"));
}

std::array<double, 3> arr(const nlohmann::json& j) {
  return {j[0].get<double>(), j[1].get<double>(), j[2].get<double>()};
}

std::vector<std::uint64_t> ids_of(const std::vector<Annotation>& v) {
  std::vector<std::uint64_t> ids;
  for (const auto& a : v) ids.push_back(std::stoull(a.id));
  return ids;
}

// Every box of expected.json gives exactly its ids, sorted, once each.
void check_boxes(const PrecomputedAnnotationSource& source, const std::string& name) {
  const auto truth = expected(name);
  for (const auto& box : truth["boxes"]) {
    INFO(name << " box " << box["lo"].dump() << " - " << box["hi"].dump());
    const auto found = source.read_box(arr(box["lo"]), arr(box["hi"]));
    CHECK(ids_of(found) == box["ids"].get<std::vector<std::uint64_t>>());
  }
}

// Every annotation's geometry and properties as written (properties in info order; colours
// packed r | g << 8 | b << 16 | a << 24).
void check_contents(const std::vector<Annotation>& found, const std::string& name,
                    const ng::AnnotationSourceInfo& info) {
  std::map<std::uint64_t, const Annotation*> by_id;
  for (const auto& a : found) by_id[std::stoull(a.id)] = &a;
  int checked = 0;
  const auto truth = expected(name);
  for (const auto& want : truth["annotations"]) {
    const auto it = by_id.find(want["id"].get<std::uint64_t>());
    if (it == by_id.end()) continue;  // outside the box read
    const Annotation& a = *it->second;
    INFO(name << " id " << a.id);
    CHECK(a.type == info.type);
    const auto& g = want["geometry"];
    for (int d = 0; d < 3; ++d) CHECK(a.a[d] == g[d].get<double>());
    if (g.size() == 6)
      for (int d = 0; d < 3; ++d) CHECK(a.b[d] == g[3 + d].get<double>());
    REQUIRE(a.properties.size() == info.properties.size());
    for (std::size_t p = 0; p < info.properties.size(); ++p) {
      const auto& v = want["props"][p];
      double value = 0;
      if (v.is_array()) {
        for (std::size_t k = 0; k < v.size(); ++k)
          value += static_cast<double>(v[k].get<std::uint32_t>() << (8 * k));
      } else {
        value = v.get<double>();
      }
      CHECK(a.properties[p] == value);
    }
    CHECK(a.segments.empty());  // spatial lists carry no relationships
    ++checked;
  }
  CHECK(checked == static_cast<int>(found.size()));
}

std::vector<std::byte> bytes_of(const std::vector<std::uint8_t>& v) {
  std::vector<std::byte> b(v.size());
  std::memcpy(b.data(), v.data(), v.size());
  return b;
}

// A copy of a fixture to spoil.
fs::path copy_fixture(const TempDir& dir, const std::string& name) {
  const fs::path to = dir.path() / name;
  fs::copy(fixture(name), to, fs::copy_options::recursive);
  return to;
}

void write_text(const fs::path& path, const std::string& text) {
  imagery::testing::write_file(path.string(), text);
}

const char* kPointInfo = R"({
  "@type": "neuroglancer_annotations_v1",
  "dimensions": {"x": [4, "nm"], "y": [4, "nm"], "z": [40, "nm"]},
  "lower_bound": [0, 0, 0], "upper_bound": [100, 100, 10],
  "annotation_type": "POINT",
  "properties": [], "relationships": [], "by_id": {"key": "by_id"},
  "spatial": [{"key": "s0", "grid_shape": [1, 1, 1], "chunk_size": [100, 100, 10], "limit": 10}]
})";

}  // namespace

TEST_CASE("annotation source info: members, units, stored property order",
          "[neuroglancer][annotation-source]") {
  auto context = imagery::testing::make_context();
  const auto source = PrecomputedAnnotationSource::open(fixture("points"), *context);
  const auto& info = source.info();
  CHECK(info.type == AnnotationType::kPoint);
  CHECK(info.space.names == std::array<std::string, 3>{"x", "y", "z"});
  CHECK(info.space.scales_m[0] == Approx(8e-9));
  CHECK(info.space.scales_m[2] == Approx(40e-9));
  CHECK(info.units[2] == "nm");
  CHECK(info.lower_bound == std::array<double, 3>{0, 0, 0});
  CHECK(info.upper_bound == std::array<double, 3>{128, 128, 16});
  REQUIRE(info.properties.size() == 4);
  CHECK(info.properties[0].id == "color");
  CHECK(info.properties[0].type == "rgb");
  CHECK(info.properties[0].description == "colour");
  CHECK(info.properties[3].type == "uint16");
  // 12 bytes of geometry, size float32 12-15, rank uint16 16-17, color 18-20, kind 21, padding.
  CHECK(info.record_bytes() == 24);
  REQUIRE(info.relationships.size() == 1);
  CHECK(info.relationships[0].id == "segments");
  CHECK(info.relationships[0].index.key == "rel_segments");
  REQUIRE(info.by_id);
  CHECK(info.by_id->key == "by_id");
  REQUIRE(info.spatial.size() == 3);
  CHECK(info.spatial[1].grid_shape == std::array<std::int64_t, 3>{2, 2, 2});
  CHECK(info.spatial[1].chunk_size == std::array<double, 3>{64, 64, 8});
  CHECK(info.spatial[1].limit == 4);
  CHECK(!info.spatial[1].sharding);

  // Keys with "." and ".." segments inside the directory are resolved.
  const auto lines =
      PrecomputedAnnotationSource::open("precomputed://" + fixture("lines"), *context);
  CHECK(lines.info().spatial[2].key == "spatial2");
  const auto sharded = PrecomputedAnnotationSource::open(fixture("points_sharded"), *context);
  REQUIRE(sharded.info().spatial[1].sharding);
  CHECK(sharded.info().spatial[1].sharding->minishard_bits == 2);
}

TEST_CASE("annotation lists decode as the spec lays them out",
          "[neuroglancer][annotation-source]") {
  ng::AnnotationSourceInfo info;
  info.type = AnnotationType::kPoint;
  info.properties = {{"color", "rgb", ""}, {"size", "float32", ""}};
  CHECK(info.record_bytes() == 20);  // 12 geometry, size at 12, colour at 16-18, one pad byte
  // count 1 | x=1.0 y=2.0 z=-0.5 | size 3.0 | r g b | pad | id 42
  const auto bytes = bytes_of({1,    0,    0,    0,    0, 0, 0, 0,    // count
                               0,    0,    0x80, 0x3f,                // 1.0f
                               0,    0,    0,    0x40,                // 2.0f
                               0,    0,    0,    0xbf,                // -0.5f
                               0,    0,    0x40, 0x40,                // size 3.0f
                               0x10, 0x20, 0x30, 0,                   // colour, padding
                               42,   0,    0,    0,    0, 0, 0, 0});  // id
  const auto list = ng::decode_annotation_list(bytes, info, "hand-made");
  REQUIRE(list.size() == 1);
  CHECK(list[0].id == "42");
  CHECK(list[0].a == std::array<double, 3>{1, 2, -0.5});
  CHECK(list[0].properties == std::vector<double>{0x302010, 3.0});

  // Truncated, a count larger than the bytes, trailing bytes: kDataLoss naming the list.
  for (std::size_t cut : {std::size_t{0}, std::size_t{7}, std::size_t{20}, bytes.size() - 1}) {
    const auto e = error_of(
        [&] { ng::decode_annotation_list(std::span(bytes.data(), cut), info, "hand-made"); });
    CHECK(e.code() == ErrorCode::kDataLoss);
    CHECK_THAT(e.what(), Catch::Contains("hand-made"));
  }
  auto huge = bytes;
  huge[7] = std::byte{0x7f};  // a count near 2^63
  CHECK(error_of([&] { ng::decode_annotation_list(huge, info, "x"); }).code() ==
        ErrorCode::kDataLoss);
  auto longer = bytes;
  longer.push_back(std::byte{0});
  CHECK(error_of([&] { ng::decode_annotation_list(longer, info, "x"); }).code() ==
        ErrorCode::kDataLoss);
  // An empty list is just a zero count.
  CHECK(ng::decode_annotation_list(bytes_of({0, 0, 0, 0, 0, 0, 0, 0}), info, "x").empty());
}

TEST_CASE("annotation records past 255 bytes start a new property group",
          "[neuroglancer][annotation-source]") {
  // Neuroglancer's getPropertyOffsets: float32 number k of a point sits at 12 + 4k while the group
  // stays within 252 bytes (k <= 59); number 60 opens group 2 at byte 252, and the uint8 after it
  // follows at 256; the record is 252 + 8 bytes.
  ng::AnnotationSourceInfo info;
  info.properties.push_back({"flag", "uint8", ""});
  for (int k = 0; k < 61; ++k) info.properties.push_back({"f" + std::to_string(k), "float32", ""});
  CHECK(info.record_bytes() == 260);
  std::vector<std::uint8_t> raw(8 + 260 + 8, 0);
  raw[0] = 1;
  const float f60 = 6.5f, f59 = -2.0f;
  std::memcpy(&raw[8 + 252], &f60, 4);
  std::memcpy(&raw[8 + 248], &f59, 4);
  raw[8 + 256] = 200;
  raw[8 + 260] = 9;  // id
  const auto list = ng::decode_annotation_list(bytes_of(raw), info, "wide");
  REQUIRE(list.size() == 1);
  CHECK(list[0].properties[0] == 200);
  CHECK(list[0].properties[60] == -2.0);
  CHECK(list[0].properties[61] == 6.5);
  CHECK(list[0].id == "9");
}

TEST_CASE("annotation geometry meets a box", "[neuroglancer][annotation-source]") {
  const std::array<double, 3> lo{0, 0, 0}, hi{10, 10, 10};
  Annotation p;
  p.a = {0, 5, 9.5};
  CHECK(ng::annotation_meets_box(p, lo, hi));
  p.a = {10, 5, 5};  // the upper face is outside
  CHECK(!ng::annotation_meets_box(p, lo, hi));
  p.a = {std::nan(""), 5, 5};
  CHECK(!ng::annotation_meets_box(p, lo, hi));

  Annotation line;
  line.type = AnnotationType::kLine;
  line.a = {-5, -5, 5};
  line.b = {15, 15, 5};  // through the box, both ends outside
  CHECK(ng::annotation_meets_box(line, lo, hi));
  line.a = {-5, 12, 5};
  line.b = {12, -5, 5};  // passes the corner at (10, 10)? no: x + y = 7 crosses the box
  CHECK(ng::annotation_meets_box(line, lo, hi));
  line.a = {12, 30, 5};
  line.b = {30, 12, 5};  // beside the box
  CHECK(!ng::annotation_meets_box(line, lo, hi));

  Annotation box;
  box.type = AnnotationType::kAxisAlignedBoundingBox;
  box.a = {20, 20, 20};
  box.b = {5, 5, 5};  // corners in either order
  CHECK(ng::annotation_meets_box(box, lo, hi));
  box.a = {10, 0, 0};  // starts on the upper face
  box.b = {20, 5, 5};
  CHECK(!ng::annotation_meets_box(box, lo, hi));

  Annotation ell;
  ell.type = AnnotationType::kEllipsoid;
  ell.a = {13, 13, 5};
  ell.b = {4, 4, 1};  // the corner (10, 10) is 3 * sqrt(2) / 4 > 1 radii away
  CHECK(!ng::annotation_meets_box(ell, lo, hi));
  ell.b = {5, 5, 1};  // now 0.85 radii away
  CHECK(ng::annotation_meets_box(ell, lo, hi));
  ell.b = {0, 0, 0};  // a point outside
  CHECK(!ng::annotation_meets_box(ell, lo, hi));
}

TEST_CASE("annotation sources read boxes from a folder at every level",
          "[neuroglancer][annotation-source]") {
  auto context = imagery::testing::make_context();
  for (const char* name : {"points", "points_sharded", "lines", "boxes", "ellipsoids"}) {
    INFO(name);
    const auto source = PrecomputedAnnotationSource::open(fixture(name), *context);
    CHECK(source.info().spatial.size() == expected(name)["levels"].get<std::size_t>());
    check_boxes(source, name);
    const auto all = source.read_all();
    CHECK(all.size() == expected(name)["annotations"].size());
    check_contents(all, name, source.info());
  }
  // The point past 2^63 keeps its id; the point on a cell corner is found from either side.
  const auto points = PrecomputedAnnotationSource::open(fixture("points"), *context);
  auto near = points.read_box({64, 64, 8}, {65, 65, 9});
  REQUIRE(!near.empty());
  CHECK(near.back().id == "18446744073709551614");
  CHECK(points.read_box({63, 63, 7}, {64, 64, 8}).size() <
        points.read_box({63, 63, 7}, {64.5, 64.5, 8.5}).size());
  // An empty box reads nothing; one outside the bounds too.
  CHECK(points.read_box({5, 5, 5}, {5, 50, 50}).empty());
  CHECK(points.read_box({500, 500, 500}, {600, 600, 600}).empty());
  CHECK(points.read_box({-1e300, -1e300, -1e300}, {1e300, 1e300, 1e300}).size() ==
        points.read_all().size());
  // read_all also has the point on the upper bound, which the box of the bounds leaves out.
  CHECK(points.read_box(points.info().lower_bound, points.info().upper_bound).size() + 1 ==
        points.read_all().size());
}

TEST_CASE("annotation sources read over HTTP from nginx", "[neuroglancer][annotation-source]") {
  imagery::testing::NginxServer nginx(data_path("neuroglancer/annotation_sources"));
  auto context = imagery::testing::make_context();
  for (const char* name : {"points", "points_sharded", "boxes"}) {
    INFO(name);
    const auto source =
        PrecomputedAnnotationSource::open("precomputed://" + nginx.url(name), *context);
    check_boxes(source, name);
    check_contents(source.read_all(), name, source.info());
  }
  // A sharded level is read with byte ranges, not whole shard files.
  int ranged = 0;
  for (const auto& line : nginx.requests())
    if (line.find(".shard") != std::string::npos && line.find("bytes=") != std::string::npos)
      ++ranged;
  CHECK(ranged > 0);
  const auto e =
      error_of([&] { PrecomputedAnnotationSource::open(nginx.url("no_such_source"), *context); });
  CHECK(e.code() == ErrorCode::kNotFound);
  CHECK_THAT(e.what(), Catch::Contains("no_such_source"));
}

TEST_CASE("annotation sources: corrupt cells are kDataLoss naming the file",
          "[neuroglancer][annotation-source]") {
  TempDir dir;
  auto context = imagery::testing::make_context();
  const fs::path root = copy_fixture(dir, "points");
  const fs::path cell = root / "spatial0" / "0_0_0";
  auto bytes = imagery::testing::read_file(cell.string());

  SECTION("truncated") {
    bytes.resize(bytes.size() - 3);
  }
  SECTION("count larger than the bytes") {
    bytes[5] = std::byte{1};  // + 2^40 annotations
  }
  SECTION("shorter than the count") {
    bytes.resize(5);
  }
  imagery::testing::write_file(cell.string(), bytes);
  const auto source = PrecomputedAnnotationSource::open(root.string(), *context);
  const auto e = error_of([&] { source.read_all(); });
  CHECK(e.code() == ErrorCode::kDataLoss);
  CHECK_THAT(e.what(), Catch::Contains("spatial0/0_0_0"));
}

TEST_CASE("annotation sources: a corrupt shard is kDataLoss naming the shard file",
          "[neuroglancer][annotation-source]") {
  TempDir dir;
  auto context = imagery::testing::make_context();
  const fs::path root = copy_fixture(dir, "points_sharded");
  const fs::path shard = root / "spatial0" / "0.shard";
  auto bytes = imagery::testing::read_file(shard.string());
  bytes[8] = std::byte{0xff};  // the minishard index ends far past the file
  imagery::testing::write_file(shard.string(), bytes);
  const auto source = PrecomputedAnnotationSource::open(root.string(), *context);
  const auto e = error_of([&] { source.read_all(); });
  CHECK(e.code() == ErrorCode::kDataLoss);
  CHECK_THAT(e.what(), Catch::Contains("0.shard"));
}

TEST_CASE("annotation sources: budgets and bad boxes", "[neuroglancer][annotation-source]") {
  auto context = imagery::testing::make_context();
  const auto source = PrecomputedAnnotationSource::open(fixture("points"), *context);
  AnnotationReadOptions few_cells;
  few_cells.max_chunks = 5;
  auto e = error_of([&] { source.read_all(few_cells); });
  CHECK(e.code() == ErrorCode::kResourceExhausted);
  CHECK_THAT(e.what(), Catch::Contains("spatial index cells"));
  AnnotationReadOptions few;
  few.max_annotations = 10;
  CHECK(error_of([&] { source.read_all(few); }).code() == ErrorCode::kResourceExhausted);
  AnnotationReadOptions cancelled;
  std::stop_source stop;
  stop.request_stop();
  cancelled.stop = stop.get_token();
  CHECK(error_of([&] { source.read_all(cancelled); }).code() == ErrorCode::kCancelled);
  const auto sharded = PrecomputedAnnotationSource::open(fixture("points_sharded"), *context);
  CHECK(error_of([&] { sharded.read_all(cancelled); }).code() == ErrorCode::kCancelled);
  e = error_of([&] { source.read_box({10, 0, 0}, {5, 10, 10}); });
  CHECK(e.code() == ErrorCode::kInvalidArgument);
  CHECK_THAT(e.what(), Catch::Contains("points"));
  CHECK(error_of([&] {
          source.read_box({0, 0, 0}, {std::numeric_limits<double>::infinity(), 1, 1});
        }).code() == ErrorCode::kInvalidArgument);
}

TEST_CASE("annotation infos: hostile and unusable fields", "[neuroglancer][annotation-source]") {
  const nlohmann::json base = nlohmann::json::parse(kPointInfo);
  struct Case {
    const char* what;
    nlohmann::json patch;  // merged into the info
    ErrorCode code;
    const char* message;
  };
  const Case cases[] = {
      {"another type",
       {{"@type", "neuroglancer_multiscale_volume"}},
       ErrorCode::kInvalidArgument,
       "not a precomputed annotation source"},
      {"rank 4",
       {{"dimensions", {{"x", {1, "nm"}}, {"y", {1, "nm"}}, {"z", {1, "nm"}}, {"t", {1, "s"}}}}},
       ErrorCode::kInvalidArgument,
       "4 dimensions"},
      {"time unit",
       {{"dimensions", {{"z", {1, "s"}}}}},
       ErrorCode::kInvalidArgument,
       "dimensions.z[1]"},
      {"zero scale",
       {{"dimensions", {{"x", {0, "nm"}}, {"y", {1, "nm"}}, {"z", {1, "nm"}}}}},
       ErrorCode::kDataLoss,
       "dimensions.x[0]"},
      {"short bound", {{"lower_bound", {0, 0}}}, ErrorCode::kDataLoss, "lower_bound"},
      {"polyline", {{"annotation_type", "POLYLINE"}}, ErrorCode::kInvalidArgument, "POLYLINE"},
      {"unknown type", {{"annotation_type", "CIRCLE"}}, ErrorCode::kDataLoss, "annotation_type"},
      {"bad property id",
       {{"properties", {{{"id", "Color"}, {"type", "rgb"}}}}},
       ErrorCode::kDataLoss,
       "properties[0].id"},
      {"bad property type",
       {{"properties", {{{"id", "c"}, {"type", "float64"}}}}},
       ErrorCode::kDataLoss,
       "properties[0].type"},
      {"negative grid",
       {{"spatial",
         {{{"key", "s"}, {"grid_shape", {1, -3, 1}}, {"chunk_size", {1, 1, 1}}, {"limit", 1}}}}},
       ErrorCode::kDataLoss,
       "spatial[0].grid_shape[1]"},
      {"huge grid",
       {{"spatial",
         {{{"key", "s"}, {"grid_shape", {1, 1e15, 1}}, {"chunk_size", {1, 1, 1}}, {"limit", 1}}}}},
       ErrorCode::kDataLoss,
       "spatial[0].grid_shape[1]"},
      {"zero chunk",
       {{"spatial",
         {{{"key", "s"}, {"grid_shape", {1, 1, 1}}, {"chunk_size", {1, 0, 1}}, {"limit", 1}}}}},
       ErrorCode::kDataLoss,
       "spatial[0].chunk_size[1]"},
      {"key leaves",
       {{"spatial",
         {{{"key", "a/../../secret"},
           {"grid_shape", {1, 1, 1}},
           {"chunk_size", {1, 1, 1}},
           {"limit", 1}}}}},
       ErrorCode::kDataLoss,
       "leaves the annotation directory"},
      {"absolute key",
       {{"spatial",
         {{{"key", "/etc"}, {"grid_shape", {1, 1, 1}}, {"chunk_size", {1, 1, 1}}, {"limit", 1}}}}},
       ErrorCode::kDataLoss,
       "leaves"},
      {"url key", {{"by_id", {{"key", "http://evil/x"}}}}, ErrorCode::kDataLoss, "by_id.key"},
      {"sharded grid past 64 bits",
       {{"spatial",
         {{{"key", "s"},
           {"grid_shape", {4294967296, 4294967296, 4}},
           {"chunk_size", {1, 1, 1}},
           {"limit", 1},
           {"sharding",
            {{"@type", "neuroglancer_uint64_sharded_v1"},
             {"hash", "identity"},
             {"preshift_bits", 0},
             {"minishard_bits", 0},
             {"shard_bits", 0}}}}}}},
       ErrorCode::kDataLoss,
       "Morton"},
      {"bad sharding",
       {{"spatial",
         {{{"key", "s"},
           {"grid_shape", {1, 1, 1}},
           {"chunk_size", {1, 1, 1}},
           {"limit", 1},
           {"sharding", {{"@type", "x"}}}}}}},
       ErrorCode::kDataLoss,
       "spatial[0].sharding.@type"},
      {"zero limit",
       {{"spatial",
         {{{"key", "s"}, {"grid_shape", {1, 1, 1}}, {"chunk_size", {1, 1, 1}}, {"limit", 0}}}}},
       ErrorCode::kDataLoss,
       "spatial[0].limit"},
  };
  for (const auto& c : cases) {
    INFO(c.what);
    nlohmann::json doc = base;
    doc.merge_patch(c.patch);
    const auto e = error_of([&] { ng::parse_annotation_source_info(doc.dump(), "mem://info"); });
    CHECK(e.code() == c.code);
    CHECK_THAT(e.what(), Catch::Contains(c.message) && Catch::Contains("mem://info"));
  }
  CHECK(error_of([] { ng::parse_annotation_source_info("{", "x"); }).code() ==
        ErrorCode::kDataLoss);
  // Dimension order is the info's, not alphabetical.
  nlohmann::ordered_json zyx = nlohmann::ordered_json::parse(kPointInfo);
  zyx["dimensions"] =
      nlohmann::ordered_json::parse(R"({"z": [40, "nm"], "y": [4, "nm"], "x": [4, "um"]})");
  const auto info = ng::parse_annotation_source_info(zyx.dump(), "x");
  CHECK(info.space.names == std::array<std::string, 3>{"z", "y", "x"});
  CHECK(info.space.scales_m[2] == Approx(4e-6));
}

TEST_CASE("annotation sources: a huge grid reads only the cells a box touches",
          "[neuroglancer][annotation-source]") {
  TempDir dir;
  auto context = imagery::testing::make_context();
  nlohmann::json info = nlohmann::json::parse(kPointInfo);
  info["upper_bound"] = {1e12, 1e12, 1e12};
  info["spatial"][0]["grid_shape"] = {4294967296, 4294967296, 4294967296};
  info["spatial"][0]["chunk_size"] = {1, 1, 1};
  write_text(dir.path() / "info", info.dump());
  const auto source = PrecomputedAnnotationSource::open(dir.path().string(), *context);
  CHECK(source.read_box({10, 10, 10}, {12, 12, 12}).empty());  // 8 missing cells
  CHECK(error_of([&] { source.read_all(); }).code() == ErrorCode::kResourceExhausted);
  // No info at all.
  const auto e = error_of(
      [&] { PrecomputedAnnotationSource::open((dir.path() / "nothing").string(), *context); });
  CHECK(e.code() == ErrorCode::kNotFound);
}

TEST_CASE("annotation sources: related segments from by_id, unsharded and sharded",
          "[neuroglancer][annotation-source]") {
  auto context = imagery::testing::make_context();
  imagery::testing::NginxServer nginx(data_path("neuroglancer/annotation_sources"));
  AnnotationReadOptions with_segments;
  with_segments.related_segments = true;
  for (const std::string& url :
       {fixture("points"), fixture("points_sharded"), nginx.url("points_sharded")}) {
    INFO(url);
    const auto source = PrecomputedAnnotationSource::open(url, *context);
    const auto found = source.read_box({0, 0, 0}, {100, 100, 16}, with_segments);
    std::map<std::uint64_t, std::vector<std::uint64_t>> truth;
    const auto points = expected("points");
    for (const auto& a : points["annotations"])
      truth[a["id"].get<std::uint64_t>()] = a["segments"].get<std::vector<std::uint64_t>>();
    REQUIRE(found.size() > 20);
    int with = 0;
    for (const auto& a : found) {
      INFO(a.id);
      CHECK(a.segments == truth.at(std::stoull(a.id)));
      with += !a.segments.empty();
    }
    CHECK(with > 5);
    // Without the option, no by_id entry is read and segments stay empty.
    for (const auto& a : source.read_box({0, 0, 0}, {100, 100, 16})) CHECK(a.segments.empty());
  }

  TempDir dir;
  const fs::path root = copy_fixture(dir, "points");
  imagery::testing::write_file((root / "by_id" / "1000").string(),
                               bytes_of({0, 0, 0x80, 0x3f, 1, 2}));  // shorter than a record
  const auto source = PrecomputedAnnotationSource::open(root.string(), *context);
  const auto e = error_of([&] { source.read_all(with_segments); });
  CHECK(e.code() == ErrorCode::kDataLoss);
  CHECK_THAT(e.what(), Catch::Contains("by_id/1000"));
}
