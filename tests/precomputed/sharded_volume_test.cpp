// Reading sharded scales from disk: the CloudVolume-written sharded fixtures
// byte for byte, every chunk encoding repacked into shards, missing chunks and
// shards, and how many range requests a cutout makes (counted on an
// instrumented FileStorage, not a mock of the reader).
#include <catch2/catch.hpp>
#include <filesystem>
#include <future>
#include <mutex>
#include <set>
#include <thread>

#include "fixture_cutouts.h"
#include "imagery/core/error.h"
#include "imagery/io/internal/file_storage.h"
#include "imagery/precomputed/internal/sharded_chunk_source.h"
#include "imagery/precomputed/volume.h"
#include "imagery/precomputed/volume_writer.h"
#include "shard_builder.h"
#include "support/test_support.h"

using namespace imagery;
using namespace imagery::precomputed;
using imagery::testing::data_path;
using imagery::testing::sha256_hex;
using imagery::testing::TempDir;
namespace fs = std::filesystem;

namespace {

// A FileStorage that records every byte-range request it serves.
class CountingStorage : public io::Storage {
 public:
  explicit CountingStorage(std::string root)
      : io::Storage(io::Context::default_context().pool()),
        inner_(std::move(root), io::Context::default_context().pool()) {}
  std::optional<io::StoredObject> read(const std::string& key) override { return inner_.read(key); }
  std::optional<SharedBytes> read_range(const std::string& key, std::uint64_t offset,
                                        std::uint64_t length) override {
    {
      std::lock_guard lock(mutex_);
      log_.push_back({key, offset, length});
    }
    return inner_.read_range(key, offset, length);
  }
  std::string describe(const std::string& key) const override { return inner_.describe(key); }
  // The requests since the last call.
  std::vector<io::RangeRequest> take() {
    std::lock_guard lock(mutex_);
    return std::exchange(log_, {});
  }

 private:
  io::FileStorage inner_;
  std::mutex mutex_;
  std::vector<io::RangeRequest> log_;
};

Volume open_counted(const std::string& root, std::shared_ptr<CountingStorage>& storage) {
  storage = std::make_shared<CountingStorage>(root);
  VolumeInfo info = read_info(*storage, root);
  return Volume(storage, std::move(info), root, io::Context::default_context());
}

ShardingSpec make_spec(ShardHash hash, int preshift, int minishard_bits, int shard_bits,
                       ShardEncoding index_encoding, ShardEncoding data_encoding) {
  ShardingSpec s;
  s.hash = hash;
  s.preshift_bits = preshift;
  s.minishard_bits = minishard_bits;
  s.shard_bits = shard_bits;
  s.minishard_index_encoding = index_encoding;
  s.data_encoding = data_encoding;
  return s;
}

std::uint64_t le64_at(const Bytes& b, std::uint64_t at) {
  std::uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = v << 8 | std::to_integer<std::uint64_t>(b.at(at + i));
  return v;
}

// Where the requests of a cutout went, told apart by the shard files' own indices. The files must
// keep their minishard indices after all chunk data (CloudVolume's layout, and shard_builder.h's
// default), so that a request is an index read or a data read by where it starts.
struct RequestCounts {
  int shard_index = 0, minishard_index = 0, chunk_data = 0;
  std::uint64_t shard_index_bytes = 0;
  // How many requests covered each minishard index: (key, begin) -> count.
  std::map<std::pair<std::string, std::uint64_t>, int> minishard_coverage;
};

RequestCounts classify(const std::vector<io::RangeRequest>& log, const std::string& root,
                       int minishard_bits) {
  RequestCounts counts;
  const std::uint64_t index_size = std::uint64_t{16} << minishard_bits;
  std::map<std::string, std::vector<ByteRange>> minishard_ranges;
  for (const auto& r : log) {
    if (minishard_ranges.count(r.key)) continue;
    const Bytes file = imagery::testing::read_file(root + "/" + r.key);
    auto& ranges = minishard_ranges[r.key];
    for (std::uint64_t m = 0; m < (std::uint64_t{1} << minishard_bits); ++m) {
      const ByteRange range{index_size + le64_at(file, 16 * m),
                            index_size + le64_at(file, 16 * m + 8)};
      if (range.size()) ranges.push_back(range);
    }
  }
  for (const auto& r : log) {
    const auto& ranges = minishard_ranges[r.key];
    std::uint64_t first_index = ~std::uint64_t{0};
    for (const auto& m : ranges) first_index = std::min(first_index, m.begin);
    if (r.offset + r.length <= index_size) {
      ++counts.shard_index;
      counts.shard_index_bytes += r.length;
    } else if (r.offset >= first_index) {
      ++counts.minishard_index;
      for (const auto& m : ranges)
        if (m.begin >= r.offset && m.end <= r.offset + r.length)
          ++counts.minishard_coverage[{r.key, m.begin}];
    } else {
      ++counts.chunk_data;
    }
  }
  return counts;
}

// Every minishard index was fetched by exactly one request.
bool each_read_once(const RequestCounts& counts) {
  for (const auto& [where, n] : counts.minishard_coverage)
    if (n != 1) return false;
  return true;
}

// How many of the (shard, minishard) pairs of `scale` under `root` some request fetched (requests
// may also carry untouched minishard indices lying between touched ones).
std::size_t fetched_among(const RequestCounts& counts, const std::string& root, const Scale& scale,
                          const std::set<std::pair<std::uint64_t, std::uint64_t>>& minishards) {
  std::size_t n = 0;
  const int bits = scale.sharding->minishard_bits;
  for (const auto& [shard, minishard] : minishards) {
    const std::string key = scale.key + "/" + shard_file_name(shard, scale.sharding->shard_bits);
    const Bytes file = imagery::testing::read_file(root + "/" + key);
    const std::uint64_t begin = (std::uint64_t{16} << bits) + le64_at(file, 16 * minishard);
    n += counts.minishard_coverage.count({key, begin});
  }
  return n;
}

// The shards and minishards a set of cells of `scale` touches, from the vector-tested pieces.
std::pair<std::set<std::uint64_t>, std::set<std::pair<std::uint64_t, std::uint64_t>>> touched(
    const Scale& scale, const std::vector<Vec3>& cells) {
  std::set<std::uint64_t> shards;
  std::set<std::pair<std::uint64_t, std::uint64_t>> minishards;
  const Vec3 grid = ChunkGrid(scale).shape();
  for (const auto& c : cells) {
    const auto where = locate_chunk(compressed_morton_code(c, grid), *scale.sharding);
    shards.insert(where.shard);
    minishards.insert({where.shard, where.minishard});
  }
  return {shards, minishards};
}

}  // namespace

TEST_CASE("named cutouts of the sharded CloudVolume fixtures match byte for byte",
          "[precomputed][sharding]") {
  for (const auto& c : imagery::testing::named_cutouts(true)) {
    SECTION(c.name) {
      auto volume = Volume::open(data_path(std::string("cloudvolume/") + c.volume));
      REQUIRE(volume.info().scales[c.mip].sharding.has_value());
      Array a = volume.download_mip0(c.mip0_bounds, c.mip);
      CHECK(a.shape() == c.shape);
      CHECK(a.dtype() == c.dtype);
      CHECK(sha256_hex(a) == c.sha256);
    }
  }
}

TEST_CASE("whole mips of the sharded fixture volumes equal the truth arrays",
          "[precomputed][sharding]") {
  int sharded = 0;
  for (const auto& t : imagery::testing::truth_mips()) {
    if (t.volume.find("sharded") == std::string::npos) continue;
    ++sharded;
    SECTION(t.volume + " mip " + std::to_string(t.mip)) {
      auto volume = Volume::open(data_path("cloudvolume/" + t.volume));
      const Scale& s = volume.info().scale(t.mip, t.volume);
      Array a = volume.download(s.bounds(), t.mip);
      CHECK(a.shape() == t.shape);
      CHECK(sha256_hex(a) == t.sha256);
    }
  }
  CHECK(sharded == 4);
}

TEST_CASE("every chunk encoding reads from shards exactly as from chunk files",
          "[precomputed][sharding]") {
  const ShardingSpec specs[] = {
      make_spec(ShardHash::kMurmurHash3_x86_128, 0, 2, 1, ShardEncoding::kGzip,
                ShardEncoding::kGzip),
      make_spec(ShardHash::kIdentity, 0, 0, 0, ShardEncoding::kRaw, ShardEncoding::kRaw),
      make_spec(ShardHash::kIdentity, 2, 1, 2, ShardEncoding::kRaw, ShardEncoding::kGzip),
      make_spec(ShardHash::kMurmurHash3_x86_128, 1, 3, 4, ShardEncoding::kGzip,
                ShardEncoding::kRaw),
  };
  TempDir dir;
  int copies = 0;
  for (const auto& c : imagery::testing::named_cutouts(false)) {
    for (const auto& spec : specs) {
      // Alternate CloudVolume's layout (indices after all chunks) and indices after each minishard.
      const bool indices_last = copies % 2 == 0;
      const std::string root = dir.file("copy" + std::to_string(copies++));
      imagery::testing::write_sharded_copy(data_path(std::string("cloudvolume/") + c.volume), root,
                                           spec, {}, indices_last);
      INFO(c.name << (indices_last ? ", indices last" : ", indices inline") << ", hash "
                  << static_cast<int>(spec.hash) << ", preshift " << spec.preshift_bits
                  << ", minishard bits " << spec.minishard_bits << ", shard bits "
                  << spec.shard_bits);
      auto volume = Volume::open(root);
      CutoutOptions options;
      options.fill_missing = c.fill_missing;
      Array a = volume.download_mip0(c.mip0_bounds, c.mip, options);
      CHECK(a.shape() == c.shape);
      CHECK(sha256_hex(a) == c.sha256);
    }
  }
  SECTION("png") {
    VolumeInfo info;
    info.type = "image";
    info.data_type = DataType::kUint16;
    Scale s;
    s.key = "png";
    s.size = {100, 70, 20};
    s.voxel_offset = {-30, 5, 2};
    s.resolution = {4, 4, 40};
    s.chunk_sizes = {{32, 32, 8}};
    s.encoding = Encoding::kPng;
    info.scales = {s};
    Array data = Array::zeros(DataType::kUint16, {100, 70, 20, 1});
    for (std::int64_t z = 0; z < 20; ++z)
      for (std::int64_t y = 0; y < 70; ++y)
        for (std::int64_t x = 0; x < 100; ++x)
          data.at<std::uint16_t>(x, y, z) = static_cast<std::uint16_t>(x * 613 + y * 17 + z * 4099);
    VolumeWriter(dir.file("png"), info).write(data, s.bounds(), 0);
    imagery::testing::write_sharded_copy(dir.file("png"), dir.file("png_sharded"), specs[0]);
    auto volume = Volume::open(dir.file("png_sharded"));
    const Bbox box{{-20, 9, 3}, {70, 75, 22}};
    CHECK(sha256_hex(volume.download(box, 0)) ==
          sha256_hex(Volume::open(dir.file("png")).download(box, 0)));
    CHECK(sha256_hex(volume.download(s.bounds(), 0)) == sha256_hex(data));
  }
}

TEST_CASE("a chunk id absent from its minishard is a missing chunk", "[precomputed][sharding]") {
  TempDir dir;
  // missing_chunk has no file for cell (1, 1, 1); the copy has no id for it.
  imagery::testing::write_sharded_copy(
      data_path("cloudvolume/missing_chunk"), dir.file("v"),
      make_spec(ShardHash::kIdentity, 1, 1, 1, ShardEncoding::kGzip, ShardEncoding::kGzip));
  auto volume = Volume::open(dir.file("v"));
  const Bbox bounds{{40, 40, 8}, {140, 140, 37}};
  const std::uint64_t id = compressed_morton_code({1, 1, 1}, {4, 3, 3});
  try {
    volume.download(bounds, 0);
    FAIL("expected an error");
  } catch (const Error& e) {
    CHECK(e.code() == ErrorCode::kNotFound);
    CHECK_THAT(e.what(), Catch::Contains(".shard (chunk id " + std::to_string(id) + ")") &&
                             Catch::Contains("is missing"));
    CHECK(e.remedy() == Remedy::kFillMissing);
  }
  CutoutOptions fill;
  fill.fill_missing = true;
  CHECK(sha256_hex(volume.download(bounds, 0, fill)) ==
        "1096d94645dbd6f03b4aef2ded145bb81740c82005946fc942e129cd901b9070");
}

TEST_CASE("a missing shard file is missing chunks: an error, or zeros with fill_missing",
          "[precomputed][sharding]") {
  TempDir dir;
  const auto spec = make_spec(ShardHash::kMurmurHash3_x86_128, 0, 1, 2, ShardEncoding::kGzip,
                              ShardEncoding::kGzip);
  imagery::testing::write_sharded_copy(data_path("cloudvolume/seg_cseg"), dir.file("v"), spec);
  const std::string gone = dir.file("v") + "/8_8_40/" + shard_file_name(1, 2);
  REQUIRE(fs::remove(gone));
  auto volume = Volume::open(dir.file("v"));
  const Scale& scale = volume.info().scales[0];
  try {
    volume.download(scale.bounds(), 0);
    FAIL("expected an error");
  } catch (const Error& e) {
    CHECK(e.code() == ErrorCode::kNotFound);
    CHECK_THAT(e.what(), Catch::Contains(gone + " (chunk id "));
  }
  CutoutOptions fill;
  fill.fill_missing = true;
  Array got = volume.download(scale.bounds(), 0, fill);
  const Array truth = Volume::open(data_path("cloudvolume/seg_cseg")).download(scale.bounds(), 0);
  const ChunkGrid grid(scale);
  int zeroed = 0;
  for (const Vec3& cell : grid.cells_overlapping(scale.bounds())) {
    const bool in_gone = locate_chunk(compressed_morton_code(cell, grid.shape()), spec).shard == 1;
    zeroed += in_gone;
    const Bbox b = grid.cell_bounds(cell);
    bool all_match = true, all_zero = true;
    for (std::int64_t z = b.min.z; z < b.max.z; ++z)
      for (std::int64_t y = b.min.y; y < b.max.y; ++y)
        for (std::int64_t x = b.min.x; x < b.max.x; ++x) {
          const Vec3 p = Vec3{x, y, z} - scale.voxel_offset;
          const auto v = got.at<std::uint64_t>(p.x, p.y, p.z);
          all_match = all_match && v == truth.at<std::uint64_t>(p.x, p.y, p.z);
          all_zero = all_zero && v == 0;
        }
    INFO("cell " << cell.to_string());
    CHECK((in_gone ? all_zero : all_match));
  }
  CHECK(zeroed > 0);
}

TEST_CASE("a sharded cutout reads each shard index and minishard index once and coalesces chunks",
          "[precomputed][sharding]") {
  io::Context::default_context().resource<precomputed::ShardCaches>().clear();
  SECTION("the CloudVolume fixtures") {
    for (const auto& c : imagery::testing::named_cutouts(true)) {
      INFO(c.name);
      const std::string root = data_path(std::string("cloudvolume/") + c.volume);
      std::shared_ptr<CountingStorage> storage;
      auto volume = open_counted(root, storage);
      const Scale& scale = volume.info().scales[c.mip];
      const auto cells =
          ChunkGrid(scale).cells_overlapping(volume.mip0_to_mip(c.mip0_bounds, c.mip));
      const auto [shards, minishards] = touched(scale, cells);
      io::Context::default_context().resource<precomputed::ShardCaches>().clear();
      Array first = volume.download_mip0(c.mip0_bounds, c.mip);
      const auto counts = classify(storage->take(), root, scale.sharding->minishard_bits);
      CHECK(sha256_hex(first) == c.sha256);
      CHECK(counts.shard_index == static_cast<int>(shards.size()));
      // CloudVolume keeps a shard's minishard indices together, and its chunks together: one
      // request for the indices and one for the chunks of each shard.
      CHECK(fetched_among(counts, root, scale, minishards) == minishards.size());
      CHECK(each_read_once(counts));
      CHECK(counts.minishard_index == static_cast<int>(shards.size()));
      CHECK(counts.chunk_data == static_cast<int>(shards.size()));
      CHECK(counts.chunk_data < static_cast<int>(cells.size()));
      std::printf(
          "%s: %zu chunks in %zu shards, %zu minishards: %d shard-index + %d minishard-index + %d "
          "chunk requests (minimum %zu + %zu + %zu)\n",
          c.name, cells.size(), shards.size(), minishards.size(), counts.shard_index,
          counts.minishard_index, counts.chunk_data, shards.size(), shards.size(), shards.size());

      Array second = volume.download_mip0(c.mip0_bounds, c.mip);
      const auto again = classify(storage->take(), root, scale.sharding->minishard_bits);
      CHECK(sha256_hex(second) == c.sha256);
      CHECK(again.shard_index == 0);
      CHECK(again.minishard_index == 0);
      CHECK(again.chunk_data == counts.chunk_data);
    }
  }
  SECTION("a 512x512x32 compressed_segmentation cutout") {
    TempDir dir;
    VolumeInfo info;
    info.type = "segmentation";
    info.data_type = DataType::kUint32;
    Scale s;
    s.key = "8_8_40";
    s.size = {768, 768, 48};
    s.resolution = {8, 8, 40};
    s.chunk_sizes = {{64, 64, 16}};
    s.encoding = Encoding::kCompressedSegmentation;
    s.compressed_segmentation_block_size = {8, 8, 8};
    info.scales = {s};
    VolumeWriter writer(dir.file("plain"), info);
    for (std::int64_t z0 = 0; z0 < 48; z0 += 16) {
      Array slab(DataType::kUint32, {768, 768, 16, 1});
      for (std::int64_t z = 0; z < 16; ++z)
        for (std::int64_t y = 0; y < 768; ++y)
          for (std::int64_t x = 0; x < 768; ++x)
            slab.at<std::uint32_t>(x, y, z) =
                static_cast<std::uint32_t>((x / 23) * 131 + (y / 29) * 7 + (z0 + z) / 5 + 1);
      writer.write(slab, {{0, 0, z0}, {768, 768, z0 + 16}}, 0);
    }
    const auto spec =
        make_spec(ShardHash::kIdentity, 3, 3, 3, ShardEncoding::kGzip, ShardEncoding::kGzip);
    const std::string root = dir.file("sharded");
    const auto layout = imagery::testing::write_sharded_copy(dir.file("plain"), root, spec);

    std::shared_ptr<CountingStorage> storage;
    auto volume = open_counted(root, storage);
    const Bbox box{{128, 128, 16}, {640, 640, 48}};
    const auto cells = ChunkGrid(volume.info().scales[0]).cells_overlapping(box);
    REQUIRE(cells.size() == 128);
    const auto [shards, minishards] = touched(volume.info().scales[0], cells);
    Array a = volume.download(box, 0);
    const auto counts = classify(storage->take(), root, spec.minishard_bits);
    CHECK(sha256_hex(a) == sha256_hex(Volume::open(dir.file("plain")).download(box, 0)));
    CHECK(counts.shard_index == static_cast<int>(shards.size()));
    CHECK(fetched_among(counts, root, volume.info().scales[0], minishards) == minishards.size());
    CHECK(each_read_once(counts));
    CHECK(counts.minishard_index == static_cast<int>(shards.size()));
    // Chunks of a shard share a request unless unrequested chunks between them span more than the
    // 32 KiB gap limit.
    const Vec3 grid = ChunkGrid(volume.info().scales[0]).shape();
    int runs = 0;
    for (const auto& [path, shard] : layout) {
      std::vector<ByteRange> wanted;
      for (const auto& c : cells)
        if (auto it = shard.chunks.find(compressed_morton_code(c, grid)); it != shard.chunks.end())
          wanted.push_back(it->second);
      std::sort(wanted.begin(), wanted.end(),
                [](const ByteRange& x, const ByteRange& y) { return x.begin < y.begin; });
      for (std::size_t i = 0; i < wanted.size(); ++i)
        runs += i == 0 || wanted[i].begin - wanted[i - 1].end > ShardReadOptions{}.max_gap_bytes;
    }
    CHECK(counts.chunk_data == runs);
    CHECK(counts.chunk_data < static_cast<int>(cells.size()) / 10);
    std::printf(
        "512x512x32 cseg: %zu chunks in %zu shards, %zu minishards: %d shard-index + %d "
        "minishard-index + %d chunk requests (minimum %zu + %zu + %zu; %d runs of chunks with gaps "
        "under 32 KiB)\n",
        cells.size(), shards.size(), minishards.size(), counts.shard_index, counts.minishard_index,
        counts.chunk_data, shards.size(), shards.size(), shards.size(), runs);

    // An overlapping cutout needs only the chunk bytes; the indices come from the caches.
    const Bbox shifted{{64, 192, 0}, {576, 704, 32}};
    Array b = volume.download(shifted, 0);
    const auto again = classify(storage->take(), root, spec.minishard_bits);
    CHECK(sha256_hex(b) == sha256_hex(Volume::open(dir.file("plain")).download(shifted, 0)));
    const auto [shards2, minishards2] = touched(
        volume.info().scales[0], ChunkGrid(volume.info().scales[0]).cells_overlapping(shifted));
    std::set<std::uint64_t> new_shards;
    for (auto sh : shards2)
      if (!shards.count(sh)) new_shards.insert(sh);
    std::set<std::pair<std::uint64_t, std::uint64_t>> new_minishards;
    for (auto m : minishards2)
      if (!minishards.count(m)) new_minishards.insert(m);
    CHECK(again.shard_index == static_cast<int>(new_shards.size()));
    CHECK(fetched_among(again, root, volume.info().scales[0], new_minishards) ==
          new_minishards.size());
    CHECK(fetched_among(again, root, volume.info().scales[0], minishards) <=
          again.minishard_coverage.size() - new_minishards.size());
    CHECK(each_read_once(again));
    CHECK(again.minishard_index <= static_cast<int>(new_minishards.size()));
    CHECK(again.minishard_index > 0);
  }
}

TEST_CASE("chunks further apart than the gap limit are fetched with separate requests",
          "[precomputed][sharding]") {
  TempDir dir;
  const auto spec =
      make_spec(ShardHash::kIdentity, 0, 0, 0, ShardEncoding::kRaw, ShardEncoding::kRaw);
  const auto layout =
      imagery::testing::write_sharded_copy(data_path("cloudvolume/image_raw"), dir.file("v"), spec);
  auto storage = std::make_shared<CountingStorage>(dir.file("v"));
  const VolumeInfo info = read_info(*storage, "v");
  const Scale& scale = info.scales[0];  // grid 5x5x3: ids 0..., one shard, one minishard
  const std::vector<Vec3> cells{{0, 0, 0}, {1, 0, 0}, {0, 1, 0}, {1, 1, 0}, {4, 4, 2}};
  // Ids 0..3 are adjacent in the file; the last chunk lies far behind them.
  auto fetch = [&](ShardReadOptions options) {
    ShardCaches caches;
    ShardedChunkSource source(storage, scale, caches, options);
    std::mutex mutex;
    std::map<std::size_t, std::size_t> sizes;
    source.fetch(cells, [&](std::size_t i, std::optional<io::StoredObject> object) {
      REQUIRE(object);
      std::lock_guard lock(mutex);
      sizes[i] = object->bytes.size();
    });
    const auto counts = classify(storage->take(), dir.file("v"), 0);
    CHECK(counts.shard_index == 1);
    CHECK(counts.minishard_index == 1);
    CHECK(sizes.size() == cells.size());
    for (const auto& [i, size] : sizes)
      CHECK(size ==
            static_cast<std::size_t>(ChunkGrid(scale).cell_bounds(cells[i]).size().volume()));
    return counts.chunk_data;
  };
  CHECK(fetch({}) == 2);
  ShardReadOptions huge_gap;
  huge_gap.max_gap_bytes = std::uint64_t{1} << 40;
  CHECK(fetch(huge_gap) == 1);
  ShardReadOptions small_requests;
  small_requests.max_request_bytes = 64 * 64 * 16;  // one full chunk
  CHECK(fetch(small_requests) == 5);
}

TEST_CASE("shards with 2^17 minishards read only the index entries they need",
          "[precomputed][sharding]") {
  TempDir dir;
  const auto spec = make_spec(ShardHash::kMurmurHash3_x86_128, 0, 17, 0, ShardEncoding::kRaw,
                              ShardEncoding::kGzip);
  imagery::testing::write_sharded_copy(data_path("cloudvolume/seg_cseg"), dir.file("v"), spec);
  io::Context::default_context().resource<precomputed::ShardCaches>().clear();
  std::shared_ptr<CountingStorage> storage;
  auto volume = open_counted(dir.file("v"), storage);
  const Scale& scale = volume.info().scales[1];
  Array a = volume.download(scale.bounds(), 1);
  CHECK(sha256_hex(a) == "6c2afe5f4ea11901e047a535a2e665828c52591643c04f8b57ce47f7bfbc0ee2");
  const auto cells = ChunkGrid(scale).cells_overlapping(scale.bounds());
  const auto counts = classify(storage->take(), dir.file("v"), spec.minishard_bits);
  // Each of the 12 chunks has a minishard of its own; their 16-byte entries, not the 2 MiB index,
  // are read, neighbours sharing a request.
  const auto [shards, minishards] = touched(scale, cells);
  REQUIRE(minishards.size() == cells.size());
  CHECK(counts.shard_index <= static_cast<int>(minishards.size()));
  CHECK(counts.shard_index_bytes <= minishards.size() * (16 + ShardReadOptions{}.max_gap_bytes));
  CHECK(fetched_among(counts, dir.file("v"), scale, minishards) == minishards.size());
  CHECK(each_read_once(counts));
}

TEST_CASE("a grid with single-cell axes reads from shards", "[precomputed][sharding]") {
  TempDir dir;
  VolumeInfo info;
  info.type = "image";
  info.data_type = DataType::kUint8;
  Scale s;
  s.key = "k";
  s.size = {40, 200, 10};  // grid 1 x 7 x 1: only y has Morton bits
  s.resolution = {1, 1, 1};
  s.chunk_sizes = {{64, 32, 16}};
  info.scales = {s};
  Array data(DataType::kUint8, {40, 200, 10, 1});
  for (std::int64_t i = 0; i < 40 * 200 * 10; ++i)
    data.bytes()[i] = static_cast<std::byte>(i * 7 % 253);
  VolumeWriter(dir.file("plain"), info).write(data, s.bounds(), 0);
  imagery::testing::write_sharded_copy(
      dir.file("plain"), dir.file("v"),
      make_spec(ShardHash::kIdentity, 1, 1, 1, ShardEncoding::kRaw, ShardEncoding::kRaw));
  // Cell y = g has id g: ids 0,1 -> shard 0 minishard 0; 2,3 -> minishard 1; 4..6 -> shard 1.
  CHECK(fs::exists(dir.file("v") + "/k/0.shard"));
  CHECK(fs::exists(dir.file("v") + "/k/1.shard"));
  CHECK(sha256_hex(Volume::open(dir.file("v")).download(s.bounds(), 0)) == sha256_hex(data));
}

TEST_CASE("concurrent cutouts of one sharded volume agree", "[precomputed][sharding]") {
  io::Context::default_context().resource<precomputed::ShardCaches>().clear();
  auto volume = Volume::open(data_path("cloudvolume/seg_sharded_murmur"));
  std::vector<std::future<std::string>> results;
  for (int t = 0; t < 6; ++t)
    results.push_back(std::async(std::launch::async, [&volume, t] {
      const int mip = t % 2;
      return sha256_hex(volume.download(volume.info().scales[mip].bounds(), mip));
    }));
  for (int t = 0; t < 6; ++t)
    CHECK(results[t].get() ==
          (t % 2 ? "6c2afe5f4ea11901e047a535a2e665828c52591643c04f8b57ce47f7bfbc0ee2"
                 : "88f68c0c82dd214c72934f973b8256f7e80a57dfc3506dc725e26ae71ef18afd"));
}

TEST_CASE("shard caches drop the least recently used entries beyond their budget",
          "[precomputed][sharding]") {
  LruCache<int> cache(3 * (100 + 96 + 1));  // three one-letter keys of 100 bytes each
  for (const char* key : {"a", "b", "c"}) cache.put(key, std::make_shared<const int>(key[0]), 100);
  CHECK(cache.entries() == 3);
  CHECK(cache.get("a"));  // a is now the most recent
  cache.put("d", std::make_shared<const int>('d'), 100);
  CHECK(cache.entries() == 3);
  CHECK_FALSE(cache.get("b"));
  CHECK(*cache.get("a") == 'a');
  CHECK(cache.get("c"));
  CHECK(cache.get("d"));
  cache.put("huge", std::make_shared<const int>(0), 10000);  // larger than the budget: not kept
  CHECK_FALSE(cache.get("huge"));
  CHECK(cache.entries() == 3);
  cache.set_budget(0);
  CHECK(cache.entries() == 0);
  CHECK(cache.size_bytes() == 0);
}
