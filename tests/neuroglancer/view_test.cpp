// The cross-section view: Neuroglancer's float32 pixel steps and its choice of mips
// (../shared/docs/neuroglancer-render.md sections 2 and 4, the cases named there).
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "imagery/neuroglancer/view.h"

namespace ng = imagery::neuroglancer;

namespace {

std::array<float, 3> nm(double x, double y, double z) {
  return {static_cast<float>(x * 1e-9), static_cast<float>(y * 1e-9), static_cast<float>(z * 1e-9)};
}

ng::ViewerState state_with(double zoom, const char* layout = "xy") {
  return ng::parse_viewer_state(
      {{"dimensions", {{"x", {4e-9, "m"}}, {"y", {4e-9, "m"}}, {"z", {4e-8, "m"}}}},
       {"position", {250, 171, 30}},
       {"crossSectionScale", zoom},
       {"layout", layout}},
      "s");
}

}  // namespace

TEST_CASE("the mips Neuroglancer draws at a zoom", "[neuroglancer][view]") {
  const std::vector<std::array<float, 3>> image = {nm(4, 4, 40), nm(8, 8, 40), nm(16, 16, 40)};
  // img_z1_corner: pixel 4 nm -> every mip listed, the finest drawn first.
  CHECK(ng::choose_mips(image, 4e-9, 1) == std::vector<int>{0, 1, 2});
  // img_z1p4_mip1: pixel 5.6 nm, target 6.16 nm -> the 8 nm mip (not the nearer 4 nm).
  CHECK(ng::choose_mips(image, 5.6e-9, 1) == std::vector<int>{1, 2});
  // img_z3_mip2: pixel 12 nm -> 16 nm only.
  CHECK(ng::choose_mips(image, 12e-9, 1) == std::vector<int>{2});
  // crossSectionRenderScale multiplies the target: 4 nm pixels at render scale 2 -> 8 nm.
  CHECK(ng::choose_mips(image, 4e-9, 2) == std::vector<int>{1, 2});
  // v_png_mip1_z: 6/12/24 nm in xy, 30/60/120 nm in z; at 9 nm pixels z still improves, so
  // mip 0 is drawn.
  const std::vector<std::array<float, 3>> png = {nm(6, 6, 30), nm(12, 12, 60), nm(24, 24, 120)};
  CHECK(ng::choose_mips(png, 9e-9, 1) == std::vector<int>{0, 1, 2});
  CHECK(ng::choose_mips({}, 4e-9, 1).empty());
}

TEST_CASE("the xy view steps in float32 canonical voxels", "[neuroglancer][view]") {
  const ng::CrossSection v = ng::make_cross_section(state_with(1.4), "", 512, 384);
  CHECK(v.panel == "xy");
  CHECK(v.right == std::array<float, 3>{1.4f, 0, 0});
  CHECK(v.down == std::array<float, 3>{0, 1.4f, 0});
  CHECK(v.geometry.axis_aligned);
  CHECK(v.geometry.pixel_size_m == Approx(5.6e-9).epsilon(1e-6));
  // z is 10 canonical voxels: its step is a tenth.
  const auto p = v.geometry.pixel_center(256, 192);
  CHECK(p[0] == Approx(250 + 1.4 * 0.5));
  CHECK(p[1] == Approx(171 + 1.4 * 0.5));
  CHECK(v.normal[2] == Approx(0.14f));
}

TEST_CASE("xz and yz panels turn the view as Neuroglancer's layouts do", "[neuroglancer][view]") {
  const ng::CrossSection xz = ng::make_cross_section(state_with(1, "xz"), "", 8, 8);
  CHECK(xz.panel == "xz");
  CHECK(xz.right[0] == Approx(1));
  CHECK(xz.down[2] == Approx(0.1).epsilon(1e-6));  // screen down is +z (40 nm = 10 canonical)
  const ng::CrossSection yz = ng::make_cross_section(state_with(1), "yz", 8, 8);
  CHECK(yz.right[2] == Approx(-0.1).epsilon(1e-6));  // screen right is -z
  CHECK(yz.down[1] == Approx(1));
  std::vector<std::string> notes;
  CHECK(ng::first_cross_section_panel("4panel", &notes) == "xy");
  CHECK(ng::first_cross_section_panel("3d", &notes) == "xy");
  CHECK(notes.size() == 1);
  CHECK_THROWS_WITH(ng::first_cross_section_panel("5panel", &notes),
                    Catch::Contains("'5panel' is not a Neuroglancer layout"));
  CHECK_THROWS_WITH(ng::make_cross_section(state_with(1), "xw", 8, 8),
                    Catch::Contains("panel 'xw'"));
  CHECK_THROWS_WITH(ng::make_cross_section(state_with(1), "", 0, 8),
                    Catch::Contains("outside 1..32768"));
}
