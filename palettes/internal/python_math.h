// The few Python/NumPy float operations the palettes must reproduce bit for bit: float modulo,
// math.radians and np.linspace(0, 1, n + 1)[:-1].
#pragma once

#include <cmath>
#include <cstddef>
#include <vector>

namespace imagery::palettes {

// Python's a % b for floats: the result takes the sign of b.
inline double python_mod(double a, double b) {
  double m = std::fmod(a, b);
  if (m != 0) {
    if ((b < 0) != (m < 0)) m += b;
  } else {
    m = std::copysign(0.0, b);
  }
  return m;
}

// math.radians multiplies by a precomputed pi / 180 (one rounding), not by pi then / 180.
inline double radians(double degrees) {
  constexpr double kDegToRad = 3.141592653589793 / 180.0;
  return degrees * kDegToRad;
}

// np.linspace(0, 1, n + 1)[:-1]: i * (1 / n), computed as NumPy does (step first, then multiply).
inline std::vector<double> linspace_without_end(std::size_t n) {
  std::vector<double> out(n);
  if (n == 0) return out;
  double step = 1.0 / static_cast<double>(n);
  for (std::size_t i = 0; i < n; ++i) out[i] = static_cast<double>(i) * step;
  return out;
}

}  // namespace imagery::palettes
