// Source URLs as users write them, and where each one is read from.
#include "imagery/precomputed/source_url.h"

#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>

#include "imagery/core/error.h"
#include "imagery/io/credentials.h"
#include "support/test_support.h"

using namespace imagery;
using namespace imagery::precomputed;

TEST_CASE("source URLs map onto files and public HTTPS endpoints", "[precomputed][url]") {
  struct Case {
    const char* source;
    io::StorageUrl::Kind kind;
    const char* location;
  };
  const Case cases[] = {
      {"/data/vol", io::StorageUrl::Kind::kFile, "/data/vol"},
      {"relative/vol/", io::StorageUrl::Kind::kFile, "relative/vol"},
      {"file:///data/vol", io::StorageUrl::Kind::kFile, "/data/vol"},
      {"precomputed://file:///data/vol", io::StorageUrl::Kind::kFile, "/data/vol"},
      {"https://host.org/a/b", io::StorageUrl::Kind::kHttp, "https://host.org/a/b"},
      {"precomputed://http://127.0.0.1:8080/vol/", io::StorageUrl::Kind::kHttp,
       "http://127.0.0.1:8080/vol"},
      {"gs://bucket/path/to/layer", io::StorageUrl::Kind::kHttp,
       "https://storage.googleapis.com/bucket/path/to/layer"},
      {"precomputed://gs://bucket/layer", io::StorageUrl::Kind::kHttp,
       "https://storage.googleapis.com/bucket/layer"},
      {"s3://bucket/layer", io::StorageUrl::Kind::kHttp, "https://s3.amazonaws.com/bucket/layer"},
      {"s3://https://s3.example.org/bucket/layer", io::StorageUrl::Kind::kHttp,
       "https://s3.example.org/bucket/layer"},
      {"gs://bucket/layer|neuroglancer-precomputed:", io::StorageUrl::Kind::kHttp,
       "https://storage.googleapis.com/bucket/layer"},
  };
  for (const auto& c : cases) {
    INFO(c.source);
    io::StorageUrl u = parse_source_url(c.source);
    CHECK(u.kind == c.kind);
    CHECK(u.location == c.location);
    CHECK(u.original == c.source);
  }
}

TEST_CASE("unsupported or empty sources fail naming the source", "[precomputed][url]") {
  for (const char* bad : {"ftp://host/vol", "graphene://https://host/table", "gs://", "file://", "",
                          "gs://bucket/layer|zarr:"}) {
    INFO(bad);
    CHECK_THROWS_MATCHES(parse_source_url(bad), Error, Catch::Predicate<Error>([](const Error& e) {
                           return e.code() == ErrorCode::kInvalidArgument;
                         }));
  }
  CHECK_THROWS_WITH(parse_source_url("ftp://host/vol"), Catch::Contains("ftp://host/vol"));
}
