// Which colour each object gets: a palette by rank (ImageryClient's discrete_colors, so adding or
// removing an object shifts every colour), an explicit list by rank, or an explicit colour per id
// (then every drawn id needs one, as ImageryClient's dict of colours does).
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "imagery/palettes/color.h"
#include "imagery/palettes/palette.h"

namespace imagery::overlay {

struct ColorChoice {
  std::string palette = "husl";
  palettes::PaletteParams params;
  std::vector<palettes::Rgb8> by_rank;                          // used when not empty
  std::vector<std::pair<std::uint64_t, palettes::Rgb8>> by_id;  // used when not empty
  std::string source = "colors";  // names the option in error messages
};

// One colour per id of `ids` (drawing order). Throws kInvalidArgument when by_rank is shorter
// than ids or an id has no by_id colour; `ids_signed` says how to print ids in that message.
std::vector<palettes::Rgb8> object_colors(const std::vector<std::uint64_t>& ids, bool ids_signed,
                                          const ColorChoice& choice);

// An id as the user wrote it: signed ids print negative.
std::string format_id(std::uint64_t id, bool ids_signed);

}  // namespace imagery::overlay
