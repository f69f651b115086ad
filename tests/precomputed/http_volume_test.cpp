// The fixture volumes served by a real nginx on loopback, the way CloudVolume
// expects: every cutout read over HTTP equals the disk reads byte for byte, and
// the caches keep repeated cutouts off the network.
#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <set>
#include <thread>

#include "fixture_cutouts.h"
#include "imagery/io/internal/disk_cache.h"
#include "imagery/io/internal/http_storage.h"
#include "imagery/io/open_storage.h"
#include "imagery/precomputed/internal/shard_cache.h"
#include "imagery/precomputed/volume.h"
#include "support/nginx_server.h"
#include "support/test_context.h"
#include "support/test_support.h"

using namespace imagery;
using namespace imagery::precomputed;
using imagery::testing::data_path;
using imagery::testing::NginxServer;
using imagery::testing::sha256_hex;
namespace fs = std::filesystem;

namespace {
// Each test reads in a context of its own, without a memory cache unless it asks for one.
std::unique_ptr<io::Context> no_memory_cache(io::ContextOptions o = io::ContextOptions{}) {
  o.memory_cache_bytes = 0;
  return imagery::testing::make_context(o);
}
}  // namespace

TEST_CASE("named cutouts over nginx equal CloudVolume's arrays", "[precomputed][http]") {
  NginxServer nginx(data_path("cloudvolume"));
  for (const auto& c : imagery::testing::named_cutouts(false)) {
    SECTION(c.name) {
      auto context = no_memory_cache();
      auto volume = Volume::open(nginx.url(c.volume), *context);
      CutoutOptions options;
      options.fill_missing = c.fill_missing;
      Array a = volume.download_mip0(c.mip0_bounds, c.mip, options);
      CHECK(a.shape() == c.shape);
      CHECK(sha256_hex(a) == c.sha256);
    }
  }
}

TEST_CASE("sharded cutouts over nginx equal CloudVolume's arrays with 3 requests per shard",
          "[precomputed][http][sharding]") {
  NginxServer nginx(data_path("cloudvolume"));
  for (const auto& c : imagery::testing::named_cutouts(true)) {
    SECTION(c.name) {
      auto context = no_memory_cache();
      auto volume = Volume::open(nginx.url(c.volume), *context);
      const auto before = nginx.requests().size();
      Array a = volume.download_mip0(c.mip0_bounds, c.mip);
      CHECK(a.shape() == c.shape);
      CHECK(sha256_hex(a) == c.sha256);
      // Shard index, minishard indices and chunk data: one range request each per shard file.
      std::set<std::string> shards;
      std::size_t ranged = 0;
      const auto lines = nginx.requests();
      for (std::size_t i = before; i < lines.size(); ++i) {
        if (lines[i].find(".shard") == std::string::npos) continue;
        CHECK_THAT(lines[i], Catch::Contains(" 206 "));
        shards.insert(lines[i].substr(0, lines[i].find(".shard")));
        ++ranged;
      }
      INFO(ranged << " range requests over " << shards.size() << " shards");
      CHECK(ranged <= 3 * shards.size());
      CHECK(!shards.empty());
    }
  }
}

TEST_CASE("whole mips over nginx equal the truth arrays", "[precomputed][http]") {
  NginxServer nginx(data_path("cloudvolume"));
  for (const auto& t : imagery::testing::truth_mips()) {
    SECTION(t.volume + " mip " + std::to_string(t.mip)) {
      auto context = no_memory_cache();
      auto volume = Volume::open("precomputed://" + nginx.url(t.volume), *context);
      CutoutOptions options;
      options.fill_missing = t.volume == "missing_chunk";
      Array a = volume.download(volume.info().scale(t.mip, t.volume).bounds(), t.mip, options);
      CHECK(sha256_hex(a) == t.sha256);
    }
  }
}

TEST_CASE("gzip chunks arrive with Content-Encoding gzip and are inflated here",
          "[precomputed][http]") {
  NginxServer nginx(data_path("cloudvolume"));
  auto context = no_memory_cache();
  io::HttpStorage storage(nginx.url("seg_cseg"), context->transport(), context->pool());
  auto object = storage.read("8_8_40/50-114_18-82_12-28");
  REQUIRE(object);
  CHECK(object->gzip_encoded);
  CHECK(object->bytes.size() ==
        fs::file_size(data_path("cloudvolume/seg_cseg/8_8_40/50-114_18-82_12-28.gz")));
  CHECK_FALSE(storage.read("8_8_40/no-such-chunk"));
}

TEST_CASE("a missing chunk over HTTP is a 404 that fill_missing turns into zeros",
          "[precomputed][http]") {
  NginxServer nginx(data_path("cloudvolume"));
  auto context = no_memory_cache();
  auto volume = Volume::open(nginx.url("missing_chunk"), *context);
  const Bbox bounds{{40, 40, 8}, {140, 140, 37}};
  try {
    volume.download(bounds, 0);
    FAIL("expected an error");
  } catch (const Error& e) {
    CHECK(e.code() == ErrorCode::kNotFound);
    CHECK_THAT(e.what(), Catch::Contains(nginx.url("missing_chunk/4_4_40/64-128_64-128_16-32")));
  }
}

TEST_CASE("byte ranges are read with 206 responses", "[precomputed][http]") {
  NginxServer nginx(data_path("cloudvolume"));
  auto context = no_memory_cache();
  io::HttpStorage storage(nginx.url("seg_sharded_murmur"), context->transport(), context->pool());
  auto whole =
      imagery::testing::read_file(data_path("cloudvolume/seg_sharded_murmur/8_8_40/0.shard"));
  auto range = storage.read_range("8_8_40/0.shard", 100, 64);
  REQUIRE(range);
  CHECK(std::equal(range->data(), range->data() + range->size(), whole.begin() + 100));
  CHECK_THROWS_MATCHES(
      storage.read_range("8_8_40/0.shard", whole.size() + 10, 5), Error,
      Catch::Predicate<Error>([](const Error& e) { return e.code() == ErrorCode::kDataLoss; }));
  CHECK_FALSE(storage.read_range("8_8_40/7.shard", 0, 16));
  bool saw_206 = false;
  for (const auto& line : nginx.requests())
    saw_206 = saw_206 || line.find(" 206 ") != std::string::npos;
  CHECK(saw_206);
}

TEST_CASE("the memory cache serves a repeated cutout without requests",
          "[precomputed][http][cache]") {
  NginxServer nginx(data_path("cloudvolume"));
  auto context = imagery::testing::make_context(io::ContextOptions{});  // 512 MB in memory
  auto volume = Volume::open(nginx.url("image_raw"), *context);
  const Bbox bounds{{130, 60, 15}, {399, 301, 40}};
  Array first = volume.download_mip0(bounds, 0);
  const auto after_first = nginx.requests().size();
  CHECK(after_first >= 2);  // info and chunks
  Array second = volume.download_mip0(bounds, 0);
  auto again = Volume::open(nginx.url("image_raw"), *context);  // the info is cached too
  Array third = again.download_mip0(bounds, 0);
  CHECK(nginx.requests().size() == after_first);
  CHECK(sha256_hex(second) == sha256_hex(first));
  CHECK(sha256_hex(third) == "a4e38871b83e16b0c00e7630bd683ba35d18e0e66a27c007da6639f0fa2eecb1");
}

TEST_CASE("the disk cache mirrors fetched chunks and serves them without requests",
          "[precomputed][http][cache]") {
  NginxServer nginx(data_path("cloudvolume"));
  imagery::testing::TempDir cache;
  io::ContextOptions options;
  options.disk_cache_dir = cache.path().string();
  auto context = no_memory_cache(options);
  const Bbox bounds{{60, 30, 12}, {200, 153, 49}};
  auto volume = Volume::open(nginx.url("seg_cseg"), *context);
  Array first = volume.download_mip0(bounds, 0);
  const auto requests = nginx.requests().size();
  const std::string mirrored = cache.file("http/127.0.0.1_" + std::to_string(nginx.port()) +
                                          "/seg_cseg/8_8_40/50-114_18-82_12-28.gz");
  CHECK(fs::exists(mirrored));
  Array second = volume.download_mip0(bounds, 0);
  CHECK(nginx.requests().size() == requests);
  CHECK(sha256_hex(second) == "47e9e511d1ccb3c2dd4b803698a2a64101b133b0a34a3062836a0841ee0e9b0d");
}

TEST_CASE("the disk cache stays under its size limit", "[precomputed][http][cache]") {
  NginxServer nginx(data_path("cloudvolume"));
  imagery::testing::TempDir cache;
  io::ContextOptions options;
  options.disk_cache_dir = cache.path().string();
  options.disk_cache_bytes = 200000;
  auto context = no_memory_cache(options);
  auto volume = Volume::open(nginx.url("image_raw"), *context);
  Array a = volume.download(volume.info().scales[0].bounds(), 0);
  // Eviction runs in the background (never on a reader's thread): wait for it to settle.
  const io::DiskCacheFolder::State state = io::disk_cache_folder(*context)->settle();
  CHECK(state.bytes <= 200000);
  CHECK(state.scans >= 2);  // the first measure, then at least one eviction
  std::uintmax_t total = 0;
  for (auto& e : fs::recursive_directory_iterator(cache.path()))
    if (e.is_regular_file()) total += e.file_size();
  CHECK(total <= 200000);
  CHECK(total > 0);
  CHECK(sha256_hex(a) == "4e67d32707febe1b27c9fb0e06b77b51bc52295e10752f7b88b9a8fe101028ad");
}

TEST_CASE("chunk requests share a few kept-alive connections", "[precomputed][http]") {
  NginxServer nginx(data_path("cloudvolume"));
  auto context = no_memory_cache();
  auto volume = Volume::open(nginx.url("image_raw"), *context);
  volume.download(volume.info().scales[0].bounds(), 0);  // 75 chunks
  std::set<std::string> connections;
  const auto lines = nginx.requests();
  for (const auto& line : lines) connections.insert(line.substr(line.rfind(' ') + 1));
  CHECK(lines.size() >= 75);
  CHECK(connections.size() <= 32);  // at most one per request in flight, reused after
}

TEST_CASE("cutouts on many threads at once all finish", "[precomputed][http]") {
  // Every thread's transfers go through the context's one transport. (Before it, each thread
  // ran a multi handle of its own over a shared connection cache, and a per-host connection cap
  // left transfers waiting forever for a connection another thread's handle had released.)
  NginxServer nginx(data_path("cloudvolume"));
  io::ContextOptions options;
  options.http.max_in_flight = 2;
  std::shared_ptr<io::Context> context = no_memory_cache(options);
  constexpr int kThreads = 6;
  auto state = std::make_shared<std::atomic<int>>(0);
  auto hashes = std::make_shared<std::vector<std::string>>(kThreads);
  const std::string url = nginx.url("image_raw");
  for (int t = 0; t < kThreads; ++t)
    std::thread([state, hashes, url, context, t] {
      try {
        auto volume = Volume::open(url, *context);
        (*hashes)[static_cast<std::size_t>(t)] =
            sha256_hex(volume.download(volume.info().scales[0].bounds(), 0));
      } catch (const std::exception& e) {
        (*hashes)[static_cast<std::size_t>(t)] = e.what();
      }
      state->fetch_add(1);
    }).detach();
  const auto t0 = std::chrono::steady_clock::now();
  while (state->load() < kThreads &&
         std::chrono::steady_clock::now() - t0 < std::chrono::seconds(60))
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  REQUIRE(state->load() == kThreads);  // none hung
  for (const std::string& h : *hashes) CHECK(h == hashes->front());
  CHECK(hashes->front().size() == 64);
}
