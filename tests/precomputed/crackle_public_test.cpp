// crackle on real streams (read from ../shared/fixtures/real, never copied into the project):
// Neuroglancer's four encodings of a 32^3 pinky40 crop (flat and pins, with and without a Markov
// model) and CloudVolume's crackle volumes of a 200x230x150 pinky40 box (uint32 and uint64 with
// ids above 2^40) decode exactly to the arrays they were made from. Our own encoder
// (crackle_encoder.h) is held against them: re-encoding what they decode round-trips, and its
// flat label sections and CRCs are crackle's byte for byte.
#include <catch2/catch.hpp>
#include <set>

#include "crackle_encoder.h"
#include "imagery/core/npy.h"
#include "imagery/io/gzip.h"
#include "imagery/precomputed/internal/crackle.h"
#include "imagery/precomputed/volume.h"
#include "label_arrays.h"
#include "label_blocks.h"
#include "support/npz.h"
#include "support/test_support.h"

using namespace imagery;
using namespace imagery::precomputed;
using imagery::testing::CrackleOptions;
using imagery::testing::encode_crackle;
using imagery::testing::same;
using imagery::testing::shared_fixture_path;

namespace {

const std::string kNeuroglancer = "real/chunks/neuroglancer_crackle_pinky40/";
const std::string kCloudVolume = "real/chunks/cloudvolume_crackle_compresso_from_pinky40/";

std::uint64_t le(const std::vector<std::byte>& b, std::size_t at, int width) {
  std::uint64_t v = 0;
  for (int i = width - 1; i >= 0; --i) v = v << 8 | std::to_integer<std::uint64_t>(b.at(at + i));
  return v;
}

Array decode_whole(const std::vector<std::byte>& bytes, DataType dtype, const Vec3& shape) {
  return imagery::testing::decode_chunk(
      [](std::span<const std::byte> b, const ChunkTarget& t) {
        decode_crackle_chunk(b, t, "real");
      },
      bytes, dtype, shape);
}

// The sections of a version 1 stream our encoder reproduces exactly: the label section, the
// label CRC and the component-image CRCs of every slice.
struct FixedParts {
  std::vector<std::byte> labels, crcs;
};
FixedParts fixed_parts(const std::vector<std::byte>& s) {
  const std::uint64_t sz = le(s, 15, 4), label_bytes = le(s, 20, 8);
  const std::size_t labels_at = 29 + 4 * sz + 4;
  FixedParts p;
  p.labels.assign(s.begin() + static_cast<long>(labels_at),
                  s.begin() + static_cast<long>(labels_at + label_bytes));
  p.crcs.assign(s.end() - static_cast<long>(4 * (sz + 1)), s.end());
  return p;
}

}  // namespace

TEST_CASE("Neuroglancer's four crackle encodings of pinky40 decode to its array",
          "[precomputed][crackle][public]") {
  const NpyArray truth = read_npy(shared_fixture_path(kNeuroglancer + "pinky40.npy"));
  REQUIRE(truth.array.shape() == Shape4{32, 32, 32, 1});
  REQUIRE(truth.array.dtype() == DataType::kUint32);
  struct Stream {
    const char* file;
    bool pins;
    int markov;
  };
  for (const Stream& s :
       {Stream{"pinky40.ckl", false, 0}, Stream{"pinky40_m4.ckl", false, 4},
        Stream{"pinky40_pins.ckl", true, 0}, Stream{"pinky40_m4pins.ckl", true, 4}}) {
    INFO(s.file);
    const auto bytes = imagery::testing::read_file(shared_fixture_path(kNeuroglancer + s.file));
    const auto format = le(bytes, 5, 2);
    CHECK(((format >> 5 & 3) == 2) == s.pins);
    CHECK(static_cast<int>(format >> 9 & 15) == s.markov);
    const Array decoded = decode_whole(bytes, DataType::kUint32, {32, 32, 32});
    CHECK(same(decoded, truth.array));
    // Our encoder with the same settings: a stream that decodes to the same array, with
    // crackle's own label section and CRCs when the labels are flat.
    CrackleOptions o;
    o.pins = s.pins;
    o.markov_order = s.markov;
    const auto ours = encode_crackle(decoded, o);
    CHECK(le(ours, 5, 2) == format);
    CHECK(same(decode_whole(ours, DataType::kUint32, {32, 32, 32}), truth.array));
    if (!s.pins) {
      CHECK(fixed_parts(ours).labels == fixed_parts(bytes).labels);
      CHECK(fixed_parts(ours).crcs == fixed_parts(bytes).crcs);
    }
  }
}

TEST_CASE("CloudVolume's crackle volumes of pinky40 decode to their arrays",
          "[precomputed][crackle][public]") {
  for (const auto& [volume, truth_file, dtype] :
       {std::tuple{"crackle_u32", "truth_u32.npz", DataType::kUint32},
        std::tuple{"crackle_u64", "truth_u64.npz", DataType::kUint64}}) {
    INFO(volume);
    const NpyArray truth = imagery::testing::read_npz_array(
        shared_fixture_path(kCloudVolume + truth_file), "data.npy");
    REQUIRE(truth.array.shape() == Shape4{200, 230, 150, 1});
    auto v = Volume::open(shared_fixture_path(kCloudVolume + volume));
    REQUIRE(v.info().scales[0].encoding == Encoding::kCrackle);
    const Bbox bounds = v.info().scales[0].bounds();
    CHECK(bounds == Bbox{{10, 20, 5}, {210, 250, 155}});
    CHECK(same(v.download(bounds, 0), truth.array));
    // A box across all the chunk borders.
    const Bbox across{{120, 130, 60}, {160, 170, 140}};
    CHECK(same(
        v.download(across, 0),
        imagery::testing::crop(truth.array, {across.min - bounds.min, across.max - bounds.min})));
  }
}

TEST_CASE("our crackle encoder writes CloudVolume's label sections and CRCs byte for byte",
          "[precomputed][crackle][public]") {
  const std::string dir = shared_fixture_path(kCloudVolume + "crackle_u64/32_32_40/");
  int streams = 0;
  for (const char* name :
       {"138-210_20-148_133-155.gz", "10-138_20-148_69-133.gz", "138-210_148-250_69-133.gz"}) {
    INFO(name);
    const auto bytes = io::gunzip(imagery::testing::read_file(dir + name), name);
    const Vec3 shape{static_cast<std::int64_t>(le(bytes, 7, 4)),
                     static_cast<std::int64_t>(le(bytes, 11, 4)),
                     static_cast<std::int64_t>(le(bytes, 15, 4))};
    const Array decoded = decode_whole(bytes, DataType::kUint64, shape);
    const auto ours = encode_crackle(decoded);
    // CloudVolume hands crackle C-ordered arrays (format bit 7 clear); the labels are the same.
    CHECK((le(bytes, 5, 2) & 0x80) == 0);
    CHECK((le(ours, 5, 2) & ~0x80u) == le(bytes, 5, 2));
    CHECK(fixed_parts(ours).labels == fixed_parts(bytes).labels);
    CHECK(fixed_parts(ours).crcs == fixed_parts(bytes).crcs);
    CHECK(same(decode_whole(ours, DataType::kUint64, shape), decoded));
    ++streams;
  }
  CHECK(streams == 3);
}
