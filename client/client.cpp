#include "imagery/client/client.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <future>
#include <type_traits>

#include "imagery/cave/datastack.h"
#include "imagery/client/resample.h"
#include "imagery/core/error.h"
#include "imagery/overlay/object_labels.h"
#include "imagery/version.h"
#include "imagery/volume/open_volume.h"

namespace imagery::client {

namespace {

double ms_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

const volume::Volume& need(const std::shared_ptr<const volume::Volume>& v, const char* what) {
  if (!v)
    fail(ErrorCode::kInvalidArgument,
         std::string("this client has no ") + what + " source (give one when creating it)");
  return *v;
}

}  // namespace

const char* version() {
  return kVersion;
}

Client Client::open(const ClientSources& sources, const ClientOptions& options,
                    io::Context& context) {
  if (sources.image.empty() && sources.segmentation.empty())
    fail(ErrorCode::kInvalidArgument,
         "a client needs an image source, a segmentation source or both");
  std::shared_ptr<const volume::Volume> image, seg;
  // Both infos are read concurrently (each may be a network round trip).
  std::future<std::shared_ptr<const volume::Volume>> seg_future;
  if (!sources.segmentation.empty())
    seg_future = std::async(std::launch::async,
                            [&] { return volume::open_volume(sources.segmentation, context); });
  try {
    if (!sources.image.empty()) image = volume::open_volume(sources.image, context);
  } catch (...) {
    if (seg_future.valid()) seg_future.wait();
    throw;
  }
  if (seg_future.valid()) seg = seg_future.get();
  ClientOptions with_pool = options;
  if (!with_pool.pool) with_pool.pool = &context.pool();
  return Client(std::move(image), std::move(seg), with_pool);
}

Client Client::from_datastack(const std::string& name, const ClientOptions& options,
                              io::Context& context, const std::string& server) {
  const cave::Datastack d =
      cave::resolve_datastack(name, cave::datastack_server(name, server), context);
  ClientSources sources;
  sources.image = d.image_source;
  sources.segmentation = d.segmentation_source;
  if (sources.image.empty() && sources.segmentation.empty())
    fail(ErrorCode::kNotFound, "datastack " + name + " names neither an image nor a segmentation");
  ClientOptions o = options;
  if (!o.resolution) o.resolution = d.viewer_resolution;  // ImageryClient's bounds are in these
  return open(sources, o, context);
}

Client::Client(std::shared_ptr<const volume::Volume> image,
               std::shared_ptr<const volume::Volume> segmentation, const ClientOptions& options)
    : image_(std::move(image)),
      segmentation_(std::move(segmentation)),
      bounded_(options.bounded),
      fill_missing_(options.fill_missing),
      time_point_(options.time_point),
      max_output_bytes_(options.max_output_bytes),
      pool_(options.pool),
      stop_(options.stop),
      on_progress_(options.on_progress),
      labels_(options.labels),
      timestamp_(options.timestamp) {
  if (!image_ && !segmentation_)
    fail(ErrorCode::kInvalidArgument,
         "a client needs an image source, a segmentation source or both");
  auto choose = [](const volume::Volume& v, const volume::MipSelector& mip, const char* what) {
    try {
      return volume::select_mip(v.metadata(), mip);
    } catch (const Error& e) {
      fail(e.code(), std::string(what) + " source " + e.what(), e.remedy());
    }
  };
  if (image_) image_mip_ = choose(*image_, options.image_mip, "image");
  if (segmentation_)
    segmentation_mip_ = choose(*segmentation_, options.segmentation_mip, "segmentation");
  if (options.resolution) {
    resolution_ = *options.resolution;
    for (int d = 0; d < 3; ++d)
      if (!(resolution_[d] > 0) || !std::isfinite(resolution_[d]))
        fail(ErrorCode::kInvalidArgument,
             "resolution " + resolution_.to_string() + ": every value must be > 0 nm");
  } else {
    const volume::Metadata& m = (image_ ? *image_ : *segmentation_).metadata();
    resolution_ = m.scale(m.default_mip).resolution;
  }
}

int Client::check_mip(const volume::Volume& v, std::optional<int> mip, int fallback,
                      const char* what) const {
  int m = mip.value_or(fallback);
  const int count = static_cast<int>(v.metadata().scales.size());
  if (m < 0 || m >= count)
    fail(ErrorCode::kNotFound, std::string(what) + " source " + v.url() + " has no mip " +
                                   std::to_string(m) + " (mips 0.." + std::to_string(count - 1) +
                                   ")");
  return m;
}

const volume::Volume& Client::image_volume() const {
  return need(image_, "image");
}
const volume::Volume& Client::segmentation_volume() const {
  return need(segmentation_, "segmentation");
}

Vec3d Client::image_resolution(std::optional<int> mip) const {
  const auto& v = image_volume();
  int m = check_mip(v, mip, image_mip_, "image");
  return v.metadata().scale(m).resolution;
}

Vec3d Client::segmentation_resolution(std::optional<int> mip) const {
  const auto& v = segmentation_volume();
  int m = check_mip(v, mip, segmentation_mip_, "segmentation");
  return v.metadata().scale(m).resolution;
}

Vec3d Client::image_bbox_size_from_dimensions(const Vec3& pixels, std::optional<int> mip) const {
  return size_from_dimensions(pixels, resolution_, image_resolution(mip));
}

Vec3d Client::segmentation_bbox_size_from_dimensions(const Vec3& pixels,
                                                     std::optional<int> mip) const {
  return size_from_dimensions(pixels, resolution_, segmentation_resolution(mip));
}

namespace {
Region region_from_size(const Vec3d& center, Vec3 pixels, const Vec3d& coord_res,
                        const Vec3d& mip_res, int mip, bool seg) {
  if (pixels.z == 0) pixels.z = 1;
  if (pixels.x < 1 || pixels.y < 1 || pixels.z < 1)
    fail(ErrorCode::kInvalidArgument,
         "image size " + pixels.to_string() + ": every size must be at least 1 pixel");
  Region r;
  r.bounds = bounds_from_center(center, size_from_dimensions(pixels, coord_res, mip_res));
  r.exact_voxels = pixels;
  r.exact_mip = mip;
  r.exact_for_segmentation = seg;
  return r;
}
}  // namespace

Region Client::image_region_from_size(const Vec3d& center, const Vec3& pixels,
                                      std::optional<int> mip) const {
  int m = check_mip(image_volume(), mip, image_mip_, "image");
  return region_from_size(center, pixels, resolution_, image_resolution(m), m, false);
}

Region Client::segmentation_region_from_size(const Vec3d& center, const Vec3& pixels,
                                             std::optional<int> mip) const {
  int m = check_mip(segmentation_volume(), mip, segmentation_mip_, "segmentation");
  return region_from_size(center, pixels, resolution_, segmentation_resolution(m), m, true);
}

Bbox Client::voxels_for(const Region& region, const volume::Volume& v, int mip,
                        bool is_segmentation) const {
  const Vec3d& res = v.metadata().scale(mip).resolution;
  Bbox b = coordinates_to_voxels(region.bounds, resolution_, res);
  if (region.exact_voxels && region.exact_mip == mip &&
      region.exact_for_segmentation == is_segmentation)
    b.max = b.min + *region.exact_voxels;
  if (b.empty())
    fail(ErrorCode::kInvalidArgument,
         "bounds " + region.bounds.to_string() + " at " + resolution_.to_string() +
             " nm are smaller than one voxel at mip " + std::to_string(mip) + " (" +
             res.to_string() + " nm) of " + v.url());
  return b;
}

Bbox Client::image_voxels(const Region& region, std::optional<int> mip) const {
  const auto& v = image_volume();
  return voxels_for(region, v, check_mip(v, mip, image_mip_, "image"), false);
}

Bbox Client::segmentation_voxels(const Region& region, std::optional<int> mip) const {
  const auto& v = segmentation_volume();
  return voxels_for(region, v, check_mip(v, mip, segmentation_mip_, "segmentation"), true);
}

Array Client::download(const volume::Volume& v, const Bbox& voxels, int mip,
                       const volume::ProgressCallback& progress,
                       const std::optional<std::vector<std::uint64_t>>* root_ids) const {
  volume::ReadOptions o;
  if (v.has_label_mapping()) {
    // Root ids given: those roots through their leaves (CloudVolume's segids); else the
    // client's choice, at its timestamp.
    o.labels = root_ids && *root_ids ? volume::ReadOptions::Labels::kMapped : labels_;
    o.timestamp = timestamp_;
    if (root_ids && *root_ids) o.mapped_ids = **root_ids;
  }
  o.on_progress = progress;
  o.bounded = bounded_;
  o.fill_missing = fill_missing_;
  o.time_point = time_point_;
  o.max_output_bytes = max_output_bytes_;
  o.stop = stop_;
  return v.read(voxels, mip, o);
}

namespace {
// Resampling can make an array far larger than the cutout it comes from (a coarse segmentation
// onto a fine grid): the budget applies to the result as well.
void check_resample_budget(const Array& src, const Bbox& target, std::size_t budget,
                           const std::string& what) {
  const std::uint64_t bytes = array_bytes(target.size(), src.shape().c, src.dtype());
  if (bytes > budget)
    fail(ErrorCode::kResourceExhausted,
         what + " resampled onto " + target.to_string() + " needs " + std::to_string(bytes) +
             " bytes, more than the memory budget of " + std::to_string(budget),
         Remedy::kRaiseMemoryBudget);
}

// One unit per coordinate over the region: the truncated coordinate box.
Cutout scaled(Cutout c, const Region& region, const Vec3d& coord_res, std::size_t budget,
              const std::string& what, ThreadPool* pool) {
  Bbox target;
  for (int d = 0; d < 3; ++d) {
    if (!(std::fabs(region.bounds.min[d]) < 0x1p62) || !(std::fabs(region.bounds.max[d]) < 0x1p62))
      fail(ErrorCode::kInvalidArgument,
           "bounds " + region.bounds.to_string() + " are beyond the range of voxels");
    target.min[d] = static_cast<std::int64_t>(std::trunc(region.bounds.min[d]));
    target.max[d] = static_cast<std::int64_t>(std::trunc(region.bounds.max[d]));
  }
  check_resample_budget(c.data, target, budget, what);
  c.data = resample_nearest(c.data, c.voxels, c.resolution, target, coord_res, pool);
  c.voxels = target;
  c.resolution = coord_res;
  return c;
}
}  // namespace

Cutout Client::image_cutout(const Region& region, std::optional<int> mip,
                            bool scale_to_bounds) const {
  const auto& v = image_volume();
  Cutout c;
  c.mip = check_mip(v, mip, image_mip_, "image");
  c.resolution = image_resolution(c.mip);
  c.voxels = voxels_for(region, v, c.mip, false);
  c.data = download(v, c.voxels, c.mip, on_progress_);
  if (scale_to_bounds)
    return scaled(std::move(c), region, resolution_, max_output_bytes_, "the image of " + v.url(),
                  pool_);
  return c;
}

Cutout Client::segmentation_cutout(const Region& region,
                                   const std::optional<std::vector<std::uint64_t>>& root_ids,
                                   std::optional<int> mip, bool scale_to_bounds) const {
  const auto& v = segmentation_volume();
  Cutout c;
  c.mip = check_mip(v, mip, segmentation_mip_, "segmentation");
  c.resolution = segmentation_resolution(c.mip);
  c.voxels = voxels_for(region, v, c.mip, true);
  c.data = download(v, c.voxels, c.mip, on_progress_, &root_ids);
  if (root_ids && !v.has_label_mapping()) keep_only_ids(c.data, *root_ids);
  if (scale_to_bounds)
    return scaled(std::move(c), region, resolution_, max_output_bytes_,
                  "the segmentation of " + v.url(), pool_);
  return c;
}

std::map<std::uint64_t, Array> Client::split_segmentation_cutout(
    const Region& region, const std::optional<std::vector<std::uint64_t>>& root_ids,
    bool include_zero, std::optional<int> mip) const {
  // A label-mapping volume finds the roots' voxels itself (their leaves); others filter below.
  Cutout c = segmentation_cutout(
      region, segmentation_volume().has_label_mapping() ? root_ids : std::nullopt, mip);
  overlay::SplitOptions options;
  options.root_ids = root_ids;
  options.include_zero = include_zero;
  auto labels = overlay::ObjectLabels::split(c.data, options, segmentation_volume().url());
  std::map<std::uint64_t, Array> masks;
  for (std::size_t i = 0; i < labels.object_count(); ++i)
    masks.emplace(labels.ids()[i], labels.mask(i));
  return masks;
}

AlignedBoxes Client::aligned_boxes(const Region& region, std::optional<int> image_mip,
                                   std::optional<int> segmentation_mip) const {
  AlignedBoxes b;
  b.has_image = image_ != nullptr;
  b.has_segmentation = segmentation_ != nullptr;
  if (image_) {
    b.image_mip = check_mip(*image_, image_mip, image_mip_, "image");
    b.image_resolution = image_resolution(b.image_mip);
    b.image_voxels = voxels_for(region, *image_, b.image_mip, false);
  }
  if (segmentation_) {
    b.segmentation_mip =
        check_mip(*segmentation_, segmentation_mip, segmentation_mip_, "segmentation");
    b.segmentation_resolution = segmentation_resolution(b.segmentation_mip);
    // On the image grid the segmentation voxels are those the image voxels' centres fall in.
    b.segmentation_voxels =
        image_ ? source_box(b.image_voxels, b.image_resolution, b.segmentation_resolution)
               : voxels_for(region, *segmentation_, b.segmentation_mip, true);
  }
  b.grid_voxels = image_ ? b.image_voxels : b.segmentation_voxels;
  b.grid_resolution = image_ ? b.image_resolution : b.segmentation_resolution;
  return b;
}

AlignedCutout Client::image_and_segmentation_cutout(
    const Region& region, const std::optional<std::vector<std::uint64_t>>& root_ids,
    std::optional<int> image_mip, std::optional<int> segmentation_mip) const {
  AlignedCutout out;
  if (!image_ && !segmentation_) return out;
  const AlignedBoxes boxes = aligned_boxes(region, image_mip, segmentation_mip);
  out.image.mip = boxes.image_mip;
  out.image.resolution = boxes.image_resolution;
  out.image.voxels = boxes.image_voxels;
  out.segmentation.mip = boxes.segmentation_mip;
  out.segmentation.resolution = boxes.segmentation_resolution;
  out.segmentation_voxels = boxes.segmentation_voxels;
  // Progress of both reads as one: chunks done and bytes of either over the chunks of both.
  struct Progress {
    std::atomic<std::size_t> done[2] = {0, 0}, total[2] = {0, 0};
    std::atomic<std::uint64_t> bytes[2] = {0, 0};
  } progress;
  auto reporter = [&](int which) -> volume::ProgressCallback {
    if (!on_progress_) return {};
    return [this, &progress, which](std::size_t done, std::size_t total, std::uint64_t bytes) {
      progress.done[which] = done;
      progress.total[which] = total;
      progress.bytes[which] = bytes;
      on_progress_(progress.done[0] + progress.done[1], progress.total[0] + progress.total[1],
                   progress.bytes[0] + progress.bytes[1]);
    };
  };
  // The segmentation's chunks are fetched on another thread while this one fetches the image's.
  std::future<Array> seg_future;
  if (segmentation_)
    seg_future = std::async(std::launch::async, [&] {
      auto t0 = std::chrono::steady_clock::now();
      Array a = download(*segmentation_, out.segmentation_voxels, out.segmentation.mip, reporter(1),
                         &root_ids);
      out.fetch_segmentation_ms = ms_since(t0);
      return a;
    });
  try {
    if (image_) {
      auto t0 = std::chrono::steady_clock::now();
      out.image.data = download(*image_, out.image.voxels, out.image.mip, reporter(0));
      out.fetch_image_ms = ms_since(t0);
    }
  } catch (...) {
    if (seg_future.valid()) seg_future.wait();
    throw;
  }
  if (!segmentation_) return out;
  Array seg = seg_future.get();
  auto t0 = std::chrono::steady_clock::now();
  if (root_ids && !segmentation_->has_label_mapping()) keep_only_ids(seg, *root_ids);
  if (image_) {
    if (out.image.resolution == out.segmentation.resolution &&
        out.segmentation_voxels == out.image.voxels)
      out.segmentation.data = std::move(seg);
    else {
      check_resample_budget(seg, out.image.voxels, max_output_bytes_,
                            "the segmentation of " + segmentation_->url());
      out.segmentation.data =
          resample_nearest(seg, out.segmentation_voxels, out.segmentation.resolution,
                           out.image.voxels, out.image.resolution, pool_);
    }
    out.segmentation.voxels = out.image.voxels;
    out.segmentation.resolution = out.image.resolution;
  } else {
    out.segmentation.data = std::move(seg);
    out.segmentation.voxels = out.segmentation_voxels;
  }
  out.align_ms = ms_since(t0);
  return out;
}

void keep_only_ids(Array& segmentation, const std::vector<std::uint64_t>& ids) {
  if (!dtype_is_integer(segmentation.dtype()))
    fail(ErrorCode::kInvalidArgument, "root ids need an integer segmentation, got " +
                                          std::string(dtype_name(segmentation.dtype())));
  std::vector<std::uint64_t> sorted = ids;
  std::sort(sorted.begin(), sorted.end());
  visit_dtype(segmentation.dtype(), [&](auto zero) {
    using T = decltype(zero);
    if constexpr (std::is_integral_v<T>) {
      T* p = segmentation.data<T>();
      const std::int64_t n = segmentation.shape().count();
      T last = 0;
      bool last_kept = false, have_last = false;
      for (std::int64_t i = 0; i < n; ++i) {
        T v = p[i];
        if (v == 0) continue;
        if (!have_last || v != last) {
          // Signed ids are compared as their sign-extended 64-bit pattern.
          auto pattern = static_cast<std::uint64_t>(
              static_cast<std::conditional_t<std::is_signed_v<T>, std::int64_t, std::uint64_t>>(v));
          last = v;
          have_last = true;
          last_kept = std::binary_search(sorted.begin(), sorted.end(), pattern);
        }
        if (!last_kept) p[i] = 0;
      }
    }
  });
}

}  // namespace imagery::client
