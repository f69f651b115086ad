// Bytes: an owned byte buffer. SharedBytes: an immutable view of bytes owned jointly by everyone
// who holds it, so a cached chunk is handed to many readers, and a chunk cut out of a coalesced
// range read is passed on, without copying.
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
  explicit SharedBytes(Bytes bytes)
      : owner_(std::make_shared<Bytes>(std::move(bytes))),
        data_(owner_->data()),
        size_(owner_->size()) {}

  std::span<const std::byte> span() const { return {data_, size_}; }
  const std::byte* data() const { return data_; }
  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  operator std::span<const std::byte>() const { return span(); }

  // Bytes [offset, offset + length) of this view, sharing the same owner. The range must lie
  // inside the view (callers check lengths read from untrusted data first).
  SharedBytes slice(std::size_t offset, std::size_t length) const {
    SharedBytes s;
    s.owner_ = owner_;
    s.data_ = data_ + offset;
    s.size_ = length;
    return s;
  }

  // A private copy of the view.
  Bytes copy() const { return Bytes(data_, data_ + size_); }
  // The bytes as an owned buffer: moved out without copying when this is the only holder of the
  // whole buffer, copied otherwise. Leaves this view empty.
  Bytes take() && {
    Bytes out;
    if (owner_ && owner_.use_count() == 1 && data_ == owner_->data() && size_ == owner_->size())
      out = std::move(*owner_);  // sole holder: nobody else can observe the move
    else
      out = copy();
    *this = SharedBytes();
    return out;
  }

 private:
  // Never modified while shared: only take() moves out of it, and only as the sole holder.
  std::shared_ptr<Bytes> owner_;
  const std::byte* data_ = nullptr;
  std::size_t size_ = 0;
};

}  // namespace imagery
