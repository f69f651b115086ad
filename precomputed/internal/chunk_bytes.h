// Reading the little-endian integers of a chunk stream that comes from outside (compresso,
// crackle): every range is checked against the end of the bytes before it is read, with
// overflow-safe arithmetic, and whatever does not fit is a kDataLoss error naming the chunk.
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "imagery/core/error.h"
#include "imagery/precomputed/internal/chunk_copy.h"

namespace imagery::precomputed {

// The unsigned little-endian integer of `width` (1..8) bytes at `p`, unchecked: for loops over a
// range ChunkBytes has checked.
inline std::uint64_t load_le(const std::byte* p, int width) {
  std::uint64_t v = 0;
  for (int i = width - 1; i >= 0; --i) v = v << 8 | std::to_integer<std::uint64_t>(p[i]);
  return v;
}

// The bytes of one chunk in one format, for messages "NAME: corrupt FORMAT stream: WHAT".
class ChunkBytes {
 public:
  ChunkBytes(std::span<const std::byte> bytes, const std::string& name, const char* format)
      : bytes_(bytes), name_(name), format_(format) {}

  std::size_t size() const { return bytes_.size(); }
  const std::byte* data() const { return bytes_.data(); }
  const std::string& name() const { return name_; }
  const char* format() const { return format_; }

  [[noreturn]] void corrupt(const std::string& what) const {
    fail(ErrorCode::kDataLoss, name_ + ": corrupt " + format_ + " stream: " + what);
  }

  // Start of `count` items of `width` bytes at `offset`; `what` names them when they do not fit.
  const std::byte* range(std::uint64_t offset, std::uint64_t count, std::uint64_t width,
                         const char* what) const {
    std::uint64_t length = 0, end = 0;
    if (__builtin_mul_overflow(count, width, &length) ||
        __builtin_add_overflow(offset, length, &end) || end > bytes_.size())
      corrupt(std::string(what) + " (" + std::to_string(count) + " x " + std::to_string(width) +
              " bytes at offset " + std::to_string(offset) + ") run past the end of its " +
              std::to_string(bytes_.size()) + " bytes");
    return bytes_.data() + offset;
  }

  std::uint64_t uint(std::uint64_t offset, int width, const char* what) const {
    return load_le(range(offset, 1, static_cast<std::uint64_t>(width), what), width);
  }

 private:
  std::span<const std::byte> bytes_;
  const std::string& name_;
  const char* format_;
};

// The checks the label formats share: a format version imagery reads (0 or 1), and a stream of
// the chunk's own dimensions whose labels are as wide as the volume's data type.
inline void check_version(const ChunkBytes& in, int version) {
  if (version > 1)
    fail(ErrorCode::kDataLoss, in.name() + ": " + in.format() + " format version " +
                                   std::to_string(version) +
                                   " is not supported (imagery reads versions 0 and 1)");
}
inline void check_fits_chunk(const ChunkBytes& in, const Vec3& dims, int width,
                             const ChunkTarget& t) {
  const Vec3 cs = t.chunk_box.size();
  if (dims != cs)
    fail(ErrorCode::kDataLoss, in.name() + ": " + in.format() + " stream is " +
                                   std::to_string(dims.x) + "x" + std::to_string(dims.y) + "x" +
                                   std::to_string(dims.z) + " voxels, the chunk " + cs.to_string());
  if (static_cast<std::size_t>(width) != t.out->element_size())
    fail(ErrorCode::kDataLoss, in.name() + ": " + in.format() + " labels are " +
                                   std::to_string(width) + " bytes wide, the volume's " +
                                   std::string(dtype_name(t.out->dtype())) + " " +
                                   std::to_string(t.out->element_size()));
}

// Calls f(T{}) with T the unsigned integer of `width` (1, 2, 4 or 8) bytes.
template <class F>
void with_label_type(int width, F&& f) {
  switch (width) {
    case 1:
      return f(std::uint8_t{});
    case 2:
      return f(std::uint16_t{});
    case 4:
      return f(std::uint32_t{});
    default:
      return f(std::uint64_t{});
  }
}

// a + b and a * b for sizes read from a stream: a sum or product past 2^64 is corruption.
inline std::uint64_t add_sizes(std::uint64_t a, std::uint64_t b, const ChunkBytes& in,
                               const char* what) {
  std::uint64_t r = 0;
  if (__builtin_add_overflow(a, b, &r)) in.corrupt(std::string(what) + " pass 2^64 bytes");
  return r;
}
inline std::uint64_t mul_sizes(std::uint64_t a, std::uint64_t b, const ChunkBytes& in,
                               const char* what) {
  std::uint64_t r = 0;
  if (__builtin_mul_overflow(a, b, &r)) in.corrupt(std::string(what) + " pass 2^64 bytes");
  return r;
}

}  // namespace imagery::precomputed
