// Outlines as ImageryClient draws them (utils.binary_seg_outline): the band of `width` pixels
// just outside a mask (side out: a 4-connected cross dilation repeated `width` times, clipped at
// the picture border, minus the mask) or just inside it (side in: the same erosion with the
// border counted as inside, so no band runs along the picture edge). width < 1 means "repeat
// until nothing changes", as scipy does with iterations < 1.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace imagery::overlay {

enum class Side { kOut, kIn };

// "out" or "in"; nullopt otherwise.
std::optional<Side> parse_side(std::string_view text);

// The largest distance that can matter in a w x h picture, used for width < 1 and huge widths.
std::uint32_t effective_width(int width, std::uint32_t w, std::uint32_t h);

// Outline of a binary mask (nonzero = inside), w x h, rows top to bottom; 1 on the outline.
std::vector<std::uint8_t> binary_outline(const std::uint8_t* mask, std::uint32_t w, std::uint32_t h,
                                         int width, Side side);

}  // namespace imagery::overlay
