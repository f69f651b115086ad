// The overlay part of `imagery._native`: ImageryClient's composite_overlay, stack_images and
// discrete_colors on numpy arrays. Pictures come back as numpy arrays (H, W, C) uint8 that own
// the C++ pixels; the Python layer turns them into Pillow images when Pillow is installed.
#include <pybind11/stl.h>

#include <utility>

#include "imagery/overlay/stack.h"
#include "imagery/overlay/style.h"
#include "imagery/palettes/palette.h"
#include "native.h"

namespace imagery::python {

py::array picture_to_numpy(overlay::Image&& image) {
  auto* owned = new overlay::Image(std::move(image));
  py::capsule owner(owned, [](void* p) { delete static_cast<overlay::Image*>(p); });
  const auto c = static_cast<py::ssize_t>(owned->channels);
  const auto w = static_cast<py::ssize_t>(owned->width);
  std::vector<py::ssize_t> shape{static_cast<py::ssize_t>(owned->height), w, c};
  std::vector<py::ssize_t> strides{w * c, c, 1};
  return py::array(py::dtype::of<std::uint8_t>(), shape, strides, owned->pixels.data(), owner);
}

namespace {

overlay::Image picture_from_numpy(const py::array& a, std::size_t index) {
  const std::string what = "images[" + std::to_string(index) + "]";
  if (a.ndim() != 3 || a.dtype().kind() != 'u' || a.dtype().itemsize() != 1)
    fail(ErrorCode::kInvalidArgument, what + ": expected a (height, width, channels) uint8 array");
  const auto c = a.shape(2);
  if (c != 1 && c != 2 && c != 3 && c != 4)
    fail(ErrorCode::kInvalidArgument, what + ": expected 1 to 4 channels");
  py::array_t<std::uint8_t, py::array::c_style> contiguous =
      py::array_t<std::uint8_t, py::array::c_style>::ensure(a);
  overlay::Image image(static_cast<std::uint32_t>(a.shape(1)),
                       static_cast<std::uint32_t>(a.shape(0)), static_cast<int>(c));
  std::copy_n(contiguous.data(), image.pixels.size(), image.pixels.data());
  return image;
}

palettes::Rgb8 rgb8_of(const std::vector<int>& c, const std::string& what) {
  if (c.size() < 3) fail(ErrorCode::kInvalidArgument, what + ": expected r, g, b");
  auto byte = [&](int v) {
    // ImageryClient's uint8 cast of int(255 * c) wraps; colours reach here already in 0..255.
    return static_cast<std::uint8_t>(v & 0xff);
  };
  return {byte(c[0]), byte(c[1]), byte(c[2])};
}

}  // namespace

void register_overlay(py::module_& m) {
  m.def(
      "composite_overlay",
      [](const py::array& segmentation, const std::optional<py::array>& imagery, double alpha,
         bool outline, bool merge_outline, bool overlap, int width, const std::string& side,
         int dim, const std::string& palette, double h, double l, double s,
         const std::optional<std::vector<std::vector<int>>>& colors_by_rank,
         const std::optional<std::vector<std::pair<std::uint64_t, std::vector<int>>>>& colors_by_id,
         bool three_d, const std::string& window, bool include_zero,
         const std::optional<std::vector<std::uint64_t>>& root_ids,
         const std::optional<std::string>& stack, int spacing) {
        overlay::OverlayStyle style;
        style.composite.alpha = alpha;
        style.composite.outline = outline;
        style.composite.merge_outline = merge_outline;
        style.composite.overlap = overlap;
        style.composite.width = width;
        // ImageryClient: any side other than 'out' is 'in'.
        style.composite.side = side == "out" ? overlay::Side::kOut : overlay::Side::kIn;
        style.dim = dim;
        style.colors.palette = palette;
        style.colors.params = {h, s, l};
        if (colors_by_rank)
          for (std::size_t i = 0; i < colors_by_rank->size(); ++i)
            style.colors.by_rank.push_back(
                rgb8_of((*colors_by_rank)[i], "colors[" + std::to_string(i) + "]"));
        if (colors_by_id)
          for (const auto& [id, c] : *colors_by_id)
            style.colors.by_id.emplace_back(id, rgb8_of(c, "colors[" + std::to_string(id) + "]"));
        if (!window.empty()) style.window = overlay::parse_display_window(window, "window");
        style.include_zero = include_zero;
        style.root_ids = root_ids;
        if (stack) {
          style.stack = overlay::parse_direction(*stack);
          if (!style.stack)
            fail(ErrorCode::kInvalidArgument,
                 "direction: expected 'horizontal' or 'vertical', got '" + *stack + "'");
        }
        style.spacing = spacing;
        overlay::check_style(style);
        Array seg = from_numpy(segmentation, "segs");
        std::optional<Array> img;
        if (imagery) {
          img = from_numpy(*imagery, "imagery");
          if (img->shape().xyz() != seg.shape().xyz())
            fail(ErrorCode::kInvalidArgument, "imagery: its shape differs from the segmentation's");
        }
        std::vector<overlay::Image> pictures;
        {
          py::gil_scoped_release release;
          pictures = overlay::composite_overlay(seg, img ? &*img : nullptr, style, three_d,
                                                &context().pool(), "segs");
        }
        py::list out;
        for (auto& p : pictures) out.append(picture_to_numpy(std::move(p)));
        return out;
      },
      py::arg("segmentation"), py::arg("imagery"), py::arg("alpha"), py::arg("outline"),
      py::arg("merge_outline"), py::arg("overlap"), py::arg("width"), py::arg("side"),
      py::arg("dim"), py::arg("palette"), py::arg("h"), py::arg("l"), py::arg("s"),
      py::arg("colors_by_rank"), py::arg("colors_by_id"), py::arg("three_d"),
      py::arg("window") = "", py::arg("include_zero") = false, py::arg("root_ids") = py::none(),
      py::arg("stack") = py::none(), py::arg("spacing") = 10);

  m.def(
      "stack_images",
      [](const std::vector<py::array>& images, const std::string& direction, int spacing) {
        const auto d = overlay::parse_direction(direction);
        if (!d)
          fail(ErrorCode::kInvalidArgument,
               "direction: expected 'horizontal' or 'vertical', got '" + direction + "'");
        std::vector<overlay::Image> pictures;
        for (std::size_t i = 0; i < images.size(); ++i)
          pictures.push_back(picture_from_numpy(images[i], i));
        overlay::Image out;
        {
          py::gil_scoped_release release;
          out = overlay::stack_images(pictures, *d, spacing);
        }
        return picture_to_numpy(std::move(out));
      },
      py::arg("images"), py::arg("direction"), py::arg("spacing"));

  m.def(
      "discrete_colors",
      [](const std::string& palette, std::size_t n, double h, double l, double s) {
        std::vector<std::tuple<double, double, double>> out;
        for (const auto& c : palettes::discrete_colors(palette, n, {h, s, l}))
          out.emplace_back(c.r, c.g, c.b);
        return out;
      },
      py::arg("palette"), py::arg("n"), py::arg("h"), py::arg("l"), py::arg("s"));
  m.def("palette_names", [] { return palettes::palette_names_text(); });
}

}  // namespace imagery::python
