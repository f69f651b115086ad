// Volumes opened once per batch run and shared by every row that names the same source, so
// thousands of rows read each `info` once; a source that failed to open fails the later rows at
// once with the same error instead of retrying the network for each of them.
#pragma once

#include <exception>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "imagery/precomputed/volume.h"

namespace imagery::cli {

class SharedVolumes {
 public:
  explicit SharedVolumes(precomputed::OpenOptions options) : options_(std::move(options)) {}
  // Thread-safe; concurrent first calls for one source open it once.
  precomputed::Volume open(const std::string& source);

 private:
  struct Entry {
    std::once_flag once;
    std::optional<precomputed::Volume> volume;
    std::exception_ptr error;
  };
  precomputed::OpenOptions options_;
  std::mutex mutex_;
  std::map<std::string, std::shared_ptr<Entry>> entries_;
};

}  // namespace imagery::cli
