// Storage URLs as users write them: paths, file://, http(s)://, gs:// and s3:// (also with a
// custom endpoint) to a file location or an http(s) URL, trailing slashes dropped, and clear
// errors naming the source for empty locations and unknown schemes; join_url for keys.
#include "imagery/io/url.h"

#include <catch2/catch.hpp>

#include "imagery/core/error.h"
#include "support/error_of.h"

using imagery::ErrorCode;
using imagery::io::join_url;
using imagery::io::parse_storage_url;
using imagery::io::StorageUrl;
using imagery::testing::error_of;

namespace {

struct Case {
  const char* url;
  StorageUrl::Kind kind;
  const char* location;
};

}  // namespace

TEST_CASE("storage URLs become a file path or an http(s) URL", "[io][url]") {
  using K = StorageUrl::Kind;
  for (const Case& c : {
           Case{"/data/vol", K::kFile, "/data/vol"},
           Case{"/data/vol/", K::kFile, "/data/vol"},
           Case{"/data/vol///", K::kFile, "/data/vol"},
           Case{"relative/vol", K::kFile, "relative/vol"},
           Case{"vol", K::kFile, "vol"},
           Case{"/", K::kFile, "/"},  // the root keeps its slash
           Case{"file:///data/vol/", K::kFile, "/data/vol"},
           Case{"file://relative/vol", K::kFile, "relative/vol"},
           Case{"http://127.0.0.1:8080/vol/", K::kHttp, "http://127.0.0.1:8080/vol"},
           Case{"https://host", K::kHttp, "https://host"},
           Case{"https://host/a/b?x=1", K::kHttp, "https://host/a/b?x=1"},
           Case{"gs://bucket/em/", K::kHttp, "https://storage.googleapis.com/bucket/em"},
           Case{"gs://bucket", K::kHttp, "https://storage.googleapis.com/bucket"},
           Case{"s3://bucket/seg", K::kHttp, "https://s3.amazonaws.com/bucket/seg"},
           Case{"s3://https://minio.local:9000/bucket/seg/", K::kHttp,
                "https://minio.local:9000/bucket/seg"},
           Case{"s3://http://127.0.0.1:9000/b", K::kHttp, "http://127.0.0.1:9000/b"},
       }) {
    INFO(c.url);
    const StorageUrl u = parse_storage_url(c.url);
    CHECK(u.kind == c.kind);
    CHECK(u.location == c.location);
    CHECK(u.original == c.url);
  }
}

TEST_CASE("a storage URL remembers the source as the user named it", "[io][url]") {
  const StorageUrl u = parse_storage_url("gs://bucket/em", "precomputed://gs://bucket/em");
  CHECK(u.original == "precomputed://gs://bucket/em");
  CHECK(u.location == "https://storage.googleapis.com/bucket/em");
}

TEST_CASE("storage URLs without a location are refused naming the source", "[io][url]") {
  for (const char* url : {"gs://", "gs:///", "gs:////", "s3://", "file://", "file:///", "http://",
                          "https://", "https:///", "s3://https://", "s3://http:///"}) {
    INFO(url);
    const auto e = error_of([&] { parse_storage_url(url, std::string("named ") + url); });
    CHECK(e.code() == ErrorCode::kInvalidArgument);
    CHECK_THAT(e.what(), Catch::Contains(std::string("named ") + url) &&
                             Catch::Contains("no path after the scheme"));
  }
  const auto empty = error_of([] { parse_storage_url(""); });
  CHECK(empty.code() == ErrorCode::kInvalidArgument);
  CHECK_THAT(empty.what(), Catch::Contains("empty"));
}

TEST_CASE("unknown storage schemes are refused with the ones there are", "[io][url]") {
  for (const char* url : {"ftp://host/vol", "GS://bucket/vol", "zarr://gs://b/x", "x://y"}) {
    INFO(url);
    const auto e = error_of([&] { parse_storage_url(url); });
    CHECK(e.code() == ErrorCode::kInvalidArgument);
    const std::string scheme = std::string(url).substr(0, std::string(url).find("://"));
    CHECK_THAT(e.what(), Catch::Contains("unsupported scheme '" + scheme + "://'") &&
                             Catch::Contains(url) && Catch::Contains("gs://") &&
                             Catch::Contains("s3://") && Catch::Contains("file://"));
  }
}

TEST_CASE("join_url puts exactly one slash between a base and a key", "[io][url]") {
  CHECK(join_url("a/b", "c") == "a/b/c");
  CHECK(join_url("a/b/", "c") == "a/b/c");
  CHECK(join_url("https://h/vol", "8_8_40/0-64_0-64_0-16") ==
        "https://h/vol/8_8_40/0-64_0-64_0-16");
  CHECK(join_url("/", "info") == "/info");
  CHECK(join_url("", "info") == "info");
  CHECK(join_url("https://h/vol", "") == "https://h/vol");
}
