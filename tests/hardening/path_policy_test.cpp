// Scale keys from a hostile info never reach outside the volume's prefix: a
// sentinel chunk beside the volume (in "secret/") is readable at its own URL,
// yet no key trick makes a volume read it, from disk or over nginx, whether
// the info parser or only the storage layer stands in the way.
#include <catch2/catch.hpp>
#include <filesystem>

#include "imagery/core/error.h"
#include "imagery/io/internal/caching_storage.h"
#include "imagery/io/internal/disk_cache.h"
#include "imagery/io/internal/file_storage.h"
#include "imagery/io/internal/http_storage.h"
#include "imagery/precomputed/internal/shard_cache.h"
#include "imagery/precomputed/volume.h"
#include "support/error_of.h"
#include "support/nginx_server.h"
#include "support/test_context.h"
#include "support/test_support.h"

using namespace imagery;
using imagery::testing::error_of;
using namespace imagery::precomputed;
using imagery::testing::NginxServer;
using imagery::testing::TempDir;
namespace fs = std::filesystem;

namespace {

const char* kSentinelChunk = "0-8_0-8_0-1";

std::string info_with_key(const std::string& key, const std::string& extra = "") {
  return R"({"type": "image", "data_type": "uint8", "num_channels": 1)" + extra +
         R"(, "scales": [{"key": ")" + key +
         R"(", "size": [8, 8, 1], "resolution": [4, 4, 40], "chunk_sizes": [[8, 8, 1]],
         "encoding": "raw"}]})";
}

// ROOT/vol (the volume, its info written per test) and ROOT/secret/0-8_0-8_0-1 (64 bytes of 0x5a).
struct Layout {
  TempDir dir;
  Layout() {
    fs::create_directories(dir.path() / "vol");
    fs::create_directories(dir.path() / "secret");
    imagery::testing::write_file(dir.file("secret/") + kSentinelChunk, std::string(64, 'Z'));
  }
  std::string vol() const { return dir.file("vol"); }
  void write_info(const std::string& json) const {
    imagery::testing::write_file(dir.file("vol/info"), json);
  }
};

// A volume whose info skipped the parser: only the storage layer can refuse the key.
VolumeInfo unparsed_info(const std::string& key) {
  VolumeInfo info;
  info.type = "image";
  Scale s;
  s.key = key;
  s.size = {8, 8, 1};
  s.resolution = {4, 4, 40};
  s.chunk_sizes = {{8, 8, 1}};
  info.scales = {s};
  return info;
}

bool touched_secret(const NginxServer& nginx) {
  for (const auto& line : nginx.requests())
    if (line.find("secret") != std::string::npos) return true;
  return false;
}

const std::vector<std::string> kEscapingKeys = {
    "../secret", "%2e%2e/secret", "%252e%252e/secret", "k/../../secret", "..%2fsecret", "/secret"};

std::unique_ptr<io::Context> uncached() {
  return imagery::testing::make_context();
}

}  // namespace

TEST_CASE("an info whose scale key leaves the volume is corrupt, naming the info file and field",
          "[hardening][path]") {
  Layout layout;
  for (const auto& key : kEscapingKeys) {
    INFO(key);
    layout.write_info(info_with_key(key));
    Error e = error_of([&] { Volume::open(layout.vol()); });
    CHECK(e.code() == ErrorCode::kDataLoss);
    CHECK_THAT(e.what(), Catch::Contains(layout.dir.file("vol/info")) &&
                             Catch::Contains("scales[0].key: '" + key + "' leaves the volume"));
  }
}

TEST_CASE("mesh, skeletons and segment_properties paths may not leave the volume either",
          "[hardening][path]") {
  for (const char* field : {"mesh", "skeletons", "segment_properties"}) {
    INFO(field);
    Error e = error_of([&] {
      parse_info(info_with_key("k", std::string(R"(, ")") + field + R"(": "../../other")"),
                 "/vol/info");
    });
    CHECK(e.code() == ErrorCode::kDataLoss);
    CHECK_THAT(e.what(), Catch::Contains(std::string("info /vol/info: ") + field +
                                         ": '../../other' leaves the volume"));
  }
}

TEST_CASE("the disk storage refuses keys that leave the volume even without the info parser",
          "[hardening][path]") {
  Layout layout;
  io::Context& context = io::Context::default_context();
  auto storage = std::make_shared<io::FileStorage>(layout.vol(), context.pool());
  for (const auto& key : kEscapingKeys) {
    INFO(key);
    Volume volume(storage, unparsed_info(key), layout.vol(), context);
    Error e = error_of([&] { volume.download({{0, 0, 0}, {8, 8, 1}}, 0); });
    CHECK(e.code() == ErrorCode::kInvalidArgument);
    CHECK_THAT(e.what(), Catch::Contains("leaves the volume at " + layout.vol()));
  }
  // The sentinel is there: a key inside the volume's parent reaches it, the policy is what stops.
  io::FileStorage parent(layout.dir.path().string(), context.pool());
  CHECK(parent.read(std::string("secret/") + kSentinelChunk));
  CHECK_THROWS_AS(storage->read_range("../secret/" + std::string(kSentinelChunk), 0, 8), Error);
}

TEST_CASE("over nginx, an escaping key is refused and nothing outside the volume is requested",
          "[hardening][path][http]") {
  Layout layout;
  NginxServer nginx(layout.dir.path().string());
  for (const auto& key : kEscapingKeys) {
    INFO(key);
    layout.write_info(info_with_key(key));
    auto context = uncached();
    Error e = error_of([&] { Volume::open(nginx.url("vol"), *context); });
    CHECK(e.code() == ErrorCode::kDataLoss);
    CHECK_THAT(e.what(), Catch::Contains(nginx.url("vol/info")) &&
                             Catch::Contains("scales[0].key: '" + key + "'"));
  }
  // Storage layer alone, bare and behind both caches.
  TempDir cache;
  auto context = uncached();
  ThreadPool& pool = context->pool();
  auto http = std::make_shared<io::HttpStorage>(nginx.url("vol"), context->transport(), pool);
  LruCache<io::StoredObject> memory(1 << 20);
  const std::vector<std::shared_ptr<io::Storage>> storages = {
      http, std::make_shared<io::CachingStorage>(http, memory, pool),
      std::make_shared<io::DiskCacheStorage>(
          http, std::make_shared<io::DiskCacheFolder>(cache.path().string(), 1 << 20), pool)};
  for (const auto& storage : storages)
    for (const auto& key : kEscapingKeys) {
      INFO(key);
      Volume volume(storage, unparsed_info(key), nginx.url("vol"), *context);
      Error e = error_of([&] { volume.download({{0, 0, 0}, {8, 8, 1}}, 0); });
      CHECK(e.code() == ErrorCode::kInvalidArgument);
      CHECK_THAT(e.what(), Catch::Contains("leaves the volume at " + nginx.url("vol")));
      CHECK_THROWS_AS(storage->read_range(key + "/" + kSentinelChunk, 0, 8), Error);
    }
  CHECK_FALSE(touched_secret(nginx));
  // The sentinel is served at its own URL: only the key policy kept the volume away from it.
  io::HttpStorage parent(nginx.url(""), context->transport(), pool);
  CHECK(parent.read(std::string("secret/") + kSentinelChunk));
  CHECK(touched_secret(nginx));
}

TEST_CASE("a sharded scale with an escaping key never opens a shard outside the volume",
          "[hardening][path][sharding]") {
  Layout layout;
  io::Context::default_context().resource<precomputed::ShardCaches>().clear();
  VolumeInfo info = unparsed_info("../secret");
  info.type = "segmentation";
  info.data_type = DataType::kUint64;
  info.scales[0].sharding = ShardingSpec{};
  imagery::testing::write_file(layout.dir.file("secret/0.shard"), std::string(64, 'Z'));
  auto& context = io::Context::default_context();
  Volume volume(std::make_shared<io::FileStorage>(layout.vol(), context.pool()), info, layout.vol(),
                context);
  Error e = error_of([&] { volume.download({{0, 0, 0}, {8, 8, 1}}, 0); });
  CHECK(e.code() == ErrorCode::kInvalidArgument);
  CHECK_THAT(e.what(), Catch::Contains("'../secret/0.shard'"));
}
