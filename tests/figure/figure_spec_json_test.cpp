// The figure schema "imagery.figure/1": every spec survives figure_spec_to_json ->
// read_figure_spec, values may be written as CSV cells are, null/""/[] reset a key, unknown keys
// get a did-you-mean hint, region keys must make one region (unless the document is partial), and
// sidecars of imagery 0.1 read to the same spec as the document that says the same thing today.
#include "imagery/figure/figure_spec_json.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdint>
#include <fstream>
#include <limits>
#include <set>
#include <string>
#include <vector>

#include "imagery/core/error.h"
#include "imagery/palettes/color.h"
#include "support/error_of.h"
#include "support/test_support.h"

using imagery::ErrorCode;
using imagery::Vec3;
using imagery::Vec3d;
using imagery::figure::apply_figure_json;
using imagery::figure::figure_spec_to_json;
using imagery::figure::FigureSpec;
using imagery::figure::read_figure_spec;
using imagery::figure::RegionSpec;
using imagery::figure::SourceSpec;
using imagery::figure::SpecReadOptions;
using imagery::overlay::Direction;
using imagery::overlay::DisplayWindow;
using imagery::overlay::Side;
using imagery::palettes::Rgb8;
using imagery::testing::error_of;
using imagery::volume::MipSelector;
using nlohmann::json;

namespace {

using ById = std::vector<std::pair<std::uint64_t, Rgb8>>;

// Colours by id as a set: a JSON object does not keep the order of its keys.
ById sorted(ById v) {
  std::sort(v.begin(), v.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  return v;
}

// Every field of two specs, one CHECK each, so a failure says which field differs.
void check_same(const FigureSpec& a, const FigureSpec& b) {
  CHECK(a.image.has_value() == b.image.has_value());
  if (a.image && b.image) {
    CHECK(a.image->url == b.image->url);
    CHECK(a.image->mip == b.image->mip);
  }
  CHECK(a.segmentation.has_value() == b.segmentation.has_value());
  if (a.segmentation && b.segmentation) {
    CHECK(a.segmentation->url == b.segmentation->url);
    CHECK(a.segmentation->mip == b.segmentation->mip);
  }
  CHECK(a.region == b.region);
  CHECK(a.resolution == b.resolution);
  CHECK(a.bounded == b.bounded);
  CHECK(a.fill_missing == b.fill_missing);
  const auto &s = a.style, &t = b.style;
  CHECK(s.root_ids == t.root_ids);
  CHECK(s.include_zero == t.include_zero);
  CHECK(s.composite.alpha == t.composite.alpha);
  CHECK(s.composite.outline == t.composite.outline);
  CHECK(s.composite.side == t.composite.side);
  CHECK(s.composite.width == t.composite.width);
  CHECK(s.composite.merge_outline == t.composite.merge_outline);
  CHECK(s.composite.overlap == t.composite.overlap);
  CHECK(s.colors.palette == t.colors.palette);
  CHECK(s.colors.params.h == t.colors.params.h);
  CHECK(s.colors.params.s == t.colors.params.s);
  CHECK(s.colors.params.l == t.colors.params.l);
  CHECK(s.colors.by_rank == t.colors.by_rank);
  CHECK(sorted(s.colors.by_id) == sorted(t.colors.by_id));
  CHECK(s.dim == t.dim);
  CHECK(s.stack == t.stack);
  CHECK(s.spacing == t.spacing);
  CHECK(s.window.mode == t.window.mode);
  if (s.window.mode == DisplayWindow::Mode::kRange) {
    CHECK(s.window.min == t.window.min);
    CHECK(s.window.max == t.window.max);
  }
  CHECK(s.rgb == t.rgb);
  CHECK(a.output.path == b.output.path);
  CHECK(a.output.png_level == b.output.png_level);
  CHECK(a.output.save_arrays == b.output.save_arrays);
  CHECK(a.output.arrays_beside_output == b.output.arrays_beside_output);
}

// The spec written as a file holds it, then read back.
FigureSpec round_trip(const FigureSpec& spec) {
  return read_figure_spec(json::parse(figure_spec_to_json(spec).dump(2)));
}

std::string read_error(const json& doc, const SpecReadOptions& options = {}) {
  const auto e = error_of([&] { read_figure_spec(doc, options); });
  CHECK(e.code() == ErrorCode::kInvalidArgument);
  return e.what();
}

FigureSpec base_spec() {
  FigureSpec s;
  s.image = SourceSpec{"gs://bucket/em", {}};
  s.segmentation = SourceSpec{"precomputed://gs://bucket/seg", {}};
  s.region = RegionSpec::centered({1000, 2000, 30}, {512, 512, 1});
  s.output.path = "out/fig.png";
  return s;
}

const std::uint64_t kBig = std::numeric_limits<std::uint64_t>::max();

}  // namespace

TEST_CASE("the default spec and a typical spec survive JSON", "[figure][json]") {
  check_same(round_trip(FigureSpec{}), FigureSpec{});
  check_same(round_trip(base_spec()), base_spec());
  // The document names its format and every key.
  const auto j = figure_spec_to_json(base_spec());
  CHECK(j["format"] == "imagery.figure/1");
  CHECK(j["image"] == "gs://bucket/em");
  CHECK(j["image_mip"].is_null());
  CHECK(j["center"] == json::array({1000, 2000, 30}));
}

TEST_CASE("every region kind survives JSON", "[figure][json]") {
  for (const RegionSpec& r : {
           RegionSpec{},
           RegionSpec::corners({0, 0, 0}, {64, 64, 1}),
           RegionSpec::corners({-10.5, 2.25, 3}, {1e6, 3e7, 40}),
           RegionSpec::corners({0, 0, 0}, {1e16 + 2, 64, 1}),  // beyond exact integers in JSON
           RegionSpec::centered({1000, 2000, 30}, {512, 256, 3}),
           RegionSpec::centered({1000.5, 2000, 30}, {511.5, 256, 0}, false),
           RegionSpec::centered_pixels({1, 2, 3}, {256, 128, 5}),
           RegionSpec::centered_pixels({1, 2, 3}, {256, 128, 0}, false),
       }) {
    FigureSpec s = base_spec();
    s.region = r;
    INFO(figure_spec_to_json(s).dump());
    check_same(round_trip(s), s);
  }
}

TEST_CASE("mips by index and by resolution survive JSON", "[figure][json]") {
  for (const MipSelector& m :
       {MipSelector{}, MipSelector::index(0), MipSelector::index(3),
        MipSelector::resolution({8, 8, 40}), MipSelector::resolution({4.5, 3.75, 42})}) {
    FigureSpec s = base_spec();
    s.image->mip = m;
    s.segmentation->mip = m;
    INFO(m.to_string());
    check_same(round_trip(s), s);
  }
  // A segmentation alone, and an image alone.
  FigureSpec seg_only = base_spec();
  seg_only.image.reset();
  seg_only.segmentation->mip = MipSelector::index(2);
  check_same(round_trip(seg_only), seg_only);
  FigureSpec image_only = base_spec();
  image_only.segmentation.reset();
  image_only.image->mip = MipSelector::resolution({16, 16, 40});
  check_same(round_trip(image_only), image_only);
}

TEST_CASE("every style option survives JSON", "[figure][json]") {
  FigureSpec s = base_spec();
  s.resolution = Vec3d{4, 4, 40};
  s.bounded = true;
  s.fill_missing = false;
  auto& st = s.style;
  st.root_ids = std::vector<std::uint64_t>{11, 12, kBig, std::uint64_t{1} << 63};
  st.include_zero = true;
  st.composite.alpha = 0.35;
  st.composite.outline = true;
  st.composite.side = Side::kIn;
  st.composite.width = 0;
  st.composite.merge_outline = false;
  st.composite.overlap = false;
  st.colors.palette = "hls";
  st.colors.params = {0.3, 0.8, 0.45};
  st.dim = 0;
  st.spacing = 3;
  st.rgb = true;
  s.output.png_level = 9;
  check_same(round_trip(s), s);
}

TEST_CASE("colours by id and by rank survive JSON", "[figure][json]") {
  FigureSpec by_id = base_spec();
  // Ids past 2^63 and a negative id of a signed segmentation (two's complement).
  by_id.style.colors.by_id = {{7, {255, 0, 0}},
                              {kBig - 4, {0, 255, 0}},
                              {static_cast<std::uint64_t>(-3), {1, 2, 3}},
                              {10, {0, 0, 255}}};
  check_same(round_trip(by_id), by_id);
  FigureSpec by_rank = base_spec();
  by_rank.style.colors.by_rank = {{255, 0, 0}, {0, 128, 255}, {17, 17, 17}};
  check_same(round_trip(by_rank), by_rank);
}

TEST_CASE("display windows and stacking survive JSON", "[figure][json]") {
  FigureSpec s = base_spec();
  s.style.window.mode = DisplayWindow::Mode::kAuto;
  check_same(round_trip(s), s);
  s.style.window = {DisplayWindow::Mode::kRange, -12.5, 1000.25};
  check_same(round_trip(s), s);
  s.style.window = {};
  s.style.stack = Direction::kHorizontal;
  check_same(round_trip(s), s);
  s.style.stack = Direction::kVertical;
  s.output.path = "out/stack.png";
  check_same(round_trip(s), s);
}

TEST_CASE("save_arrays beside the output and to a prefix survive JSON", "[figure][json]") {
  FigureSpec beside = base_spec();
  beside.output.arrays_beside_output = true;
  check_same(round_trip(beside), beside);
  CHECK(figure_spec_to_json(beside)["save_arrays"] == true);
  FigureSpec prefix = base_spec();
  prefix.output.save_arrays = "arrays/fig";
  check_same(round_trip(prefix), prefix);
  CHECK(figure_spec_to_json(prefix)["save_arrays"] == "arrays/fig");
  FigureSpec none = base_spec();
  CHECK(figure_spec_to_json(none)["save_arrays"].is_null());
  check_same(round_trip(none), none);
}

TEST_CASE("the writer writes every key of the schema and the reader knows every key written",
          "[figure][json]") {
  std::set<std::string> written;
  for (const RegionSpec& r :
       {RegionSpec::corners({0, 0, 0}, {1, 1, 1}), RegionSpec::centered({0, 0, 0}, {1, 1, 1}),
        RegionSpec::centered_pixels({0, 0, 0}, {1, 1, 1})}) {
    FigureSpec s = base_spec();
    s.region = r;
    const auto doc = figure_spec_to_json(s);  // alive for the loop (items() refers into it)
    for (const auto& item : doc.items()) {
      CHECK(imagery::figure::is_figure_key(item.key()));
      written.insert(item.key());
    }
  }
  // A figure from a Neuroglancer state, with every change a batch row can make.
  FigureSpec s = base_spec();
  s.image.reset();
  s.segmentation.reset();
  s.state.emplace();
  s.state->state = "view.json";
  s.state->panel = "xz";
  s.state->position = std::vector<double>{1, 2, 3};
  s.state->cross_section_scale = 2;
  s.state->segments[""] = {5, 6};
  const auto doc = figure_spec_to_json(s);
  for (const auto& item : doc.items()) written.insert(item.key());
  const FigureSpec back = imagery::figure::read_figure_spec(nlohmann::json::parse(doc.dump()));
  REQUIRE(back.state);
  CHECK(back.state->state == "view.json");
  CHECK(back.state->panel == "xz");
  CHECK(back.state->position == std::vector<double>{1, 2, 3});
  CHECK(back.state->cross_section_scale == 2);
  CHECK(back.state->segments == s.state->segments);
  // A publication figure: every element and the physical size, read back the same.
  FigureSpec pub = base_spec();
  pub.elements.scale_bar.enabled = true;
  pub.elements.scale_bar.length_nm = 2000;
  pub.elements.scale_bar.position = imagery::figure::Corner::kTopLeft;
  pub.elements.scale_bar.color = Rgb8{255, 0, 0};
  pub.elements.scale_bar.thickness = 6;
  pub.elements.scale_bar.label = false;
  pub.elements.label = "b";
  pub.elements.title = "Layer 2/3";
  pub.elements.inset = imagery::figure::Corner::kBottomLeft;
  pub.elements.points = "syn.csv";
  pub.elements.lines = "l.jsonl";
  pub.elements.boxes = "b.csv";
  pub.elements.font_size = 9;
  pub.output.dpi = 600;
  pub.output.width_mm = 89;
  pub.output.simplify = 0.5;
  const auto pub_doc = figure_spec_to_json(pub);
  for (const auto& item : pub_doc.items()) written.insert(item.key());
  // A source with a time axis, its level the nearest to a pixel size (written only when set).
  FigureSpec timed = base_spec();
  timed.time_point = 3;
  timed.nearest = true;
  timed.style.composite.tint = Rgb8{255, 128, 0};
  const auto timed_doc = figure_spec_to_json(timed);
  for (const auto& item : timed_doc.items()) written.insert(item.key());
  // The channel model and a projection (written only when used), read back the same.
  FigureSpec rendered = base_spec();
  rendered.rendering.projection = imagery::rendering::Projection::kMean;
  rendered.rendering.z_range = std::pair{10.0, 18.0};
  rendered.rendering.channels = {
      imagery::rendering::parse_channel_setting("1:window=p:2,98:color=viridis:invert", "c")};
  rendered.rendering.model = imagery::rendering::ColorModel::kColor;
  rendered.rendering.layers = {
      imagery::rendering::parse_layer_setting("gs://b/prob:color=magenta:opacity=0.4", "l")};
  rendered.style.window = imagery::overlay::parse_display_window("minmax", "w");
  const auto rendered_doc = figure_spec_to_json(rendered);
  for (const auto& item : rendered_doc.items()) written.insert(item.key());
  CHECK(rendered_doc["window"] == "minmax");
  const FigureSpec rendered_back =
      imagery::figure::read_figure_spec(nlohmann::json::parse(rendered_doc.dump()));
  CHECK(rendered_back.rendering == rendered.rendering);
  CHECK(rendered_back.style.window == rendered.style.window);
  CHECK_FALSE(figure_spec_to_json(base_spec()).contains("projection"));
  CHECK_FALSE(figure_spec_to_json(base_spec()).contains("channel"));
  // A CSV cell lists channels separated by ';'.
  nlohmann::json cell = nlohmann::json::parse(rendered_doc.dump());
  cell["channel"] = "0:color=red; 1:color=green";
  CHECK(imagery::figure::read_figure_spec(cell).rendering.channels.size() == 2);
  CHECK(timed_doc["tint"] == "#ff8000");
  CHECK(imagery::figure::read_figure_spec(nlohmann::json::parse(timed_doc.dump()))
            .style.composite.tint == Rgb8{255, 128, 0});
  CHECK_FALSE(figure_spec_to_json(base_spec()).contains("tint"));
  nlohmann::json grey_doc = nlohmann::json::parse(timed_doc.dump());
  grey_doc["tint"] = "none";  // grey: white, which draws the grey levels as they are
  CHECK(imagery::figure::read_figure_spec(grey_doc).style.composite.tint == Rgb8{255, 255, 255});
  const FigureSpec timed_back =
      imagery::figure::read_figure_spec(nlohmann::json::parse(timed_doc.dump()));
  CHECK(timed_back.time_point == 3);
  CHECK(timed_back.nearest);
  CHECK_FALSE(figure_spec_to_json(base_spec()).contains("t"));
  CHECK(pub_doc["scale_bar"] == "2um");
  const FigureSpec pub_back =
      imagery::figure::read_figure_spec(nlohmann::json::parse(pub_doc.dump()));
  CHECK(pub_back.elements.scale_bar.length_nm == 2000);
  CHECK(pub_back.elements.scale_bar.position == imagery::figure::Corner::kTopLeft);
  CHECK(pub_back.elements.scale_bar.color == Rgb8{255, 0, 0});
  CHECK(pub_back.elements.scale_bar.thickness == 6);
  CHECK_FALSE(pub_back.elements.scale_bar.label);
  CHECK(pub_back.elements.label == "b");
  CHECK(pub_back.elements.title == "Layer 2/3");
  CHECK(pub_back.elements.inset == imagery::figure::Corner::kBottomLeft);
  CHECK(pub_back.elements.points == "syn.csv");
  CHECK(pub_back.elements.lines == "l.jsonl");
  CHECK(pub_back.elements.boxes == "b.csv");
  CHECK(pub_back.elements.font_size == 9);
  CHECK(pub_back.output.dpi == 600);
  CHECK(pub_back.output.width_mm == 89);
  CHECK(pub_back.output.simplify == 0.5);
  pub.output.width_mm.reset();
  pub.output.height_mm = 40;
  const auto height_doc = figure_spec_to_json(pub);
  for (const auto& item : height_doc.items()) written.insert(item.key());
  // A figure without elements writes none of their keys (sidecars stay as they were).
  CHECK_FALSE(figure_spec_to_json(base_spec()).contains("scale_bar"));
  CHECK_FALSE(figure_spec_to_json(base_spec()).contains("dpi"));
  // What only a reader takes: the negative flags of the command line and a sidecar's records.
  for (const char* k : {"no_fill_missing", "no_merge_outline", "no_overlap", "no_scale_bar_label",
                        "rendered", "neuroglancer"})
    written.insert(k);
  const auto& keys = imagery::figure::figure_keys();
  CHECK(written == std::set<std::string>(keys.begin(), keys.end()));
}

TEST_CASE("scale bar, inset and label keys take the forms flags and CSV cells give",
          "[figure][json]") {
  auto read = [](const char* text) {
    return imagery::figure::read_figure_spec(nlohmann::json::parse(text));
  };
  CHECK(read(R"({"scale_bar": true})").elements.scale_bar.enabled);
  CHECK_FALSE(read(R"({"scale_bar": true})").elements.scale_bar.length_nm);
  CHECK(read(R"({"scale_bar": "auto"})").elements.scale_bar.enabled);
  CHECK(read(R"({"scale_bar": "500nm"})").elements.scale_bar.length_nm == 500);
  CHECK(read("{\"scale_bar\": \"2\u00b5m\"}").elements.scale_bar.length_nm == 2000);
  CHECK_FALSE(read(R"({"scale_bar": "false"})").elements.scale_bar.enabled);
  CHECK(read(R"({"inset": true})").elements.inset == imagery::figure::Corner::kTopRight);
  CHECK(read(R"({"inset": "bottom_left"})").elements.inset == imagery::figure::Corner::kBottomLeft);
  CHECK_FALSE(read(R"({"inset": false})").elements.inset);
  CHECK(read(R"({"label": false})").elements.label.empty());
  CHECK_FALSE(read(R"({"no_scale_bar_label": true})").elements.scale_bar.label);
  struct Case {
    const char* doc;
    const char* message;
  };
  for (const Case& c : {Case{R"({"scale_bar": "5 furlongs"})", "'scale_bar': expected auto or"},
                        Case{R"({"scale_bar_position": "middle"})", "must be top-left"},
                        Case{R"({"inset": "centre"})", "'inset': must be top-left"},
                        Case{R"({"scale_bar_color": "nope"})", "'scale_bar_color'"},
                        Case{R"({"dpi": "many"})", "'dpi': 'many' is not a number"}}) {
    INFO(c.doc);
    const auto e = error_of([&] { read(c.doc); });
    CHECK(e.code() == ErrorCode::kInvalidArgument);
    CHECK_THAT(e.what(), Catch::Contains(c.message));
  }
}

TEST_CASE("keys may use '-' or '_'", "[figure][json]") {
  CHECK(imagery::figure::canonical_key("root-ids") == "root_ids");
  CHECK(imagery::figure::canonical_key("no-fill-missing") == "no_fill_missing");
  CHECK(imagery::figure::is_figure_key("image-size"));
  CHECK(imagery::figure::is_figure_key("format"));
  CHECK(imagery::figure::is_figure_key("rendered"));
  CHECK_FALSE(imagery::figure::is_figure_key("name"));
  CHECK_FALSE(imagery::figure::is_figure_key("command"));
  const FigureSpec s =
      read_figure_spec({{"root-ids", {5}}, {"image-mip", 2}, {"image", "/em"}, {"png-level", 4}});
  CHECK(s.style.root_ids == std::vector<std::uint64_t>{5});
  CHECK(s.image->mip == MipSelector::index(2));
  CHECK(s.output.png_level == 4);
}

TEST_CASE("values may be written as the command line and CSV cells write them", "[figure][json]") {
  const FigureSpec s = read_figure_spec({{"image", " /data/em "},
                                         {"image_mip", "2"},
                                         {"seg", "/data/seg"},
                                         {"seg_mip", "8,8,40"},
                                         {"center", "1,2,3"},
                                         {"image_size", "100, 80"},
                                         {"resolution", "4,4,40"},
                                         {"bounded", "yes"},
                                         {"no_fill_missing", "true"},
                                         {"root_ids", "1,2,3,-5,18446744073709551615"},
                                         {"include_zero", "1"},
                                         {"outline", "true"},
                                         {"side", "in"},
                                         {"width", "3"},
                                         {"no_merge_outline", true},
                                         {"no_overlap", "yes"},
                                         {"alpha", "0.5"},
                                         {"husl_h", "0.3"},
                                         {"color", "7=red;9=#00ff00;"},
                                         {"dim", "1"},
                                         {"stack", "vertical"},
                                         {"spacing", "4"},
                                         {"window", "0,255"},
                                         {"rgb", "false"},
                                         {"output", "out/slice_{i}.png"},
                                         {"png_level", "9"},
                                         {"save_arrays", "true"}});
  CHECK(s.image->url == "/data/em");
  CHECK(s.image->mip == MipSelector::index(2));
  CHECK(s.segmentation->mip == MipSelector::resolution({8, 8, 40}));
  CHECK(s.region == RegionSpec::centered_pixels({1, 2, 3}, {100, 80, 0}, false));
  CHECK(s.resolution == Vec3d{4, 4, 40});
  CHECK(s.bounded);
  CHECK_FALSE(s.fill_missing);
  CHECK(s.style.root_ids ==
        std::vector<std::uint64_t>{1, 2, 3, static_cast<std::uint64_t>(-5), kBig});
  CHECK(s.style.include_zero);
  CHECK(s.style.composite.outline);
  CHECK(s.style.composite.side == Side::kIn);
  CHECK(s.style.composite.width == 3);
  CHECK_FALSE(s.style.composite.merge_outline);
  CHECK_FALSE(s.style.composite.overlap);
  CHECK(s.style.composite.alpha == 0.5);
  CHECK(s.style.colors.params.h == 0.3);
  CHECK(sorted(s.style.colors.by_id) == ById{{7, {255, 0, 0}}, {9, {0, 255, 0}}});
  CHECK(s.style.dim == 1);
  CHECK(s.style.stack == Direction::kVertical);
  CHECK(s.style.spacing == 4);
  CHECK(s.style.window.mode == DisplayWindow::Mode::kRange);
  CHECK(s.style.window.min == 0);
  CHECK(s.style.window.max == 255);
  CHECK_FALSE(s.style.rgb);
  CHECK(s.output.path == "out/slice_{i}.png");
  CHECK(s.output.png_level == 9);
  CHECK(s.output.arrays_beside_output);
  CHECK(s.output.save_arrays.empty());
}

TEST_CASE("lists may be JSON arrays, nested arrays or text", "[figure][json]") {
  CHECK(read_figure_spec({{"bounds", {{0, 0, 0}, {10, 10, 1}}}}).region ==
        RegionSpec::corners({0, 0, 0}, {10, 10, 1}));
  CHECK(read_figure_spec({{"bounds", "0,0,0,10,10,1"}}).region ==
        RegionSpec::corners({0, 0, 0}, {10, 10, 1}));
  CHECK(read_figure_spec({{"center", {"5", "6", "7"}}, {"size", "10,20,2"}}).region ==
        RegionSpec::centered({5, 6, 7}, {10, 20, 2}));
  CHECK(read_figure_spec({{"root_ids", {1, "2", -3}}}).style.root_ids ==
        std::vector<std::uint64_t>{1, 2, static_cast<std::uint64_t>(-3)});
  CHECK(read_figure_spec({{"root_ids", 42}}).style.root_ids == std::vector<std::uint64_t>{42});
  CHECK(read_figure_spec({{"colors", "red; #0000ff"}}).style.colors.by_rank ==
        std::vector<Rgb8>{{255, 0, 0}, {0, 0, 255}});
  CHECK(read_figure_spec({{"colors", {"red", "blue"}}}).style.colors.by_rank ==
        std::vector<Rgb8>{{255, 0, 0}, {0, 0, 255}});
  CHECK(sorted(read_figure_spec({{"color", {"3=red", "4=blue"}}}).style.colors.by_id) ==
        ById{{3, {255, 0, 0}}, {4, {0, 0, 255}}});
  CHECK(read_figure_spec({{"image_mip", {8, 8, 40}}, {"image", "x"}}).image->mip ==
        MipSelector::resolution({8, 8, 40}));
  CHECK(read_figure_spec({{"window", {10, 20}}}).style.window.max == 20);
  CHECK(read_figure_spec({{"window", "auto"}}).style.window.mode == DisplayWindow::Mode::kAuto);
  CHECK(read_figure_spec({{"save_arrays", "arrays/p"}}).output.save_arrays == "arrays/p");
  CHECK_FALSE(read_figure_spec({{"save_arrays", "false"}}).output.arrays_beside_output);
}

TEST_CASE("null, empty text and empty lists put a key back to its default", "[figure][json]") {
  FigureSpec s = base_spec();
  apply_figure_json({{"alpha", 0.9},
                     {"outline", true},
                     {"width", 2},
                     {"root_ids", {1, 2}},
                     {"color", {{"1", "red"}}},
                     {"window", "auto"},
                     {"stack", "horizontal"},
                     {"resolution", {4, 4, 40}},
                     {"save_arrays", true},
                     {"no_fill_missing", true},
                     {"no_overlap", true},
                     {"image_mip", 3},
                     {"png_level", 7}},
                    s);
  REQUIRE(s.style.composite.alpha == 0.9);
  REQUIRE(s.image->mip == MipSelector::index(3));
  apply_figure_json({{"alpha", nullptr},
                     {"outline", ""},
                     {"width", "  "},
                     {"root_ids", nullptr},
                     {"color", nullptr},
                     {"window", ""},
                     {"stack", nullptr},
                     {"resolution", json::array()},
                     {"save_arrays", nullptr},
                     {"no_fill_missing", nullptr},
                     {"no_overlap", ""},
                     {"image_mip", nullptr},
                     {"png_level", nullptr},
                     {"seg", nullptr},
                     {"output", ""}},
                    s);
  FigureSpec expected = base_spec();
  expected.segmentation.reset();
  expected.output.path.clear();
  check_same(s, expected);
  // A null region key leaves the region alone.
  apply_figure_json({{"center", nullptr}, {"size", ""}}, s);
  CHECK(s.region == base_spec().region);
}

TEST_CASE("unknown keys are refused with the closest key as a hint", "[figure][json]") {
  CHECK(read_error({{"aplha", 0.5}}) == "'aplha' is not a figure option (did you mean 'alpha'?)");
  CHECK(read_error({{"colour", "red"}}) ==
        "'colour' is not a figure option (did you mean 'color'?)");
  CHECK(read_error({{"root-id", "5"}}) ==
        "'root-id' is not a figure option (did you mean 'root_ids'?)");
  // Nothing close: no hint.
  CHECK(read_error({{"synapse", 1}}) == "'synapse' is not a figure option");
  // The caller's names and place are used.
  SpecReadOptions o;
  o.name = [](std::string_view k) { return "--" + std::string(k); };
  o.where = "batch.csv:4";
  CHECK(read_error({{"outlin", true}}, o) ==
        "batch.csv:4: --outlin is not a figure option (did you mean --outline?)");
}

TEST_CASE("values of the wrong form are refused naming the key", "[figure][json]") {
  struct Case {
    json doc;
    std::string message;
  };
  for (const Case& c : {
           Case{{{"alpha", "abc"}}, "'alpha': 'abc' is not a number"},
           Case{{{"alpha", "nan"}}, "'alpha': not a finite number"},
           Case{{{"alpha", {1}}}, "'alpha': expected a number, got array"},
           Case{{{"width", 2.5}}, "'width': expected a whole number, got 2.5"},
           Case{{{"width", 1e10}}, "'width': expected a whole number"},
           Case{{{"outline", "maybe"}}, "'outline': expected true or false, got \"maybe\""},
           Case{{{"outline", 2}}, "'outline': expected true or false, got 2"},
           Case{{{"center", {1, 2}}, {"size", {4, 4}}}, "'center': expected 3 numbers, got 2"},
           Case{{{"size", {1, 2, 3, 4}}}, "'size': expected 2 or 3 numbers, got 4"},
           Case{{{"center", "1,2,x"}}, "'center': 'x' is not a number"},
           Case{{{"image", 5}}, "'image': expected a string, got number"},
           Case{{{"side", "up"}}, "'side': must be out or in, got 'up'"},
           Case{{{"stack", "diagonal"}}, "'stack': must be horizontal or vertical, got 'diagonal'"},
           Case{{{"image_size", {10.5, 3}}}, "'image_size': pixel counts must be whole numbers"},
           Case{{{"image_size", {0, 3}}}, "'image_size': pixel counts must be whole numbers"},
           Case{{{"image_mip", -1}}, "'image_mip': no mip -1"},
           Case{{{"image_mip", {0, 4, 40}}}, "'image_mip': resolutions must be > 0 nm"},
           Case{{{"seg_mip", "abc"}}, "'seg_mip': 'abc' is neither a mip index nor a resolution"},
           Case{{{"color", "7:red"}}, "'color': expected ID=COLOR, got '7:red'"},
           Case{{{"color", {{"x", "red"}}}}, "'color': 'x' is not an object id"},
           Case{{{"root_ids", {1.5}}}, "'root_ids': expected an object id, got number"},
           Case{{{"root_ids", "1,,2"}}, "'root_ids': '' is not an object id"},
           Case{{{"root_ids", "99999999999999999999"}}, "is not an object id"},
           Case{{{"window", {5, 5}}}, "'window': MIN must be below MAX"},
           Case{{{"window", {1, 2, 3}}}, "'window': expected 2 numbers, got 3"},
           Case{{{"bounds", json::array({json::array({1, 2, 3}), json::array({4, 5})})}},
                "'bounds': expected 6 numbers, got 5"},
       }) {
    INFO(c.doc.dump());
    CHECK_THAT(read_error(c.doc), Catch::Contains(c.message));
  }
  CHECK_THAT(read_error({{"color", {{"7", "notacolour"}}}}), Catch::Contains("notacolour"));
  CHECK_THAT(read_error(json::array({1, 2})), Catch::Contains("expected a JSON object"));
  CHECK_THAT(read_error("text"), Catch::Contains("expected a JSON object"));
}

TEST_CASE("the region keys of a document must make exactly one region", "[figure][json]") {
  const std::string exactly_one =
      "give exactly one of 'bounds', 'center' with 'size', 'center' with 'image_size'";
  CHECK(read_error({{"bounds", "0,0,0,1,1,1"}, {"size", "4,4"}, {"center", "0,0,0"}}) ==
        exactly_one);
  CHECK(read_error({{"size", "4,4"}, {"image_size", "4,4"}, {"center", "0,0,0"}}) == exactly_one);
  CHECK(read_error({{"center", "0,0,0"}}) == exactly_one);
  CHECK(read_error({{"size", "4,4"}}) == "'size' needs 'center'");
  CHECK(read_error({{"image_size", "4,4"}}) == "'image_size' needs 'center'");
  CHECK(read_error({{"center", "0,0,0"}, {"bounds", "0,0,0,1,1,1"}}) ==
        "'center' cannot be combined with 'bounds'");
  // A later document's region replaces an earlier one's.
  FigureSpec s = read_figure_spec({{"bounds", "0,0,0,1,1,1"}});
  apply_figure_json({{"center", "5,5,5"}, {"size", "2,2,2"}}, s);
  CHECK(s.region == RegionSpec::centered({5, 5, 5}, {2, 2, 2}));
  // A document without region keys leaves the region as it is.
  apply_figure_json({{"alpha", 0.3}}, s);
  CHECK(s.region == RegionSpec::centered({5, 5, 5}, {2, 2, 2}));
}

TEST_CASE("a partial document leaves the region to the documents that follow it",
          "[figure][json]") {
  SpecReadOptions partial;
  partial.partial = true;
  FigureSpec s;
  for (const json& doc : {json{{"size", "64,64"}}, json{{"image_size", "4,4"}},
                          json{{"center", "0,0,0"}, {"bounds", "0,0,0,1,1,1"}}}) {
    INFO(doc.dump());
    CHECK_NOTHROW(apply_figure_json(doc, s, partial));
    CHECK(s.region.kind == RegionSpec::Kind::kNone);
  }
  // Values are still checked in a partial document.
  const auto e = error_of([&] { apply_figure_json({{"size", "a,b"}}, s, partial); });
  CHECK_THAT(e.what(), Catch::Contains("'size'"));
  const auto unknown = error_of([&] { apply_figure_json({{"sise", "1,1"}}, s, partial); });
  CHECK_THAT(unknown.what(), Catch::Contains("did you mean 'size'?"));
}

TEST_CASE("a document of another format is refused", "[figure][json]") {
  CHECK(read_error({{"format", "imagery.figure/2"}}) ==
        "'format': this reader knows imagery.figure/1, not \"imagery.figure/2\"");
  CHECK_THAT(read_error({{"format", 1}}), Catch::Contains("imagery.figure/1, not 1"));
  CHECK_NOTHROW(read_figure_spec({{"format", "imagery.figure/1"}}));
  // With a format it is a document of today, in which "command" is no key at all.
  CHECK_THAT(read_error({{"format", "imagery.figure/1"}, {"command", "figure"}}),
             Catch::Contains("'command' is not a figure option"));
}

TEST_CASE("a sidecar's record of what was rendered is ignored", "[figure][json]") {
  json doc = json::parse(figure_spec_to_json(base_spec()).dump());
  doc["rendered"] = {{"imagery_version", "9.9"}, {"panels", json::array({{{"width", 1}}})}};
  check_same(read_figure_spec(doc), base_spec());
}

TEST_CASE("an imagery 0.1 sidecar reads to the spec the same request has today",
          "[figure][json][legacy]") {
  std::ifstream in(imagery::testing::data_path("figure/sidecar_0.1.json"));
  const json legacy = json::parse(in);
  const json today = {{"format", "imagery.figure/1"},
                      {"image", "gs://bucket/em"},
                      {"image_mip", 1},
                      {"seg", "precomputed://gs://bucket/seg"},
                      {"seg_mip", 0},
                      {"center", {1000, 2000, 30}},
                      {"size", {512, 512}},
                      {"resolution", {4, 4, 40}},
                      {"bounded", false},
                      {"fill_missing", false},
                      {"root_ids", {11, 12, kBig}},
                      {"outline", true},
                      {"side", "in"},
                      {"width", 3},
                      {"merge_outline", false},
                      {"alpha", 0.4},
                      {"husl_h", 0.25},
                      {"husl_s", 0.9},
                      {"husl_l", 0.5},
                      {"color", {{"11", "red"}, {"12", "#00ff00"}}},
                      {"window", "auto"},
                      {"rgb", true},
                      {"output", "out/fig.png"},
                      {"png_level", 6}};
  const FigureSpec old_spec = read_figure_spec(legacy);
  check_same(old_spec, read_figure_spec(today));
  // Spot checks, in case both readings were wrong the same way.
  CHECK(old_spec.image->url == "gs://bucket/em");
  CHECK(old_spec.image->mip == MipSelector::index(1));
  CHECK(old_spec.region == RegionSpec::centered({1000, 2000, 30}, {512, 512, 0}, false));
  CHECK(old_spec.style.composite.side == Side::kIn);
  CHECK_FALSE(old_spec.fill_missing);
}

TEST_CASE("imagery 0.1 sidecars with bounds, stacks and colours by rank read as today",
          "[figure][json][legacy]") {
  // As 0.1 wrote a segmentation-only 3-D figure: "" for options left unset.
  const json legacy = {
      {"command", "figure"},
      {"imagery_version", "0.1.0"},
      {"image", nullptr},
      {"segmentation", {{"source", "/data/seg"}, {"mip", 2}, {"resolution", {32, 32, 40}}}},
      {"resolution", {8, 8, 40}},
      {"request", {{"bounds", {{0.0, 0.0, 10.0}, {256.0, 256.0, 14.0}}}}},
      {"bounds", {{0, 0, 10}, {256, 256, 14}}},
      {"bounded", true},
      {"fill_missing", true},
      {"overlay", {{"root_ids", ""},         {"include_zero", true}, {"outline", false},
                   {"side", "out"},          {"width", 10},          {"merge_outline", true},
                   {"overlap", false},       {"alpha", 0.2},         {"palette", "hls"},
                   {"husl_h", 0.01},         {"husl_s", 1.0},        {"husl_l", 0.65},
                   {"color", json::array()}, {"colors", "red;blue"}, {"dim", 2},
                   {"stack", "vertical"},    {"spacing", 5},         {"window", "0,100"},
                   {"rgb", false},           {"png_level", 1}}},
      {"output", "out/stack.png"},
      {"pictures", {"out/stack.png"}}};
  const json today = {{"format", "imagery.figure/1"},
                      {"seg", "/data/seg"},
                      {"seg_mip", 2},
                      {"bounds", {{0, 0, 10}, {256, 256, 14}}},
                      {"resolution", {8, 8, 40}},
                      {"bounded", true},
                      {"include_zero", true},
                      {"overlap", false},
                      {"palette", "hls"},
                      {"colors", {"red", "blue"}},
                      {"stack", "vertical"},
                      {"spacing", 5},
                      {"window", {0, 100}},
                      {"output", "out/stack.png"}};
  const FigureSpec old_spec = read_figure_spec(legacy);
  check_same(old_spec, read_figure_spec(today));
  CHECK_FALSE(old_spec.image);
  CHECK_FALSE(old_spec.style.root_ids);
  CHECK(old_spec.style.stack == Direction::kVertical);
}

TEST_CASE("broken imagery 0.1 sidecars are refused saying what they are",
          "[figure][json][legacy]") {
  SpecReadOptions o;
  o.where = "--from old.json";
  CHECK(read_error({{"command", "cutout"}}, o) ==
        "--from old.json: not a sidecar of imagery figure");
  CHECK(read_error({{"command", 3}}, o) == "--from old.json: not a sidecar of imagery figure");
  CHECK_THAT(read_error({{"command", "figure"}, {"image", {{"mip", 0}}}}, o),
             Catch::StartsWith("--from old.json: missing or mistyped field of an imagery 0.1 "
                               "sidecar"));
  CHECK_THAT(read_error({{"command", "figure"}, {"image", "gs://b/em"}}, o),
             Catch::Contains("missing or mistyped field"));
  CHECK(read_error({{"command", "figure"}, {"overlay", "outline"}}, o) ==
        "--from old.json: overlay: expected an object");
  // Fields 0.1 never wrote are refused like any unknown key.
  CHECK_THAT(read_error({{"command", "figure"}, {"overlay", {{"bogus", 1}}}}, o),
             Catch::Contains("'bogus' is not a figure option"));
  // Documents that are not 0.1 sidecars pass through the upgrade unchanged.
  const json today = {{"format", "imagery.figure/1"}, {"alpha", 0.5}};
  CHECK(imagery::figure::upgrade_legacy_sidecar(today, o) == today);
  const json plain = {{"alpha", 0.5}};
  CHECK(imagery::figure::upgrade_legacy_sidecar(plain, o) == plain);
}

TEST_CASE("an empty list of root ids is kept: it draws no object", "[figure][json]") {
  // Unlike other lists, [] is not "the default" here: a sidecar of a figure drawn with no ids
  // must remake that figure, not one of every id.
  FigureSpec s = base_spec();
  s.style.root_ids = std::vector<std::uint64_t>{};
  const json doc = json::parse(figure_spec_to_json(s).dump());
  CHECK(doc["root_ids"] == json::array());
  FigureSpec back = read_figure_spec(doc);
  REQUIRE(back.style.root_ids.has_value());
  CHECK(back.style.root_ids->empty());
}
