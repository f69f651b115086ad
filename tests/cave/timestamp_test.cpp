#include "imagery/cave/timestamp.h"

#include <catch2/catch.hpp>

#include "support/error_of.h"

using namespace imagery;
using namespace imagery::cave;

namespace {
std::int64_t micros(Timestamp t) {
  return t.time_since_epoch().count();
}
}  // namespace

TEST_CASE("timestamps: unix seconds, whole or fractional", "[cave][timestamp]") {
  CHECK(micros(parse_timestamp("1709294400")) == 1709294400000000);
  CHECK(micros(parse_timestamp("1709294400.5")) == 1709294400500000);
  CHECK(micros(parse_timestamp("1709294400.000001")) == 1709294400000001);
  // Beyond microseconds rounds up: the instant never falls before the one given.
  CHECK(micros(parse_timestamp("1709294400.0000001")) == 1709294400000001);
  CHECK(micros(parse_timestamp("0")) == 0);
}

TEST_CASE("timestamps: ISO 8601 with and without zone (no zone is UTC)", "[cave][timestamp]") {
  CHECK(micros(parse_timestamp("2024-03-01T12:00:00Z")) == 1709294400000000);
  CHECK(micros(parse_timestamp("2024-03-01T12:00:00")) == 1709294400000000);
  CHECK(micros(parse_timestamp("2024-03-01 12:00:00")) == 1709294400000000);
  CHECK(micros(parse_timestamp("2024-03-01T14:00:00+02:00")) == 1709294400000000);
  CHECK(micros(parse_timestamp("2024-03-01T07:30:00-0430")) == 1709294400000000);
  CHECK(micros(parse_timestamp("2024-03-01T12:00:00.25Z")) == 1709294400250000);
  CHECK(micros(parse_timestamp("2024-03-01T12:00Z")) == 1709294400000000);
  CHECK(micros(parse_timestamp("2024-03-01")) == 1709251200000000);
  CHECK(micros(parse_timestamp("2024-02-29")) == 1709164800000000);  // leap day
  // The materialization service's naive times.
  CHECK(micros(parse_timestamp("2024-06-05T10:10:01.203215")) == 1717582201203215);
}

TEST_CASE("timestamps: what is refused names the flag", "[cave][timestamp]") {
  for (const char* bad :
       {"", "yesterday", "2023-02-29", "2024-13-01", "2024-03-01T25:00:00", "1e9", "-5", "1.2.3",
        "2024-03-01T12:00:00+2", "10000-01-01", "1969-12-31T23:59:59Z", "99999999999999"}) {
    INFO(bad);
    const Error e = testing::error_of([&] { parse_timestamp(bad, "--timestamp"); });
    CHECK(e.code() == ErrorCode::kInvalidArgument);
    CHECK(std::string(e.what()).find("--timestamp") != std::string::npos);
  }
}

TEST_CASE("timestamps: formatted as ISO UTC and sent as whole seconds rounded up",
          "[cave][timestamp]") {
  CHECK(format_timestamp(parse_timestamp("1709294400")) == "2024-03-01T12:00:00Z");
  CHECK(format_timestamp(parse_timestamp("1709294400.5")) == "2024-03-01T12:00:00.500000Z");
  CHECK(format_timestamp(parse_timestamp("0")) == "1970-01-01T00:00:00Z");
  CHECK(timestamp_seconds_sent(parse_timestamp("1709294400")) == 1709294400);
  CHECK(timestamp_seconds_sent(parse_timestamp("1709294400.000001")) == 1709294401);
  CHECK(timestamp_seconds_sent(parse_timestamp("1709294400.999")) == 1709294401);
  const Timestamp t = parse_timestamp("2031-07-04T05:06:07.123456Z");
  CHECK(parse_timestamp(format_timestamp(t)) == t);
}
