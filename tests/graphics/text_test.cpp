// Fonts and text measurement: the DejaVu files, IMAGERY_FONT_DIR, UTF-8 (µ), kerning, errors.
#include "imagery/graphics/text.h"

#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>

#include "imagery/core/error.h"
#include "support/test_support.h"

using namespace imagery;
using namespace imagery::graphics;

namespace {
// Sets an environment variable for the scope (restores the previous value).
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const std::string& value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    ::setenv(name, value.c_str(), 1);
  }
  ~ScopedEnv() {
    if (old_)
      ::setenv(name_, old_->c_str(), 1);
    else
      ::unsetenv(name_);
  }
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;

 private:
  const char* name_;
  std::optional<std::string> old_;
};
}  // namespace

TEST_CASE("the DejaVu fonts are found in Debian's folder", "[graphics][text]") {
  ScopedEnv env("IMAGERY_FONT_DIR", "");
  CHECK(font_path(false) == "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf");
  CHECK(font_path(true) == "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf");
}

TEST_CASE("text extents scale with the size and bold is wider", "[graphics][text]") {
  const TextExtents a = measure_text("Scale 10 \u00b5m", 10, false);
  const TextExtents b = measure_text("Scale 10 \u00b5m", 20, false);
  CHECK(a.width > 40);
  CHECK(b.width == Approx(2 * a.width));
  CHECK(b.ascent == Approx(2 * a.ascent));
  CHECK(measure_text("Scale 10 \u00b5m", 10, true).width > a.width);
  // Ink: capitals and digits reach about 0.73 em up; µ descends below the baseline.
  CHECK(a.ascent == Approx(7.3).margin(0.3));
  CHECK(a.descent > 1.5);
  CHECK(measure_text("acemnorsuvwxz", 10, false).descent == Approx(0).margin(0.2));
  // DejaVu Sans's line metrics.
  CHECK(a.font_ascent == Approx(9.28).margin(0.05));
  CHECK(a.font_descent == Approx(2.36).margin(0.05));
}

TEST_CASE("µ has its own glyph, not the missing-glyph box", "[graphics][text]") {
  // The micro sign (U+00B5) is narrower than the .notdef box that an unknown character gets.
  const double micro = measure_text("\u00b5", 100, false).width;
  const double missing = measure_text("\U0001F600", 100, false).width;  // not in DejaVu Sans
  CHECK(micro == Approx(63.5).margin(0.5));
  CHECK(micro != Approx(missing));
}

TEST_CASE("text is kerned with the font's kern table", "[graphics][text]") {
  const double av = measure_text("AV", 100, false).width;
  const double a = measure_text("A", 100, false).width, v = measure_text("V", 100, false).width;
  CHECK(av == Approx(a + v - 100.0 * 131 / 2048));  // DejaVu Sans kerns A,V by -131 units
}

TEST_CASE("malformed UTF-8 counts as replacement characters", "[graphics][text]") {
  const double one = measure_text("\xEF\xBF\xBD", 10, false).width;     // U+FFFD
  CHECK(measure_text("\xC3", 10, false).width == Approx(one));          // cut short
  CHECK(measure_text("\xC0\xAF", 10, false).width == Approx(2 * one));  // overlong: two bytes
  CHECK(measure_text("", 10, false).width == 0);
  CHECK(measure_text("   ", 10, false).ascent == 0);
}

TEST_CASE("a missing font is a one-line kNotFound naming the path and the package",
          "[graphics][text]") {
  imagery::testing::TempDir empty;
  ScopedEnv env("IMAGERY_FONT_DIR", empty.path().string());
  try {
    measure_text("x", 10, true);
    FAIL("no error");
  } catch (const Error& e) {
    CHECK(e.code() == ErrorCode::kNotFound);
    const std::string what = e.what();
    CHECK_THAT(what, Catch::Contains(empty.file("DejaVuSans-Bold.ttf")));
    CHECK_THAT(what, Catch::Contains("fonts-dejavu-core"));
    CHECK(what.find('\n') == std::string::npos);
  }
}

TEST_CASE("IMAGERY_FONT_DIR points at another folder of the same fonts", "[graphics][text]") {
  imagery::testing::TempDir dir;
  std::filesystem::copy_file("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
                             dir.file("DejaVuSans.ttf"));
  ScopedEnv env("IMAGERY_FONT_DIR", dir.path().string());
  CHECK(font_path(false) == dir.file("DejaVuSans.ttf"));
  CHECK(measure_text("ok", 10, false).width > 0);
  // Not a font: kDataLoss naming the file.
  imagery::testing::write_file(dir.file("DejaVuSans-Bold.ttf"), std::string("not a font"));
  try {
    measure_text("x", 10, true);
    FAIL("no error");
  } catch (const Error& e) {
    CHECK(e.code() == ErrorCode::kDataLoss);
    CHECK_THAT(e.what(), Catch::Contains(dir.file("DejaVuSans-Bold.ttf")));
  }
}

TEST_CASE("text sizes must be positive", "[graphics][text]") {
  CHECK_THROWS_AS(measure_text("x", 0, false), Error);
  CHECK_THROWS_AS(measure_text("x", -3, false), Error);
  CHECK_THROWS_AS(measure_text("x", std::nan(""), false), Error);
}
