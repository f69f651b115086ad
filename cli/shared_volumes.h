// Volumes opened once per batch run and shared by every row that names the same source, so
// thousands of rows read each source's metadata once. A source that failed to open for good
// (missing, malformed, refused) fails the later rows at once with the same error instead of
// asking again; a transient failure (network trouble, cancellation) is not kept: the next row
// that names the source tries again.
#pragma once

#include <exception>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "imagery/io/context.h"
#include "imagery/volume/volume.h"

namespace imagery::cli {

class SharedVolumes {
 public:
  // `before_open` runs once before a source is first opened (the batch grants its token there).
  SharedVolumes(io::Context& context, std::function<void(const std::string&)> before_open = {})
      : context_(context), before_open_(std::move(before_open)) {}
  // Thread-safe; concurrent first calls for one source open it once.
  std::shared_ptr<const volume::Volume> open(const std::string& source);

 private:
  struct Entry {
    std::mutex mutex;
    std::shared_ptr<const volume::Volume> volume;
    std::exception_ptr error;  // a permanent failure
  };
  io::Context& context_;
  std::function<void(const std::string&)> before_open_;
  std::mutex mutex_;
  std::map<std::string, std::shared_ptr<Entry>> entries_;
};

// Whether an error may go away when the same thing is tried again (network, cancellation).
bool is_transient(const std::exception_ptr& error);

}  // namespace imagery::cli
