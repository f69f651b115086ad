// Allocator settings for programs that handle many large buffers (chunks of a few hundred KB,
// cutouts and pictures of several MB), as imagery's own program sets them. With glibc's defaults
// such buffers are mapped and unmapped on every use, or the heap is trimmed and grown again, and
// every fresh page costs a fault on first touch (a figure loop can spend a quarter of its time
// there). Process-wide, so the library never does this on its own: a program calls it once at the
// start of main().
#pragma once

namespace imagery {

// Keeps buffers under 64 MB on the heap and the heap from shrinking below 256 MB of free space
// (glibc's M_MMAP_THRESHOLD and M_TRIM_THRESHOLD). Returns false where that cannot be set.
bool tune_allocator_for_large_buffers();

}  // namespace imagery
