#include "imagery/figure/overview.h"

#include <algorithm>
#include <cmath>

#include "imagery/core/error.h"
#include "imagery/overlay/display_window.h"
#include "imagery/overlay/tint.h"

namespace imagery::figure {

std::pair<std::uint32_t, std::uint32_t> overview_size(double width, double height,
                                                      double section_width_nm,
                                                      double section_height_nm) {
  const double max_w = std::max(8.0, std::round(0.3 * width));
  const double max_h = std::max(8.0, std::round(0.3 * height));
  const double aspect =
      section_height_nm > 0 && section_width_nm > 0 ? section_height_nm / section_width_nm : 1.0;
  double w = max_w, h = std::round(max_w * aspect);
  if (h > max_h) {
    h = max_h;
    w = std::round(max_h / aspect);
  }
  return {static_cast<std::uint32_t>(std::max(1.0, w)),
          static_cast<std::uint32_t>(std::max(1.0, h))};
}

namespace {

// Area-weighted shrink (or nearest enlarge) of a w x h grey picture to tw x th.
overlay::Image resize_grey(const std::vector<std::uint8_t>& grey, std::int64_t w, std::int64_t h,
                           std::uint32_t tw, std::uint32_t th) {
  overlay::Image out(tw, th, 1);
  const double fx = static_cast<double>(w) / tw;
  const double fy = static_cast<double>(h) / th;
  for (std::uint32_t y = 0; y < th; ++y) {
    const double y0 = y * fy, y1 = (y + 1) * fy;
    for (std::uint32_t x = 0; x < tw; ++x) {
      const double x0 = x * fx, x1 = (x + 1) * fx;
      double sum = 0, weight = 0;
      for (auto sy = static_cast<std::int64_t>(y0); sy < std::min<double>(h, std::ceil(y1)); ++sy) {
        const double wy = std::min<double>(sy + 1, y1) - std::max<double>(sy, y0);
        if (wy <= 0) continue;
        for (auto sx = static_cast<std::int64_t>(x0); sx < std::min<double>(w, std::ceil(x1));
             ++sx) {
          const double wx = std::min<double>(sx + 1, x1) - std::max<double>(sx, x0);
          if (wx <= 0) continue;
          sum += wx * wy * grey[static_cast<std::size_t>(sy * w + sx)];
          weight += wx * wy;
        }
      }
      *out.pixel(x, y) = static_cast<std::uint8_t>(
          std::clamp(std::lround(weight > 0 ? sum / weight : 0.0), 0L, 255L));
    }
  }
  return out;
}

}  // namespace

Overview fetch_overview(const FigureSpec& spec, const FigurePlan& plan,
                        const RenderedFigure& figure, std::size_t panel_index,
                        io::Context& /*context*/, const RenderOptions& options) {
  if (plan.viewer_state || !plan.client || !plan.client->has_image())
    fail(ErrorCode::kInvalidArgument,
         "the overview inset shows the image volume's section: give an image (a figure from a "
         "Neuroglancer state or of a segmentation alone has none)");
  if (panel_index >= figure.panels.size())
    fail(ErrorCode::kInternal, "no panel " + std::to_string(panel_index));
  const volume::Volume& volume = plan.client->image_volume();
  const volume::Metadata& meta = volume.metadata();
  const Panel& panel = figure.panels[panel_index];
  const Vec3d& grid_res = figure.provenance.grid_resolution;

  // The section through the panel's middle, in nm.
  const double z_nm =
      (static_cast<double>(panel.voxels.min.z + panel.voxels.max.z) / 2) * grid_res.z;

  // The coarsest usable mip whose section is at least as wide as the inset.
  int mip = -1;
  {
    const auto [target_w, target_h] =
        overview_size(panel.picture.width, panel.picture.height, 1, 1);  // width bound only
    (void)target_h;
    double coarsest = -1;
    for (std::size_t m = 0; m < meta.scales.size(); ++m) {
      const auto& s = meta.scales[m];
      if (!s.usable || !s.readable) continue;
      if (s.bounds.size().x >= static_cast<std::int64_t>(target_w) && s.resolution.x > coarsest) {
        coarsest = s.resolution.x;
        mip = static_cast<int>(m);
      }
    }
    if (mip < 0) {  // every mip is narrower: the finest, enlarged
      for (std::size_t m = 0; m < meta.scales.size() && mip < 0; ++m)
        if (meta.scales[m].usable && meta.scales[m].readable) mip = static_cast<int>(m);
    }
  }
  if (mip < 0) fail(ErrorCode::kNotFound, meta.url + ": no readable mip for the overview inset");
  const volume::ScaleInfo& scale = meta.scale(mip);
  Bbox box = scale.bounds;
  const auto z = static_cast<std::int64_t>(std::floor(z_nm / scale.resolution.z));
  box.min.z = std::clamp(z, scale.bounds.min.z, scale.bounds.max.z - 1);
  box.max.z = box.min.z + 1;
  const std::int64_t w = box.size().x, h = box.size().y;
  const std::uint64_t bytes = static_cast<std::uint64_t>(w) * static_cast<std::uint64_t>(h) *
                              static_cast<std::uint64_t>(dtype_size(meta.dtype)) * 2;
  if (bytes > options.max_memory_bytes)
    fail(ErrorCode::kResourceExhausted,
         meta.url + ": the overview inset's section at mip " + std::to_string(mip) + " (" +
             std::to_string(w) + " x " + std::to_string(h) +
             " voxels) is larger than the memory budget",
         Remedy::kRaiseMemoryBudget);

  volume::ReadOptions read;
  read.fill_missing = true;
  read.bounded = false;
  read.stop = options.stop;
  read.time_point = spec.time_point;
  const Array section = volume.read(box, mip, read);

  // The figure's window; a window worked out from data keeps the range it found on the figure.
  overlay::DisplayWindow window = spec.style.window;
  if (window.from_data() && figure.image.shape().count() > 0)
    window = overlay::resolved_window(window, {&figure.image});
  const std::vector<std::uint8_t> grey = overlay::to_grey8(section, window);

  const double section_w_nm = static_cast<double>(w) * scale.resolution.x;
  const double section_h_nm = static_cast<double>(h) * scale.resolution.y;
  const auto [tw, th] =
      overview_size(panel.picture.width, panel.picture.height, section_w_nm, section_h_nm);

  Overview o;
  o.picture = std::make_shared<overlay::Image>(resize_grey(grey, w, h, tw, th));
  if (overlay::is_tinted(spec.style.composite.tint))
    o.picture = std::make_shared<overlay::Image>(
        overlay::tint_picture(*o.picture, *spec.style.composite.tint));
  o.source = meta.url;
  o.mip = mip;
  o.resolution = scale.resolution;
  o.voxels = box;
  const double px_x = section_w_nm / tw, px_y = section_h_nm / th;
  const double origin_x = static_cast<double>(box.min.x) * scale.resolution.x;
  const double origin_y = static_cast<double>(box.min.y) * scale.resolution.y;
  o.box[0] = (static_cast<double>(panel.voxels.min.x) * grid_res.x - origin_x) / px_x;
  o.box[1] = (static_cast<double>(panel.voxels.min.y) * grid_res.y - origin_y) / px_y;
  o.box[2] = (static_cast<double>(panel.voxels.max.x) * grid_res.x - origin_x) / px_x;
  o.box[3] = (static_cast<double>(panel.voxels.max.y) * grid_res.y - origin_y) / px_y;
  return o;
}

}  // namespace imagery::figure
