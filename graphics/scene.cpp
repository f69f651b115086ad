#include "imagery/graphics/scene.h"

namespace imagery::graphics {

namespace {
constexpr double kMmPerInch = 25.4;
}

PhysicalSize size_at_dpi(const Scene& scene, double dpi) {
  return {scene.width / dpi * kMmPerInch, scene.height / dpi * kMmPerInch};
}

double dpi_of(const Scene& scene, const PhysicalSize& size) {
  return scene.width / size.width_mm * kMmPerInch;
}

}  // namespace imagery::graphics
