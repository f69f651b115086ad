// writer_for: the figure writer chosen by the output's extension, whatever its case and with {i}
// patterns, and a clear error listing the extensions there are writers for.
#include "imagery/figure/writer.h"

#include <algorithm>
#include <catch2/catch.hpp>

#include "imagery/core/error.h"
#include "support/error_of.h"

using imagery::ErrorCode;
using imagery::figure::writer_extensions;
using imagery::figure::writer_for;
using imagery::testing::error_of;

TEST_CASE("writer_for picks the PNG writer for .png in any case and in slice patterns",
          "[figure][writer]") {
  for (const char* path : {"fig.png", "FIG.PNG", "out/Fig.Png", "out.d/slice_{i}.png", "{i}.png",
                           "a.b.png", "./rel/fig.png"}) {
    INFO(path);
    const auto w = writer_for(path);
    REQUIRE(w);
    CHECK(w->format() == "PNG");
    CHECK_FALSE(w->draws_vectors());
  }
}

TEST_CASE("writer_for picks SVG, PDF and TIFF writers by extension", "[figure][writer]") {
  struct Case {
    const char* path;
    const char* format;
    bool vectors;
  };
  for (const Case& c :
       {Case{"fig.svg", "SVG", true}, Case{"FIG.SVG", "SVG", true}, Case{"fig.pdf", "PDF", true},
        Case{"out/fig.Pdf", "PDF", true}, Case{"fig.tif", "TIFF", false},
        Case{"fig.tiff", "TIFF", false}, Case{"slice_{i}.TIF", "TIFF", false}}) {
    INFO(c.path);
    const auto w = writer_for(c.path);
    REQUIRE(w);
    CHECK(w->format() == c.format);
    CHECK(w->draws_vectors() == c.vectors);
  }
}

TEST_CASE("writer_for refuses other extensions naming the path and the known extensions",
          "[figure][writer]") {
  const auto extensions = writer_extensions();
  CHECK(std::find(extensions.begin(), extensions.end(), ".png") != extensions.end());
  struct Case {
    const char* path;
    const char* what;
  };
  for (const Case& c :
       {Case{"fig.jpg", "'.jpg'"}, Case{"fig.svgz", "'.svgz'"}, Case{"fig.PNG.tmp", "'.tmp'"},
        Case{"fig.pngx", "'.pngx'"}, Case{"fig.", "'.'"}, Case{"fig", "no extension"},
        Case{"out.png/fig", "no extension"}, Case{"slice_{i}", "no extension"},
        Case{"", "no extension"}}) {
    INFO(c.path);
    const auto e = error_of([&] { writer_for(c.path); });
    CHECK(e.code() == ErrorCode::kInvalidArgument);
    CHECK_THAT(e.what(), Catch::StartsWith(std::string(c.path) + ": ") && Catch::Contains(c.what) &&
                             Catch::Contains("is not a figure format imagery writes") &&
                             Catch::Contains("(.png, .svg, .pdf, .tif, .tiff)"));
  }
}
