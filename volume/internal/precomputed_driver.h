// The precomputed driver: a Neuroglancer precomputed layer (precomputed/volume.h) behind the
// volume interface. Its scales become ScaleInfos (placeholder and hidden scales are not
// usable; encodings imagery cannot decode are not readable); read() is Volume::download.
#pragma once

#include <memory>
#include <string>

#include "imagery/precomputed/volume.h"
#include "imagery/volume/volume.h"

namespace imagery::volume {

class PrecomputedDriver : public Volume {
 public:
  explicit PrecomputedDriver(precomputed::Volume volume);
  const Metadata& metadata() const override { return metadata_; }
  Array read(const Bbox& box, int mip, const ReadOptions& options) const override;
  std::string native_metadata_json() const override;

  const precomputed::Volume& precomputed() const { return volume_; }

 private:
  precomputed::Volume volume_;
  Metadata metadata_;
};

// Throws kNotFound unless `options` asks for time point 0 (volumes without a time axis).
void check_no_time_point(const Metadata& m, const ReadOptions& options);

// The precomputed reader's options for a volume read (both drivers read through it).
precomputed::CutoutOptions cutout_options(const ReadOptions& options);

// Opens a precomputed source (path, file://, http(s)://, gs://, s3://, behind precomputed:// or
// not) in `context`.
std::shared_ptr<const Volume> open_precomputed(const std::string& url, io::Context& context);

}  // namespace imagery::volume
