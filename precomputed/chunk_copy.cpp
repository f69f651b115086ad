#include "imagery/precomputed/internal/chunk_copy.h"

#include <cstring>

namespace imagery::precomputed {

void copy_chunk_region(const std::byte* chunk, int channels, const ChunkTarget& t) {
  Bbox o = t.overlap();
  if (o.empty()) return;
  const std::size_t es = t.out->element_size();
  const Vec3 cs = t.chunk_box.size();
  const Shape4& os = t.out->shape();
  const std::size_t run = static_cast<std::size_t>(o.max.x - o.min.x) * es;
  std::byte* out = t.out->bytes();
  for (std::int64_t c = 0; c < channels; ++c)
    for (std::int64_t z = o.min.z; z < o.max.z; ++z)
      for (std::int64_t y = o.min.y; y < o.max.y; ++y) {
        std::int64_t src =
            (o.min.x - t.chunk_box.min.x) +
            cs.x * ((y - t.chunk_box.min.y) + cs.y * ((z - t.chunk_box.min.z) + cs.z * c));
        std::int64_t dst =
            (o.min.x - t.out_box.min.x) +
            os.x * ((y - t.out_box.min.y) + os.y * ((z - t.out_box.min.z) + os.z * c));
        std::memcpy(out + dst * es, chunk + src * es, run);
      }
}

void zero_region(const Bbox& region, const ChunkTarget& t) {
  Bbox o = intersect(region, t.out_box);
  if (o.empty()) return;
  const std::size_t es = t.out->element_size();
  const Shape4& os = t.out->shape();
  const std::size_t run = static_cast<std::size_t>(o.max.x - o.min.x) * es;
  std::byte* out = t.out->bytes();
  for (std::int64_t c = 0; c < os.c; ++c)
    for (std::int64_t z = o.min.z; z < o.max.z; ++z)
      for (std::int64_t y = o.min.y; y < o.max.y; ++y) {
        std::int64_t dst =
            (o.min.x - t.out_box.min.x) +
            os.x * ((y - t.out_box.min.y) + os.y * ((z - t.out_box.min.z) + os.z * c));
        std::memset(out + dst * es, 0, run);
      }
}

}  // namespace imagery::precomputed
