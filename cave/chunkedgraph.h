// ChunkedGraph: the client of a graphene segmentation's chunkedgraph service (PyChunkedGraph),
// speaking its v1 API as CloudVolume does:
//   roots:  POST .../roots_binary?timestamp=T with the sorted unique ids as uint64 little-endian
//           (0 and ids already at the root layer are not sent; batches of 250,000 ids, sent
//           together; bodies gzip'd when the call has more than 125,000 ids), answered with one
//           uint64 per id;
//   leaves: GET .../node/ROOT/leaves?bounds=X0-X1_Y0-Y1_Z0-Z1 (mip-0 watershed voxels), one per
//           root, all in flight at once (CloudVolume asks one after the other).
// Answers are kept per context: a root per (table, supervoxel, second sent) and leaves per
// (table, root, box), so a batch at one timestamp asks once per supervoxel, even when several
// figures ask at the same moment (the later ones wait for the request already in flight).
#pragma once

#include <cstdint>
#include <map>
#include <span>
#include <stop_token>
#include <string>
#include <vector>

#include "imagery/cave/graphene_url.h"
#include "imagery/cave/timestamp.h"
#include "imagery/core/bbox.h"
#include "imagery/core/vec3.h"
#include "imagery/io/context.h"

namespace imagery::cave {

// The "graph" and "app" parts of a graphene info.
struct GraphMeta {
  int n_layers = 0;             // the root layer
  int n_bits_for_layer_id = 8;  // an id's layer is id >> (64 - these bits)
  Vec3 chunk_size;              // of layer-2 chunks, in mip-0 voxels
  int cv_mip = 0;               // the watershed mip the graph was built on
  int fan_out = 2;
  std::map<int, int> spatial_bit_masks;     // layer -> bits per axis
  std::vector<int> supported_api_versions;  // indices into {"1.0", "v1"}

  int layer_of(std::uint64_t id) const {
    return static_cast<int>(id >> (64 - n_bits_for_layer_id));
  }
  bool supports_v1() const;
};

// Reads the graph block of a graphene info (JSON text). Throws kDataLoss naming `source` for a
// missing or malformed one.
GraphMeta parse_graph_meta(const std::string& info_json, const std::string& source);

class ChunkedGraph {
 public:
  ChunkedGraph(GrapheneUrl url, GraphMeta meta, io::Context& context);

  const GrapheneUrl& url() const { return url_; }
  const GraphMeta& meta() const { return meta_; }

  // The root id of each id as of `timestamp`, in the order given (duplicates and zeros too).
  std::vector<std::uint64_t> roots(std::span<const std::uint64_t> ids, Timestamp timestamp,
                                   std::stop_token stop = {}) const;

  // The supervoxels of each root that lie in chunks touching `mip0_box` (watershed mip-0 voxels;
  // the server answers chunk by chunk, so this is a superset of what the box holds).
  std::vector<std::vector<std::uint64_t>> leaves(std::span<const std::uint64_t> root_ids,
                                                 const Bbox& mip0_box,
                                                 std::stop_token stop = {}) const;

  // The bounds parameter of a leaves request: "X0-X1_Y0-Y1_Z0-Z1".
  static std::string bounds_parameter(const Bbox& mip0_box);

 private:
  GrapheneUrl url_;
  GraphMeta meta_;
  io::Context* context_;
};

// The supervoxel ids of a leaves answer ({"leaf_ids": [...]}, ids as JSON integers or strings;
// no key: none). Throws kDataLoss naming `what` for anything else.
std::vector<std::uint64_t> parse_leaf_ids(const std::string& json_text, const std::string& what);

// Requests a context's chunkedgraph clients made, for provenance and benchmarks.
struct GraphRequestCounts {
  std::uint64_t roots_requests = 0;  // roots_binary POSTs
  std::uint64_t ids_sent = 0;        // ids in them
  std::uint64_t leaves_requests = 0;
};
GraphRequestCounts graph_request_counts(io::Context& context);

// Ids per roots_binary request, and the count above which bodies are gzip'd (CloudVolume's
// numbers: 250,000 and 1e6 bytes).
inline constexpr std::size_t kRootsBatch = 250000;
inline constexpr std::size_t kRootsGzipAbove = 125000;

}  // namespace imagery::cave
