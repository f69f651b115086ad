// Every picture in the ImageryClient golden set, rendered in-process and compared as decoded
// pixels: against the golden PNG (reporting how many pixels differ) and against the manifest's
// pixel hash (which also proves the golden copy in tests/data is intact).
#include <catch2/catch.hpp>
#include <functional>
#include <optional>
#include <set>

#include "imagery/core/npy.h"
#include "imagery/overlay/display_window.h"
#include "imagery/overlay/object_colors.h"
#include "imagery/overlay/object_labels.h"
#include "imagery/overlay/series.h"
#include "imagery/overlay/stack.h"
#include "imagery/overlay/style.h"
#include "overlay/overlay_test_support.h"

using namespace imagery;
using imagery::testing::data_path;
using imagery::testing::load_json_file;
using imagery::testing::pixel_difference;
using imagery::testing::pixel_sha256;

namespace {

struct Rendered {
  std::vector<overlay::Image> pictures;
};

// composite_overlay(seg, imagery=img, **params) as the generator called it, all slices.
std::vector<overlay::Image> render(const std::string& input, bool with_imagery,
                                   const nlohmann::json& params) {
  const std::string stem = input == "3d" ? "3d" : "256";
  NpyArray seg = read_npy(data_path("imageryclient/inputs/seg" + stem + ".npy"));
  // ImageryClient's composite_overlay parameters, as the library's one call takes them.
  overlay::OverlayStyle style;
  overlay::CompositeOptions& o = style.composite;
  overlay::ColorChoice& colors = style.colors;
  for (auto& [key, value] : params.items()) {
    if (key == "alpha")
      o.alpha = value.get<double>();
    else if (key == "outline")
      o.outline = value.get<bool>();
    else if (key == "side")
      o.side = *overlay::parse_side(value.get<std::string>());
    else if (key == "width")
      o.width = value.get<int>();
    else if (key == "merge_outline")
      o.merge_outline = value.get<bool>();
    else if (key == "overlap")
      o.overlap = value.get<bool>();
    else if (key == "palette")
      colors.palette = value.get<std::string>();
  }
  std::optional<NpyArray> img;
  if (with_imagery) img = read_npy(data_path("imageryclient/inputs/img" + stem + ".npy"));
  return overlay::composite_overlay(seg.array, img ? &img->array : nullptr, style,
                                    /*three_d=*/input == "3d");
}

void check_golden(const nlohmann::json& entry, const overlay::Image& got) {
  const std::string file = entry["file"].get<std::string>();
  INFO("golden " << file);
  overlay::Image expected = overlay::read_figure_png(data_path("imageryclient/golden/" + file));
  REQUIRE(pixel_sha256(expected) == entry["pixel_sha256"].get<std::string>());
  CHECK(got.width == entry["size_wh"][0].get<std::uint32_t>());
  CHECK(got.height == entry["size_wh"][1].get<std::uint32_t>());
  CHECK(got.channels == (entry["mode"] == "RGBA" ? 4 : 3));
  CHECK(pixel_difference(got, expected) == "");
  CHECK(pixel_sha256(got) == entry["pixel_sha256"].get<std::string>());
}

// Runs `check` on each manifest entry `select` accepts; returns how many there were.
int for_each_golden(const std::function<bool(const nlohmann::json&)>& select,
                    const std::function<void(const nlohmann::json&)>& check) {
  auto manifest = load_json_file("imageryclient/manifest.json");
  int count = 0;
  for (const auto& entry : manifest["files"]) {
    if (!select(entry)) continue;
    ++count;
    DYNAMIC_SECTION(entry["file"].get<std::string>()) {
      check(entry);
    }
  }
  return count;
}

bool is_single(const nlohmann::json& e) {
  return e["input"] == "256";
}
bool has_param(const nlohmann::json& e, const char* key) {
  return e["params"].contains(key);
}

void check_single(const nlohmann::json& e) {
  auto pictures = render("256", e.value("imagery", true), e["params"]);
  REQUIRE(pictures.size() == 1);
  check_golden(e, pictures[0]);
}

}  // namespace

TEST_CASE("filled composites match ImageryClient pixel for pixel", "[overlay][golden][fill]") {
  int n = for_each_golden([](const auto& e) { return is_single(e) && !has_param(e, "outline"); },
                          check_single);
  CHECK(n == 6);
}

TEST_CASE("outside outlines match ImageryClient at widths 1, 3, 15, merged or not",
          "[overlay][golden][outline]") {
  int n = for_each_golden(
      [](const auto& e) { return is_single(e) && e["params"].value("side", "") == "out"; },
      check_single);
  CHECK(n == 15);  // 12 of the grid plus tab10, no imagery, overlap off
}

TEST_CASE("inside outlines match ImageryClient at widths 1, 3, 15, merged or not",
          "[overlay][golden][outline]") {
  int n = for_each_golden(
      [](const auto& e) { return is_single(e) && e["params"].value("side", "") == "in"; },
      check_single);
  CHECK(n == 12);
}

TEST_CASE("the default outline (width 10, side out, merged) matches ImageryClient",
          "[overlay][golden][outline]") {
  int n = for_each_golden(
      [](const auto& e) {
        return is_single(e) && has_param(e, "outline") && !has_param(e, "side");
      },
      check_single);
  CHECK(n == 1);
}

TEST_CASE("a 3-D series gives one picture per z slice matching ImageryClient's",
          "[overlay][golden][series]") {
  auto pictures = render("3d", true, {{"alpha", 0.4}});
  REQUIRE(pictures.size() == 5);
  int n =
      for_each_golden([](const auto& e) { return e["input"] == "3d" && !e.contains("stacked"); },
                      [&](const auto& e) {
                        std::string file = e["file"];
                        int z = file[file.find("_z") + 2] - '0';
                        check_golden(e, pictures[static_cast<std::size_t>(z)]);
                      });
  CHECK(n == 5);
}

TEST_CASE("stacked series match ImageryClient's stack_images in both directions and spacings",
          "[overlay][golden][stack]") {
  auto pictures = render("3d", true, {{"alpha", 0.4}});
  int n = for_each_golden(
      [](const auto& e) { return e.contains("stacked"); },
      [&](const auto& e) {
        auto direction =
            overlay::parse_direction(e["params"]["direction"].template get<std::string>());
        REQUIRE(direction);
        check_golden(e, overlay::stack_images(pictures, *direction,
                                              e["params"]["spacing"].template get<int>()));
      });
  CHECK(n == 4);
}

TEST_CASE("the golden tests cover every picture of the manifest", "[overlay][golden]") {
  auto manifest = load_json_file("imageryclient/manifest.json");
  std::set<std::string> files;
  for (const auto& e : manifest["files"]) files.insert(e["file"].get<std::string>());
  CHECK(files.size() == 43);
  CHECK(6 + 15 + 12 + 1 + 5 + 4 == 43);
}
