// Writes the graphene example dataset shipped in examples/graphene/ from the demo segmentation:
//   OUT_DIR/watershed/  a supervoxel ("watershed") volume: the demo segmentation with every segment
//                       cut into supervoxels, one per graph L2 chunk it touches and x half of that
//                       chunk, with ids in the graphene bit layout (layer 1, chunk x/y/z, segid);
//   OUT_DIR/graph.json  the chunkedgraph over those supervoxels: the `graph` block a PyChunkedGraph
//                       server would put in its info, one root per demo segment from T0, a merge
//                       of two touching segments at T1 and a split of the merged root at T2.
// tests/support/fake_cave.{h,cpp} serves both as a fake CAVE; README.md lists the time line.
// The output is a pure function of the demo segmentation (sorted containers only), so re-running
// the program reproduces the committed files byte for byte.
//
// Usage: make_graphene_volume DEMO_SEGMENTATION_DIR OUT_DIR
#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <map>
#include <set>
#include <stdexcept>
#include <string>
#include <tuple>
#include <vector>

#include <nlohmann/json.hpp>

#include "imagery/precomputed/volume.h"
#include "imagery/precomputed/volume_writer.h"

using namespace imagery;
using namespace imagery::precomputed;

namespace {

// The edit history's times (unix seconds, whole seconds, all in 2024).
constexpr std::int64_t kT0 = 1704067200;  // 2024-01-01T00:00:00Z: the graph is ingested
constexpr std::int64_t kT1 = 1709294400;  // 2024-03-01T12:00:00Z: merge
constexpr std::int64_t kT2 = 1717243200;  // 2024-06-01T12:00:00Z: split

constexpr const char* kTable = "imagery_demo_v1";

// Graph parameters as PyChunkedGraph chooses them (doc §2.4): FANOUT 2, LAYER_ID_BITS 8,
// SPATIAL_BITS 10, and an L2 chunk of 64 x 64 x 12 mip-0 voxels, so that the 272 x 240 x 12 demo
// volume spans 5 x 4 x 1 chunks.
constexpr std::array<std::int64_t, 3> kChunk = {64, 64, 12};
constexpr int kFanOut = 2;
constexpr int kLayerIdBits = 8;
constexpr int kSpatialBits = 10;

// PCG's meta.layer_count: ceil(log_fanout(max chunks per axis)) + 2, the chunk counts rounded up.
int layer_count(const Vec3& size) {
  std::int64_t max_chunks = 1;
  for (int a = 0; a < 3; ++a) max_chunks = std::max(max_chunks, ceil_div(size[a], kChunk[a]));
  int levels = 0;
  for (std::int64_t n = 1; n < max_chunks; n *= kFanOut) ++levels;  // ceil(log_fanout(max))
  return levels + 2;
}

// PCG's compute_bitmasks: layer i (n_layers down to 3) gets max(1, n_layers - i) bits per axis,
// layer 2 gets max(SPATIAL_BITS, n_layers - 2), layer 1 the same as layer 2.
std::map<int, int> bitmasks(int n_layers) {
  std::map<int, int> bits;
  for (int layer = n_layers; layer >= 3; --layer) bits[layer] = std::max(1, n_layers - layer);
  bits[2] = std::max(kSpatialBits, n_layers - 2);
  bits[1] = bits[2];
  return bits;
}

std::uint64_t make_id(int layer, int spatial_bits, std::array<std::int64_t, 3> chunk,
                      std::uint64_t segid) {
  const int shift = 64 - kLayerIdBits;
  std::uint64_t id = static_cast<std::uint64_t>(layer) << shift;
  for (int a = 0; a < 3; ++a)
    id |= static_cast<std::uint64_t>(chunk[a]) << (shift - (a + 1) * spatial_bits);
  const int segid_bits = shift - 3 * spatial_bits;
  if (segid >= (std::uint64_t{1} << segid_bits)) throw std::runtime_error("segid overflows");
  return id | segid;
}

// What decides a supervoxel: the L2 chunk, the demo segment and the x half of the chunk.
struct SvKey {
  std::array<std::int64_t, 3> chunk;
  std::uint64_t segment;
  int half;
  auto operator<=>(const SvKey&) const = default;
};

// The key of a voxel of `segment` at mip-0 position p (absolute voxel coordinates): a function of
// the position and the segment only, so that every mip finds the supervoxel of its mip-0 voxels.
SvKey key_at(const Vec3& p, const Vec3& offset0, std::uint64_t segment) {
  SvKey k{};
  for (int a = 0; a < 3; ++a) k.chunk[a] = floor_div(p[a] - offset0[a], kChunk[a]);
  const std::int64_t in_chunk_x = p.x - offset0.x - k.chunk[0] * kChunk[0];
  k.half = in_chunk_x >= kChunk[0] / 2 ? 1 : 0;
  k.segment = segment;
  return k;
}

std::string iso_utc(std::int64_t t) {
  const std::time_t tt = static_cast<std::time_t>(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: %s DEMO_SEGMENTATION_DIR OUT_DIR\n", argv[0]);
    return 2;
  }
  const std::string in = argv[1], out = argv[2];
  try {
    const Volume demo = Volume::open(in);
    const VolumeInfo& info = demo.info();
    const Scale& s0 = info.scales.at(0);
    const Vec3 offset0 = s0.voxel_offset;
    const int n_layers = layer_count(s0.size);
    const std::map<int, int> bits = bitmasks(n_layers);

    std::vector<Array> demo_mips;
    for (std::size_t mip = 0; mip < info.scales.size(); ++mip)
      demo_mips.push_back(demo.download(info.scales[mip].bounds(), static_cast<int>(mip)));

    // Supervoxels from mip 0; within a chunk, segids 1, 2, ... in (segment, half) order.
    const Array& d0 = demo_mips[0];
    std::set<SvKey> keys;
    // Faces shared by two segments (6-neighbourhood), to choose the pair to merge.
    std::map<std::pair<std::uint64_t, std::uint64_t>, std::int64_t> contacts;
    for (std::int64_t z = 0; z < s0.size.z; ++z)
      for (std::int64_t y = 0; y < s0.size.y; ++y)
        for (std::int64_t x = 0; x < s0.size.x; ++x) {
          const std::uint64_t seg = d0.at<std::uint64_t>(x, y, z);
          if (seg == 0) continue;
          keys.insert(key_at(offset0 + Vec3{x, y, z}, offset0, seg));
          const Vec3 next[3] = {{x + 1, y, z}, {x, y + 1, z}, {x, y, z + 1}};
          for (const Vec3& n : next) {
            if (n.x >= s0.size.x || n.y >= s0.size.y || n.z >= s0.size.z) continue;
            const std::uint64_t other = d0.at<std::uint64_t>(n.x, n.y, n.z);
            if (other != 0 && other != seg) contacts[std::minmax(seg, other)]++;
          }
        }
    std::map<SvKey, std::uint64_t> sv_of;
    std::map<std::array<std::int64_t, 3>, std::uint64_t> next_segid;
    for (const SvKey& k : keys)  // sorted by chunk, then segment, then half
      sv_of[k] = make_id(1, bits.at(1), k.chunk, ++next_segid[k.chunk]);

    // The watershed: every mip maps (segment, mip-0 position of the voxel's corner) to its
    // supervoxel. Chunk and half borders are multiples of every downsampling factor, so a
    // coarse voxel's mip-0 block lies in one (chunk, half) and its key exists at mip 0.
    VolumeWriter writer(out + "/watershed", info);
    WriteOptions gz;
    gz.gzip = true;
    for (std::size_t mip = 0; mip < info.scales.size(); ++mip) {
      const Scale& s = info.scales[mip];
      const Vec3d f = info.downsample_factor(static_cast<int>(mip));
      const Vec3 factor{std::llround(f.x), std::llround(f.y), std::llround(f.z)};
      const Array& d = demo_mips[mip];
      Array ws(DataType::kUint64, d.shape());
      for (std::int64_t z = 0; z < s.size.z; ++z)
        for (std::int64_t y = 0; y < s.size.y; ++y)
          for (std::int64_t x = 0; x < s.size.x; ++x) {
            const std::uint64_t seg = d.at<std::uint64_t>(x, y, z);
            std::uint64_t sv = 0;
            if (seg != 0) {
              const Vec3 p{(s.voxel_offset.x + x) * factor.x, (s.voxel_offset.y + y) * factor.y,
                           (s.voxel_offset.z + z) * factor.z};
              const auto it = sv_of.find(key_at(p, offset0, seg));
              if (it == sv_of.end())
                throw std::runtime_error("mip " + std::to_string(mip) +
                                         ": a segment/chunk/half missing at mip 0");
              sv = it->second;
            }
            ws.at<std::uint64_t>(x, y, z) = sv;
          }
      writer.write(ws, s.bounds(), static_cast<int>(mip), gz);
    }

    // Supervoxels per demo segment, and per (segment, half).
    std::map<std::uint64_t, std::vector<std::uint64_t>> svs_of_segment;
    std::map<std::uint64_t, std::set<std::int64_t>> chunks_of_segment;
    std::map<std::uint64_t, std::array<std::vector<std::uint64_t>, 2>> svs_by_half;
    for (const auto& [k, sv] : sv_of) {
      svs_of_segment[k.segment].push_back(sv);
      svs_by_half[k.segment][k.half].push_back(sv);
      chunks_of_segment[k.segment].insert((k.chunk[2] * 1024 + k.chunk[1]) * 1024 + k.chunk[0]);
    }

    // The merge: of the touching pairs whose segments both span two or more chunks and whose
    // smaller-id segment has supervoxels in both x halves (the split below needs them), the
    // pair with the largest contact (ties: the smallest ids).
    std::uint64_t a = 0, b = 0;
    std::int64_t best = -1;
    for (const auto& [pair, count] : contacts) {
      const auto [p, q] = pair;
      if (chunks_of_segment[p].size() < 2 || chunks_of_segment[q].size() < 2) continue;
      if (svs_by_half[p][0].empty() || svs_by_half[p][1].empty()) continue;
      if (count > best) best = count, a = p, b = q;
    }
    if (best < 0) throw std::runtime_error("no pair of segments to merge");

    // Roots: layer n_layers, root chunk (0,0,0), segids counting up from 1 as the root chunk's
    // counter would: the initial roots in demo segment order, then the roots the edits create.
    const int root_bits = bits.at(n_layers);
    std::uint64_t root_counter = 0;
    auto new_root = [&] { return make_id(n_layers, root_bits, {0, 0, 0}, ++root_counter); };

    nlohmann::json roots = nlohmann::json::array();
    auto add_root = [&](std::uint64_t id, std::int64_t created, std::int64_t superseded,
                        std::vector<std::uint64_t> segments, std::vector<std::uint64_t> svs) {
      std::sort(svs.begin(), svs.end());
      nlohmann::json r;
      r["id"] = id;
      r["created"] = created;
      r["created_iso"] = iso_utc(created);
      r["superseded"] = superseded ? nlohmann::json(superseded) : nlohmann::json(nullptr);
      r["superseded_iso"] =
          superseded ? nlohmann::json(iso_utc(superseded)) : nlohmann::json(nullptr);
      r["demo_segments"] = segments;
      r["supervoxels"] = svs;
      roots.push_back(std::move(r));
    };
    std::uint64_t root_a = 0, root_b = 0;
    for (const auto& [seg, svs] : svs_of_segment) {
      const std::uint64_t id = new_root();
      if (seg == a) root_a = id;
      if (seg == b) root_b = id;
      add_root(id, kT0, seg == a || seg == b ? kT1 : 0, {seg}, svs);
    }
    // Merge at T1: A and B become M.
    const std::uint64_t root_m = new_root();
    std::vector<std::uint64_t> merged = svs_of_segment[a];
    merged.insert(merged.end(), svs_of_segment[b].begin(), svs_of_segment[b].end());
    add_root(root_m, kT1, kT2, {a, b}, merged);
    // Split at T2, not along the A/B border: X keeps A's left-half supervoxels, Y takes B and
    // A's right-half supervoxels.
    const std::uint64_t root_x = new_root(), root_y = new_root();
    add_root(root_x, kT2, 0, {a}, svs_by_half[a][0]);
    std::vector<std::uint64_t> y_svs = svs_of_segment[b];
    y_svs.insert(y_svs.end(), svs_by_half[a][1].begin(), svs_by_half[a][1].end());
    add_root(root_y, kT2, 0, {a, b}, y_svs);

    nlohmann::json graph;
    graph["chunk_size"] = kChunk;
    graph["n_layers"] = n_layers;
    graph["n_bits_for_layer_id"] = kLayerIdBits;
    nlohmann::json masks;
    for (const auto& [layer, n] : bits) masks[std::to_string(layer)] = n;
    graph["spatial_bit_masks"] = masks;
    graph["cv_mip"] = 0;
    graph["fan_out"] = kFanOut;
    graph["bounding_box"] = {2048, 2048, 512};  // PCG's hard-coded constant (doc §2.2)

    nlohmann::json operations = nlohmann::json::array();
    nlohmann::json merge;
    merge["operation_id"] = 1;
    merge["type"] = "merge";
    merge["timestamp"] = kT1;
    merge["timestamp_iso"] = iso_utc(kT1);
    merge["roots_before"] = {root_a, root_b};
    merge["roots_after"] = {root_m};
    operations.push_back(merge);
    nlohmann::json split;
    split["operation_id"] = 2;
    split["type"] = "split";
    split["timestamp"] = kT2;
    split["timestamp_iso"] = iso_utc(kT2);
    split["roots_before"] = {root_m};
    split["roots_after"] = {root_x, root_y};
    operations.push_back(split);

    nlohmann::json doc;
    doc["table"] = kTable;
    doc["graph"] = graph;
    doc["chunks_start_at_voxel_offset"] = true;
    doc["roots"] = roots;
    doc["operations"] = operations;
    std::ofstream f(out + "/graph.json");
    f << doc.dump(1) << "\n";
    if (!f) throw std::runtime_error("cannot write " + out + "/graph.json");

    std::printf("%s/watershed\n%s/graph.json\n", out.c_str(), out.c_str());
    std::printf("n_layers %d, %zu supervoxels, %zu demo segments\n", n_layers, sv_of.size(),
                svs_of_segment.size());
    std::printf("merge at %s: segments %llu (root %llu) + %llu (root %llu) -> root %llu\n",
                iso_utc(kT1).c_str(), static_cast<unsigned long long>(a),
                static_cast<unsigned long long>(root_a), static_cast<unsigned long long>(b),
                static_cast<unsigned long long>(root_b), static_cast<unsigned long long>(root_m));
    std::printf("split at %s: root %llu -> %llu (%zu svs), %llu (%zu svs)\n", iso_utc(kT2).c_str(),
                static_cast<unsigned long long>(root_m), static_cast<unsigned long long>(root_x),
                svs_by_half[a][0].size(), static_cast<unsigned long long>(root_y), y_svs.size());
    // Where the edited supervoxels lie (for README.md): mip-0 voxel count and bounding box.
    std::map<std::uint64_t, std::pair<std::int64_t, Bbox>> where;
    for (std::int64_t z = 0; z < s0.size.z; ++z)
      for (std::int64_t y = 0; y < s0.size.y; ++y)
        for (std::int64_t x = 0; x < s0.size.x; ++x) {
          const std::uint64_t seg = d0.at<std::uint64_t>(x, y, z);
          if (seg != a && seg != b) continue;
          const Vec3 p = offset0 + Vec3{x, y, z};
          const std::uint64_t sv = sv_of.at(key_at(p, offset0, seg));
          auto [it, fresh] = where.try_emplace(sv, 0, Bbox{p, p + Vec3{1, 1, 1}});
          it->second.first++;
          for (int ax = 0; ax < 3; ++ax) {
            it->second.second.min[ax] = std::min(it->second.second.min[ax], p[ax]);
            it->second.second.max[ax] = std::max(it->second.second.max[ax], p[ax] + 1);
          }
        }
    for (const auto& [sv, w] : where) {
      const SvKey* k = nullptr;
      for (const auto& [key, id] : sv_of)
        if (id == sv) k = &key;
      std::printf("  sv %llu: segment %llu, chunk %lld,%lld,%lld half %d, %lld voxels in %s\n",
                  static_cast<unsigned long long>(sv), static_cast<unsigned long long>(k->segment),
                  static_cast<long long>(k->chunk[0]), static_cast<long long>(k->chunk[1]),
                  static_cast<long long>(k->chunk[2]), k->half, static_cast<long long>(w.first),
                  w.second.to_string().c_str());
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "make_graphene_volume: %s\n", e.what());
    return 1;
  }
  return 0;
}
