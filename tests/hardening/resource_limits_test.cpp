// Inputs that would exhaust memory or time stop early with one clear error:
// cutouts over the memory budget, chunks too many or too large, gzip bombs in
// chunks and infos, shard indices pointing at terabyte offsets (from disk and
// over nginx), and the CLI's --max-memory.
#include <sys/stat.h>
#include <catch2/catch.hpp>

#include <chrono>
#include <filesystem>
#include <fstream>

#include "imagery/client/client.h"
#include "imagery/core/error.h"
#include "imagery/io/gzip.h"
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
using imagery::testing::write_file;
namespace fs = std::filesystem;

namespace {

std::string info_json(const std::string& dtype, const std::string& size, const std::string& chunk,
                      const std::string& encoding = "raw", const std::string& extra = "") {
  return R"({"type": "image", "data_type": ")" + dtype + R"(", "num_channels": 1, "scales": [{
    "key": "k", "size": )" +
         size + R"(, "resolution": [4, 4, 40], "chunk_sizes": [)" + chunk + R"(], "encoding": ")" +
         encoding + "\"" + extra + "}]}";
}

// A volume folder with just an info (no chunk exists: any read would be a not-found error).
std::string volume_with_info(const TempDir& dir, const std::string& info) {
  fs::create_directories(dir.path() / "vol");
  write_file(dir.file("vol/info"), info);
  return dir.file("vol");
}

// 80 MB of zeros as about 80 KB of gzip, made once per process.
const Bytes& gzip_bomb() {
  static const Bytes bomb = io::gzip_compress(Bytes(std::size_t{80} << 20));
  return bomb;
}

}  // namespace

TEST_CASE("a cutout over the memory budget is refused before anything is read",
          "[hardening][limits]") {
  TempDir dir;
  const auto vol =
      volume_with_info(dir, info_json("uint64", "[1048576, 1048576, 1024]", "[64, 64, 64]"));
  auto volume = Volume::open(vol);
  CutoutOptions options;
  options.max_output_bytes = std::size_t{1} << 30;
  Error e = error_of([&] { volume.download({{0, 0, 0}, {1024, 1024, 1024}}, 0, options); });
  CHECK(e.code() == ErrorCode::kResourceExhausted);
  CHECK_THAT(e.what(), Catch::Contains(vol) && Catch::Contains("8589934592 bytes (8.6 GB)"));
  // The library says what is wrong; which flag raises the budget is the command's to say.
  CHECK(e.remedy() == Remedy::kRaiseMemoryBudget);
  CHECK_THAT(e.what(), !Catch::Contains("--"));
  // The whole volume: 2^63 bytes and more, without overflowing into something small.
  Error all = error_of([&] { volume.download(volume.info().scales[0].bounds(), 0); });
  CHECK(all.code() == ErrorCode::kResourceExhausted);
}

TEST_CASE("a chunk larger than the memory budget is refused even for a one-voxel cutout",
          "[hardening][limits]") {
  TempDir dir;
  const auto vol =
      volume_with_info(dir, info_json("uint8", "[8192, 8192, 64]", "[8192, 8192, 64]"));
  CutoutOptions options;
  options.max_output_bytes = 256 << 20;
  Error e = error_of([&] { Volume::open(vol).download({{0, 0, 0}, {1, 1, 1}}, 0, options); });
  CHECK(e.code() == ErrorCode::kResourceExhausted);
  CHECK_THAT(e.what(), Catch::Contains(vol) && Catch::Contains("chunks of [8192, 8192, 64]"));
}

TEST_CASE("a cutout touching millions of tiny chunks is refused before listing them",
          "[hardening][limits]") {
  TempDir dir;
  const auto vol = volume_with_info(dir, info_json("uint8", "[4096, 4096, 4096]", "[1, 1, 1]"));
  const auto t0 = std::chrono::steady_clock::now();
  Error e = error_of([&] { Volume::open(vol).download({{0, 0, 0}, {512, 512, 64}}, 0); });
  CHECK(e.code() == ErrorCode::kResourceExhausted);
  CHECK_THAT(e.what(), Catch::Contains("16777216 chunks") && Catch::Contains(vol));
  CHECK(std::chrono::steady_clock::now() - t0 < std::chrono::seconds(2));
}

TEST_CASE("a gzip bomb in place of a chunk stops at what the chunk could hold",
          "[hardening][limits][gzip]") {
  TempDir dir;
  const auto vol = volume_with_info(dir, info_json("uint8", "[64, 64, 1]", "[64, 64, 1]"));
  fs::create_directories(dir.path() / "vol" / "k");
  write_file(dir.file("vol/k/0-64_0-64_0-1.gz"), gzip_bomb());
  Error e = error_of([&] { Volume::open(vol).download({{0, 0, 0}, {64, 64, 1}}, 0); });
  CHECK(e.code() == ErrorCode::kResourceExhausted);
  CHECK_THAT(e.what(), Catch::Contains(dir.file("vol/k/0-64_0-64_0-1.gz")) &&
                           Catch::Contains("inflates beyond"));
}

TEST_CASE("a gzip bomb in place of an info stops at 64 MB", "[hardening][limits][gzip]") {
  TempDir dir;
  fs::create_directories(dir.path() / "vol");
  write_file(dir.file("vol/info.gz"), gzip_bomb());
  Error e = error_of([&] { Volume::open(dir.file("vol")); });
  CHECK(e.code() == ErrorCode::kResourceExhausted);
  CHECK_THAT(e.what(), Catch::Contains(dir.file("vol/info.gz")) &&
                           Catch::Contains("inflates beyond 67108864 bytes"));
}

TEST_CASE("an info file larger than any info is refused unread", "[hardening][limits]") {
  TempDir dir;
  fs::create_directories(dir.path() / "vol");
  {
    std::ofstream big(dir.file("vol/info"), std::ios::binary);
    big.seekp((std::int64_t{65} << 20) - 1);
    big.put(' ');  // sparse: 65 MB on paper
  }
  Error e = error_of([&] { Volume::open(dir.file("vol")); });
  CHECK(e.code() == ErrorCode::kResourceExhausted);
  CHECK_THAT(e.what(), Catch::Contains(dir.file("vol/info")));
}

namespace {
// A sharded uint8 raw scale whose one shard file has an index entry pointing at 1 TiB.
std::string terabyte_shard_volume(const TempDir& dir, bool chunk_at_terabyte) {
  const std::string sharding =
      R"(, "sharding": {"@type": "neuroglancer_uint64_sharded_v1", "hash": "identity",
      "preshift_bits": 0, "minishard_bits": 0, "shard_bits": 0})";
  const auto vol =
      volume_with_info(dir, info_json("uint8", "[8, 8, 1]", "[8, 8, 1]", "raw", sharding));
  fs::create_directories(dir.path() / "vol" / "k");
  Bytes shard;
  auto put = [&](std::uint64_t v) {
    for (int i = 0; i < 8; ++i) shard.push_back(static_cast<std::byte>(v >> (8 * i)));
  };
  const std::uint64_t tib = std::uint64_t{1} << 40;
  if (chunk_at_terabyte) {
    put(0);  // shard index: the minishard index is bytes [16, 40)
    put(24);
    put(0);    // chunk id 0
    put(tib);  // starts 1 TiB in
    put(64);   // 64 bytes long
  } else {
    put(tib);  // the minishard index lies 1 TiB in
    put(tib + 24);
  }
  write_file(dir.file("vol/k/0.shard"), shard);
  return vol;
}
}  // namespace

TEST_CASE("shard indices pointing at terabyte offsets are corrupt, from disk and over nginx",
          "[hardening][limits][sharding]") {
  for (bool chunk : {false, true}) {
    SECTION(chunk ? "a chunk 1 TiB in" : "a minishard index 1 TiB in") {
      TempDir dir;
      const auto vol = terabyte_shard_volume(dir, chunk);
      io::Context::default_context().resource<precomputed::ShardCaches>().clear();
      Error e = error_of([&] { Volume::open(vol).download({{0, 0, 0}, {8, 8, 1}}, 0); });
      CHECK(e.code() == ErrorCode::kDataLoss);
      CHECK_THAT(e.what(), Catch::Contains(dir.file("vol/k/0.shard")));

      NginxServer nginx(dir.path().string());
      io::Context::default_context().resource<precomputed::ShardCaches>().clear();
      auto context = imagery::testing::make_context();
      Error h = error_of([&] {
        Volume::open(nginx.url("vol"), *context).download({{0, 0, 0}, {8, 8, 1}}, 0);
      });
      CHECK(h.code() == ErrorCode::kDataLoss);
      CHECK_THAT(h.what(), Catch::Contains(nginx.url("vol/k/0.shard")));
    }
  }
}

TEST_CASE("the client's budget covers the segmentation put onto the image grid",
          "[hardening][limits][client]") {
  TempDir dir;
  fs::create_directories(dir.path() / "img");
  fs::create_directories(dir.path() / "seg");
  write_file(dir.file("img/info"), info_json("uint8", "[65536, 65536, 16]", "[64, 64, 16]"));
  write_file(dir.file("seg/info"),
             R"({"type": "segmentation", "data_type": "uint64", "num_channels": 1, "scales": [{
    "key": "k", "size": [1024, 1024, 16], "resolution": [256, 256, 40], "chunk_sizes": [[64, 64, 16]],
    "encoding": "raw"}]})");
  client::ClientOptions options;
  options.max_output_bytes =
      64 << 20;  // the 32 MB image fits, the 256 MB segmentation on its grid not
  auto c = client::Client::open({dir.file("img"), dir.file("seg")}, options);
  Error e = error_of([&] {
    c.image_and_segmentation_cutout(client::Region::corners({0, 0, 0}, {8192, 4096, 1}));
  });
  CHECK(e.code() == ErrorCode::kResourceExhausted);
  CHECK_THAT(e.what(), Catch::Contains(dir.file("seg")) && !Catch::Contains("--max-memory"));
  CHECK(e.remedy() == Remedy::kRaiseMemoryBudget);
}

TEST_CASE("imagery cutout over --max-memory exits 7 with one line and no output file",
          "[hardening][limits][cli]") {
  TempDir dir;
  const auto vol =
      volume_with_info(dir, info_json("uint8", "[100000, 100000, 100]", "[64, 64, 64]"));
  const std::string out = dir.file("out.npy");
  auto r = imagery::testing::run_imagery(
      {"cutout", vol, "--bounds", "0,0,0,100000,100000,100", "--max-memory", "1", "-o", out});
  CHECK(r.exit_code == 7);
  CHECK(imagery::testing::count_lines(r.err) == 1);
  CHECK_THAT(r.err, Catch::Contains("--max-memory") && Catch::Contains(vol));
  CHECK_FALSE(fs::exists(out));
  // Absurd budgets and bounds are clear errors too, not overflows.
  auto huge = imagery::testing::run_imagery({"cutout", vol, "--bounds", "0,0,0,1,1,1",
                                             "--max-memory", "1e300", "--unbounded", "-o", out});
  CHECK(huge.exit_code == 3);  // the budget is fine; the chunk simply does not exist
  auto far = imagery::testing::run_imagery(
      {"cutout", vol, "--bounds=-9000000000000000000,0,0,9000000000000000000,1,1", "-o", out});
  CHECK(far.exit_code == 2);
  CHECK_THAT(far.err, Catch::Contains("--bounds"));
  CHECK_FALSE(fs::exists(out));
}

TEST_CASE("a FIFO in place of an info or a chunk fails at once instead of blocking",
          "[hardening][limits]") {
  TempDir dir;
  fs::create_directories(dir.path() / "vol");
  REQUIRE(::mkfifo(dir.file("vol/info").c_str(), 0600) == 0);
  const auto t0 = std::chrono::steady_clock::now();
  Error e = error_of([&] { Volume::open(dir.file("vol")); });
  CHECK(e.code() == ErrorCode::kIoError);
  CHECK_THAT(e.what(),
             Catch::Contains(dir.file("vol/info")) && Catch::Contains("not a regular file"));
  CHECK(std::chrono::steady_clock::now() - t0 < std::chrono::seconds(5));
}
