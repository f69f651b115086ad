// Client: an image source and a segmentation source seen in one coordinate space, ImageryClient's
// job done natively. The sources are volumes of any driver (volume/volume.h). Coordinates are
// read at the client's resolution (nm per unit); every cutout converts its region to voxels of
// the chosen mip of each source (see bounds.h), reads them, and can put the segmentation onto
// the image grid (see resample.h).
//
//   imagery::io::Context ctx;
//   auto c = imagery::client::Client::open({.image = "https://.../em",
//                                           .segmentation = "https://.../seg"}, {}, ctx);
//   auto region = imagery::client::Region::centered({52000, 31000, 2100}, {512, 512, 1});
//   auto both = c.image_and_segmentation_cutout(region);   // both.image, both.segmentation
//
// Errors: kNotFound (a missing source or mip), kInvalidArgument (a region smaller than one voxel,
// a source the call needs but the client lacks), and whatever the volumes' read() throws.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <stop_token>
#include <string>
#include <vector>

#include "imagery/client/bounds.h"
#include "imagery/core/array.h"
#include "imagery/core/thread_pool.h"
#include "imagery/io/context.h"
#include "imagery/volume/mip.h"
#include "imagery/volume/volume.h"

namespace imagery::client {

struct ClientSources {
  std::string image;         // empty: no imagery
  std::string segmentation;  // empty: no segmentation
};

struct ClientOptions {
  // nm per coordinate unit. Default: the resolution of the image's default mip (as Neuroglancer
  // shows coordinates), else the segmentation's. ImageryClient's default is the resolution of the
  // chosen image mip instead; the two agree unless image_mip is given.
  std::optional<Vec3d> resolution;
  // Mips used when a call names none, by index or resolution. Default: the volume's default mip,
  // for precomputed the first scale whose key does not contain "placeholder" (any case) and that
  // is not hidden. ImageryClient skips only keys exactly equal to "placeholder"; we keep the
  // stricter rule, which CloudVolume itself uses for its warning, because a scale named e.g.
  // "placeholder_4nm" has no chunks either.
  volume::MipSelector image_mip, segmentation_mip;
  // CloudVolume's client defaults as ImageryClient opens volumes: requests may reach outside
  // the volume, and missing chunks read as 0.
  bool bounded = false;
  bool fill_missing = true;
  // Every array a call builds (each cutout, and the segmentation put onto the image grid) is
  // refused with kResourceExhausted before allocation when larger than this (--max-memory).
  std::size_t max_output_bytes = std::size_t{16} << 30;
  // Puts segmentations onto the image grid in parallel (Client::open uses the context's pool).
  ThreadPool* pool = nullptr;
  // Cancels the reads of every cutout (kCancelled).
  std::stop_token stop;
  // Progress of each call's reads (both sources of an aligned cutout summed), from worker
  // threads.
  volume::ProgressCallback on_progress;
  // Segmentations with a label mapping (graphene): root ids (kMapped, ImageryClient's
  // root_ids='all') or supervoxels (kStored, its root_ids=None) when a call gives no root ids,
  // as of `timestamp` (default: the context's pinned now, cave/pinned_time.h). Root ids given to
  // a call are found through their leaves, as ImageryClient does with a list.
  volume::ReadOptions::Labels labels = volume::ReadOptions::Labels::kMapped;
  std::optional<std::chrono::system_clock::time_point> timestamp;
  // The time point both sources are read at (OME-Zarr's t axis; volumes without one have 0).
  std::int64_t time_point = 0;
};

// One source's cutout and where it lies.
struct Cutout {
  Array data;   // (X, Y, Z, C), x fastest
  Bbox voxels;  // covered voxels at `mip` (after scale_to_bounds: coordinate units)
  int mip = 0;
  Vec3d resolution;  // nm per voxel of `data`
};

// What image_and_segmentation_cutout reads, worked out without reading: the voxels of each
// source at its mip, and the grid both end up on (the image's, or the segmentation's alone).
struct AlignedBoxes {
  bool has_image = false, has_segmentation = false;
  int image_mip = 0, segmentation_mip = 0;
  Vec3d image_resolution, segmentation_resolution;
  Bbox image_voxels;         // at image_mip
  Bbox segmentation_voxels;  // read at segmentation_mip
  Bbox grid_voxels;          // the result's voxels (the image's when there is one)
  Vec3d grid_resolution;
};

// Image and segmentation on the image grid.
struct AlignedCutout {
  Cutout image;              // empty data when the client has no image source
  Cutout segmentation;       // on the image grid (voxels = image voxels) when both exist
  Bbox segmentation_voxels;  // the segmentation voxels read, at segmentation.mip
  double fetch_image_ms = 0, fetch_segmentation_ms = 0, align_ms = 0;  // wall times
};

class Client {
 public:
  // Opens the sources in `context` (either may be empty, not both; both at once). Throws
  // kInvalidArgument for no source, kNotFound for a missing source or a mip it lacks.
  static Client open(const ClientSources& sources, const ClientOptions& options = {},
                     io::Context& context = io::Context::default_context());
  // ImageryClient(client=CAVEclient(name)): the datastack's image and segmentation sources, with
  // coordinates at its viewer resolution unless options.resolution says otherwise, from the info
  // service `server` (default: cave::datastack_server(name)).
  static Client from_datastack(const std::string& name, const ClientOptions& options = {},
                               io::Context& context = io::Context::default_context(),
                               const std::string& server = "");
  // From volumes already opened (either may be null, not both).
  Client(std::shared_ptr<const volume::Volume> image,
         std::shared_ptr<const volume::Volume> segmentation, const ClientOptions& options = {});

  bool has_image() const { return image_ != nullptr; }
  bool has_segmentation() const { return segmentation_ != nullptr; }
  const volume::Volume& image_volume() const;
  const volume::Volume& segmentation_volume() const;
  const Vec3d& resolution() const { return resolution_; }
  int image_mip() const { return image_mip_; }
  int segmentation_mip() const { return segmentation_mip_; }
  Vec3d image_resolution(std::optional<int> mip = {}) const;
  Vec3d segmentation_resolution(std::optional<int> mip = {}) const;

  // Coordinate size covered by `pixels` voxels of a mip (default: the client's mip).
  Vec3d image_bbox_size_from_dimensions(const Vec3& pixels, std::optional<int> mip = {}) const;
  Vec3d segmentation_bbox_size_from_dimensions(const Vec3& pixels,
                                               std::optional<int> mip = {}) const;
  // A region around `center` whose cutout at that mip has exactly `pixels` voxels (z = 0 or 1:
  // one section). Odd counts put the extra voxel on the high side.
  Region image_region_from_size(const Vec3d& center, const Vec3& pixels,
                                std::optional<int> mip = {}) const;
  Region segmentation_region_from_size(const Vec3d& center, const Vec3& pixels,
                                       std::optional<int> mip = {}) const;

  // Voxels a region covers at a mip of each source.
  Bbox image_voxels(const Region& region, std::optional<int> mip = {}) const;
  Bbox segmentation_voxels(const Region& region, std::optional<int> mip = {}) const;

  // scale_to_bounds: resample to one voxel per coordinate unit over the region (nearest, centre
  // rule), as ImageryClient's scale_to_bounds=True.
  Cutout image_cutout(const Region& region, std::optional<int> mip = {},
                      bool scale_to_bounds = false) const;
  // root_ids: keep only these ids, others become 0 (nullopt keeps all).
  Cutout segmentation_cutout(const Region& region,
                             const std::optional<std::vector<std::uint64_t>>& root_ids = {},
                             std::optional<int> mip = {}, bool scale_to_bounds = false) const;
  // One uint8 0/1 mask (X, Y, Z, 1) per id present, ascending id order; id 0 only when asked.
  std::map<std::uint64_t, Array> split_segmentation_cutout(
      const Region& region, const std::optional<std::vector<std::uint64_t>>& root_ids = {},
      bool include_zero = false, std::optional<int> mip = {}) const;
  // The boxes image_and_segmentation_cutout would read (no I/O).
  AlignedBoxes aligned_boxes(const Region& region, std::optional<int> image_mip = {},
                             std::optional<int> segmentation_mip = {}) const;
  // Both cutouts fetched concurrently, the segmentation resampled onto the image grid.
  AlignedCutout image_and_segmentation_cutout(
      const Region& region, const std::optional<std::vector<std::uint64_t>>& root_ids = {},
      std::optional<int> image_mip = {}, std::optional<int> segmentation_mip = {}) const;

 private:
  int check_mip(const volume::Volume& v, std::optional<int> mip, int fallback,
                const char* what) const;
  Bbox voxels_for(const Region& region, const volume::Volume& v, int mip,
                  bool is_segmentation) const;
  Array download(const volume::Volume& v, const Bbox& voxels, int mip,
                 const volume::ProgressCallback& progress,
                 const std::optional<std::vector<std::uint64_t>>* root_ids = nullptr) const;

  std::shared_ptr<const volume::Volume> image_, segmentation_;
  Vec3d resolution_;
  int image_mip_ = 0, segmentation_mip_ = 0;
  bool bounded_ = false, fill_missing_ = true;
  std::int64_t time_point_ = 0;
  std::size_t max_output_bytes_ = std::size_t{16} << 30;
  ThreadPool* pool_ = nullptr;
  std::stop_token stop_;
  volume::ProgressCallback on_progress_;
  volume::ReadOptions::Labels labels_ = volume::ReadOptions::Labels::kMapped;
  std::optional<std::chrono::system_clock::time_point> timestamp_;
};

// Sets every voxel whose id is not in `ids` to 0 (any integer dtype; ids as 64-bit patterns).
void keep_only_ids(Array& segmentation, const std::vector<std::uint64_t>& ids);

// The version of the library ("0.1.0").
const char* version();

}  // namespace imagery::client
