// open_volume's driver registry: drivers registered at run time by prefix, the longest matching
// prefix wins, URLs without a format go to precomputed, unknown schemes are refused listing the
// formats there are; fetch_location finds the http(s) URL behind a source for credentials.
#include "imagery/volume/open_volume.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <memory>
#include <string>

#include "imagery/core/error.h"
#include "support/error_of.h"
#include "support/test_context.h"
#include "support/test_support.h"

using imagery::Array;
using imagery::Bbox;
using imagery::ErrorCode;
using imagery::io::Context;
using imagery::testing::error_of;
using imagery::testing::TempDir;
using imagery::volume::driver_prefixes;
using imagery::volume::fetch_location;
using imagery::volume::Metadata;
using imagery::volume::open_volume;
using imagery::volume::ReadOptions;
using imagery::volume::register_driver;
using imagery::volume::Volume;

namespace {

// A format of a test's own: remembers which driver opened which URL in which context.
class TaggedVolume : public Volume {
 public:
  TaggedVolume(std::string url, std::string driver, Context& context) : context_(&context) {
    metadata_.url = std::move(url);
    metadata_.driver = std::move(driver);
  }
  const Metadata& metadata() const override { return metadata_; }
  Array read(const Bbox&, int, const ReadOptions&) const override { return {}; }
  std::string native_metadata_json() const override { return "{}"; }
  Context* context() const { return context_; }

 private:
  Metadata metadata_;
  Context* context_;
};

imagery::volume::DriverFactory tagged(const std::string& driver) {
  return [driver](const std::string& url, Context& context) {
    return std::make_shared<TaggedVolume>(url, driver, context);
  };
}

// Prefixes unique to this file: the registry is process-wide.
const std::string kShallow = "unit-test-format://";
const std::string kDeep = "unit-test-format://deep/";

void register_test_drivers() {
  register_driver(kShallow, tagged("shallow"));
  register_driver(kDeep, tagged("deep"));
}

}  // namespace

TEST_CASE("open_volume hands a URL whole to the driver of the longest matching prefix",
          "[volume][open]") {
  register_test_drivers();
  auto context = imagery::testing::make_context();
  auto shallow = open_volume(kShallow + "bucket/x", *context);
  CHECK(shallow->metadata().driver == "shallow");
  CHECK(shallow->url() == kShallow + "bucket/x");
  auto deep = open_volume(kDeep + "x", *context);
  CHECK(deep->metadata().driver == "deep");
  CHECK(deep->url() == kDeep + "x");
  // The driver is given the caller's context.
  CHECK(dynamic_cast<const TaggedVolume&>(*deep).context() == context.get());
  // A prefix must match from the start.
  const auto e = error_of([&] { open_volume("x" + kDeep, *context); });
  CHECK(e.code() == ErrorCode::kInvalidArgument);
}

TEST_CASE("registering a prefix again replaces its driver", "[volume][open]") {
  auto context = imagery::testing::make_context();
  const std::string prefix = "unit-test-replaced://";
  register_driver(prefix, tagged("first"));
  CHECK(open_volume(prefix + "v", *context)->metadata().driver == "first");
  register_driver(prefix, tagged("second"));
  CHECK(open_volume(prefix + "v", *context)->metadata().driver == "second");
  const auto prefixes = driver_prefixes();
  CHECK(std::count(prefixes.begin(), prefixes.end(), prefix) == 1);
}

TEST_CASE("driver_prefixes lists precomputed and the registered formats", "[volume][open]") {
  register_test_drivers();
  const auto prefixes = driver_prefixes();
  for (const std::string& p : {std::string("precomputed://"), kShallow, kDeep}) {
    INFO(p);
    CHECK(std::find(prefixes.begin(), prefixes.end(), p) != prefixes.end());
  }
}

TEST_CASE("an unknown scheme is refused listing the formats and the storage schemes",
          "[volume][open]") {
  register_test_drivers();
  auto context = imagery::testing::make_context();
  for (const char* url : {"nosuchformat://gs://b/x", "ftp://host/vol", "GS://bucket/vol"}) {
    INFO(url);
    const auto e = error_of([&] { open_volume(url, *context); });
    CHECK(e.code() == ErrorCode::kInvalidArgument);
    const std::string scheme = std::string(url).substr(0, std::string(url).find("://"));
    CHECK_THAT(e.what(), Catch::Contains(url) &&
                             Catch::Contains("unsupported scheme '" + scheme + "://'") &&
                             Catch::Contains("precomputed://") && Catch::Contains(kShallow) &&
                             Catch::Contains("gs://") && Catch::Contains("s3://"));
  }
}

TEST_CASE("URLs without a format prefix and precomputed:// URLs open as precomputed",
          "[volume][open]") {
  TempDir dir;
  std::filesystem::create_directories(dir.path() / "vol");
  imagery::testing::write_file(
      dir.file("vol/info"),
      R"({"type": "image", "data_type": "uint8", "num_channels": 1, "scales": [
          {"key": "s0", "size": [8, 8, 1], "resolution": [4, 4, 40],
           "chunk_sizes": [[8, 8, 1]], "encoding": "raw"}]})");
  auto context = imagery::testing::make_context();
  for (const std::string& url :
       {dir.file("vol"), "file://" + dir.file("vol"), "precomputed://" + dir.file("vol"),
        "precomputed://file://" + dir.file("vol")}) {
    INFO(url);
    auto v = open_volume(url, *context);
    CHECK(v->metadata().driver == "precomputed");
    CHECK(v->metadata().scales.size() == 1);
  }
  // A missing volume is the driver's error, not the registry's.
  const auto e = error_of([&] { open_volume(dir.file("nothing here"), *context); });
  CHECK(e.code() == ErrorCode::kNotFound);
}

TEST_CASE("fetch_location gives the http(s) URL behind a source", "[volume][open]") {
  register_test_drivers();
  struct Case {
    std::string url, location;
  };
  for (const Case& c : {
           Case{"gs://bucket/em", "https://storage.googleapis.com/bucket/em"},
           Case{"gs://bucket/em/", "https://storage.googleapis.com/bucket/em"},
           Case{"s3://bucket/seg", "https://s3.amazonaws.com/bucket/seg"},
           Case{"s3://https://minio.local/b/x", "https://minio.local/b/x"},
           Case{"https://host/vol", "https://host/vol"},
           Case{"precomputed://gs://bucket/em", "https://storage.googleapis.com/bucket/em"},
           Case{"precomputed://https://host/vol/", "https://host/vol"},
           Case{"gs://bucket/em|neuroglancer-precomputed:",
                "https://storage.googleapis.com/bucket/em"},
           Case{"precomputed://gs://bucket/em|neuroglancer-precomputed:",
                "https://storage.googleapis.com/bucket/em"},
           Case{kShallow + "https://host/custom", "https://host/custom"},
           Case{kDeep + "gs://b/x", "https://storage.googleapis.com/b/x"},
       }) {
    INFO(c.url);
    CHECK(fetch_location(c.url) == c.location);
  }
}

TEST_CASE("fetch_location is empty for local sources", "[volume][open]") {
  for (const char* url :
       {"/data/vol", "relative/vol", "file:///data/vol", "precomputed:///data/vol",
        "precomputed://file:///data/vol", "/data/vol|neuroglancer-precomputed:"}) {
    INFO(url);
    CHECK(fetch_location(url).empty());
  }
}

TEST_CASE("fetch_location refuses what open_volume refuses", "[volume][open]") {
  for (const char* url : {"ftp://host/vol", "nosuchformat://gs://b/x", "gs://", "precomputed://",
                          "precomputed://ftp://host/vol", ""}) {
    INFO("'" << url << "'");
    const auto e = error_of([&] { fetch_location(url); });
    CHECK(e.code() == ErrorCode::kInvalidArgument);
  }
}
