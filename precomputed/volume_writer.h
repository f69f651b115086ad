// VolumeWriter: writes unsharded precomputed volumes to local disk (info and
// chunks in raw, jpeg, png, jxl (lossless) or compressed_segmentation, optionally
// gzip'd as NAME.gz like CloudVolume). Used for the demo volume, benchmarks and tests.
#pragma once

#include <string>

#include "imagery/core/array.h"
#include "imagery/core/thread_pool.h"
#include "imagery/precomputed/info.h"

namespace imagery::precomputed {

struct WriteOptions {
  bool gzip = false;           // store chunks as NAME.gz
  ThreadPool* pool = nullptr;  // encodes chunks in parallel (nullptr: a pool made for the call)
  int gzip_level = 6;
  int jpeg_quality = 85;
};

class VolumeWriter {
 public:
  // Creates the folder and writes `info` (validated first: throws like parse_info).
  VolumeWriter(std::string root, VolumeInfo info);

  const VolumeInfo& info() const { return info_; }

  // Writes every chunk of `mip` inside `bounds` from `data` (shape = bounds size x channels).
  // Bounds must start on chunk boundaries and end on one or on the volume's end.
  void write(const Array& data, const Bbox& bounds, int mip,
             const WriteOptions& options = {}) const;

 private:
  std::string root_;
  VolumeInfo info_;
};

}  // namespace imagery::precomputed
