// Manifest reading: CSV quoting, line numbers, comments and blank lines, BOM and CRLF; JSON Lines
// objects; and bad rows that are reported with their line while the rows after them still read.
#include <catch2/catch.hpp>

#include "imagery/cli/manifest.h"
#include "imagery/core/error.h"

using imagery::ErrorCode;
using imagery::cli::Manifest;
using imagery::cli::parse_manifest;

namespace {

ErrorCode code_of(const std::string& text, const std::string& name) {
  try {
    parse_manifest(text, name);
  } catch (const imagery::Error& e) {
    CHECK_THAT(e.what(), Catch::Contains(name));
    return e.code();
  }
  FAIL("no error for " << text);
  return ErrorCode::kInternal;
}

}  // namespace

TEST_CASE("CSV manifests keep quoted commas, quotes and newlines and count lines", "[cli][batch]") {
  const std::string text =
      "\xEF\xBB\xBF"
      "name, center ,size\r\n"
      "# a comment line\r\n"
      "\r\n"
      "a,\"10,20,30\",\"5,5\"\r\n"
      "\"b \"\"quoted\"\"\",  \"1,2,3\"  ,\n"
      "\"multi\nline\",\"4,5,6\",\"7,7\"\n"
      "last,  8,9,10 ,  \n";
  Manifest m = parse_manifest(text, "m.csv");
  CHECK(m.format == Manifest::Format::kCsv);
  REQUIRE(m.columns == std::vector<std::string>{"name", "center", "size"});
  REQUIRE(m.rows.size() == 4);
  CHECK(m.rows[0].line == 4);
  CHECK(m.rows[0].values ==
        nlohmann::json({{"name", "a"}, {"center", "10,20,30"}, {"size", "5,5"}}));
  CHECK(m.rows[1].line == 5);
  CHECK(m.rows[1].values["name"] == "b \"quoted\"");
  CHECK(m.rows[1].values["center"] == "1,2,3");
  CHECK_FALSE(m.rows[1].values.contains("size"));  // empty cells are absent
  CHECK(m.rows[2].line == 6);
  CHECK(m.rows[2].values["name"] == "multi\nline");
  // The quoted newline counted: the next row starts on line 8. Unquoted cells are trimmed and
  // "8,9,10" unquoted is three cells, one too many.
  CHECK(m.rows[3].line == 8);
  CHECK_THAT(m.rows[3].error, Catch::Contains("5 cells where the header has 3"));
}

TEST_CASE("text after a closing quote makes the row an error", "[cli][batch]") {
  Manifest m = parse_manifest("name,center\nok,\"1,2,3\"\n\"c,x\"y,z\nnext,q\n", "m.csv");
  REQUIRE(m.rows.size() == 3);
  CHECK(m.rows[0].error.empty());
  CHECK(m.rows[1].line == 3);
  CHECK_THAT(m.rows[1].error, Catch::Contains("after a closing quote"));
  CHECK(m.rows[2].line == 4);
  CHECK(m.rows[2].error.empty());
}

TEST_CASE("a quote never closed is reported and the line after it reads again", "[cli][batch]") {
  Manifest m = parse_manifest("name,center\nbad,\"1,2\nnext,3\n", "m.csv");
  REQUIRE(m.rows.size() == 2);
  CHECK(m.rows[0].line == 2);
  CHECK_THAT(m.rows[0].error, Catch::Contains("never closed"));
  CHECK(m.rows[1].line == 3);
  CHECK(m.rows[1].error.empty());
  CHECK(m.rows[1].values["center"] == "3");
}

TEST_CASE("JSON Lines manifests keep typed values and report bad lines", "[cli][batch]") {
  const std::string text =
      "{\"name\": \"a\", \"center\": [1, 2, 3], \"outline\": true, \"alpha\": 0.5}\n"
      "\n"
      "# comment\n"
      "{\"name\": \"b\", \"center\": [1, 2\n"
      "[1, 2]\n"
      "{\"name\": \"c\", \"bounds\": [[0, 0, 0], [9, 9, 1]]}\r\n";
  Manifest m = parse_manifest(text, "rows.jsonl");
  CHECK(m.format == Manifest::Format::kJsonLines);
  REQUIRE(m.rows.size() == 4);
  CHECK(m.rows[0].line == 1);
  CHECK(m.rows[0].values["outline"] == true);
  CHECK(m.rows[0].values["center"] == nlohmann::json({1, 2, 3}));
  CHECK(m.rows[1].line == 4);
  CHECK_THAT(m.rows[1].error, Catch::StartsWith("not JSON"));
  CHECK(m.rows[2].line == 5);
  CHECK_THAT(m.rows[2].error, Catch::Contains("expected a JSON object, got array"));
  CHECK(m.rows[3].line == 6);
  CHECK(m.rows[3].error.empty());
}

TEST_CASE("the manifest format comes from the extension, else from the first character",
          "[cli][batch]") {
  CHECK(parse_manifest("{\"name\":\"a\"}\n", "rows").format == Manifest::Format::kJsonLines);
  CHECK(parse_manifest("# c\n  {\"name\":\"a\"}\n", "-").format == Manifest::Format::kJsonLines);
  CHECK(parse_manifest("name\na\n", "rows").format == Manifest::Format::kCsv);
  CHECK(parse_manifest("{\"name\":\"a\"}\n", "rows.ndjson").format == Manifest::Format::kJsonLines);
  CHECK(parse_manifest("name\na\n", "rows.CSV").format == Manifest::Format::kCsv);
}

TEST_CASE("unusable manifests fail as a whole, naming the file", "[cli][batch]") {
  CHECK(code_of("", "empty.csv") == ErrorCode::kInvalidArgument);
  CHECK(code_of("# only a comment\n\n", "c.csv") == ErrorCode::kInvalidArgument);
  CHECK(code_of("name,,size\n", "gap.csv") == ErrorCode::kInvalidArgument);
  CHECK(code_of("name,size,name\n", "twice.csv") == ErrorCode::kInvalidArgument);
  CHECK(code_of("name,\"size\n", "quote.csv") == ErrorCode::kInvalidArgument);
  CHECK(code_of("[{\"name\": \"a\"}]\n", "array.json") == ErrorCode::kInvalidArgument);
  try {
    imagery::cli::read_manifest("/nonexistent/rows.csv");
    FAIL("no error");
  } catch (const imagery::Error& e) {
    CHECK(e.code() == ErrorCode::kNotFound);
    CHECK_THAT(e.what(), Catch::Contains("/nonexistent/rows.csv"));
  }
}
