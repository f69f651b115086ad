// OME-Zarr benchmark (issue 16): a 1024x1024x16 uint8 cutout from OME-Zarr, Zarr v2 with blosc-lz4
// (byte shuffle, chunks 16x128x128) and Zarr v3 sharded zstd (shards 16x512x512 of inner chunks
// 16x128x128, zstd level 3), against the same voxels from the precomputed raw+gzip benchmark
// volume (chunks 128x128x16, gzip level 6), through open_volume + read in process, warm page
// cache; then the decode rate of each codec on one 128x128x16 chunk of the same voxels, in MB/s
// of decoded bytes on one thread. The OME-Zarr copies are written once under the data folder from
// the benchmark volumes' voxels (bench/common/bench_volumes.h) with the zarr layer's own encoder.
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "bench/common/bench_context.h"
#include "bench/common/bench_volumes.h"
#include "imagery/io/context.h"
#include "imagery/volume/open_volume.h"
#include "imagery/zarr/chunk_codec.h"
#include "imagery/zarr/compressors.h"
#include "imagery/zarr/shard_index.h"

using namespace imagery;
using Clock = std::chrono::steady_clock;
namespace fs = std::filesystem;

namespace {

// The cutout of local_cutout's raw+gzip case: x, y 512..1536, z 16..32 of the benchmark volume.
constexpr std::int64_t kX0 = 512, kY0 = 512, kZ0 = 16, kW = 1024, kH = 1024, kD = 16;

void write_text(const std::string& path, const std::string& text) {
  fs::create_directories(fs::path(path).parent_path());
  std::ofstream(path, std::ios::binary) << text;
}

void write_bytes(const std::string& path, std::span<const std::byte> bytes) {
  fs::create_directories(fs::path(path).parent_path());
  std::ofstream(path, std::ios::binary)
      .write(reinterpret_cast<const char*>(bytes.data()),
             static_cast<std::streamsize>(bytes.size()));
}

// The voxels of one 16x128x128 (z, y, x) block at block origin (x0, y0) of the cutout, C order.
std::vector<std::byte> block(std::int64_t x0, std::int64_t y0) {
  std::vector<std::byte> out(16 * 128 * 128);
  std::size_t i = 0;
  for (std::int64_t z = 0; z < 16; ++z)
    for (std::int64_t y = 0; y < 128; ++y)
      for (std::int64_t x = 0; x < 128; ++x)
        out[i++] =
            static_cast<std::byte>(bench::volume_grey_at(kX0 + x0 + x, kY0 + y0 + y, kZ0 + z));
  return out;
}

// Translation in micrometres so that the OME-Zarr's voxel offset is the cutout's corner at 8 nm
// (x, y) and 40 nm (z), the benchmark volume's resolution.
std::string group_attributes(int format) {
  const std::string ms =
      R"({"version": ")" + std::string(format == 3 ? "0.5" : "0.4") +
      R"(", "name": "bench", "axes": [{"name": "z", "type": "space", "unit": "nanometer"},
        {"name": "y", "type": "space", "unit": "nanometer"},
        {"name": "x", "type": "space", "unit": "nanometer"}],
       "datasets": [{"path": "0", "coordinateTransformations": [
        {"type": "scale", "scale": [40, 8, 8]},
        {"type": "translation", "translation": [640, 4096, 4096]}]}]})";
  if (format == 2) return R"({"multiscales": [)" + ms + "]}";
  return R"({"zarr_format": 3, "node_type": "group", "attributes": {"ome": {"version": "0.5",
         "multiscales": [)" +
         ms + "]}}}";
}

void write_v2(const std::string& root) {
  write_text(root + "/.zgroup", R"({"zarr_format": 2})");
  write_text(root + "/.zattrs", group_attributes(2));
  write_text(root + "/0/.zarray",
             R"({"zarr_format": 2, "shape": [16, 1024, 1024], "chunks": [16, 128, 128],
                 "dtype": "|u1", "order": "C", "fill_value": 0, "filters": null,
                 "dimension_separator": "/", "compressor": {"id": "blosc", "cname": "lz4",
                 "clevel": 5, "shuffle": 1, "blocksize": 0}})");
  for (std::int64_t by = 0; by < 8; ++by)
    for (std::int64_t bx = 0; bx < 8; ++bx) {
      zarr::CompressOptions o;
      o.blosc_cname = "lz4";
      const Bytes c =
          zarr::apply_bytes_codec(zarr::Codec::Kind::kBlosc, block(bx * 128, by * 128), o);
      write_bytes(root + "/0/0/" + std::to_string(by) + "/" + std::to_string(bx), c);
    }
}

void write_v3(const std::string& root) {
  write_text(root + "/zarr.json", group_attributes(3));
  write_text(root + "/0/zarr.json",
             R"({"zarr_format": 3, "node_type": "array", "shape": [16, 1024, 1024],
                 "data_type": "uint8", "fill_value": 0,
                 "chunk_grid": {"name": "regular", "configuration": {"chunk_shape": [16, 512, 512]}},
                 "chunk_key_encoding": {"name": "default"},
                 "codecs": [{"name": "sharding_indexed", "configuration": {
                   "chunk_shape": [16, 128, 128],
                   "codecs": [{"name": "bytes", "configuration": {"endian": "little"}},
                              {"name": "zstd", "configuration": {"level": 3, "checksum": false}}],
                   "index_codecs": [{"name": "bytes", "configuration": {"endian": "little"}},
                                    {"name": "crc32c"}],
                   "index_location": "end"}}]})");
  zarr::ShardingCodec sh;
  sh.chunk_shape = {16, 128, 128};
  sh.index_codecs.resize(2);
  sh.index_codecs[1].kind = zarr::Codec::Kind::kCrc32c;
  for (std::int64_t sy = 0; sy < 2; ++sy)
    for (std::int64_t sx = 0; sx < 2; ++sx) {
      std::vector<std::optional<Bytes>> chunks;
      for (std::int64_t iy = 0; iy < 4; ++iy)
        for (std::int64_t ix = 0; ix < 4; ++ix) {
          zarr::CompressOptions o;
          o.level = 3;
          chunks.push_back(zarr::apply_bytes_codec(
              zarr::Codec::Kind::kZstd, block((sx * 4 + ix) * 128, (sy * 4 + iy) * 128), o));
        }
      write_bytes(root + "/0/c/0/" + std::to_string(sy) + "/" + std::to_string(sx),
                  zarr::build_shard(sh, chunks));
    }
}

std::string ensure(const std::string& data, const std::string& name,
                   void (*write)(const std::string&)) {
  const std::string root = data + "/" + name;
  if (!fs::exists(root + "/.complete")) {
    fs::remove_all(root);
    write(root);
    write_text(root + "/.complete", "");
  }
  return root;
}

struct Timing {
  double ms = 0;
  std::string sha;
};

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: zarr_bench DATA_DIR [REPEATS]\n");
    return 2;
  }
  const std::string data = argv[1];
  const int repeats = argc > 2 ? std::atoi(argv[2]) : 15;
  bench::ensure_bench_volumes(data);
  const std::string v2 = ensure(data, "zarr_v2_blosc_lz4.zarr", write_v2);
  const std::string v3 = ensure(data, "zarr_v3_sharded_zstd.zarr", write_v3);
  bench::print_bench_context("zarr");

  struct Case {
    const char* name;
    std::string url;
  };
  const Case cases[] = {
      {"precomputed raw+gzip", data + "/image_raw_gzip"},
      {"OME-Zarr v2 blosc-lz4", v2},
      {"OME-Zarr v3 sharded zstd", v3},
  };
  std::printf(
      "uint8 cutout 1024x1024x16 (x, y %lld..%lld, z %lld..%lld), %d repeats, warm page "
      "cache, in process (open_volume + read), %zu threads\n",
      static_cast<long long>(kX0), static_cast<long long>(kX0 + kW), static_cast<long long>(kZ0),
      static_cast<long long>(kZ0 + kD), repeats, io::Context::default_context().pool().size());
  std::printf("%-28s %10s %10s %8s %s\n", "source", "median ms", "MB/s", "ratio", "same voxels");
  double base = 0;
  std::vector<std::byte> reference;
  for (const Case& c : cases) {
    io::Context& context = io::Context::default_context();
    const auto volume = volume::open_volume(c.url, context);
    const Bbox box{{kX0, kY0, kZ0}, {kX0 + kW, kY0 + kH, kZ0 + kD}};
    Array first = volume->read(box, 0, {});  // warm the page cache
    std::vector<double> ms;
    for (int i = 0; i < repeats; ++i) {
      const auto t0 = Clock::now();
      Array a = volume->read(box, 0, {});
      ms.push_back(bench::ms_since(t0));
    }
    const double med = bench::median(ms);
    if (base == 0) base = med;
    bool same = true;
    if (reference.empty())
      reference.assign(first.bytes(), first.bytes() + first.size_bytes());
    else
      same = first.size_bytes() == reference.size() &&
             std::memcmp(first.bytes(), reference.data(), reference.size()) == 0;
    std::printf("%-28s %10.1f %10.0f %8.2f %s\n", c.name, med,
                static_cast<double>(kW * kH * kD) / 1e6 / (med / 1e3), med / base,
                same ? "yes" : "NO");
  }

  // Decode throughput per codec: one 16x128x128 uint8 chunk of the same voxels, one thread.
  std::printf("\ndecode of one 16x128x128 uint8 chunk (256 KiB) on one thread, median of %d\n",
              repeats);
  std::printf("%-32s %10s %8s %10s\n", "codec", "stored", "ratio", "MB/s");
  const std::vector<std::byte> raw = block(256, 256);
  struct CodecCase {
    const char* name;
    zarr::Codec::Kind kind;
    std::string cname;
    int shuffle;
    bool present;  // false: bytes only
  };
  const CodecCase codecs[] = {
      {"bytes (raw)", zarr::Codec::Kind::kBytes, "", 0, false},
      {"zlib/gzip level 5", zarr::Codec::Kind::kGzip, "", 0, true},
      {"zstd level 5", zarr::Codec::Kind::kZstd, "", 0, true},
      {"lz4", zarr::Codec::Kind::kLz4, "", 0, true},
      {"blosc lz4 shuffle", zarr::Codec::Kind::kBlosc, "lz4", 1, true},
      {"blosc lz4 bitshuffle", zarr::Codec::Kind::kBlosc, "lz4", 2, true},
      {"blosc lz4hc shuffle", zarr::Codec::Kind::kBlosc, "lz4hc", 1, true},
      {"blosc zstd shuffle", zarr::Codec::Kind::kBlosc, "zstd", 1, true},
      {"blosc zlib shuffle", zarr::Codec::Kind::kBlosc, "zlib", 1, true},
      {"blosc blosclz shuffle", zarr::Codec::Kind::kBlosc, "blosclz", 1, true},
      {"crc32c", zarr::Codec::Kind::kCrc32c, "", 0, true},
  };
  const std::vector<std::int64_t> shape{16, 128, 128};
  for (const CodecCase& cc : codecs) {
    std::vector<zarr::Codec> pipeline(1);
    if (cc.present) {
      zarr::Codec c;
      c.kind = cc.kind;
      pipeline.push_back(c);
    }
    zarr::CompressOptions o;
    o.blosc_cname = cc.cname.empty() ? "lz4" : cc.cname;
    o.shuffle = cc.shuffle;
    const Bytes stored = zarr::encode_chunk(raw, pipeline, shape, DataType::kUint8, o);
    std::vector<double> ms;
    const int inner = 20;
    for (int i = 0; i < repeats; ++i) {
      const auto t0 = Clock::now();
      for (int k = 0; k < inner; ++k) {
        const zarr::DecodedChunk d =
            zarr::decode_chunk(stored, pipeline, shape, DataType::kUint8, "bench");
        if (d.data.size() != raw.size()) return 1;
      }
      ms.push_back(bench::ms_since(t0) / inner);
    }
    const double med = bench::median(ms);
    std::printf("%-32s %10zu %8.2f %10.0f\n", cc.name, stored.size(),
                static_cast<double>(raw.size()) / static_cast<double>(stored.size()),
                static_cast<double>(raw.size()) / 1e6 / (med / 1e3));
  }
  return 0;
}
