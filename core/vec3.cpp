#include "imagery/core/vec3.h"

#include <charconv>

namespace imagery {

std::string Vec3::to_string() const {
  return "[" + std::to_string(x) + ", " + std::to_string(y) + ", " + std::to_string(z) + "]";
}

namespace {
std::string shortest(double v) {
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, r.ptr);
}
}  // namespace

std::string Vec3d::to_string() const {
  return "[" + shortest(x) + ", " + shortest(y) + ", " + shortest(z) + "]";
}

}  // namespace imagery
