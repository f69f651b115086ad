// A batch's "window": "shared": one window for all rows of a source, worked out from an evenly
// spaced sample of the whole manifest (so every shard agrees), recorded in shared_windows.json
// and in every row's sidecar.
#include <catch2/catch.hpp>
#include <cstdio>

#include "imagery/client/client.h"
#include "imagery/figure/figure_spec_json.h"
#include "imagery/overlay/display_window.h"
#include "imagery/volume/open_volume.h"
#include "support/test_context.h"
#include "support/test_support.h"

using namespace imagery;
using nlohmann::json;
using testing::data_path;
using testing::run_imagery;
using testing::TempDir;

TEST_CASE("batch window shared: one window from a sample of rows, the same in every shard",
          "[cli][batch][window]") {
  TempDir dir;
  std::string csv = "name,center\n";
  for (int i = 0; i < 12; ++i)
    csv += "r" + std::to_string(i) + ",\"" + std::to_string(140 + 20 * i) + ",150," +
           std::to_string(13 + 2 * i) + "\"\n";
  testing::write_file(dir.file("rows.csv"), csv);
  const json defaults = {
      {"image", data_path("cloudvolume/image_raw")}, {"size", {48, 40}}, {"window", "shared"}};
  testing::write_file(dir.file("defaults.json"), defaults.dump());
  for (int shard = 0; shard < 2; ++shard) {
    auto r = run_imagery({"batch", dir.file("rows.csv"), "--defaults", dir.file("defaults.json"),
                          "--out-dir", dir.file("out"), "--shard-index", std::to_string(shard),
                          "--shard-count", "2", "--jobs", "2"});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    CHECK_THAT(r.err, Catch::Contains("shared window for") && Catch::Contains("(8 of 12)"));
  }
  const json record = json::parse(testing::read_text(dir.file("out/shared_windows.json")));
  REQUIRE(record["windows"].size() == 1);
  const json& w = record["windows"][0];
  // Rows 0, 1, 3, 4, 6, 7, 9, 11: evenly spaced over 12.
  CHECK(w["sample"] == json::array({"r0", "r1", "r3", "r4", "r6", "r7", "r9", "r11"}));
  CHECK(w["rows"] == 12);
  // The window is the auto window over the sampled rows' images, fetched here independently.
  auto context = testing::make_context();
  auto image = volume::open_volume(data_path("cloudvolume/image_raw"), *context);
  client::Client c(image, nullptr, {});
  std::vector<Array> arrays;
  for (int i : {0, 1, 3, 4, 6, 7, 9, 11})
    arrays.push_back(
        c.image_cutout(client::Region::centered({140.0 + 20 * i, 150, 13.0 + 2 * i}, {48, 40, 0}))
            .data);
  std::vector<const Array*> pointers;
  for (const Array& a : arrays) pointers.push_back(&a);
  const auto [lo, hi] = overlay::auto_window_range(pointers);
  CHECK(w["window"][0] == lo);
  CHECK(w["window"][1] == hi);
  // Every row, from either shard, drew with it.
  for (int i = 0; i < 12; ++i) {
    const json side =
        json::parse(testing::read_text(dir.file("out/r" + std::to_string(i) + ".json")));
    INFO(i);
    CHECK(side["window"] == json::array({lo, hi}));
  }
}
