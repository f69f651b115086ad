#include "imagery/figure/scale_bar.h"

#include <cmath>

namespace imagery::figure {

double auto_scale_bar_nm(double panel_width, double nm_per_pixel) {
  const double target = 0.2 * panel_width * nm_per_pixel;
  if (!(target > 0) || !std::isfinite(target)) return 1;
  double best = 1;
  double best_error = INFINITY;
  // Decades around the target; 1, 2 and 5 in each.
  const int decade = static_cast<int>(std::floor(std::log10(target)));
  for (int k = decade - 1; k <= decade + 1; ++k) {
    for (double m : {1.0, 2.0, 5.0}) {
      const double candidate = m * std::pow(10.0, k);
      if (candidate < 1) continue;  // nothing below a nanometre
      const double error = std::fabs(candidate - target);
      if (error < best_error) {
        best = candidate;
        best_error = error;
      }
    }
  }
  return best;
}

ScaleBarGeometry scale_bar_geometry(const ScaleBarSpec& spec, double nm_per_pixel,
                                    double panel_width, double output_scale, double common_nm) {
  ScaleBarGeometry g;
  g.length_nm = spec.length_nm  ? *spec.length_nm
                : common_nm > 0 ? common_nm
                                : auto_scale_bar_nm(panel_width, nm_per_pixel);
  const double output_nm_per_pixel = nm_per_pixel / output_scale;
  g.output_pixels = std::llround(g.length_nm / output_nm_per_pixel);
  g.scene_length = static_cast<double>(g.output_pixels) / output_scale;
  g.text = length_text(g.length_nm);
  return g;
}

}  // namespace imagery::figure
