// Choosing a scale ("mip"): by index, by resolution in nm (exact, relative tolerance 1e-6, or the
// nearest with MipSelector::nearest), or the volume's default. Messages name the volume and what it
// has; callers add the option or argument the choice came from.
#pragma once

#include <string>
#include <variant>

#include "imagery/core/vec3.h"
#include "imagery/volume/volume.h"

namespace imagery::volume {

struct MipSelector {
  std::variant<std::monostate, int, Vec3d> choice;  // default, index, resolution
  // With a resolution: the nearest usable scale when none matches exactly (ngio's strict=False).
  bool nearest = false;

  static MipSelector index(int mip) { return {mip}; }
  static MipSelector resolution(const Vec3d& nm) { return {nm}; }
  bool is_default() const { return std::holds_alternative<std::monostate>(choice); }
  // "2", "8,8,40", "" for the default (the text parse() reads back).
  std::string to_string() const;
  // "2" (an index) or "RX,RY,RZ" (a resolution in nm); "" is the default. Throws
  // kInvalidArgument.
  static MipSelector parse(const std::string& text);
  bool operator==(const MipSelector&) const = default;
};

// The mip of `metadata` the selector names. Throws kNotFound ("URL has no mip 9 (mips 0..3)",
// "URL has no scale at resolution 8,8,40 nm (it has [4, 4, 40], [8, 8, 40])").
int select_mip(const Metadata& metadata, const MipSelector& selector);

// The usable scale whose resolution is closest to `resolution` (least summed |log ratio|).
int nearest_mip(const Metadata& metadata, const Vec3d& resolution);

}  // namespace imagery::volume
