// Colour parsing: the forms users write, and a table of texts that are not colours.
#include <catch2/catch.hpp>
#include <fstream>
#include <nlohmann/json.hpp>

#include "imagery/core/error.h"
#include "imagery/palettes/internal/css_colors.h"
#include "imagery/palettes/parse_color.h"
#include "support/test_support.h"

using imagery::palettes::parse_color;
using imagery::palettes::Rgb8;

TEST_CASE("colours parse from hex, short hex, CSS names and r,g,b floats", "[palettes][color]") {
  struct Case {
    const char* text;
    Rgb8 expected;
  };
  const Case cases[] = {
      {"#ff0000", {255, 0, 0}},
      {"#1F77b4", {31, 119, 180}},
      {"#abc", {0xaa, 0xbb, 0xcc}},
      {"red", {255, 0, 0}},
      {"CornflowerBlue", {100, 149, 237}},
      {"rebeccapurple", {102, 51, 153}},
      {"grey", {128, 128, 128}},
      {" white ", {255, 255, 255}},
      {"1,0,0", {255, 0, 0}},
      {"0.5, 0.25, 1", {127, 63, 255}},  // int(255 * c) truncates
      {"0.999,0.001,0", {254, 0, 0}},    // 254.745 -> 254
      {"0.1,0.2,0.3", {25, 51, 76}},     // as ImageryClient's colors_to_uint8
  };
  for (const Case& c : cases) {
    INFO(c.text);
    CHECK(parse_color(c.text, "--color") == c.expected);
  }
}

TEST_CASE("texts that are not colours give one error naming the option and the text",
          "[palettes][color]") {
  const char* bad[] = {"",           "#",       "#ff00",   "#ff00000", "#gg0000",
                       "notacolour", "1,0",     "1,0,0,1", "1.5,0,0",  "-0.1,0,0",
                       "a,b,c",      "nan,0,0", "0,,0",    "reds"};
  for (const char* text : bad) {
    INFO("'" << text << "'");
    try {
      parse_color(text, "--color 7=x");
      FAIL("accepted");
    } catch (const imagery::Error& e) {
      CHECK(e.code() == imagery::ErrorCode::kInvalidArgument);
      CHECK_THAT(e.what(), Catch::StartsWith("--color 7=x: '"));
      CHECK(std::string(e.what()).find('\n') == std::string::npos);
    }
  }
}

TEST_CASE("all 148 CSS named colours match matplotlib's CSS4_COLORS", "[palettes][color]") {
  std::ifstream in(imagery::testing::data_path("palettes/css4_colors.json"));
  REQUIRE(in);
  auto doc = nlohmann::json::parse(in);
  REQUIRE(doc["colors"].size() == 148);
  CHECK(imagery::palettes::css_color_count() == 148);
  for (auto& [name, hex] : doc["colors"].items()) {
    INFO(name);
    CHECK(parse_color(name, "x") == parse_color(hex.get<std::string>(), "x"));
  }
}
