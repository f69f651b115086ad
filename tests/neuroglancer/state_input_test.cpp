// Where states come from (files, inline text, links with the JSON or a URL in the fragment,
// json_url links) and links made from states.
#include <catch2/catch.hpp>

#include <cctype>
#include <fstream>

#include "imagery/core/error.h"
#include "imagery/neuroglancer/state_input.h"
#include "support/nginx_server.h"
#include "support/test_context.h"
#include "support/test_support.h"

namespace ng = imagery::neuroglancer;
using imagery::testing::TempDir;

TEST_CASE("percent-encoding round-trips and broken escapes are refused",
          "[neuroglancer][state-input]") {
  const std::string text = R"({"a": [1, "b c"], "é": "%"})";
  const std::string encoded = ng::percent_encode(text);
  for (char c : encoded)  // only unreserved characters and escapes
    CHECK((std::isalnum(static_cast<unsigned char>(c)) ||
           std::string("-_.~%").find(c) != std::string::npos));
  CHECK(encoded.rfind("%7B%22a%22%3A%20%5B1", 0) == 0);
  CHECK(ng::percent_decode(encoded) == text);
  CHECK(ng::percent_decode("a+b%2Bc") == "a+b+c");
  CHECK_THROWS_WITH(ng::percent_decode("%7B%Z1"), Catch::Contains("broken %-escape at byte 3"));
  CHECK_THROWS_WITH(ng::percent_decode("abc%4"), Catch::Contains("broken %-escape"));
}

TEST_CASE("states load from files, inline text, links and URLs", "[neuroglancer][state-input]") {
  TempDir dir;
  const nlohmann::json state = {{"position", {1, 2, 3}}, {"layers", nlohmann::json::array()}};
  std::ofstream(dir.file("s.json")) << state.dump();
  auto context = imagery::testing::make_context();
  CHECK(ng::load_state(dir.file("s.json"), *context) == state);
  CHECK(ng::load_state("  " + state.dump(), *context) == state);
  CHECK(ng::load_state(ng::state_link(state), *context) == state);
  CHECK(ng::state_link(state, "https://x.org/app#old").rfind("https://x.org/app#!%7B", 0) == 0);
  imagery::testing::NginxServer nginx(dir.path().string());
  CHECK(ng::load_state("https://ngl.example/#!" + nginx.url("s.json"), *context) == state);
  CHECK(ng::load_state("https://ngl.example/?json_url=" + nginx.url("s.json") + "&x=1", *context) ==
        state);
  CHECK(ng::load_state(nginx.url("s.json"), *context) == state);
  CHECK(ng::load_state("file://" + dir.file("s.json"), *context) == state);

  auto code_of = [&](const std::string& reference) {
    try {
      ng::load_state(reference, *context);
    } catch (const imagery::Error& e) {
      return e.code();
    }
    return imagery::ErrorCode::kInternal;
  };
  CHECK(code_of(dir.file("missing.json")) == imagery::ErrorCode::kNotFound);
  CHECK(code_of(nginx.url("missing.json")) == imagery::ErrorCode::kNotFound);
  CHECK(code_of("https://ngl.example/#!not-a-state") == imagery::ErrorCode::kInvalidArgument);
  CHECK(code_of("{\"a\":") == imagery::ErrorCode::kInvalidArgument);
  CHECK(code_of("") == imagery::ErrorCode::kInvalidArgument);
}
