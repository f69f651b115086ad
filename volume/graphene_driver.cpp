#include "imagery/volume/internal/graphene_driver.h"

#include <algorithm>
#include <cmath>
#include <future>

#include "imagery/cave/cave_token.h"
#include "imagery/cave/graphene_info.h"
#include "imagery/cave/pinned_time.h"
#include "imagery/core/error.h"
#include "imagery/io/open_storage.h"
#include "imagery/volume/internal/precomputed_driver.h"

namespace imagery::volume {

namespace {

// The segmentation as uint64 (the watershed of every graphene table is uint64; other integer
// types are widened so that root ids fit).
Array as_uint64(Array a, const std::string& url) {
  if (a.dtype() == DataType::kUint64) return a;
  Array out(DataType::kUint64, a.shape());
  std::uint64_t* dst = out.data<std::uint64_t>();
  const std::int64_t n = a.shape().count();
  switch (a.dtype()) {
    case DataType::kUint8:
      std::copy_n(a.data<std::uint8_t>(), n, dst);
      break;
    case DataType::kUint16:
      std::copy_n(a.data<std::uint16_t>(), n, dst);
      break;
    case DataType::kUint32:
      std::copy_n(a.data<std::uint32_t>(), n, dst);
      break;
    default:
      fail(ErrorCode::kInvalidArgument,
           url + ": a graphene watershed must hold unsigned integer labels, got " +
               std::string(dtype_name(a.dtype())));
  }
  return out;
}

// Replaces every value found in `keys` (sorted) by the matching `values`; others become
// `otherwise(v)`. Neighbouring voxels mostly share a label, so the last lookup is remembered.
template <class Otherwise>
void relabel(Array& a, const std::vector<std::uint64_t>& keys,
             const std::vector<std::uint64_t>& values, Otherwise otherwise) {
  std::uint64_t* p = a.data<std::uint64_t>();
  const std::int64_t n = a.shape().count();
  std::uint64_t last_in = 0, last_out = otherwise(0);
  bool have_last = false;
  for (std::int64_t i = 0; i < n; ++i) {
    const std::uint64_t v = p[i];
    if (!have_last || v != last_in) {
      last_in = v;
      auto it = std::lower_bound(keys.begin(), keys.end(), v);
      last_out = it != keys.end() && *it == v ? values[static_cast<std::size_t>(it - keys.begin())]
                                              : otherwise(v);
      have_last = true;
    }
    p[i] = last_out;
  }
}

std::vector<std::uint64_t> unique_values(const Array& a) {
  const std::uint64_t* p = a.data<std::uint64_t>();
  const std::int64_t n = a.shape().count();
  std::vector<std::uint64_t> out;
  std::uint64_t last = 0;
  bool have_last = false;
  for (std::int64_t i = 0; i < n; ++i) {
    if (have_last && p[i] == last) continue;
    out.push_back(p[i]);
    last = p[i];
    have_last = true;
    if (out.size() > (std::size_t{1} << 22)) {  // keep the working set small on noisy data
      std::sort(out.begin(), out.end());
      out.erase(std::unique(out.begin(), out.end()), out.end());
    }
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

std::string strip_prefix(std::string s, const std::string& prefix) {
  if (s.rfind(prefix, 0) == 0) s.erase(0, prefix.size());
  return s;
}

}  // namespace

GrapheneDriver::GrapheneDriver(cave::GrapheneUrl url, precomputed::Volume watershed,
                               cave::GraphMeta graph, std::string info_json,
                               std::string server_version, io::Context& context)
    : url_(std::move(url)),
      watershed_(std::move(watershed)),
      graph_(url_, std::move(graph), context),
      info_json_(std::move(info_json)),
      context_(&context) {
  metadata_ = PrecomputedDriver(watershed_).metadata();
  metadata_.url = url_.original;
  metadata_.driver = "graphene";
  metadata_.kind = VolumeKind::kSegmentation;
  metadata_.provenance = {{"chunkedgraph", url_.server()},
                          {"table", url_.table},
                          {"server_version", server_version},
                          {"data_dir", watershed_.source()},
                          {"n_layers", std::to_string(graph_.meta().n_layers)}};
}

Array GrapheneDriver::read(const Bbox& box, int mip, const ReadOptions& options) const {
  check_no_time_point(metadata(), options);
  if (options.labels == ReadOptions::Labels::kStored)
    return watershed_.download(box, mip, cutout_options(options));

  if (options.mapped_ids) {
    // CloudVolume's segids: each root's leaves in the box (mip-0 voxels of the watershed,
    // clipped to its bounds), relabelled to the root; everything else 0. The leaves do not
    // depend on the voxels, so they are asked while the chunks are fetched.
    std::vector<std::uint64_t> roots = *options.mapped_ids;
    const Vec3d f = metadata_.downsample_factor(mip);
    Bbox mip0;
    for (int axis = 0; axis < 3; ++axis) {
      mip0.min[axis] =
          static_cast<std::int64_t>(std::floor(static_cast<double>(box.min[axis]) * f[axis]));
      mip0.max[axis] =
          static_cast<std::int64_t>(std::ceil(static_cast<double>(box.max[axis]) * f[axis]));
    }
    mip0 = intersect(mip0, metadata_.scales.at(0).bounds);
    std::future<std::vector<std::vector<std::uint64_t>>> leaves_future;
    if (!roots.empty() && !mip0.empty())
      leaves_future =
          std::async(std::launch::async, [&] { return graph_.leaves(roots, mip0, options.stop); });
    Array labels = as_uint64(watershed_.download(box, mip, cutout_options(options)), url_.original);
    std::vector<std::pair<std::uint64_t, std::uint64_t>> leaf_to_root;
    if (leaves_future.valid()) {
      const auto leaves = leaves_future.get();
      for (std::size_t r = 0; r < roots.size(); ++r)
        for (std::uint64_t leaf : leaves[r]) leaf_to_root.emplace_back(leaf, roots[r]);
    }
    // A leaf listed under two roots (a caller's duplicate) keeps the first.
    std::stable_sort(leaf_to_root.begin(), leaf_to_root.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    std::vector<std::uint64_t> keys, values;
    for (const auto& [leaf, root] : leaf_to_root)
      if (keys.empty() || keys.back() != leaf) {
        keys.push_back(leaf);
        values.push_back(root);
      }
    std::sort(roots.begin(), roots.end());
    // Voxels that are neither a listed leaf nor a listed id themselves read 0.
    relabel(labels, keys, values, [&roots](std::uint64_t v) {
      return std::binary_search(roots.begin(), roots.end(), v) ? v : 0;
    });
    return labels;
  }

  Array labels = as_uint64(watershed_.download(box, mip, cutout_options(options)), url_.original);
  const std::vector<std::uint64_t> ids = unique_values(labels);
  if (ids.empty() || (ids.size() == 1 && ids[0] == 0)) return labels;  // nothing to ask
  const cave::Timestamp at =
      options.timestamp
          ? std::chrono::time_point_cast<std::chrono::microseconds>(*options.timestamp)
          : cave::pinned_now(*context_);
  const std::vector<std::uint64_t> roots = graph_.roots(ids, at, options.stop);
  relabel(labels, ids, roots, [](std::uint64_t v) { return v; });
  return labels;
}

std::shared_ptr<const Volume> open_graphene(const std::string& url, io::Context& context) {
  cave::GrapheneUrl g = cave::parse_graphene_url(url);
  cave::GrapheneInfo graphene = cave::fetch_graphene_info(g, context);
  precomputed::VolumeInfo info = precomputed::parse_info(graphene.json, url);
  if (!info.is_segmentation())
    fail(ErrorCode::kDataLoss, url + ": the graphene info is not of type segmentation");
  // data_dir is storage: no format prefix; middleauth+https:// storage takes the CAVE token.
  std::string data_dir = strip_prefix(graphene.data_dir, "precomputed://");
  if (data_dir.rfind("middleauth+", 0) == 0) {
    data_dir = data_dir.substr(11);
    cave::share_cave_token(context, data_dir, context.credentials().granted_token(g.server()));
  }
  const io::StorageUrl storage_url = io::parse_storage_url(data_dir, url + " (data_dir)");
  precomputed::Volume watershed(io::open_storage(storage_url, context), std::move(info), data_dir,
                                context);
  return std::make_shared<GrapheneDriver>(std::move(g), std::move(watershed),
                                          std::move(graphene.graph), graphene.json,
                                          graphene.server_version, context);
}

}  // namespace imagery::volume
