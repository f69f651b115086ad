// One table of hostile inputs across every parser imagery exposes to data it
// does not control: info JSON, chunks of each encoding with their declared
// geometry, gzip, shard and minishard indices, .npy files, source URLs,
// colours, CLI bounds and mips. Each must end in exactly the expected error
// code with a message that names the input (file, URL or flag); the CLI cases
// also check the exit code, one line on stderr and that no output was left.
#include <catch2/catch.hpp>
#include <filesystem>
#include <functional>

#include "imagery/cli/arguments.h"
#include "imagery/core/error.h"
#include "imagery/core/npy.h"
#include "imagery/core/png.h"
#include "imagery/io/gzip.h"
#include "imagery/palettes/palette.h"
#include "imagery/palettes/parse_color.h"
#include "imagery/precomputed/internal/codec_jpeg.h"
#include "imagery/precomputed/internal/compressed_segmentation.h"
#include "imagery/precomputed/internal/shard_cache.h"
#include "imagery/precomputed/internal/shard_index.h"
#include "imagery/precomputed/source_url.h"
#include "imagery/precomputed/volume.h"
#include "imagery/volume/internal/precomputed_driver.h"
#include "imagery/volume/mip.h"
#include "support/test_support.h"

using namespace imagery;
using namespace imagery::precomputed;
using imagery::testing::TempDir;
using imagery::testing::write_file;
namespace fs = std::filesystem;

namespace {

const std::string kInfoUrl = "https://host.example/vol/info";

// An info document with one scale; `scale_extra` and `extra` add members to the scale and the top.
std::string info(const std::string& dtype = "uint8", const std::string& encoding = "raw",
                 int channels = 1, const std::string& size = "[8, 8, 1]",
                 const std::string& chunk = "[8, 8, 1]", const std::string& scale_extra = "",
                 const std::string& extra = "", const std::string& type = "image",
                 const std::string& key = "k", const std::string& resolution = "[4, 4, 40]") {
  return R"({"type": ")" + type + R"(", "data_type": ")" + dtype + R"(", "num_channels": )" +
         std::to_string(channels) + extra + R"(, "scales": [{"key": ")" + key + R"(", "size": )" +
         size + R"(, "resolution": )" + resolution + R"(, "chunk_sizes": [)" + chunk +
         R"(], "encoding": ")" + encoding + "\"" + scale_extra + "}]}";
}

std::string seg_info(const std::string& dtype, const std::string& encoding,
                     const std::string& scale_extra = "") {
  return info(dtype, encoding, 1, "[8, 8, 1]", "[8, 8, 1]", scale_extra, "", "segmentation");
}

Bytes bytes_of(const std::string& s) {
  return Bytes(reinterpret_cast<const std::byte*>(s.data()),
               reinterpret_cast<const std::byte*>(s.data()) + s.size());
}

Bytes le32(std::initializer_list<std::uint32_t> words) {
  Bytes b;
  for (auto w : words)
    for (int i = 0; i < 4; ++i) b.push_back(static_cast<std::byte>(w >> (8 * i)));
  return b;
}

Bytes le64(std::initializer_list<std::uint64_t> words) {
  Bytes b;
  for (auto w : words)
    for (int i = 0; i < 8; ++i) b.push_back(static_cast<std::byte>(w >> (8 * i)));
  return b;
}

// Writes DIR/vol/info and DIR/vol/k/<chunk name> (the one chunk of an 8x8x1 volume) and reads
// the whole volume. Returns the chunk file, which the message must name.
std::string read_chunk_file(const TempDir& dir, const std::string& info_json, const Bytes& chunk,
                            const std::string& suffix = "") {
  fs::create_directories(dir.path() / "vol" / "k");
  write_file(dir.file("vol/info"), info_json);
  const std::string path = dir.file("vol/k/0-8_0-8_0-1") + suffix;
  write_file(path, chunk);
  auto volume = Volume::open(dir.file("vol"));
  volume.download(volume.info().scales[0].bounds(), 0);
  return path;
}

Bytes jpeg(int width_x, int height_yz, int channels) {
  std::vector<std::uint8_t> pixels(static_cast<std::size_t>(width_x) * height_yz * channels, 9);
  return encode_jpeg_chunk(pixels.data(), {width_x, height_yz, 1}, channels, 90);
}

Bytes png(std::uint32_t w, std::uint32_t h, int channels, int depth) {
  Bytes pixels(static_cast<std::size_t>(w) * h * channels * (depth / 8), std::byte{3});
  return encode_png(pixels, w, h, channels, depth);
}

// A PNG whose IHDR claims `w` x `h` pixels, with no image data at all.
Bytes png_header_only(std::uint32_t w, std::uint32_t h) {
  Bytes p = png(1, 1, 1, 8);
  for (int i = 0; i < 4; ++i) {
    p[16 + i] = static_cast<std::byte>(w >> (8 * (3 - i)));
    p[20 + i] = static_cast<std::byte>(h >> (8 * (3 - i)));
  }
  // Fix the IHDR CRC so that only the size is a lie.
  const std::uint32_t crc = [&] {
    std::uint32_t c = 0xffffffffu;
    for (int i = 12; i < 29; ++i) {
      c ^= std::to_integer<std::uint32_t>(p[i]);
      for (int k = 0; k < 8; ++k) c = c & 1 ? (c >> 1) ^ 0xedb88320u : c >> 1;
    }
    return c ^ 0xffffffffu;
  }();
  for (int i = 0; i < 4; ++i) p[29 + i] = static_cast<std::byte>(crc >> (8 * (3 - i)));
  return p;
}

// 64 MB of zeros in about 64 KB of gzip, made once per process.
const Bytes& gzip_bomb() {
  static const Bytes bomb = io::gzip_compress(Bytes(64 << 20));
  return bomb;
}

Bytes npy(const std::string& dict, std::size_t data_bytes) {
  std::string header = "\x93NUMPY\x01\x00";
  std::string d = dict;
  while ((10 + d.size() + 1) % 64 != 0) d += ' ';
  d += '\n';
  header += static_cast<char>(d.size() & 0xff);
  header += static_cast<char>(d.size() >> 8);
  Bytes out = bytes_of(header + d);
  out.resize(out.size() + data_bytes);
  return out;
}

// A sharded uint8 raw 8x8x1 scale whose one shard file is `shard`; reads it whole.
std::string read_shard_file(const TempDir& dir, const Bytes& shard,
                            const std::string& index_encoding = "raw") {
  const std::string sharding =
      R"(, "sharding": {"@type": "neuroglancer_uint64_sharded_v1", "hash": "identity",
      "preshift_bits": 0, "minishard_bits": 0, "shard_bits": 0, "minishard_index_encoding": ")" +
      index_encoding + "\"}";
  fs::create_directories(dir.path() / "vol" / "k");
  write_file(dir.file("vol/info"), info("uint8", "raw", 1, "[8, 8, 1]", "[8, 8, 1]", sharding));
  write_file(dir.file("vol/k/0.shard"), shard);
  io::Context::default_context().resource<precomputed::ShardCaches>().clear();
  auto volume = Volume::open(dir.file("vol"));
  volume.download(volume.info().scales[0].bounds(), 0);
  return dir.file("vol/k/0.shard");
}

struct Hostile {
  std::string name;
  ErrorCode code;
  // Feeds the input to its parser (which must throw) after setting `names` to the text the
  // message must contain.
  std::function<void(const TempDir& dir, std::string& names)> run;
};

std::vector<Hostile> library_cases() {
  auto parse = [](const std::string& json, const std::string& field) {
    return [json, field](const TempDir&, std::string& names) {
      names = "info " + kInfoUrl + ": " + field;
      parse_info(json, kInfoUrl);
    };
  };
  auto chunk = [](std::string info_json, Bytes bytes, std::string suffix = "") {
    return [=](const TempDir& dir, std::string& names) {
      names = dir.file("vol/k/0-8_0-8_0-1") + suffix;
      read_chunk_file(dir, info_json, bytes, suffix);
    };
  };
  auto shard = [](Bytes bytes, std::string index_encoding = "raw") {
    return [=](const TempDir& dir, std::string& names) {
      names = dir.file("vol/k/0.shard");
      read_shard_file(dir, bytes, index_encoding);
    };
  };
  auto npy_case = [](Bytes bytes) {
    return [=](const TempDir&, std::string& names) {
      names = "in.npy";
      decode_npy(bytes, "in.npy");
    };
  };
  auto url = [](std::string text) {
    return [=](const TempDir&, std::string& names) {
      names = text.empty() ? "source" : text;
      parse_source_url(text);
    };
  };
  auto colour = [](std::string text) {
    return [=](const TempDir&, std::string& names) {
      names = "--color";
      palettes::parse_color(text, "--color");
    };
  };
  auto bounds = [](std::string text) {
    return [=](const TempDir&, std::string& names) {
      names = "--bounds";
      cli::parse_bounds(text, "--bounds");
    };
  };
  const std::string deep_nesting = "{\"type\": " + std::string(100000, '[') + "]}";
  const std::uint64_t tib = std::uint64_t{1} << 40;
  using E = ErrorCode;
  return {
      // info JSON
      {"info that is not JSON", E::kDataLoss, parse("{\"type\": ", "not valid JSON")},
      {"info that is a JSON array", E::kDataLoss, parse("[1, 2]", "expected a JSON object")},
      {"info nested 100000 deep", E::kDataLoss, parse(deep_nesting, "")},
      {"info without scales", E::kDataLoss,
       parse(R"({"type": "image", "data_type": "uint8", "num_channels": 1})", "scales")},
      {"info with a size of 2^62 voxels", E::kDataLoss,
       parse(info("uint8", "raw", 1, "[4611686018427387904, 1, 1]"), "scales[0].size")},
      {"info with a voxel offset of -2^62", E::kDataLoss,
       parse(info("uint8", "raw", 1, "[8, 8, 1]", "[8, 8, 1]",
                  R"(, "voxel_offset": [-4611686018427387904, 0, 0])"),
             "scales[0].size")},
      {"info with a chunk size of 0", E::kDataLoss,
       parse(info("uint8", "raw", 1, "[8, 8, 1]", "[0, 8, 1]"), "scales[0].chunk_sizes[0][0]")},
      {"info with chunks of 2^40 voxels of uint64", E::kDataLoss,
       parse(info("uint64", "raw", 1, "[8, 8, 1]", "[1099511627776, 1, 1]"),
             "scales[0].chunk_sizes[0]: a chunk of [1099511627776, 1, 1]")},
      {"info with a billion channels", E::kDataLoss,
       parse(info("uint8", "raw", 1000000000), "num_channels")},
      {"info whose channels make chunks of 2^46 bytes", E::kDataLoss,
       parse(info("uint8", "raw", 65536, "[1024, 1024, 1024]", "[1024, 1024, 1024]"),
             "scales[0].chunk_sizes[0]")},
      {"info with a negative resolution", E::kDataLoss,
       parse(info("uint8", "raw", 1, "[8, 8, 1]", "[8, 8, 1]", "", "", "image", "k", "[-4, 4, 40]"),
             "scales[0].resolution[0]")},
      {"info with a resolution of 1e300 nm", E::kDataLoss,
       parse(info("uint8", "raw", 1, "[8, 8, 1]", "[8, 8, 1]", "", "", "image", "k",
                  "[4, 1e300, 40]"),
             "scales[0].resolution[1]")},
      // Writer hints are untrusted doubles: range-checked before any cast to int.
      {"info with a jpeg_quality of 1e300", E::kDataLoss,
       parse(info("uint8", "jpeg", 1, "[8, 8, 1]", "[8, 8, 1]", R"(, "jpeg_quality": 1e300)"),
             "scales[0].jpeg_quality")},
      {"info with a png_level of -5", E::kDataLoss,
       parse(info("uint8", "png", 1, "[8, 8, 1]", "[8, 8, 1]", R"(, "png_level": -5)"),
             "scales[0].png_level")},
      {"info with a png_level of 2.5", E::kDataLoss,
       parse(info("uint8", "png", 1, "[8, 8, 1]", "[8, 8, 1]", R"(, "png_level": 2.5)"),
             "scales[0].png_level")},
      {"info with a jpeg_quality that is a string", E::kDataLoss,
       parse(info("uint8", "jpeg", 1, "[8, 8, 1]", "[8, 8, 1]", R"(, "jpeg_quality": "85")"),
             "scales[0].jpeg_quality")},
      {"info with a scale key '../x'", E::kDataLoss,
       parse(info("uint8", "raw", 1, "[8, 8, 1]", "[8, 8, 1]", "", "", "image", "../x"),
             "scales[0].key: '../x' leaves the volume")},
      {"info with a scale key '%2e%2e/x'", E::kDataLoss,
       parse(info("uint8", "raw", 1, "[8, 8, 1]", "[8, 8, 1]", "", "", "image", "%2e%2e/x"),
             "scales[0].key")},
      {"info with a scale key that is a URL", E::kDataLoss,
       parse(info("uint8", "raw", 1, "[8, 8, 1]", "[8, 8, 1]", "", "", "image", "https://evil/x"),
             "scales[0].key")},
      {"info with an absolute mesh path", E::kDataLoss,
       parse(info("uint64", "raw", 1, "[8, 8, 1]", "[8, 8, 1]", "", R"(, "mesh": "/etc")",
                  "segmentation"),
             "mesh: '/etc' leaves the volume")},
      {"info with compressed_segmentation blocks of 2^33 voxels", E::kDataLoss,
       parse(seg_info("uint32", "compressed_segmentation",
                      R"(, "compressed_segmentation_block_size": [65536, 65536, 2])"),
             "scales[0].compressed_segmentation_block_size")},
      {"info with minishard_bits 65", E::kDataLoss,
       parse(seg_info("uint64", "raw", R"(, "sharding": {"@type": "neuroglancer_uint64_sharded_v1",
             "hash": "identity", "preshift_bits": 0, "minishard_bits": 65, "shard_bits": 0})"),
             "scales[0].sharding.minishard_bits")},
      {"info whose chunk grid needs more than 64 Morton bits", E::kDataLoss,
       parse(info("uint64", "raw", 1, "[4503599627370496, 4503599627370496, 4503599627370496]",
                  "[1, 1, 1]", R"(, "sharding": {"@type": "neuroglancer_uint64_sharded_v1",
             "hash": "identity", "preshift_bits": 0, "minishard_bits": 0, "shard_bits": 0})",
                  "", "segmentation"),
             "scales[0].sharding")},
      {"info with an unknown encoding", E::kDataLoss,
       parse(info("uint8", "zstd-magic"), "scales[0].encoding")},
      {"info with an unknown data type", E::kDataLoss, parse(info("complex128"), "data_type")},
      {"info with a newline in a string", E::kDataLoss,
       parse(info("uint8", "raw\\nimagery: fake second line"), "scales[0].encoding")},
      // raw, jpeg and png chunks against their declared geometry
      {"raw chunk one byte short", E::kDataLoss, chunk(info(), Bytes(63))},
      {"raw chunk of 2-channel float32 with 1 channel's bytes", E::kDataLoss,
       chunk(info("float32", "raw", 2), Bytes(64 * 4))},
      {"jpeg chunk of 16x16 pixels for an 8x8x1 chunk", E::kDataLoss,
       chunk(info("uint8", "jpeg"), jpeg(16, 16, 1))},
      {"jpeg chunk in colour for a grey volume", E::kDataLoss,
       chunk(info("uint8", "jpeg"), jpeg(8, 8, 3))},
      {"jpeg chunk cut in half", E::kDataLoss,
       chunk(info("uint8", "jpeg"),
             [] {
               Bytes j = jpeg(8, 8, 1);
               j.resize(j.size() / 2);
               return j;
             }())},
      {"png chunk of 8x16 pixels for an 8x8x1 chunk", E::kDataLoss,
       chunk(info("uint8", "png"), png(8, 16, 1, 8))},
      {"png chunk with 16-bit samples for uint8", E::kDataLoss,
       chunk(info("uint8", "png"), png(8, 8, 1, 16))},
      {"png chunk with 3 channels for 1", E::kDataLoss,
       chunk(info("uint8", "png"), png(8, 8, 3, 8))},
      {"png chunk whose header claims 100000x100000 pixels", E::kDataLoss,
       chunk(info("uint8", "png"), png_header_only(100000, 100000))},
      // compressed_segmentation
      {"compressed_segmentation channel offset past the data", E::kDataLoss,
       chunk(seg_info("uint32", "compressed_segmentation"), le32({1000, 0, 0}))},
      {"compressed_segmentation with 3 encoded bits", E::kDataLoss,
       chunk(seg_info("uint32", "compressed_segmentation"), le32({1, (3u << 24) | 3, 3, 0, 0}))},
      {"compressed_segmentation lookup table past the data", E::kDataLoss,
       chunk(seg_info("uint32", "compressed_segmentation"), le32({1, 1000, 2, 7}))},
      {"compressed_segmentation index past its lookup table", E::kDataLoss,
       chunk(seg_info("uint32", "compressed_segmentation"),
             le32({1, (1u << 24) | 4, 2, 0xffffffffu, 0xffffffffu, 7}))},
      {"compressed_segmentation not a multiple of 4 bytes", E::kDataLoss,
       chunk(seg_info("uint64", "compressed_segmentation"), Bytes(13))},
      {"compressed_segmentation block size of 2^63 voxels", E::kDataLoss,
       [](const TempDir&, std::string& names) {
         names = "chunk /vol/k/0-8_0-8_0-1";
         Array out = Array::zeros(DataType::kUint32, {8, 8, 1, 1});
         const Bbox box{{0, 0, 0}, {8, 8, 1}};
         decode_compressed_segmentation_chunk(le32({1, (1u << 24) | 2, 2, 0, 0, 7}),
                                              {&out, box, box}, 1,
                                              {1 << 21, std::int64_t{1} << 21, 1 << 21}, names);
       }},
      // gzip
      {"gzip chunk with a damaged body", E::kDataLoss,
       chunk(
           info(),
           [] {
             Bytes g = io::gzip_compress(Bytes(64, std::byte{1}));
             for (std::size_t i = 10; i < g.size() - 8; ++i) g[i] = std::byte{0xff};
             return g;
           }(),
           ".gz")},
      {"gzip chunk cut short", E::kDataLoss,
       chunk(
           info(),
           [] {
             Bytes g = io::gzip_compress(Bytes(64, std::byte{1}));
             g.resize(g.size() - 6);
             return g;
           }(),
           ".gz")},
      {"gzip chunk inflating to 64 MB for 64 bytes", E::kResourceExhausted,
       chunk(info(), gzip_bomb(), ".gz")},
      {"gzip with a wrong checksum", E::kDataLoss,
       [](const TempDir&, std::string& names) {
         names = "blob.gz";
         Bytes g = io::gzip_compress(bytes_of("hello hello hello"));
         g[g.size() - 8] ^= std::byte{1};
         io::gunzip(g, "blob.gz");
       }},
      // shard index and minishard index
      {"shard file shorter than its shard index", E::kDataLoss, shard(Bytes(7))},
      {"shard index entry starting after its end", E::kDataLoss, shard(le64({24, 0}))},
      {"shard index pointing at a minishard index 1 TiB in", E::kDataLoss,
       shard(le64({tib, tib + 24}))},
      {"minishard index pointing at a chunk 1 TiB in", E::kDataLoss,
       shard(le64({0, 24, 0, tib, 64}))},
      {"minishard index of 25 bytes", E::kDataLoss, shard([] {
         Bytes b = le64({0, 25});
         b.resize(16 + 25);
         return b;
       }())},
      {"minishard index whose offsets pass 2^64", E::kDataLoss,
       shard(le64({0, 48, 0, 1, ~std::uint64_t{0}, 0, 16, 16}))},
      {"minishard index listing a chunk id twice", E::kDataLoss,
       shard(le64({0, 48, 0, 0, 0, 0, 64, 64}))},
      {"minishard index claiming a 2^50-byte chunk", E::kDataLoss,
       shard(le64({0, 24, 0, 0, std::uint64_t{1} << 50}))},
      {"gzip minishard index that is not gzip", E::kDataLoss,
       shard(le64({0, 24, 1, 2, 3}), "gzip")},
      // .npy
      {".npy without magic", E::kInvalidArgument, npy_case(bytes_of("PK\x03\x04 not numpy"))},
      {".npy whose header runs past the file", E::kInvalidArgument,
       npy_case(bytes_of(std::string("\x93NUMPY\x01\x00\xff\xff{", 11)))},
      {".npy with a shape overflowing 64 bits", E::kInvalidArgument,
       npy_case(npy(
           "{'descr': '<u1', 'fortran_order': True, 'shape': (4294967296, 4294967296, 2), }", 0))},
      {".npy shorter than its shape", E::kInvalidArgument,
       npy_case(npy("{'descr': '<u2', 'fortran_order': False, 'shape': (10, 10), }", 199))},
      {".npy of complex numbers", E::kInvalidArgument,
       npy_case(npy("{'descr': '<c16', 'fortran_order': False, 'shape': (2,), }", 32))},
      {".npy with 5 axes", E::kInvalidArgument,
       npy_case(npy("{'descr': '|u1', 'fortran_order': False, 'shape': (1, 1, 1, 1, 1), }", 1))},
      {".npy with a negative axis", E::kInvalidArgument,
       npy_case(npy("{'descr': '|u1', 'fortran_order': False, 'shape': (-1, 2), }", 2))},
      {".npy file that does not exist", E::kNotFound,
       [](const TempDir& dir, std::string& names) {
         names = dir.file("missing.npy");
         read_npy(names);
       }},
      // source URLs
      {"source with an ftp:// URL", E::kInvalidArgument, url("ftp://host/vol")},
      {"source gs:// without a bucket", E::kInvalidArgument, url("precomputed://gs://")},
      {"source s3:// without a path", E::kInvalidArgument, url("s3://")},
      {"source in another format", E::kInvalidArgument, url("gs://bucket/vol|zarr2:")},
      {"empty source", E::kInvalidArgument, url("")},
      // colours
      {"colour #12345", E::kInvalidArgument, colour("#12345")},
      {"colour #gggggg", E::kInvalidArgument, colour("#gggggg")},
      {"colour 1.5,0,0", E::kInvalidArgument, colour("1.5,0,0")},
      {"colour nan,0,0", E::kInvalidArgument, colour("nan,0,0")},
      {"colour named notacolour", E::kInvalidArgument, colour("notacolour")},
      {"palette that does not exist", E::kInvalidArgument,
       [](const TempDir&, std::string& names) {
         names = "nosuchpalette";
         palettes::discrete_colors("nosuchpalette", 3);
       }},
      // CLI bounds and mips
      {"bounds with three numbers", E::kInvalidArgument, bounds("1,2,3")},
      {"bounds of zero width", E::kInvalidArgument, bounds("0,0,0,0,1,1")},
      {"bounds that are not numbers", E::kInvalidArgument, bounds("a,b,c,d,e,f")},
      {"bounds beyond 2^60", E::kInvalidArgument, bounds("0,0,0,2305843009213693953,1,1")},
      {"bounds beyond 64 bits", E::kInvalidArgument, bounds("0,0,0,99999999999999999999,1,1")},
      {"mip that does not exist", E::kNotFound,
       [](const TempDir&, std::string& names) {
         names = "--mip";
         volume::PrecomputedDriver driver(precomputed::Volume(
             nullptr, parse_info(info(), "info"), "vol", io::Context::default_context()));
         cli::with_flag("--mip", [&] {
           return volume::select_mip(driver.metadata(), volume::MipSelector::parse("9"));
         });
       }},
  };
}

}  // namespace

TEST_CASE("hostile inputs end in the expected error naming the input", "[hardening][hostile]") {
  const auto cases = library_cases();
  CHECK(cases.size() >= 40);
  for (const auto& c : cases) {
    DYNAMIC_SECTION(c.name) {
      TempDir dir;
      std::string names;
      try {
        c.run(dir, names);
        FAIL("no error for: " << c.name);
      } catch (const Error& e) {
        INFO("message: " << e.what());
        CHECK(error_code_name(e.code()) == error_code_name(c.code));
        CHECK_THAT(e.what(), Catch::Contains(names));
        CHECK(std::string(e.what()).find('\n') == std::string::npos);
      }
    }
  }
}

namespace {
struct CliCase {
  std::string name;
  int exit_code;
  std::string names;  // what stderr must contain
  std::vector<std::string> args;
};
}  // namespace

TEST_CASE("hostile inputs on the command line exit with one line and leave no output",
          "[hardening][hostile][cli]") {
  TempDir dir;
  fs::create_directories(dir.path() / "escape");
  write_file(dir.file("escape/info"),
             info("uint8", "raw", 1, "[8, 8, 1]", "[8, 8, 1]", "", "", "image", "../../etc"));
  fs::create_directories(dir.path() / "twolines");
  write_file(dir.file("twolines/info"), info("uint8", "raw\\nimagery: ok"));
  fs::create_directories(dir.path() / "bomb/k");
  write_file(dir.file("bomb/info"), info());
  write_file(dir.file("bomb/k/0-8_0-8_0-1.gz"), gzip_bomb());
  const std::string out = dir.file("out.npy");
  const std::vector<CliCase> cases = {
      {"cutout of a volume whose key leaves it",
       5,
       dir.file("escape/info"),
       {"cutout", dir.file("escape"), "--bounds", "0,0,0,8,8,1", "-o", out}},
      {"info of a volume whose info has a line break in a string",
       5,
       dir.file("twolines/info"),
       {"info", dir.file("twolines")}},
      {"cutout of a gzip bomb chunk",
       7,
       dir.file("bomb/k/0-8_0-8_0-1.gz"),
       {"cutout", dir.file("bomb"), "--bounds", "0,0,0,8,8,1", "-o", out}},
      {"cutout with bounds beyond 2^60",
       2,
       "--bounds",
       {"cutout", dir.file("bomb"), "--bounds", "0,0,0,4611686018427387904,1,1", "-o", out}},
      {"cutout of an unsupported URL scheme",
       2,
       "ftp://host/vol",
       {"cutout", "ftp://host/vol", "--bounds", "0,0,0,8,8,1", "-o", out}},
      {"composite with a colour that is not one",
       2,
       "--color",
       {"composite", "--seg", dir.file("missing.npy"), "--color", "5=#12345", "-o",
        dir.file("out.png")}},
  };
  for (const auto& c : cases) {
    DYNAMIC_SECTION(c.name) {
      auto r = imagery::testing::run_imagery(c.args);
      INFO("stderr: " << r.err);
      CHECK(r.exit_code == c.exit_code);
      CHECK(imagery::testing::count_lines(r.err) == 1);
      CHECK_THAT(r.err, Catch::Contains(c.names));
      CHECK_FALSE(fs::exists(out));
      CHECK_FALSE(fs::exists(dir.file("out.png")));
    }
  }
}
