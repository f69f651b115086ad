#include "imagery/cli/shared_volumes.h"

namespace imagery::cli {

precomputed::Volume SharedVolumes::open(const std::string& source) {
  std::shared_ptr<Entry> entry;
  {
    std::lock_guard lock(mutex_);
    auto& slot = entries_[source];
    if (!slot) slot = std::make_shared<Entry>();
    entry = slot;
  }
  std::call_once(entry->once, [&] {
    try {
      entry->volume = precomputed::Volume::open(source, options_);
    } catch (...) {
      entry->error = std::current_exception();
    }
  });
  if (entry->error) std::rethrow_exception(entry->error);
  return *entry->volume;
}

}  // namespace imagery::cli
