#include "imagery/palettes/internal/husl.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "imagery/palettes/internal/python_math.h"

namespace imagery::palettes {

namespace {

// sRGB D65 matrices and CIE constants of HUSL 2.1.0.
constexpr double kM[3][3] = {
    {3.2406, -1.5372, -0.4986}, {-0.9689, 1.8758, 0.0415}, {0.0557, -0.2040, 1.0570}};
constexpr double kRefY = 1.0;
constexpr double kRefU = 0.19784;
constexpr double kRefV = 0.46834;
constexpr double kLabE = 0.008856;
constexpr double kLabK = 903.3;

// The largest chroma that stays inside sRGB for lightness l and hue h (degrees).
double max_chroma(double l, double h) {
  double hrad = radians(h);
  double sin_h = std::sin(hrad);
  double cos_h = std::cos(hrad);
  double sub1 = std::pow(l + 16, 3.0) / 1560896.0;
  double sub2 = sub1 > 0.008856 ? sub1 : l / 903.3;
  double result = std::numeric_limits<double>::infinity();
  for (const auto& row : kM) {
    double m1 = row[0], m2 = row[1], m3 = row[2];
    double top = (0.99915 * m1 + 1.05122 * m2 + 1.14460 * m3) * sub2;
    double rbottom = 0.86330 * m3 - 0.17266 * m2;
    double lbottom = 0.12949 * m3 - 0.38848 * m1;
    double bottom = (rbottom * sin_h + lbottom * cos_h) * sub2;
    for (double t : {0.0, 1.0}) {
      double c = l * (top - 1.05122 * t) / (bottom + 0.17266 * sin_h * t);
      if (c > 0.0 && c < result) result = c;
    }
  }
  return result;
}

double f_inv(double t) {
  double t3 = std::pow(t, 3.0);
  return t3 > kLabE ? t3 : (116.0 * t - 16.0) / kLabK;
}

double from_linear(double c) {
  if (c <= 0.0031308) return 12.92 * c;
  return 1.055 * std::pow(c, 1.0 / 2.4) - 0.055;
}

}  // namespace

RgbF husl_to_rgb(double h, double s, double l) {
  // HUSL -> LCh
  double c = 0.0;
  if (l > 99.9999999) {
    l = 100;
  } else if (l < 0.00000001) {
    l = 0.0;
  } else {
    c = max_chroma(l, h) / 100.0 * s;
  }
  // LCh -> Luv
  double hrad = radians(h);
  double u = std::cos(hrad) * c;
  double v = std::sin(hrad) * c;
  // Luv -> XYZ
  double xyz[3] = {0.0, 0.0, 0.0};
  if (l != 0) {
    double var_y = f_inv((l + 16.0) / 116.0);
    double var_u = u / (13.0 * l) + kRefU;
    double var_v = v / (13.0 * l) + kRefV;
    double y = var_y * kRefY;
    double x = 0.0 - (9.0 * y * var_u) / ((var_u - 4.0) * var_v - var_u * var_v);
    double z = (9.0 * y - (15.0 * var_v * y) - (var_v * x)) / (3.0 * var_v);
    xyz[0] = x;
    xyz[1] = y;
    xyz[2] = z;
  }
  // XYZ -> linear RGB -> sRGB; the dot product sums left to right from 0 like Python's sum().
  double rgb[3];
  for (int i = 0; i < 3; ++i) {
    double dot = 0.0;
    for (int j = 0; j < 3; ++j) dot = dot + kM[i][j] * xyz[j];
    rgb[i] = from_linear(dot);
  }
  return {rgb[0], rgb[1], rgb[2]};
}

std::vector<RgbF> husl_palette(std::size_t n, double h, double s, double l) {
  std::vector<RgbF> out;
  out.reserve(n);
  std::vector<double> hues = linspace_without_end(n);
  double s99 = s * 99;
  double l99 = l * 99;
  for (double hue : hues) {
    hue = python_mod(hue + h, 1.0) * 359;
    RgbF c = husl_to_rgb(hue, s99, l99);
    auto clip = [](double x) { return std::clamp(x, 0.0, 1.0); };
    out.push_back({clip(c.r), clip(c.g), clip(c.b)});
  }
  return out;
}

}  // namespace imagery::palettes
