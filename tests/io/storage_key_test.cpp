// The key policy: keys the info and the chunk grid produce stay inside the volume,
// whatever escaping a hostile info tries.
#include <catch2/catch.hpp>

#include "imagery/core/error.h"
#include "imagery/io/internal/storage_key.h"

using namespace imagery;
using namespace imagery::io;

TEST_CASE("keys of real volumes stay inside", "[precomputed][key]") {
  for (const char* key :
       {"info", "4_4_40/0-64_0-64_0-16", "8.0x8.0x40.0/-64-0_0-64_0-64", "s0/0a.shard",
        "3.5_3.5_40", "a/./b", "a//b", "..a/b..", "x%41y", "100%", "%zz", "~user"})
    CHECK_FALSE(io::key_escape_reason(key));
}

TEST_CASE("keys that could leave the volume are refused with the reason", "[precomputed][key]") {
  struct Case {
    const char* key;
    const char* reason;
  };
  const Case cases[] = {
      {"", "empty"},
      {"..", "'..' segment"},
      {"../x", "'..' segment"},
      {"a/../../x", "'..' segment"},
      {"a/..", "'..' segment"},
      {"/etc/passwd", "absolute path"},
      {"a\\..\\b", "backslash"},
      {"http://evil/x", "URL scheme"},
      {"file:///etc", "URL scheme"},
      {"a?b=1", "'?'"},
      {"a#frag", "'#'"},
      {"a\nb", "control character"},
      {"%2e%2e/x", "'..' segment once percent-decoded"},
      {"%2E%2E%2Fx", "'..' segment once percent-decoded"},
      {"%252e%252e/x", "'..' segment once percent-decoded"},
      {"%2fetc", "absolute path once percent-decoded"},
      {"a%5cb", "backslash once percent-decoded"},
      {"a%3f", "'?'"},
      {"a%23", "'#'"},
      {"x%00", "control character"},
      {"http%3a//h/x", "URL scheme"},
  };
  for (const auto& c : cases) {
    INFO("key " << io::quoted_text(c.key));
    auto reason = io::key_escape_reason(c.key);
    REQUIRE(reason);
    CHECK_THAT(*reason, Catch::Contains(c.reason));
  }
  // A NUL would cut the path short where C strings take over.
  CHECK(io::key_escape_reason(std::string_view("a\0/../b", 7)));
}

TEST_CASE("a storage key that leaves the volume is an invalid-argument error naming key and root",
          "[precomputed][key]") {
  try {
    io::check_storage_key("../secret", "/data/vol/");
    FAIL("expected an error");
  } catch (const Error& e) {
    CHECK(e.code() == ErrorCode::kInvalidArgument);
    CHECK_THAT(e.what(), Catch::Contains("'../secret'") && Catch::Contains("/data/vol/") &&
                             Catch::Contains("'..' segment"));
  }
}

TEST_CASE("quoted text shows control characters as escapes and cuts long text",
          "[precomputed][key]") {
  CHECK(io::quoted_text("a\nb") == "'a\\x0ab'");
  CHECK(io::quoted_text(std::string(300, 'k')).size() == 200 + 2 + 3);
}
