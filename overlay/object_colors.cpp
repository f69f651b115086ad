#include "imagery/overlay/object_colors.h"

#include <unordered_map>

#include "imagery/core/error.h"

namespace imagery::overlay {

std::string format_id(std::uint64_t id, bool ids_signed) {
  return ids_signed ? std::to_string(static_cast<std::int64_t>(id)) : std::to_string(id);
}

std::vector<palettes::Rgb8> object_colors(const std::vector<std::uint64_t>& ids, bool ids_signed,
                                          const ColorChoice& choice) {
  if (choice.palette == "labels") {
    // The source's colours by id where it has one (OME-Zarr image-label), and husl colours in
    // drawing order for the others.
    std::unordered_map<std::uint64_t, palettes::Rgb8> by_id;
    for (const auto& [id, color] : choice.by_id) by_id[id] = color;
    std::size_t others = 0;
    for (std::uint64_t id : ids) others += by_id.count(id) == 0;
    const auto husl = palettes::to_uint8(palettes::discrete_colors("husl", others, choice.params));
    std::vector<palettes::Rgb8> out;
    out.reserve(ids.size());
    std::size_t next = 0;
    for (std::uint64_t id : ids) {
      const auto it = by_id.find(id);
      out.push_back(it != by_id.end() ? it->second : husl[next++]);
    }
    return out;
  }
  if (!choice.by_id.empty()) {
    std::unordered_map<std::uint64_t, palettes::Rgb8> by_id;
    for (const auto& [id, color] : choice.by_id) by_id[id] = color;  // the last one given wins
    std::vector<palettes::Rgb8> out;
    out.reserve(ids.size());
    for (std::uint64_t id : ids) {
      auto it = by_id.find(id);
      if (it == by_id.end())
        fail(ErrorCode::kInvalidArgument,
             choice.source + ": no colour for object " + format_id(id, ids_signed) +
                 " (with colours per id, every drawn object needs one; " +
                 std::to_string(ids.size()) + " objects are drawn)");
      out.push_back(it->second);
    }
    return out;
  }
  if (!choice.by_rank.empty()) {
    if (choice.by_rank.size() < ids.size())
      fail(ErrorCode::kInvalidArgument,
           choice.source + ": " + std::to_string(choice.by_rank.size()) + " colours for " +
               std::to_string(ids.size()) + " objects (give at least one per object)");
    return {choice.by_rank.begin(),
            choice.by_rank.begin() + static_cast<std::ptrdiff_t>(ids.size())};
  }
  return palettes::to_uint8(palettes::discrete_colors(choice.palette, ids.size(), choice.params));
}

}  // namespace imagery::overlay
