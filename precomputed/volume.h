// Volume: one precomputed layer opened from a source URL in a Context; cutouts at any mip,
// decoded chunk by chunk on the context's worker pool straight into the output array.
//
//   imagery::io::Context ctx;
//   auto v = imagery::precomputed::Volume::open("gs://bucket/em", ctx);
//   imagery::Array a = v.download({{0, 0, 0}, {256, 256, 16}}, /*mip=*/0);
//
// A Volume is cheap to copy (its storage and info are shared) and must not outlive its Context.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <stop_token>
#include <string>

#include "imagery/core/array.h"
#include "imagery/core/bbox.h"
#include "imagery/io/context.h"
#include "imagery/io/storage.h"
#include "imagery/precomputed/info.h"

namespace imagery::precomputed {

// Progress of a cutout: chunks done of total, and the stored bytes read so far.
using ProgressCallback =
    std::function<void(std::size_t done, std::size_t total, std::uint64_t bytes)>;

struct CutoutOptions {
  // Missing chunks read as 0 instead of failing with kNotFound (Remedy::kFillMissing).
  bool fill_missing = false;
  // When false, bounds may reach outside the volume and the outside reads as 0; when true such
  // bounds fail with kInvalidArgument (Remedy::kReadOutside).
  bool bounded = true;
  // Refuse cutouts whose output would exceed this many bytes (kResourceExhausted,
  // Remedy::kRaiseMemoryBudget).
  std::size_t max_output_bytes = std::size_t{16} << 30;
  // Called after each chunk (from worker threads, one call at a time, `done` rising by one each
  // call); may be empty. What it throws fails the cutout.
  ProgressCallback on_progress;
  // Requests not yet done end, and the cutout fails with kCancelled.
  std::stop_token stop;
};

// What a cutout read.
struct CutoutReport {
  std::size_t chunks = 0;          // chunks the box touches
  std::size_t missing_chunks = 0;  // of those, read as 0 because they do not exist
  std::uint64_t stored_bytes = 0;  // bytes of the stored chunks
};

class Volume {
 public:
  // Opens a source (see source_url.h) and reads its info, following `redirect` fields (at most
  // 10 hops). Remote infos are read once per context. Throws kNotFound when there is no info,
  // kDataLoss when it is malformed or redirects in a loop.
  static Volume open(const std::string& source, io::Context& context);
  // The same in Context::default_context().
  static Volume open(const std::string& source);
  Volume(std::shared_ptr<io::Storage> storage, VolumeInfo info, std::string source,
         io::Context& context);

  const VolumeInfo& info() const { return *info_; }
  const std::string& source() const { return source_; }
  io::Storage& storage() const { return *storage_; }
  io::Context& context() const { return *context_; }

  // A cutout of `bounds` given in voxels of `mip` (absolute, half-open); shape (X, Y, Z, C).
  // A cutout whose every chunk is missing (read as 0 with fill_missing) or that lies wholly
  // outside the volume is reported through the context's warnings.
  Array download(const Bbox& bounds, int mip, const CutoutOptions& options = {},
                 CutoutReport* report = nullptr) const;
  // The same with bounds in mip-0 voxels, converted to `mip` by floor(min/f), ceil(max/f).
  Array download_mip0(const Bbox& mip0_bounds, int mip, const CutoutOptions& options = {}) const;
  Bbox mip0_to_mip(const Bbox& mip0_bounds, int mip) const;

 private:
  std::shared_ptr<io::Storage> storage_;
  std::shared_ptr<const VolumeInfo> info_;
  std::string source_;
  io::Context* context_;
};

// Reads and parses `info` from a storage (info or info.gz; gzip bodies are inflated), without
// following redirects.
VolumeInfo read_info(io::Storage& storage, const std::string& source);

}  // namespace imagery::precomputed
