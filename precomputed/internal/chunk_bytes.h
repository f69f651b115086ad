// Reading the little-endian integers of a chunk stream that comes from outside (compresso,
// crackle): every range is checked against the end of the bytes before it is read, with
// overflow-safe arithmetic, and whatever does not fit is a kDataLoss error naming the chunk.
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "imagery/core/error.h"

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
