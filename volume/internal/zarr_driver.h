// The OME-Zarr driver: an NGFF image or label group (zarr/ngff.h) whose multiscale datasets are
// Zarr arrays (zarr/array.h) behind the volume interface. Each dataset is a scale: its resolution
// is the dataset's scale on x, y, z in nm (a 2-D image has one z, as thick as a level-0 pixel is
// wide at every level),
// its voxel offset the translation in voxels of that scale (rounded), so that images, their
// labels and precomputed volumes in the same physical space line up. The t axis is chosen by
// ReadOptions::time_point; the c axis becomes the array's channels. Absent chunks read as the
// array's fill value, as Zarr says (fill_missing plays no part).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "imagery/volume/volume.h"
#include "imagery/zarr/array.h"
#include "imagery/zarr/ngff.h"

namespace imagery::volume {

class ZarrDriver : public Volume {
 public:
  ZarrDriver(std::string url, zarr::ImageMetadata image, std::vector<zarr::ZarrArray> levels,
             std::vector<std::string> label_groups, std::string attributes,
             io::DecodedChunkCache* decoded_chunks = nullptr);
  const Metadata& metadata() const override { return metadata_; }
  Array read(const Bbox& box, int mip, const ReadOptions& options) const override;
  std::string native_metadata_json() const override { return attributes_; }

  const zarr::ImageMetadata& image() const { return image_; }
  const zarr::ZarrArray& level(int mip) const { return levels_.at(static_cast<std::size_t>(mip)); }

 private:
  Metadata metadata_;
  zarr::ImageMetadata image_;
  std::vector<zarr::ZarrArray> levels_;
  std::string attributes_;
  io::DecodedChunkCache* decoded_chunks_;           // the context's, or null (no cache)
  int x_ = -1, y_ = -1, z_ = -1, c_ = -1, t_ = -1;  // array dimensions of the axes (-1: none)
};

// Opens an OME-Zarr image or label group: a path, file://, http(s)://, gs:// or s3:// URL, behind
// zarr://, zarr2:// or zarr3:// or not. Throws kNotFound when there is no group, kDataLoss for
// malformed metadata, kInvalidArgument for what imagery does not read (see docs/zarr.md).
std::shared_ptr<const Volume> open_zarr(const std::string& url, io::Context& context);

// Whether a URL names an OME-Zarr group by its form: a zarr prefix or "|zarr:" suffix, or a path
// segment ending in ".zarr" (".ome.zarr" too) that is the last or has more below it
// ("em.zarr/labels/cells").
bool looks_like_zarr(const std::string& url);

// The URL behind a zarr prefix or Neuroglancer's "|zarr2:" suffix ("" when it has none).
std::string strip_zarr_prefix(const std::string& url);

}  // namespace imagery::volume
