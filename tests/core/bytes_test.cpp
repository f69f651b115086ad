// SharedBytes: views that share one buffer (slices never copy), copy() always copies, and take()
// moves the buffer out only when nobody else can see it: the sole holder of the whole buffer.
#include "imagery/core/bytes.h"

#include <catch2/catch.hpp>
#include <cstddef>
#include <span>
#include <utility>

using imagery::Bytes;
using imagery::SharedBytes;

namespace {

Bytes ramp(std::size_t n) {
  Bytes b(n);
  for (std::size_t i = 0; i < n; ++i) b[i] = static_cast<std::byte>(i);
  return b;
}

bool is_ramp_from(std::span<const std::byte> s, std::size_t first) {
  for (std::size_t i = 0; i < s.size(); ++i)
    if (s[i] != static_cast<std::byte>(first + i)) return false;
  return true;
}

}  // namespace

TEST_CASE("shared bytes adopt a buffer without copying it", "[core][bytes]") {
  Bytes b = ramp(64);
  const std::byte* original = b.data();
  SharedBytes s(std::move(b));
  CHECK(s.data() == original);
  CHECK(s.size() == 64);
  CHECK_FALSE(s.empty());
  const std::span<const std::byte> view = s;
  CHECK(view.data() == original);
  CHECK(view.size() == 64);
  CHECK(is_ramp_from(s.span(), 0));
}

TEST_CASE("default shared bytes are empty and take() gives an empty buffer", "[core][bytes]") {
  SharedBytes s;
  CHECK(s.empty());
  CHECK(s.size() == 0);
  CHECK(s.span().empty());
  CHECK(s.copy().empty());
  CHECK(std::move(s).take().empty());
}

TEST_CASE("a slice shares the buffer and outlives the view it was cut from", "[core][bytes]") {
  SharedBytes slice;
  const std::byte* base = nullptr;
  {
    SharedBytes whole(ramp(100));
    base = whole.data();
    slice = whole.slice(10, 20);
    CHECK(slice.data() == base + 10);
    CHECK(slice.size() == 20);
    // A slice of a slice still points into the one buffer.
    SharedBytes inner = slice.slice(5, 3);
    CHECK(inner.data() == base + 15);
    CHECK(is_ramp_from(inner.span(), 15));
    // Empty slices are allowed, at the end too.
    CHECK(whole.slice(100, 0).empty());
  }
  // The whole view is gone; the slice keeps the buffer alive.
  CHECK(slice.data() == base + 10);
  CHECK(is_ramp_from(slice.span(), 10));
}

TEST_CASE("copy() gives a private buffer with the same bytes", "[core][bytes]") {
  SharedBytes s(ramp(32));
  Bytes c = s.copy();
  CHECK(c.size() == 32);
  CHECK(c.data() != s.data());
  CHECK(is_ramp_from(c, 0));
  // Changing the copy does not change the shared bytes.
  c[0] = std::byte{0xff};
  CHECK(s.data()[0] == std::byte{0});
  // The copy of a slice holds only the slice.
  Bytes part = s.slice(4, 8).copy();
  CHECK(part.size() == 8);
  CHECK(is_ramp_from(part, 4));
}

TEST_CASE("take() moves the buffer out when this is the sole holder of all of it",
          "[core][bytes]") {
  SharedBytes s(ramp(256));
  const std::byte* original = s.data();
  Bytes out = std::move(s).take();
  // The same allocation: no copy was made.
  CHECK(out.data() == original);
  CHECK(out.size() == 256);
  CHECK(is_ramp_from(out, 0));
  // The view was left empty.
  CHECK(s.empty());  // NOLINT(bugprone-use-after-move): take() documents the state it leaves
  CHECK(s.data() == nullptr);
}

TEST_CASE("take() copies when another holder shares the buffer", "[core][bytes]") {
  SharedBytes s(ramp(64));
  SharedBytes other = s;  // e.g. the cache's reference
  const std::byte* original = s.data();
  Bytes out = std::move(s).take();
  CHECK(out.data() != original);
  CHECK(is_ramp_from(out, 0));
  // The other holder still sees its bytes, untouched.
  CHECK(other.data() == original);
  CHECK(other.size() == 64);
  CHECK(is_ramp_from(other.span(), 0));
}

TEST_CASE("take() copies when another slice shares the buffer", "[core][bytes]") {
  SharedBytes s(ramp(64));
  SharedBytes tail = s.slice(32, 32);
  const std::byte* original = s.data();
  Bytes out = std::move(s).take();
  CHECK(out.data() != original);
  CHECK(out.size() == 64);
  CHECK(is_ramp_from(tail.span(), 32));
}

TEST_CASE("take() of a part of the buffer copies just that part, even as sole holder",
          "[core][bytes]") {
  SharedBytes part = SharedBytes(ramp(64)).slice(8, 16);
  const std::byte* where = part.data();
  Bytes out = std::move(part).take();
  // Moving the whole buffer out would hand over 64 bytes with the wrong start.
  CHECK(out.size() == 16);
  CHECK(out.data() != where);
  CHECK(is_ramp_from(out, 8));
}

TEST_CASE("take() of a slice spanning the whole buffer moves it as sole holder", "[core][bytes]") {
  SharedBytes whole = SharedBytes(ramp(40)).slice(0, 40);
  const std::byte* original = whole.data();
  Bytes out = std::move(whole).take();
  CHECK(out.data() == original);
  CHECK(out.size() == 40);
}
