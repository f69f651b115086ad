// ImageryClient's stack_images: pictures side by side (top aligned) or one above the other (left
// aligned) on a white RGB canvas with `spacing` pixels between them. Pictures are pasted, not
// blended: their alpha is dropped, as Pillow's paste into an RGB canvas does.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "imagery/overlay/image.h"

namespace imagery::overlay {

enum class Direction { kHorizontal, kVertical };

// "horizontal" or "vertical"; nullopt otherwise.
std::optional<Direction> parse_direction(std::string_view text);

// Throws kInvalidArgument for no pictures, a negative spacing or a canvas beyond 2^31 pixels a
// side.
Image stack_images(const std::vector<Image>& pictures, Direction direction, int spacing = 10);

}  // namespace imagery::overlay
