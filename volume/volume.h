// The volume interface everything above the formats consumes: what a source holds (metadata:
// data type, channels, image or segmentation, its scales with resolution, bounds and chunk
// shape) and read(voxels, mip, options) -> Array. Each format is a driver behind it
// (precomputed, graphene, OME-Zarr), opened by open_volume() from a URL.
//
//   imagery::io::Context ctx;
//   std::shared_ptr<const imagery::volume::Volume> v = imagery::volume::open_volume(url, ctx);
//   imagery::Array a = v->read({{0, 0, 0}, {256, 256, 16}}, v->metadata().default_mip, {});
//
// A driver may add a label-mapping stage after reading (graphene maps supervoxels to root ids at
// a timestamp): read() returns the stored labels unless ReadOptions::labels asks for the mapped
// ones. A Volume is immutable and thread-safe, and must not outlive the Context it was opened in.
#pragma once

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <stop_token>
#include <string>
#include <utility>
#include <vector>

#include "imagery/core/array.h"
#include "imagery/core/bbox.h"
#include "imagery/core/dtype.h"
#include "imagery/core/vec3.h"
#include "imagery/io/context.h"

namespace imagery::volume {

enum class VolumeKind { kImage, kSegmentation };

// One resolution level ("mip") of a volume.
struct ScaleInfo {
  std::string key;              // the driver's name for it ("8_8_40", "s1", "1")
  Vec3d resolution;             // nm per voxel
  Bbox bounds;                  // in voxels of this scale
  Vec3 chunk_size;              // the storage grid
  std::string encoding;         // "raw", "jpeg", "compressed_segmentation", ...
  std::string encoding_detail;  // e.g. "block 8 x 8 x 8"; may be empty
  std::string sharding;         // how chunks are packed into files, "" when one file each
  bool readable = true;         // the driver can decode it
  // Neither a placeholder nor hidden: the default mip is the first usable, readable scale.
  bool usable = true;
  std::string note;  // why it is not usable ("placeholder", "hidden"), for listings
};

struct Metadata {
  std::string url;     // as it was opened
  std::string driver;  // "precomputed", ...
  DataType dtype = DataType::kUint8;
  int channels = 1;
  VolumeKind kind = VolumeKind::kImage;
  std::vector<ScaleInfo> scales;
  int default_mip = 0;
  // What a figure's sidecar should record about where the voxels come from beyond the URL
  // (graphene: the chunkedgraph server, its version, the table, the watershed's data_dir).
  std::vector<std::pair<std::string, std::string>> provenance;
  // What `imagery info` shows beyond the scale table (OME-Zarr: axes, units, label groups).
  std::vector<std::pair<std::string, std::string>> details;
  // Display defaults the format records (OME-Zarr's `omero` channels and `image-label` colours),
  // used where the user gives none: the window [start, end] and tint of channel 0, and colours
  // by label.
  std::optional<std::pair<double, double>> display_window;
  std::optional<std::array<std::uint8_t, 3>> tint;
  // The same for every channel the format describes (OME-Zarr's omero channels, in order):
  // name, window and colour, each possibly unset.
  struct ChannelDisplay {
    std::string label;
    std::optional<std::pair<double, double>> window;
    std::optional<std::array<std::uint8_t, 3>> color;
  };
  std::vector<ChannelDisplay> channel_display;
  std::vector<std::pair<std::uint64_t, std::array<std::uint8_t, 4>>> label_colors;
  // How many time points the volume has (OME-Zarr's t axis); 1 when it has none.
  std::int64_t time_points = 1;

  bool is_segmentation() const { return kind == VolumeKind::kSegmentation; }
  // Throws kNotFound naming the volume when `mip` is not a scale index.
  const ScaleInfo& scale(int mip) const;
  // resolution[mip] / resolution[0], per axis.
  Vec3d downsample_factor(int mip) const;
};

using ProgressCallback =
    std::function<void(std::size_t done, std::size_t total, std::uint64_t bytes)>;

struct ReadOptions {
  // Missing chunks read as 0 (else kNotFound, Remedy::kFillMissing).
  bool fill_missing = false;
  // Boxes reaching outside the scale fail (kInvalidArgument, Remedy::kReadOutside); when false
  // the outside reads as 0.
  bool bounded = true;
  // Results larger than this are refused before any byte is fetched (kResourceExhausted).
  std::size_t max_output_bytes = std::size_t{16} << 30;
  // After each chunk, from worker threads, one call at a time with `done` rising 1, 2, ..., total.
  ProgressCallback on_progress;
  std::stop_token stop;          // cancels the read (kCancelled)
  // For segmentations with a label mapping: the labels as stored (supervoxels) or mapped (root
  // ids) as of `timestamp` (default: now). Drivers without a mapping ignore both.
  enum class Labels { kStored, kMapped };
  Labels labels = Labels::kStored;
  std::optional<std::chrono::system_clock::time_point> timestamp;
  // With kMapped: keep only these mapped labels (graphene: root ids, found through their leaves
  // in the box, CloudVolume's segids); every other voxel reads 0. The timestamp plays no part
  // (root ids never change). nullopt: every label mapped.
  std::optional<std::vector<std::uint64_t>> mapped_ids;
  // The index on the time axis (OME-Zarr's t); kNotFound when the volume has no such time point.
  // Volumes without time read time point 0 only.
  std::int64_t time_point = 0;
};

class Volume {
 public:
  virtual ~Volume() = default;
  virtual const Metadata& metadata() const = 0;
  // The voxels `box` (absolute, half-open, at `mip`) as an array of shape (X, Y, Z, C).
  virtual Array read(const Bbox& box, int mip, const ReadOptions& options) const = 0;
  // Whether read() can map labels (ReadOptions::labels).
  virtual bool has_label_mapping() const { return false; }
  // The format's own metadata document (a precomputed `info`), validated, as JSON text.
  virtual std::string native_metadata_json() const = 0;

  const std::string& url() const { return metadata().url; }
};

}  // namespace imagery::volume
