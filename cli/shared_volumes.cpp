#include "imagery/cli/shared_volumes.h"

#include "imagery/core/error.h"
#include "imagery/volume/open_volume.h"

namespace imagery::cli {

bool is_transient(const std::exception_ptr& error) {
  try {
    std::rethrow_exception(error);
  } catch (const Error& e) {
    return e.code() == ErrorCode::kUnavailable || e.code() == ErrorCode::kCancelled;
  } catch (...) {
    return true;  // out of memory and the like: not the source's fault
  }
}

std::shared_ptr<const volume::Volume> SharedVolumes::open(const std::string& source) {
  std::shared_ptr<Entry> entry;
  {
    std::lock_guard lock(mutex_);
    auto& slot = entries_[source];
    if (!slot) slot = std::make_shared<Entry>();
    entry = slot;
  }
  // One opener at a time per source; the others wait and take its volume (or its lasting error).
  std::lock_guard lock(entry->mutex);
  if (entry->volume) return entry->volume;
  if (entry->error) std::rethrow_exception(entry->error);
  try {
    if (before_open_) before_open_(source);
    entry->volume = volume::open_volume(source, context_);
    return entry->volume;
  } catch (...) {
    if (!is_transient(std::current_exception())) entry->error = std::current_exception();
    throw;
  }
}

}  // namespace imagery::cli
