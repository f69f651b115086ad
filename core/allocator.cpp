#include "imagery/core/allocator.h"

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace imagery {

bool tune_allocator_for_large_buffers() {
#if defined(__GLIBC__)
  return mallopt(M_MMAP_THRESHOLD, 64 << 20) == 1 && mallopt(M_TRIM_THRESHOLD, 256 << 20) == 1;
#else
  return false;
#endif
}

}  // namespace imagery
