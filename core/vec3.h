// Vec3: an integer voxel coordinate or extent in x, y, z order.
#pragma once

#include <array>
#include <cstdint>
#include <string>

namespace imagery {

struct Vec3 {
  std::int64_t x = 0, y = 0, z = 0;

  constexpr std::int64_t operator[](int axis) const { return axis == 0 ? x : axis == 1 ? y : z; }
  constexpr std::int64_t& operator[](int axis) { return axis == 0 ? x : axis == 1 ? y : z; }
  constexpr bool operator==(const Vec3&) const = default;

  constexpr Vec3 operator+(const Vec3& o) const { return {x + o.x, y + o.y, z + o.z}; }
  constexpr Vec3 operator-(const Vec3& o) const { return {x - o.x, y - o.y, z - o.z}; }
  // Product of the three components; callers check for overflow where sizes are untrusted.
  constexpr std::int64_t volume() const { return x * y * z; }

  std::string to_string() const;  // "[x, y, z]"
};

// Floating-point triple, used for resolutions in nanometres.
struct Vec3d {
  double x = 0, y = 0, z = 0;
  constexpr double operator[](int axis) const { return axis == 0 ? x : axis == 1 ? y : z; }
  constexpr double& operator[](int axis) { return axis == 0 ? x : axis == 1 ? y : z; }
  constexpr bool operator==(const Vec3d&) const = default;
  std::string to_string() const;  // "[4, 4, 40]" (shortest exact form)
};

// Floor and ceiling division for signed integers (C++ '/' truncates toward zero).
constexpr std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  std::int64_t q = a / b;
  return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}
constexpr std::int64_t ceil_div(std::int64_t a, std::int64_t b) {
  return -floor_div(-a, b);
}

}  // namespace imagery
