#include "imagery/rendering/region.h"

#include <algorithm>
#include <cmath>

#include "imagery/core/error.h"

namespace imagery::rendering {

std::optional<RegionUnits> parse_region_units(std::string_view text) {
  if (text == "voxels" || text == "vx" || text == "voxel") return RegionUnits::kVoxels;
  if (text == "nm") return RegionUnits::kNanometres;
  if (text == "um" || text == "µm") return RegionUnits::kMicrometres;
  if (text == "fraction") return RegionUnits::kFraction;
  return std::nullopt;
}

std::string region_units_name(RegionUnits units) {
  switch (units) {
    case RegionUnits::kNanometres:
      return "nm";
    case RegionUnits::kMicrometres:
      return "um";
    case RegionUnits::kFraction:
      return "fraction";
    case RegionUnits::kVoxels:
      break;
  }
  return "voxels";
}

namespace {

// A physical interval [lo, hi) in nm as voxels of size `res` starting at the volume's origin.
std::pair<std::int64_t, std::int64_t> physical_to_voxels(double lo, double hi, double res) {
  return {static_cast<std::int64_t>(std::floor(lo / res + 1e-9)),
          static_cast<std::int64_t>(std::ceil(hi / res - 1e-9))};
}

}  // namespace

Bbox region_voxels(const RegionRequest& r, const volume::Metadata& m) {
  if (r.kind == RegionRequest::Kind::kNone)
    fail(ErrorCode::kInvalidArgument, "no region: give --bounds or --center with --size");
  const volume::ScaleInfo& s0 = m.scale(0);
  const Vec3d res = s0.resolution;
  Vec3d lo, hi;
  if (r.kind == RegionRequest::Kind::kBounds) {
    lo = r.min;
    hi = r.max;
  } else {
    for (int a = 0; a < 3; ++a) {
      lo[a] = r.center[a] - r.size[a] * 0.5;
      hi[a] = r.center[a] + r.size[a] * 0.5;
    }
  }
  Bbox box;
  for (int a = 0; a < 3; ++a) {
    const bool flat = r.kind == RegionRequest::Kind::kCenterSize && !r.has_depth && a == 2;
    switch (r.units) {
      case RegionUnits::kVoxels: {
        if (r.kind == RegionRequest::Kind::kCenterSize) {
          // NumPy-style integer centring: lo = c - size // 2.
          const auto c = static_cast<std::int64_t>(std::floor(r.center[a]));
          const auto size = flat ? 1 : static_cast<std::int64_t>(std::llround(r.size[a]));
          box.min[a] = c - static_cast<std::int64_t>(std::floor(size / 2.0));
          box.max[a] = box.min[a] + size;
        } else {
          box.min[a] = static_cast<std::int64_t>(std::floor(lo[a]));
          box.max[a] = static_cast<std::int64_t>(std::ceil(hi[a]));
        }
        break;
      }
      case RegionUnits::kNanometres:
      case RegionUnits::kMicrometres: {
        const double unit = r.units == RegionUnits::kMicrometres ? 1000.0 : 1.0;
        if (flat) {
          box.min[a] = static_cast<std::int64_t>(std::floor(r.center[a] * unit / res[a]));
          box.max[a] = box.min[a] + 1;
        } else {
          std::tie(box.min[a], box.max[a]) = physical_to_voxels(lo[a] * unit, hi[a] * unit, res[a]);
        }
        break;
      }
      case RegionUnits::kFraction: {
        const double f_lo = flat ? r.center[a] : lo[a], f_hi = flat ? r.center[a] : hi[a];
        if (!(f_lo >= 0 && f_hi <= 1 && f_lo <= f_hi))
          fail(ErrorCode::kInvalidArgument,
               "--units fraction: the region must lie within 0..1 of the volume on every axis");
        const auto extent = static_cast<double>(s0.bounds.size()[a]);
        const double origin = static_cast<double>(s0.bounds.min[a]);
        if (flat) {
          box.min[a] = std::min(s0.bounds.max[a] - 1,
                                static_cast<std::int64_t>(std::floor(origin + f_lo * extent)));
          box.max[a] = box.min[a] + 1;
        } else {
          box.min[a] = static_cast<std::int64_t>(std::floor(origin + f_lo * extent + 1e-9));
          box.max[a] = static_cast<std::int64_t>(std::ceil(origin + f_hi * extent - 1e-9));
        }
        break;
      }
    }
  }
  if (box.max.x <= box.min.x || box.max.y <= box.min.y || box.max.z <= box.min.z)
    fail(ErrorCode::kInvalidArgument, "the region " + box.to_string() + " holds no voxel");
  return box;
}

int finest_enough_mip(const volume::Metadata& m, double pixel_nm_x, double pixel_nm_y) {
  int best = -1, finest = -1;
  for (std::size_t i = 0; i < m.scales.size(); ++i) {
    const volume::ScaleInfo& s = m.scales[i];
    if (!s.usable || !s.readable) continue;
    if (finest < 0 || s.resolution.x * s.resolution.y <
                          m.scales[static_cast<std::size_t>(finest)].resolution.x *
                              m.scales[static_cast<std::size_t>(finest)].resolution.y)
      finest = static_cast<int>(i);
    const bool fine_enough =
        s.resolution.x <= pixel_nm_x * (1 + 1e-6) && s.resolution.y <= pixel_nm_y * (1 + 1e-6);
    if (!fine_enough) continue;
    if (best < 0 ||
        s.resolution.x * s.resolution.y > m.scales[static_cast<std::size_t>(best)].resolution.x *
                                              m.scales[static_cast<std::size_t>(best)].resolution.y)
      best = static_cast<int>(i);
  }
  if (best < 0) best = finest;
  if (best < 0) fail(ErrorCode::kNotFound, m.url + " has no readable scale");
  return best;
}

LevelChoice choose_level(const volume::Metadata& m, const Bbox& box, const LevelRequest& level) {
  const Vec3d res0 = m.scale(0).resolution;
  const double width_nm = static_cast<double>(box.size().x) * res0.x;
  const double height_nm = static_cast<double>(box.size().y) * res0.y;
  LevelChoice c;
  auto read_at = [&](int mip) {
    const Vec3d res = m.scale(mip).resolution;
    c.mip = mip;
    Bbox b;
    for (int a = 0; a < 3; ++a) {
      const double lo = static_cast<double>(box.min[a]) * res0[a];
      const double hi = static_cast<double>(box.max[a]) * res0[a];
      std::tie(b.min[a], b.max[a]) = physical_to_voxels(lo, hi, res[a]);
      if (b.max[a] <= b.min[a]) b.max[a] = b.min[a] + 1;
    }
    c.read_box = b;
    c.x0 = static_cast<double>(box.min.x) * res0.x / res.x - static_cast<double>(b.min.x);
    c.x1 = static_cast<double>(box.max.x) * res0.x / res.x - static_cast<double>(b.min.x);
    c.y0 = static_cast<double>(box.min.y) * res0.y / res.y - static_cast<double>(b.min.y);
    c.y1 = static_cast<double>(box.max.y) * res0.y / res.y - static_cast<double>(b.min.y);
  };
  switch (level.kind) {
    case LevelRequest::Kind::kDefault:
    case LevelRequest::Kind::kMip: {
      const int mip = level.kind == LevelRequest::Kind::kMip ? level.mip : m.default_mip;
      m.scale(mip);  // kNotFound for a bad index
      read_at(mip);
      c.width = c.read_box.size().x;
      c.height = c.read_box.size().y;
      c.x0 = 0;
      c.x1 = static_cast<double>(c.width);
      c.y0 = 0;
      c.y1 = static_cast<double>(c.height);
      c.pixel_nm_x = m.scale(mip).resolution.x;
      c.pixel_nm_y = m.scale(mip).resolution.y;
      return c;
    }
    case LevelRequest::Kind::kMaxSize: {
      const std::int64_t W = level.max_width;
      const std::int64_t H = level.max_height > 0 ? level.max_height : level.max_width;
      if (W < 1 || H < 1)
        fail(ErrorCode::kInvalidArgument, "--max-size: the output must be at least 1 x 1");
      double scale = std::min(static_cast<double>(W) / static_cast<double>(box.size().x),
                              static_cast<double>(H) / static_cast<double>(box.size().y));
      if (!level.enlarge) scale = std::min(scale, 1.0);
      c.width = std::clamp<std::int64_t>(std::llround(static_cast<double>(box.size().x) * scale), 1,
                                         std::max<std::int64_t>(W, 1));
      c.height = std::clamp<std::int64_t>(std::llround(static_cast<double>(box.size().y) * scale),
                                          1, std::max<std::int64_t>(H, 1));
      break;
    }
    case LevelRequest::Kind::kPixelSize: {
      if (!(level.pixel_nm > 0) || !std::isfinite(level.pixel_nm))
        fail(ErrorCode::kInvalidArgument, "--pixel-size: must be a positive number of nm");
      c.width = std::max<std::int64_t>(1, std::llround(width_nm / level.pixel_nm));
      c.height = std::max<std::int64_t>(1, std::llround(height_nm / level.pixel_nm));
      break;
    }
  }
  c.pixel_nm_x = width_nm / static_cast<double>(c.width);
  c.pixel_nm_y = height_nm / static_cast<double>(c.height);
  read_at(finest_enough_mip(m, c.pixel_nm_x, c.pixel_nm_y));
  // Exactly the pixels of a level: nothing to average (the values keep their type).
  c.resampled =
      !(c.read_box.size().x == c.width && c.read_box.size().y == c.height && c.x0 == 0 &&
        c.y0 == 0 && c.x1 == static_cast<double>(c.width) && c.y1 == static_cast<double>(c.height));
  return c;
}

}  // namespace imagery::rendering
