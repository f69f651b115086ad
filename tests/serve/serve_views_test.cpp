// `imagery serve`'s other views of a source and its figures, each checked against the command
// that makes the same thing: region.png against `imagery render`, thumbnail.png against
// `imagery thumbnail`, /histogram against `imagery histogram --json`, /value against the volume
// read directly, and /api/figure (GET and POST, PNG and SVG) against `imagery figure`.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "imagery/volume/open_volume.h"
#include "support/serve_process.h"
#include "support/test_context.h"

using namespace imagery;
using testing::demo_image_path;
using testing::demo_segmentation_path;
using testing::ServeProcess;
using testing::TempDir;

namespace {

std::string bytes_of(const std::string& path) {
  const std::vector<std::byte> b = testing::read_file(path);
  return std::string(reinterpret_cast<const char*>(b.data()), b.size());
}

std::vector<std::string> with_sources() {
  return {"--source", "em=" + demo_image_path(), "--source", "seg=" + demo_segmentation_path()};
}

}  // namespace

TEST_CASE("serve answers region.png with the bytes of imagery render", "[serve]") {
  ServeProcess server(with_sources());
  TempDir dir;
  auto res = server.get(
      "/api/sources/em/region.png?bounds=2100,1700,103,2400,1900,104&max_size=150&window=20,220");
  REQUIRE(res->status == 200);
  CHECK(!res->get_header_value("ETag").empty());
  const auto r =
      testing::run_imagery({"render", demo_image_path(), "--bounds", "2100,1700,103,2400,1900,104",
                            "--max-size", "150", "--window", "20,220", "-o", dir.file("r.png")});
  REQUIRE(r.exit_code == 0);
  CHECK(res->body == bytes_of(dir.file("r.png")));

  // A projection through a slab, also as render makes it.
  auto projected = server.get(
      "/api/sources/em/region.png?bounds=2100,1700,100,2400,1900,106&projection=max&max_size=100");
  REQUIRE(projected->status == 200);
  const auto p =
      testing::run_imagery({"render", demo_image_path(), "--bounds", "2100,1700,100,2400,1900,106",
                            "--projection", "max", "--max-size", "100", "-o", dir.file("p.png")});
  REQUIRE(p.exit_code == 0);
  CHECK(projected->body == bytes_of(dir.file("p.png")));

  CHECK(server.get("/api/sources/em/region.png")->status == 400);
  CHECK(server.get("/api/sources/em/region.png?bounds=1,2,3")->status == 400);
  CHECK(server.get("/api/sources/em/region.png?bounds=2100,1700,103,2400,1900,104&model=purple")
            ->status == 400);
}

TEST_CASE("serve answers thumbnail.png with the bytes of imagery thumbnail", "[serve]") {
  ServeProcess server(with_sources());
  TempDir dir;
  for (const std::string source : {"em", "seg"}) {
    auto res = server.get("/api/sources/" + source + "/thumbnail.png?size=96&z=107");
    REQUIRE(res->status == 200);
    const auto r = testing::run_imagery(
        {"thumbnail", source == "em" ? demo_image_path() : demo_segmentation_path(), "--size", "96",
         "--z", "107", "-o", dir.file(source + ".png")});
    REQUIRE(r.exit_code == 0);
    CHECK(res->body == bytes_of(dir.file(source + ".png")));
  }
}

TEST_CASE("serve answers /histogram with imagery histogram's JSON document", "[serve]") {
  ServeProcess server(with_sources());
  auto res = server.get("/api/sources/em/histogram?bounds=2000,1600,100,2300,1900,103&bins=16");
  REQUIRE(res->status == 200);
  const auto r = testing::run_imagery({"histogram", demo_image_path(), "--bounds",
                                       "2000,1600,100,2300,1900,103", "--bins", "16", "--json"});
  REQUIRE(r.exit_code == 0);
  CHECK(nlohmann::json::parse(res->body) == nlohmann::json::parse(r.out));
  CHECK(nlohmann::json::parse(res->body)["channels"][0]["counts"].size() == 16);
}

TEST_CASE("serve answers /value with the voxel there, a segment id exactly", "[serve]") {
  ServeProcess server(with_sources());
  auto context = testing::make_context();
  auto seg = volume::open_volume(demo_segmentation_path(), *context);
  const Array labels = seg->read({{1050, 850, 106}, {1051, 851, 107}}, 0, {});
  const std::uint64_t id = labels.data<std::uint64_t>()[0];
  REQUIRE(id != 0);
  auto res = server.get("/api/sources/seg/value?x=1050&y=850&z=106");
  REQUIRE(res->status == 200);
  const auto doc = nlohmann::json::parse(res->body);
  CHECK(doc["value"] == std::to_string(id));
  CHECK(doc["number"].get<std::uint64_t>() == id);
  CHECK(doc["kind"] == "segmentation");

  auto em = volume::open_volume(demo_image_path(), *context);
  const Array grey = em->read({{2222, 1777, 101}, {2223, 1778, 102}}, 0, {});
  auto value = server.get("/api/sources/em/value?x=2222&y=1777&z=101");
  REQUIRE(value->status == 200);
  CHECK(nlohmann::json::parse(value->body)["number"] == grey.data<std::uint8_t>()[0]);

  CHECK(server.get("/api/sources/seg/value?x=0&y=0&z=0")->status == 404);
  CHECK(server.get("/api/sources/seg/value?x=1050&y=850")->status == 400);
  CHECK(server.get("/api/sources/seg/value?x=a&y=850&z=106")->status == 400);
}

TEST_CASE("serve draws a figure with the bytes of imagery figure, by GET and by POST", "[serve]") {
  ServeProcess server(with_sources());
  TempDir dir;
  const std::vector<std::string> spec_flags = {"--center", "2272,1840,105", "--size",
                                               "200,160",  "--alpha",       "0.4"};
  std::vector<std::string> png = {"figure", "--image", demo_image_path(), "--seg",
                                  demo_segmentation_path()};
  png.insert(png.end(), spec_flags.begin(), spec_flags.end());
  std::vector<std::string> svg = png;
  png.insert(png.end(), {"-o", dir.file("f.png")});
  svg.insert(svg.end(), {"-o", dir.file("f.svg")});
  REQUIRE(testing::run_imagery(png).exit_code == 0);
  REQUIRE(testing::run_imagery(svg).exit_code == 0);

  auto get =
      server.get("/api/figure.png?image=em&seg=seg&center=2272,1840,105&size=200,160&alpha=0.4");
  REQUIRE(get->status == 200);
  CHECK(get->get_header_value("Content-Type") == "image/png");
  CHECK(get->body == bytes_of(dir.file("f.png")));

  const nlohmann::json body = {{"image", "em"},
                               {"seg", "seg"},
                               {"center", {2272, 1840, 105}},
                               {"size", {200, 160}},
                               {"alpha", 0.4}};
  auto post = server.client()->Post("/api/figure?format=svg", body.dump(), "application/json");
  REQUIRE(post->status == 200);
  CHECK(post->get_header_value("Content-Type") == "image/svg+xml");
  CHECK(post->body == bytes_of(dir.file("f.svg")));

  // The server decides where files go and what is read.
  for (const std::string key : {"output=/tmp/x.png", "save_arrays=/tmp/a", "points=/etc/passwd",
                                "state=/etc/passwd", "datastack=minnie65_public"}) {
    auto refused = server.get("/api/figure.png?image=em&center=2272,1840,105&size=20,20&" + key);
    INFO(key);
    CHECK(refused->status == 400);
    CHECK(nlohmann::json::parse(refused->body)["code"] == "forbidden_key");
  }
  CHECK(server.get("/api/figure.png?image=nope&center=2272,1840,105&size=20,20")->status == 404);
  CHECK(server.get("/api/figure.png?image=em&center=2272,1840,105&size=20,20&colour=red")->status ==
        400);
  auto not_json = server.client()->Post("/api/figure", "{not json", "application/json");
  CHECK(not_json->status == 400);
}
