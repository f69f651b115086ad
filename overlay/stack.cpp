#include "imagery/overlay/stack.h"

#include <algorithm>
#include <cstring>
#include <string>

#include "imagery/core/error.h"

namespace imagery::overlay {

std::optional<Direction> parse_direction(std::string_view text) {
  if (text == "horizontal") return Direction::kHorizontal;
  if (text == "vertical") return Direction::kVertical;
  return std::nullopt;
}

Image stack_images(const std::vector<Image>& pictures, Direction direction, int spacing) {
  if (pictures.empty()) fail(ErrorCode::kInvalidArgument, "stack: no pictures to stack");
  if (spacing < 0) fail(ErrorCode::kInvalidArgument, "stack: spacing must not be negative");
  const bool horizontal = direction == Direction::kHorizontal;
  std::uint64_t along = static_cast<std::uint64_t>(spacing) * (pictures.size() - 1);
  std::uint64_t across = 0;
  for (const Image& p : pictures) {
    along += horizontal ? p.width : p.height;
    across = std::max<std::uint64_t>(across, horizontal ? p.height : p.width);
  }
  if (along > (1u << 31) || across > (1u << 31))
    fail(ErrorCode::kInvalidArgument, "stack: the stacked picture would be too large");
  const auto w = static_cast<std::uint32_t>(horizontal ? along : across);
  const auto h = static_cast<std::uint32_t>(horizontal ? across : along);
  Image out(w, h, 3);
  std::fill(out.pixels.begin(), out.pixels.end(), std::uint8_t{255});
  std::uint32_t offset = 0;
  for (const Image& p : pictures) {
    const std::uint32_t x0 = horizontal ? offset : 0, y0 = horizontal ? 0 : offset;
    const int c = p.channels;
    for (std::uint32_t y = 0; y < p.height; ++y) {
      std::uint8_t* dst = out.pixel(x0, y0 + y);
      const std::uint8_t* src = p.pixel(0, y);
      if (c == 3) {
        std::memcpy(dst, src, static_cast<std::size_t>(p.width) * 3);
        continue;
      }
      for (std::uint32_t x = 0; x < p.width; ++x, dst += 3, src += c) {
        const bool grey = c <= 2;  // grey and grey+alpha spread to r = g = b
        dst[0] = src[0];
        dst[1] = grey ? src[0] : src[1];
        dst[2] = grey ? src[0] : src[2];
      }
    }
    offset += (horizontal ? p.width : p.height) + static_cast<std::uint32_t>(spacing);
  }
  return out;
}

}  // namespace imagery::overlay
