// Corrupt and truncated shard files: every failure is a kDataLoss error naming
// the shard file (never a crash, never wrong pixels), and a missing shard file
// is a missing chunk. Each case damages one precise part of a shard written by
// shard_builder.h and reads the whole mip.
#include <catch2/catch.hpp>
#include <filesystem>
#include <random>

#include "imagery/core/error.h"
#include "imagery/io/internal/file_storage.h"
#include "imagery/precomputed/internal/shard_cache.h"
#include "imagery/precomputed/volume.h"
#include "shard_builder.h"
#include "support/test_support.h"

using namespace imagery;
using namespace imagery::precomputed;
using imagery::testing::read_file;
using imagery::testing::TempDir;
using imagery::testing::write_file;
namespace fs = std::filesystem;

namespace {

ShardingSpec spec_with(ShardEncoding index_encoding, ShardEncoding data_encoding) {
  ShardingSpec s;
  s.hash = ShardHash::kMurmurHash3_x86_128;
  s.minishard_bits = 2;
  s.shard_bits = 1;
  s.minishard_index_encoding = index_encoding;
  s.data_encoding = data_encoding;
  return s;
}

struct Damaged {
  std::string root;
  imagery::testing::WrittenShard shard;  // shard 0 of mip 0
};

// A sharded copy of seg_cseg; `shard` describes its mip-0 "0.shard" for the damage to come.
Damaged sharded_seg(const TempDir& dir, const ShardingSpec& spec) {
  Damaged d;
  d.root = dir.file("v");
  auto layout = imagery::testing::write_sharded_copy(
      imagery::testing::data_path("cloudvolume/seg_cseg"), d.root, spec);
  d.shard = layout.at(d.root + "/8_8_40/0.shard");
  REQUIRE(d.shard.minishard_indices.size() >= 2);
  return d;
}

void patch_le64(const std::string& path, std::uint64_t at, std::uint64_t value) {
  auto bytes = read_file(path);
  for (int i = 0; i < 8; ++i) bytes.at(at + i) = static_cast<std::byte>(value >> (8 * i));
  write_file(path, bytes);
}

void patch_bytes(const std::string& path, std::uint64_t at, std::size_t n, std::byte value) {
  auto bytes = read_file(path);
  for (std::size_t i = 0; i < n; ++i) bytes.at(at + i) = value;
  write_file(path, bytes);
}

// Reads mip 0 of `root` whole and expects a kDataLoss error containing every fragment.
void expect_data_loss(const std::string& root, std::vector<std::string> fragments) {
  auto volume = Volume::open(root);
  try {
    volume.download(volume.info().scales[0].bounds(), 0);
    FAIL("expected a data-loss error");
  } catch (const Error& e) {
    INFO(e.what());
    CHECK(e.code() == ErrorCode::kDataLoss);
    for (const auto& f : fragments) CHECK_THAT(e.what(), Catch::Contains(f));
  }
}

}  // namespace

TEST_CASE("a shard shorter than its shard index is a data-loss error naming it",
          "[precomputed][sharding][corrupt]") {
  TempDir dir;
  auto d = sharded_seg(dir, spec_with(ShardEncoding::kGzip, ShardEncoding::kGzip));
  fs::resize_file(d.shard.path, d.shard.index_size - 5);
  expect_data_loss(d.root, {d.shard.path, "shard index"});
}

TEST_CASE("an empty shard file is a data-loss error, not a missing shard",
          "[precomputed][sharding][corrupt]") {
  TempDir dir;
  auto d = sharded_seg(dir, spec_with(ShardEncoding::kGzip, ShardEncoding::kGzip));
  fs::resize_file(d.shard.path, 0);
  expect_data_loss(d.root, {d.shard.path});
}

TEST_CASE("a shard cut in half is a data-loss error naming it",
          "[precomputed][sharding][corrupt]") {
  TempDir dir;
  auto d = sharded_seg(dir, spec_with(ShardEncoding::kRaw, ShardEncoding::kGzip));
  // The indices stay readable, but what they point at beyond the cut is gone.
  fs::resize_file(d.shard.path, fs::file_size(d.shard.path) / 2);
  expect_data_loss(d.root, {d.shard.path, "past the end"});
}

TEST_CASE("a shard index entry past the end of the file is a data-loss error naming the shard",
          "[precomputed][sharding][corrupt]") {
  TempDir dir;
  auto d = sharded_seg(dir, spec_with(ShardEncoding::kGzip, ShardEncoding::kGzip));
  const std::uint64_t m = d.shard.minishard_indices.begin()->first;
  const std::uint64_t size = fs::file_size(d.shard.path);
  patch_le64(d.shard.path, 16 * m, size + 100);
  patch_le64(d.shard.path, 16 * m + 8, size + 180);
  expect_data_loss(d.root, {d.shard.path, "minishard index", "past the end"});
}

TEST_CASE("a shard index entry that starts after it ends is a data-loss error",
          "[precomputed][sharding][corrupt]") {
  TempDir dir;
  auto d = sharded_seg(dir, spec_with(ShardEncoding::kGzip, ShardEncoding::kGzip));
  const std::uint64_t m = d.shard.minishard_indices.begin()->first;
  patch_le64(d.shard.path, 16 * m, 500);
  patch_le64(d.shard.path, 16 * m + 8, 400);
  expect_data_loss(d.root, {d.shard.path, "minishard " + std::to_string(m), "after its end"});
}

TEST_CASE("a shard index entry claiming an enormous minishard index fails before allocating",
          "[precomputed][sharding][corrupt]") {
  TempDir dir;
  auto d = sharded_seg(dir, spec_with(ShardEncoding::kGzip, ShardEncoding::kGzip));
  const std::uint64_t m = d.shard.minishard_indices.begin()->first;
  patch_le64(d.shard.path, 16 * m + 8, std::uint64_t{1} << 50);
  expect_data_loss(d.root, {d.shard.path, "claims"});
}

TEST_CASE("a bad gzip minishard index is a data-loss error naming the shard",
          "[precomputed][sharding][corrupt]") {
  TempDir dir;
  auto d = sharded_seg(dir, spec_with(ShardEncoding::kGzip, ShardEncoding::kGzip));
  const auto& [m, range] = *d.shard.minishard_indices.begin();
  // Keep the gzip header, garble the deflate stream.
  patch_bytes(d.shard.path, range.begin + 10, range.size() - 10, std::byte{0xff});
  expect_data_loss(d.root, {d.shard.path, "minishard " + std::to_string(m) + " index"});
}

TEST_CASE("a minishard index that is not gzip although the info says so is a data-loss error",
          "[precomputed][sharding][corrupt]") {
  TempDir dir;
  auto d = sharded_seg(dir, spec_with(ShardEncoding::kGzip, ShardEncoding::kGzip));
  const auto& [m, range] = *d.shard.minishard_indices.begin();
  patch_bytes(d.shard.path, range.begin, 2, std::byte{0x00});
  expect_data_loss(d.root, {d.shard.path, "minishard " + std::to_string(m) + " index"});
}

TEST_CASE("a minishard index whose length is not a multiple of 24 is a data-loss error",
          "[precomputed][sharding][corrupt]") {
  TempDir dir;
  auto d = sharded_seg(dir, spec_with(ShardEncoding::kRaw, ShardEncoding::kGzip));
  const std::uint64_t m = d.shard.minishard_indices.begin()->first;
  const auto range = d.shard.minishard_indices.begin()->second;
  // One byte shorter: still inside the file, but 24n - 1 bytes long.
  patch_le64(d.shard.path, 16 * m + 8, range.end - 1 - d.shard.index_size);
  expect_data_loss(d.root, {d.shard.path, "not a multiple of 24"});
}

TEST_CASE("a minishard index pointing a chunk past the end of the file is a data-loss error",
          "[precomputed][sharding][corrupt]") {
  TempDir dir;
  auto d = sharded_seg(dir, spec_with(ShardEncoding::kRaw, ShardEncoding::kGzip));
  const auto range = d.shard.minishard_indices.begin()->second;
  const std::uint64_t n = range.size() / 24;
  // The first chunk's start delta (row 1, entry 0) moves it far past the end of the file.
  patch_le64(d.shard.path, range.begin + 8 * n, fs::file_size(d.shard.path) + 1000);
  expect_data_loss(d.root, {d.shard.path, "past the end"});
}

TEST_CASE("a minishard index claiming an enormous chunk fails before allocating",
          "[precomputed][sharding][corrupt]") {
  TempDir dir;
  auto d = sharded_seg(dir, spec_with(ShardEncoding::kRaw, ShardEncoding::kGzip));
  const auto range = d.shard.minishard_indices.begin()->second;
  const std::uint64_t n = range.size() / 24;
  patch_le64(d.shard.path, range.begin + 16 * n, std::uint64_t{1} << 40);  // row 2: the size
  expect_data_loss(d.root, {d.shard.path, "claims"});
}

TEST_CASE("minishard offsets that overflow 64 bits are a data-loss error",
          "[precomputed][sharding][corrupt]") {
  TempDir dir;
  auto d = sharded_seg(dir, spec_with(ShardEncoding::kRaw, ShardEncoding::kGzip));
  const auto range = d.shard.minishard_indices.begin()->second;
  const std::uint64_t n = range.size() / 24;
  patch_le64(d.shard.path, range.begin + 8 * n, ~std::uint64_t{0} - 3);
  expect_data_loss(d.root, {d.shard.path, "past 2^64"});
}

TEST_CASE("a corrupt gzip chunk inside a shard is a data-loss error naming shard and chunk",
          "[precomputed][sharding][corrupt]") {
  TempDir dir;
  auto d = sharded_seg(dir, spec_with(ShardEncoding::kGzip, ShardEncoding::kGzip));
  const auto& [id, range] = *d.shard.chunks.begin();
  patch_bytes(d.shard.path, range.begin + 10, range.size() - 18, std::byte{0xee});
  expect_data_loss(d.root, {d.shard.path, "chunk id " + std::to_string(id)});
}

TEST_CASE("a garbled compressed_segmentation chunk inside a shard is a data-loss error",
          "[precomputed][sharding][corrupt]") {
  TempDir dir;
  auto d = sharded_seg(dir, spec_with(ShardEncoding::kGzip, ShardEncoding::kRaw));
  const auto& [id, range] = *d.shard.chunks.begin();
  // The first block header's lookup-table offset now points far outside the chunk.
  patch_bytes(d.shard.path, range.begin + 4, 4, std::byte{0x7f});
  expect_data_loss(d.root, {d.shard.path, "chunk id " + std::to_string(id)});
}

TEST_CASE("a missing shard file is missing chunks, filled only with fill_missing",
          "[precomputed][sharding][corrupt]") {
  TempDir dir;
  auto d = sharded_seg(dir, spec_with(ShardEncoding::kGzip, ShardEncoding::kGzip));
  fs::remove(d.shard.path);
  auto volume = Volume::open(d.root);
  const Bbox all = volume.info().scales[0].bounds();
  try {
    volume.download(all, 0);
    FAIL("expected a missing-chunk error");
  } catch (const Error& e) {
    CHECK(e.code() == ErrorCode::kNotFound);
    CHECK_THAT(e.what(), Catch::Contains(d.shard.path) && Catch::Contains("is missing"));
    CHECK(e.remedy() == Remedy::kFillMissing);
  }
  CutoutOptions fill;
  fill.fill_missing = true;
  Array a = volume.download(all, 0, fill);
  std::size_t zeros = 0;
  for (std::size_t i = 0; i < a.size_bytes() / 8; ++i) zeros += a.data<std::uint64_t>()[i] == 0;
  CHECK(zeros > a.size_bytes() / 8 / 4);  // the removed shard held about half of the chunks
}

TEST_CASE("random damage to shard indices never crashes the reader",
          "[precomputed][sharding][corrupt]") {
  TempDir dir;
  auto d = sharded_seg(dir, spec_with(ShardEncoding::kRaw, ShardEncoding::kGzip));
  const auto pristine = read_file(d.shard.path);
  // Damage lands in the shard index or a minishard index, the parts the reader must distrust.
  std::vector<std::pair<std::uint64_t, std::uint64_t>> targets{{0, d.shard.index_size}};
  for (const auto& [m, r] : d.shard.minishard_indices) targets.push_back({r.begin, r.end});
  std::mt19937_64 rng(20240611);
  int errors = 0;
  for (int round = 0; round < 40; ++round) {
    auto bytes = pristine;
    const auto& [from, to] = targets[rng() % targets.size()];
    for (int k = 0; k < 3; ++k)
      bytes.at(from + rng() % (to - from)) = static_cast<std::byte>(rng());
    const std::string root = dir.file("r" + std::to_string(round));
    fs::create_directories(root + "/8_8_40");
    fs::copy(d.root + "/info", root + "/info");
    for (const auto& f : fs::directory_iterator(d.root + "/8_8_40"))
      if (f.path().filename() != "0.shard")
        fs::copy(f.path(), fs::path(root) / "8_8_40" / f.path().filename());
    write_file(root + "/8_8_40/0.shard", bytes);
    try {
      Volume::open(root).download(Volume::open(root).info().scales[0].bounds(), 0);
    } catch (const Error& e) {
      ++errors;
      CHECK((e.code() == ErrorCode::kDataLoss || e.code() == ErrorCode::kNotFound));
    }
  }
  CHECK(errors > 0);
}

namespace {
// A storage back end that breaks its promise and returns one byte less than asked for.
class ShortReadStorage : public io::FileStorage {
 public:
  explicit ShortReadStorage(const std::string& root)
      : io::FileStorage(root, io::Context::default_context().pool()) {}
  std::optional<SharedBytes> read_range(const std::string& key, std::uint64_t offset,
                                        std::uint64_t length) override {
    auto bytes = io::FileStorage::read_range(key, offset, length);
    if (bytes && !bytes->empty()) bytes = bytes->slice(0, bytes->size() - 1);
    return bytes;
  }
};
}  // namespace

TEST_CASE("a storage that returns short ranges is a data-loss error, not an overread",
          "[precomputed][sharding][corrupt]") {
  const std::string root = imagery::testing::data_path("cloudvolume/seg_sharded_murmur");
  auto storage = std::make_shared<ShortReadStorage>(root);
  Volume volume(storage, read_info(*storage, root), root, io::Context::default_context());
  io::Context::default_context().resource<precomputed::ShardCaches>().clear();
  try {
    volume.download(volume.info().scales[0].bounds(), 0);
    FAIL("expected a data-loss error");
  } catch (const Error& e) {
    CHECK(e.code() == ErrorCode::kDataLoss);
    CHECK_THAT(e.what(), Catch::Contains(root + "/8_8_40/") && Catch::Contains(", got "));
  }
  io::Context::default_context()
      .resource<precomputed::ShardCaches>()
      .clear();  // nothing half-read stays behind for other tests
}
