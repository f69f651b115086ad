// `imagery serve`'s tiles as a client gets them: the sources and their tiling, tiles that are
// pixel for pixel what `imagery render` makes of the same box (edge tiles clipped, the rest
// transparent), segmentation tiles whose objects keep one colour across tiles, ETags and 304,
// the LRU under a small budget, and the prefetcher seen in the access log.
#include <catch2/catch.hpp>

#include <chrono>
#include <map>
#include <thread>

#include <nlohmann/json.hpp>

#include "imagery/overlay/figure_png.h"
#include "imagery/volume/open_volume.h"
#include "support/serve_process.h"
#include "support/test_context.h"

using namespace imagery;
using testing::demo_image_path;
using testing::demo_segmentation_path;
using testing::ServeProcess;
using testing::TempDir;

namespace {

overlay::Image decode(const std::string& body, const std::string& name) {
  return overlay::decode_figure_png(
      std::span(reinterpret_cast<const std::byte*>(body.data()), body.size()), name);
}

// The demo image's section: x 2000-2544, y 1600-2080, z 100-112 (mip-0 voxels).
struct TileCase {
  int level, x, y;
  std::string bounds;
  int width, height;
};

}  // namespace

TEST_CASE("serve lists its sources and describes each with its tiling", "[serve]") {
  ServeProcess server(
      {"--source", "em=" + demo_image_path(), "--source", "seg=" + demo_segmentation_path()});
  CHECK(server.listening_line().rfind("listening on http://127.0.0.1:", 0) == 0);
  auto list = server.get("/api/sources");
  REQUIRE(list);
  REQUIRE(list->status == 200);
  CHECK(list->get_header_value("Content-Type") == "application/json");
  const auto doc = nlohmann::json::parse(list->body);
  REQUIRE(doc["sources"].size() == 2);
  CHECK(doc["sources"][0]["name"] == "em");
  CHECK(doc["sources"][0]["type"] == "image");
  CHECK(doc["sources"][1]["name"] == "seg");
  CHECK(doc["sources"][1]["type"] == "segmentation");

  auto em = server.get("/api/sources/em");
  REQUIRE(em->status == 200);
  const auto summary = nlohmann::json::parse(em->body);
  CHECK(summary["size_x"] == 544);
  CHECK(summary["size_y"] == 480);
  CHECK(summary["dtype"] == "uint8");
  CHECK(summary["levels"].size() == 3);
  // 544 / 256 needs two halvings to fit one tile: levels 0, 1, 2.
  CHECK(summary["tiles"]["tile_size"] == 256);
  CHECK(summary["tiles"]["levels"] == 3);
  CHECK(summary["tiles"]["offset"] == nlohmann::json::array({2000, 1600, 100}));
  // 4 nm voxels, 4 of them a pixel at level 0; the segmentation (8 nm, 2 levels) lines up.
  CHECK(summary["tiles"]["origin_nm"] == nlohmann::json::array({8000.0, 6400.0, 4000.0}));
  CHECK(summary["tiles"]["level0_pixel_nm"] == nlohmann::json::array({16.0, 16.0}));
  const auto seg = nlohmann::json::parse(server.get("/api/sources/seg")->body);
  CHECK(seg["tiles"]["levels"] == 2);
  CHECK(seg["tiles"]["origin_nm"] == summary["tiles"]["origin_nm"]);
  CHECK(seg["tiles"]["level0_pixel_nm"] == summary["tiles"]["level0_pixel_nm"]);
  // The same summary `imagery info --json` prints.
  const auto info = testing::run_imagery({"info", "--json", demo_image_path()});
  REQUIRE(info.exit_code == 0);
  CHECK(nlohmann::json::parse(info.out)["summary"]["levels"] == summary["levels"]);

  auto missing = server.get("/api/sources/nope");
  REQUIRE(missing->status == 404);
  CHECK(nlohmann::json::parse(missing->body)["code"] == "unknown_source");
}

TEST_CASE("serve answers a tile with the pixels imagery render makes of its box", "[serve]") {
  ServeProcess server({"--source", "em=" + demo_image_path()});
  TempDir dir;
  const std::vector<TileCase> cases = {
      {2, 1, 0, "2256,1600,105,2512,1856,106", 256, 256},  // mip-0 pixels, inside
      {2, 2, 1, "2512,1856,105,2544,2080,106", 32, 224},   // the bottom-right edge tile
      {1, 1, 0, "2512,1600,105,2544,2080,106", 16, 240},   // 2 voxels a pixel, an edge
      {0, 0, 0, "2000,1600,105,2544,2080,106", 136, 120},  // the whole section
  };
  for (const TileCase& c : cases) {
    const std::string path = "/api/sources/em/tiles/" + std::to_string(c.level) + "/" +
                             std::to_string(c.x) + "/" + std::to_string(c.y) + ".png?z=105";
    INFO(path);
    auto res = server.get(path);
    REQUIRE(res);
    REQUIRE(res->status == 200);
    CHECK(res->get_header_value("Content-Type") == "image/png");
    const overlay::Image tile = decode(res->body, path);
    REQUIRE(tile.width == 256);
    REQUIRE(tile.height == 256);
    REQUIRE(tile.channels == 4);

    const std::string out = dir.file("render_" + std::to_string(c.level) + ".png");
    const auto r =
        testing::run_imagery({"render", demo_image_path(), "--bounds", c.bounds, "--max-size",
                              std::to_string(c.width) + "," + std::to_string(c.height), "-o", out});
    REQUIRE(r.exit_code == 0);
    const overlay::Image rendered = overlay::read_figure_png(out);
    REQUIRE(rendered.width == static_cast<std::uint32_t>(c.width));
    REQUIRE(rendered.height == static_cast<std::uint32_t>(c.height));
    REQUIRE(rendered.channels == 1);
    int differing = 0, visible_outside = 0;
    for (std::uint32_t y = 0; y < 256; ++y)
      for (std::uint32_t x = 0; x < 256; ++x) {
        const std::uint8_t* t = tile.pixel(x, y);
        if (x < rendered.width && y < rendered.height) {
          const std::uint8_t g = rendered.pixel(x, y)[0];
          if (t[0] != g || t[1] != g || t[2] != g || t[3] != 255) ++differing;
        } else if (t[3] != 0) {
          ++visible_outside;
        }
      }
    CHECK(differing == 0);
    CHECK(visible_outside == 0);
  }
  // Outside the grid, and a section outside the volume.
  CHECK(server.get("/api/sources/em/tiles/2/3/0.png?z=105")->status == 404);
  CHECK(server.get("/api/sources/em/tiles/3/0/0.png?z=105")->status == 404);
  CHECK(server.get("/api/sources/em/tiles/2/0/0.png?z=112")->status == 400);
  CHECK(server.get("/api/sources/em/tiles/2/0/0.png")->status == 400);
  CHECK(server.get("/api/sources/em/tiles/2/0/0.png?z=105&bogus=1")->status == 400);
}

TEST_CASE("serve draws a segmentation tile over transparency, each object in one colour",
          "[serve]") {
  ServeProcess server({"--source", "seg=" + demo_segmentation_path()});
  // The demo segmentation: x 1000-1272, y 800-1040 at 8 nm, two levels of tiles.
  auto left = server.get("/api/sources/seg/tiles/1/0/0.png?z=105&alpha=0.5");
  auto right = server.get("/api/sources/seg/tiles/1/1/0.png?z=105&alpha=0.5");
  REQUIRE(left->status == 200);
  REQUIRE(right->status == 200);
  const overlay::Image a = decode(left->body, "left"), b = decode(right->body, "right");
  REQUIRE(a.channels == 4);

  auto context = testing::make_context();
  auto volume = volume::open_volume(demo_segmentation_path(), *context);
  const Array labels = volume->read({{1000, 800, 105}, {1272, 1040, 106}}, 0, {});
  const std::uint64_t* ids = labels.data<std::uint64_t>();
  std::map<std::uint64_t, std::array<std::uint8_t, 4>> colour_of;
  int wrong_alpha = 0, two_colours = 0, visible_outside = 0;
  for (std::uint32_t y = 0; y < 256; ++y)
    for (std::uint32_t x = 0; x < 256 + 256; ++x) {
      const overlay::Image& tile = x < 256 ? a : b;
      const std::uint8_t* p = tile.pixel(x % 256, y);
      if (x >= 272 || y >= 240) {
        visible_outside += p[3] != 0;
        continue;
      }
      const std::uint64_t id = ids[labels.index(x, y, 0)];
      if ((id != 0) != (p[3] != 0)) ++wrong_alpha;
      if (id == 0) continue;
      const std::array<std::uint8_t, 4> colour = {p[0], p[1], p[2], p[3]};
      auto [it, fresh] = colour_of.emplace(id, colour);
      if (!fresh && it->second != colour) ++two_colours;
    }
  CHECK(wrong_alpha == 0);
  CHECK(two_colours == 0);
  CHECK(visible_outside == 0);
  CHECK(colour_of.size() > 1);

  // An outline draws fewer pixels than the filled objects; root_ids leaves the others out.
  const overlay::Image outline =
      decode(server.get("/api/sources/seg/tiles/1/0/0.png?z=105&outline=true")->body, "outline");
  const std::uint64_t one = colour_of.begin()->first;
  const overlay::Image only = decode(
      server.get("/api/sources/seg/tiles/1/0/0.png?z=105&root_ids=" + std::to_string(one))->body,
      "only");
  int filled = 0, outlined = 0, only_drawn = 0, only_wrong = 0;
  for (std::uint32_t y = 0; y < 240; ++y)
    for (std::uint32_t x = 0; x < 256; ++x) {
      filled += a.pixel(x, y)[3] != 0;
      outlined += outline.pixel(x, y)[3] != 0;
      const bool drawn = only.pixel(x, y)[3] != 0;
      only_drawn += drawn;
      if (drawn != (ids[labels.index(x, y, 0)] == one)) ++only_wrong;
    }
  CHECK(outlined > 0);
  CHECK(outlined < filled);
  CHECK(only_drawn > 0);
  CHECK(only_wrong == 0);
}

TEST_CASE("serve answers a tile with an ETag and 304 when the client has it", "[serve]") {
  ServeProcess server({"--source", "em=" + demo_image_path()});
  auto first = server.get("/api/sources/em/tiles/2/0/0.png?z=104");
  REQUIRE(first->status == 200);
  const std::string etag = first->get_header_value("ETag");
  REQUIRE(etag.size() > 2);
  CHECK(etag.front() == '"');
  CHECK(first->get_header_value("Cache-Control").find("max-age=") != std::string::npos);
  CHECK(first->get_header_value("X-Cache") == "miss");

  auto again = server.get("/api/sources/em/tiles/2/0/0.png?z=104", {{"If-None-Match", etag}});
  CHECK(again->status == 304);
  CHECK(again->body.empty());
  CHECK(again->get_header_value("ETag") == etag);
  CHECK(again->get_header_value("X-Cache") == "hit");

  auto other = server.get("/api/sources/em/tiles/2/0/0.png?z=104",
                          {{"If-None-Match", "\"0000000000000000\""}});
  CHECK(other->status == 200);
  CHECK(other->body == first->body);
  // A different window is a different picture with another tag.
  auto windowed = server.get("/api/sources/em/tiles/2/0/0.png?z=104&window=50,200");
  REQUIRE(windowed->status == 200);
  CHECK(windowed->get_header_value("ETag") != etag);
}

TEST_CASE("serve evicts the least recently used tiles under a small budget", "[serve]") {
  TempDir dir;
  testing::write_file(dir.file("config.json"), R"({"prefetch": false})");
  ServeProcess server({"--source", "em=" + demo_image_path(), "--tile-cache-mb", "1", "--config",
                       dir.file("config.json")});
  const std::string first = "/api/sources/em/tiles/2/0/0.png?z=100";
  REQUIRE(server.get(first)->get_header_value("X-Cache") == "miss");
  REQUIRE(server.get(first)->get_header_value("X-Cache") == "hit");
  // Every finest tile of every section: far more than 1 MB of PNGs.
  std::size_t bytes = 0;
  for (int z = 101; z < 112; ++z)
    for (int y = 0; y < 2; ++y)
      for (int x = 0; x < 3; ++x) {
        auto r = server.get("/api/sources/em/tiles/2/" + std::to_string(x) + "/" +
                            std::to_string(y) + ".png?z=" + std::to_string(z));
        REQUIRE(r->status == 200);
        bytes += r->body.size();
      }
  REQUIRE(bytes > (std::size_t{2} << 20));
  CHECK(server.get(first)->get_header_value("X-Cache") == "miss");
  // The last one asked is still there.
  CHECK(server.get("/api/sources/em/tiles/2/2/1.png?z=111")->get_header_value("X-Cache") == "hit");
}

TEST_CASE("serve prefetches the neighbouring tiles and sections, seen in the access log",
          "[serve]") {
  TempDir dir;
  const std::string log = dir.file("access.log");
  ServeProcess server({"--source", "em=" + demo_image_path(), "--access-log", log});
  REQUIRE(server.get("/api/sources/em/tiles/2/1/0.png?z=105")->status == 200);
  // The prefetcher runs when no request is in flight: wait for its lines.
  const std::vector<std::string> expected = {"PREFETCH /api/sources/em/tiles/2/1/0.png?z=106 200",
                                             "PREFETCH /api/sources/em/tiles/2/1/0.png?z=104 200",
                                             "PREFETCH /api/sources/em/tiles/2/0/0.png?z=105 200",
                                             "PREFETCH /api/sources/em/tiles/2/2/0.png?z=105 200",
                                             "PREFETCH /api/sources/em/tiles/2/1/1.png?z=105 200"};
  std::string text;
  for (int i = 0; i < 500; ++i) {
    text = testing::read_text(log);
    bool all = true;
    for (const std::string& e : expected) all = all && text.find(e) != std::string::npos;
    if (all) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  INFO(text);
  for (const std::string& e : expected) CHECK(text.find(e) != std::string::npos);
  // y - 1 is outside the grid: not rendered, not logged.
  CHECK(text.find("tiles/2/1/-1") == std::string::npos);
  // The prefetched tile is now a hit.
  auto next = server.get("/api/sources/em/tiles/2/1/0.png?z=106");
  CHECK(next->get_header_value("X-Cache") == "hit");
  // A request's line is written once its answer has gone out: wait for it.
  const std::string hit_line = "GET /api/sources/em/tiles/2/1/0.png?z=106 200";
  for (int i = 0; i < 500 && text.find(hit_line) == std::string::npos; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    text = testing::read_text(log);
  }
  const auto at = text.find(hit_line);
  REQUIRE(at != std::string::npos);
  const std::string line = text.substr(at, text.find('\n', at) - at);
  CHECK(line.substr(line.size() - 4) == " hit");
}

TEST_CASE("serve outlines the boundary between touching objects with no_merge_outline", "[serve]") {
  ServeProcess server({"--source", "seg=" + demo_segmentation_path()});
  auto context = testing::make_context();
  auto volume = volume::open_volume(demo_segmentation_path(), *context);
  const Array labels = volume->read({{1000, 800, 105}, {1256, 1040, 106}}, 0, {});
  const std::uint64_t* ids = labels.data<std::uint64_t>();
  const auto id_at = [&](std::int64_t x, std::int64_t y) -> std::uint64_t {
    if (x < 0 || y < 0 || x >= 256 || y >= 240) return 0;
    return ids[labels.index(x, y, 0)];
  };
  // Pixels where two objects touch, with no id 0 within 4 pixels: a merged outline (the band
  // of the union of all objects) never reaches them; each object's own band (width 2) does.
  std::vector<std::pair<int, int>> inner_boundary;
  for (int y = 0; y < 240; ++y)
    for (int x = 0; x < 256; ++x) {
      const std::uint64_t id = id_at(x, y);
      if (id == 0 || id_at(x + 1, y) == id) continue;
      bool near_zero = false;
      for (int dy = -4; dy <= 4 && !near_zero; ++dy)
        for (int dx = -4; dx <= 4 && !near_zero; ++dx) near_zero = id_at(x + dx, y + dy) == 0;
      if (!near_zero) inner_boundary.emplace_back(x, y);
    }
  REQUIRE(inner_boundary.size() > 10);

  const auto tile = [&](const std::string& extra) {
    auto response =
        server.get("/api/sources/seg/tiles/1/0/0.png?z=105&outline=true&width=2" + extra);
    REQUIRE(response->status == 200);
    return decode(response->body, extra);
  };
  const overlay::Image merged = tile(""), separate = tile("&no_merge_outline=true");
  const overlay::Image separate_in = tile("&no_merge_outline=true&side=in&no_overlap=true");
  int merged_drawn = 0, separate_drawn = 0, separate_in_drawn = 0;
  for (const auto& [x, y] : inner_boundary) {
    // The band of the object left of the boundary lies right of it (side out) or on it (in).
    merged_drawn += merged.pixel(x + 1, y)[3] != 0 || merged.pixel(x, y)[3] != 0;
    separate_drawn += separate.pixel(x + 1, y)[3] != 0;
    separate_in_drawn += separate_in.pixel(x, y)[3] != 0;
  }
  CHECK(merged_drawn == 0);
  CHECK(separate_drawn == static_cast<int>(inner_boundary.size()));
  CHECK(separate_in_drawn == static_cast<int>(inner_boundary.size()));

  auto bad = server.get("/api/sources/seg/tiles/1/0/0.png?z=105&outline=true&side=middle");
  CHECK(bad->status == 400);
  CHECK(bad->body.find("side") != std::string::npos);
}
