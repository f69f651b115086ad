// Volume: one precomputed layer opened from a source URL; cutouts at any mip,
// decoded chunk by chunk on the worker pool straight into the output array.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "imagery/core/array.h"
#include "imagery/core/bbox.h"
#include "imagery/io/http_options.h"
#include "imagery/precomputed/info.h"
#include "imagery/io/storage.h"

namespace imagery::precomputed {

struct OpenOptions {
  io::HttpOptions http;
  // Remote sources keep fetched bytes in the process-wide MemoryCache.
  bool memory_cache = true;
  // Non-empty: remote sources also keep fetched bytes under this folder.
  std::string disk_cache_dir;
  std::uint64_t disk_cache_bytes = std::uint64_t{20} << 30;
};

// Progress of a cutout: chunks done of total, and the stored bytes read so far.
using ProgressCallback =
    std::function<void(std::size_t done, std::size_t total, std::uint64_t bytes)>;

struct CutoutOptions {
  // Missing chunks read as 0 instead of failing with kNotFound.
  bool fill_missing = false;
  // When false, bounds may reach outside the volume and the outside reads as 0.
  bool bounded = true;
  // Refuse cutouts whose output would exceed this many bytes (kResourceExhausted).
  std::size_t max_output_bytes = std::size_t{16} << 30;
  // Called after each chunk (from worker threads); may be empty.
  ProgressCallback on_progress;
};

class Volume {
 public:
  // Opens a source (see source_url.h) and reads its info (remote infos once per process).
  // Throws kNotFound when there is no info, kDataLoss when it is malformed.
  static Volume open(const std::string& source, const OpenOptions& options = {});
  Volume(std::shared_ptr<io::Storage> storage, VolumeInfo info, std::string source);

  const VolumeInfo& info() const { return *info_; }
  const std::string& source() const { return source_; }
  io::Storage& storage() const { return *storage_; }

  // A cutout of `bounds` given in voxels of `mip` (absolute, half-open); shape (X, Y, Z, C).
  Array download(const Bbox& bounds, int mip, const CutoutOptions& options = {}) const;
  // The same with bounds in mip-0 voxels, converted to `mip` by floor(min/f), ceil(max/f).
  Array download_mip0(const Bbox& mip0_bounds, int mip, const CutoutOptions& options = {}) const;
  Bbox mip0_to_mip(const Bbox& mip0_bounds, int mip) const;

 private:
  std::shared_ptr<io::Storage> storage_;
  std::shared_ptr<const VolumeInfo> info_;
  std::string source_;
};

// Reads and parses `info` from a storage (info or info.gz; gzip bodies are inflated).
VolumeInfo read_info(io::Storage& storage, const std::string& source);

}  // namespace imagery::precomputed
