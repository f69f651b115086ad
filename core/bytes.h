// Bytes: an owned byte buffer, and SharedBytes: an immutable one shared without copying (cached
// chunks handed to several readers at once).
#pragma once

#include <cstddef>
#include <memory>
#include <span>
#include <vector>

namespace imagery {

using Bytes = std::vector<std::byte>;

class SharedBytes {
 public:
  SharedBytes() = default;
  explicit SharedBytes(Bytes bytes) : bytes_(std::make_shared<Bytes>(std::move(bytes))) {}

  std::span<const std::byte> span() const {
    return bytes_ ? std::span<const std::byte>(*bytes_) : std::span<const std::byte>();
  }
  const std::byte* data() const { return bytes_ ? bytes_->data() : nullptr; }
  std::size_t size() const { return bytes_ ? bytes_->size() : 0; }
  bool empty() const { return size() == 0; }
  // A private copy (for callers that must modify the bytes).
  Bytes copy() const { return bytes_ ? *bytes_ : Bytes(); }
  // The bytes themselves when this is the only reference (no copy), else a copy.
  Bytes take() &&;
  operator std::span<const std::byte>() const { return span(); }

 private:
  // Never modified while shared: only take() moves out of it, and only as the sole owner.
  std::shared_ptr<Bytes> bytes_;
};

inline Bytes SharedBytes::take() && {
  if (bytes_ && bytes_.use_count() == 1) {
    Bytes out = std::move(*bytes_);  // sole owner: nobody else can see the move
    bytes_.reset();
    return out;
  }
  Bytes out = copy();
  bytes_.reset();
  return out;
}

}  // namespace imagery
