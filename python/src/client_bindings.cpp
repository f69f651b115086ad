// The client and figure part of `imagery._native`: ImageryClient's cutouts over two opened
// volumes (the Python class imagery.ImageryClient gives them ImageryClient's arguments), CAVE
// datastacks, figures and layouts from their JSON specs, and renders. Every fetch runs with the
// GIL released.
#include <pybind11/stl.h>

#include <nlohmann/json.hpp>
#include <utility>

#include "imagery/cave/datastack.h"
#include "imagery/client/client.h"
#include "imagery/core/error.h"
#include "imagery/figure/figure_spec_json.h"
#include "imagery/figure/layout.h"
#include "imagery/figure/make_figure.h"
#include "imagery/figure/render.h"
#include "imagery/overlay/display_window.h"
#include "imagery/rendering/render_volume.h"
#include "native.h"

namespace imagery::python {

namespace {

// A region as the Python layer hands it over: ("corners", lo, hi), ("centered", center, size)
// or ("image_pixels" | "segmentation_pixels", center, pixels).
struct RegionArgs {
  std::string kind;
  Vec3d a, b;
};

// One call's client: the volumes with this call's resolution, labels and timestamp. Making one
// costs nothing (no I/O), so each call makes its own and calls never share mutable state.
struct NativeClient {
  std::shared_ptr<const volume::Volume> image, segmentation;
  int image_mip = 0, segmentation_mip = 0;
  std::size_t max_output_bytes = std::size_t{16} << 30;

  client::Client make(const Vec3d& resolution, bool mapped, std::optional<double> timestamp,
                      const volume::ProgressCallback& progress) const {
    client::ClientOptions o;
    o.resolution = resolution;
    if (image) o.image_mip = volume::MipSelector::index(image_mip);
    if (segmentation) o.segmentation_mip = volume::MipSelector::index(segmentation_mip);
    o.pool = &context().pool();
    o.max_output_bytes = max_output_bytes;
    o.on_progress = progress;
    o.labels = mapped ? volume::ReadOptions::Labels::kMapped : volume::ReadOptions::Labels::kStored;
    if (timestamp) o.timestamp = time_point_of(*timestamp);
    return client::Client(image, segmentation, o);
  }
};

client::Region region_of(const client::Client& c, const RegionArgs& r, std::optional<int> mip) {
  if (r.kind == "corners") return client::Region::corners(r.a, r.b);
  if (r.kind == "centered") return client::Region::centered(r.a, r.b);
  const Vec3 pixels{static_cast<std::int64_t>(r.b.x), static_cast<std::int64_t>(r.b.y),
                    static_cast<std::int64_t>(r.b.z)};
  if (r.kind == "image_pixels") return c.image_region_from_size(r.a, pixels, mip);
  if (r.kind == "segmentation_pixels") return c.segmentation_region_from_size(r.a, pixels, mip);
  fail(ErrorCode::kInternal, "unknown region kind " + r.kind);
}

RegionArgs region_args(const py::tuple& t) {
  if (t.size() != 3) fail(ErrorCode::kInternal, "a region is (kind, a, b)");
  return {py::cast<std::string>(t[0]), vec3d_of(t[1], "bounds"), vec3d_of(t[2], "bbox_size")};
}

}  // namespace

void register_client(py::module_& m) {
  m.def(
      "resolve_datastack",
      [](const std::string& name, const std::string& server) {
        cave::Datastack d;
        {
          py::gil_scoped_release release;
          d = cave::resolve_datastack(name, cave::datastack_server(name, server), context());
        }
        py::dict out;
        out["image_source"] = d.image_source;
        out["segmentation_source"] = d.segmentation_source;
        out["server"] = d.server;
        out["local_server"] = d.local_server;
        if (d.viewer_resolution)
          out["viewer_resolution"] = py::make_tuple(d.viewer_resolution->x, d.viewer_resolution->y,
                                                    d.viewer_resolution->z);
        else
          out["viewer_resolution"] = py::none();
        return out;
      },
      py::arg("name"), py::arg("server") = "");

  py::class_<NativeClient>(m, "NativeClient")
      .def(py::init([](const std::optional<NativeVolume>& image,
                       const std::optional<NativeVolume>& segmentation, int image_mip,
                       int segmentation_mip, std::optional<std::uint64_t> max_bytes) {
             NativeClient c;
             if (image) c.image = image->volume;
             if (segmentation) c.segmentation = segmentation->volume;
             if (!c.image && !c.segmentation)
               fail(ErrorCode::kInvalidArgument,
                    "a client needs an image source, a segmentation source or both");
             if (c.image) c.image->metadata().scale(image_mip);
             if (c.segmentation) c.segmentation->metadata().scale(segmentation_mip);
             c.image_mip = image_mip;
             c.segmentation_mip = segmentation_mip;
             if (max_bytes) c.max_output_bytes = *max_bytes;
             return c;
           }),
           py::arg("image"), py::arg("segmentation"), py::arg("image_mip"),
           py::arg("segmentation_mip"), py::arg("max_bytes") = py::none())
      .def(
          "image_cutout",
          [](const NativeClient& self, const py::tuple& region, std::optional<int> mip,
             const py::object& resolution, bool scale_to_bounds, py::object progress) {
            PythonProgress p(std::move(progress));
            const client::Client c =
                self.make(vec3d_of(resolution, "resolution"), false, {}, p.callback());
            const client::Region r = region_of(c, region_args(region), mip);
            client::Cutout out;
            {
              py::gil_scoped_release release;
              out = c.image_cutout(r, mip, scale_to_bounds);
            }
            p.rethrow();
            return to_numpy(std::move(out.data));
          },
          py::arg("region"), py::arg("mip"), py::arg("resolution"), py::arg("scale_to_bounds"),
          py::arg("progress") = py::none())
      .def(
          "segmentation_cutout",
          [](const NativeClient& self, const py::tuple& region,
             const std::optional<std::vector<std::uint64_t>>& root_ids, bool mapped,
             std::optional<int> mip, const py::object& resolution, std::optional<double> timestamp,
             bool scale_to_bounds, py::object progress) {
            PythonProgress p(std::move(progress));
            const client::Client c =
                self.make(vec3d_of(resolution, "resolution"), mapped, timestamp, p.callback());
            const client::Region r = region_of(c, region_args(region), mip);
            client::Cutout out;
            {
              py::gil_scoped_release release;
              out = c.segmentation_cutout(r, root_ids, mip, scale_to_bounds);
            }
            p.rethrow();
            return to_numpy(std::move(out.data));
          },
          py::arg("region"), py::arg("root_ids"), py::arg("mapped"), py::arg("mip"),
          py::arg("resolution"), py::arg("timestamp"), py::arg("scale_to_bounds"),
          py::arg("progress") = py::none())
      .def(
          "image_and_segmentation_cutout",
          [](const NativeClient& self, const py::tuple& region,
             const std::optional<std::vector<std::uint64_t>>& root_ids, bool mapped,
             std::optional<int> image_mip, std::optional<int> segmentation_mip,
             const py::object& resolution, std::optional<double> timestamp, py::object progress) {
            PythonProgress p(std::move(progress));
            const client::Client c =
                self.make(vec3d_of(resolution, "resolution"), mapped, timestamp, p.callback());
            const client::Region r = region_of(c, region_args(region), image_mip);
            client::AlignedCutout out;
            {
              py::gil_scoped_release release;
              out = c.image_and_segmentation_cutout(r, root_ids, image_mip, segmentation_mip);
            }
            p.rethrow();
            return py::make_tuple(to_numpy(std::move(out.image.data)),
                                  to_numpy(std::move(out.segmentation.data)));
          },
          py::arg("region"), py::arg("root_ids"), py::arg("mapped"), py::arg("image_mip"),
          py::arg("segmentation_mip"), py::arg("resolution"), py::arg("timestamp"),
          py::arg("progress") = py::none());
}

namespace {

py::dict files_dict(const figure::FigureFiles& files) {
  py::dict out;
  out["pictures"] = files.pictures;
  out["arrays"] = files.arrays;
  out["sidecar"] = files.sidecar;
  return out;
}

figure::FigureSpec spec_of(const std::string& json_text) {
  nlohmann::json doc;
  try {
    doc = nlohmann::json::parse(json_text);
  } catch (const nlohmann::json::exception& e) {
    fail(ErrorCode::kInvalidArgument, std::string("figure spec: not JSON: ") + e.what());
  }
  return figure::read_figure_spec(doc);
}

}  // namespace

void register_figure(py::module_& m) {
  m.def(
      "make_figure",
      [](const std::string& spec_json, py::object progress,
         std::optional<std::uint64_t> max_bytes) {
        const figure::FigureSpec spec = spec_of(spec_json);
        PythonProgress p(std::move(progress));
        figure::MakeOptions options;
        options.render.on_progress = p.callback();
        if (max_bytes) options.render.max_memory_bytes = *max_bytes;
        figure::FigureFiles files;
        {
          py::gil_scoped_release release;
          files = figure::make_figure(spec, context(), options);
        }
        p.rethrow();
        return files_dict(files);
      },
      py::arg("spec_json"), py::arg("progress") = py::none(), py::arg("max_bytes") = py::none());

  m.def(
      "render_figure",
      [](const std::string& spec_json, py::object progress,
         std::optional<std::uint64_t> max_bytes) {
        figure::FigureSpec spec = spec_of(spec_json);
        // Drawn in memory: no file is written, but the spec's checks want an output, and one
        // with {i} lets a 3-D figure give every slice.
        if (spec.output.path.empty()) spec.output.path = "in_memory_{i}.png";
        PythonProgress p(std::move(progress));
        figure::RenderOptions options;
        options.on_progress = p.callback();
        if (max_bytes) options.max_memory_bytes = *max_bytes;
        figure::RenderedFigure rendered;
        {
          py::gil_scoped_release release;
          rendered = figure::render_figure(spec, context(), options);
        }
        p.rethrow();
        py::list pictures;
        for (auto& panel : rendered.panels)
          pictures.append(picture_to_numpy(std::move(panel.picture)));
        py::dict out;
        out["pictures"] = pictures;
        out["image"] = rendered.image.size_bytes() ? py::object(to_numpy(std::move(rendered.image)))
                                                   : py::object(py::none());
        out["segmentation"] = rendered.segmentation.size_bytes()
                                  ? py::object(to_numpy(std::move(rendered.segmentation)))
                                  : py::object(py::none());
        return out;
      },
      py::arg("spec_json"), py::arg("progress") = py::none(), py::arg("max_bytes") = py::none());

  m.def(
      "make_layout",
      [](const std::string& layout_json, py::object progress) {
        nlohmann::json doc;
        try {
          doc = nlohmann::json::parse(layout_json);
        } catch (const nlohmann::json::exception& e) {
          fail(ErrorCode::kInvalidArgument, std::string("layout: not JSON: ") + e.what());
        }
        const figure::LayoutSpec spec = figure::read_layout_spec(doc, "layout");
        PythonProgress p(std::move(progress));
        figure::MakeOptions options;
        options.render.on_progress = p.callback();
        figure::LayoutFiles files;
        {
          py::gil_scoped_release release;
          files = figure::make_layout(spec, context(), options);
        }
        p.rethrow();
        py::dict out;
        out["picture"] = files.picture;
        out["sidecar"] = files.sidecar;
        return out;
      },
      py::arg("layout_json"), py::arg("progress") = py::none());

  m.def(
      "render",
      [](const std::string& source, const std::optional<std::vector<double>>& bounds,
         const std::optional<std::vector<double>>& center,
         const std::optional<std::vector<double>>& size, const std::string& units,
         std::optional<int> mip, const std::optional<std::vector<std::int64_t>>& max_size,
         std::optional<double> pixel_size, const std::vector<std::string>& channels,
         const std::vector<std::string>& layers, const std::string& model,
         const std::string& window, const std::string& projection, const std::string& palette,
         std::int64_t time_point, py::object progress) {
        rendering::RenderRequest request;
        request.source = source;
        auto& region = request.region;
        const auto u = rendering::parse_region_units(units);
        if (!u)
          fail(ErrorCode::kInvalidArgument,
               "units: expected voxels, nm, um or fraction, got '" + units + "'");
        region.units = *u;
        if (bounds && center)
          fail(ErrorCode::kInvalidArgument, "bounds and center cannot be combined");
        if (bounds) {
          if (bounds->size() != 6)
            fail(ErrorCode::kInvalidArgument, "bounds: expected [x0, y0, z0, x1, y1, z1]");
          region.kind = rendering::RegionRequest::Kind::kBounds;
          region.min = {(*bounds)[0], (*bounds)[1], (*bounds)[2]};
          region.max = {(*bounds)[3], (*bounds)[4], (*bounds)[5]};
          for (int i = 0; i < 3; ++i)
            if (!(region.max[i] > region.min[i]))
              fail(ErrorCode::kInvalidArgument, "bounds: each max must exceed its min");
        } else if (center) {
          if (center->size() != 3) fail(ErrorCode::kInvalidArgument, "center: expected [x, y, z]");
          if (!size || (size->size() != 2 && size->size() != 3))
            fail(ErrorCode::kInvalidArgument, "center needs size=[w, h] or [w, h, d]");
          for (double v : *size)
            if (!(v > 0)) fail(ErrorCode::kInvalidArgument, "size: sizes must be positive");
          region.kind = rendering::RegionRequest::Kind::kCenterSize;
          region.center = {(*center)[0], (*center)[1], (*center)[2]};
          region.size = {(*size)[0], (*size)[1], size->size() == 3 ? (*size)[2] : 0};
          region.has_depth = size->size() == 3;
        }
        const int levels = mip.has_value() + max_size.has_value() + pixel_size.has_value();
        if (levels > 1) fail(ErrorCode::kInvalidArgument, "give one of mip, max_size, pixel_size");
        if (mip) {
          if (*mip < 0) fail(ErrorCode::kInvalidArgument, "mip: must be 0 or more");
          request.level.kind = rendering::LevelRequest::Kind::kMip;
          request.level.mip = *mip;
        } else if (max_size) {
          if (max_size->empty() || max_size->size() > 2 || (*max_size)[0] < 1 ||
              max_size->back() < 1)
            fail(ErrorCode::kInvalidArgument, "max_size: expected W or [W, H], at least 1");
          request.level.kind = rendering::LevelRequest::Kind::kMaxSize;
          request.level.max_width = (*max_size)[0];
          request.level.max_height = max_size->back();
        } else if (pixel_size) {
          if (!(*pixel_size > 0))
            fail(ErrorCode::kInvalidArgument, "pixel_size: must be a positive number of nm");
          request.level.kind = rendering::LevelRequest::Kind::kPixelSize;
          request.level.pixel_nm = *pixel_size;
        }
        for (const auto& c : channels)
          request.channels.push_back(rendering::parse_channel_setting(c, "channels"));
        for (const auto& l : layers)
          request.layers.push_back(rendering::parse_layer_setting(l, "layers"));
        if (!model.empty()) {
          request.model = rendering::parse_color_model(model);
          if (!request.model)
            fail(ErrorCode::kInvalidArgument,
                 "model: expected greyscale or color, got '" + model + "'");
        }
        if (!window.empty()) request.window = overlay::parse_display_window(window, "window");
        if (!projection.empty()) {
          const auto pr = rendering::parse_projection(projection);
          if (!pr)
            fail(ErrorCode::kInvalidArgument,
                 "projection: expected max, min, mean or sum, got '" + projection + "'");
          request.projection = *pr;
        }
        if (!palette.empty()) request.colors.palette = palette;
        request.time_point = time_point;
        PythonProgress p(std::move(progress));
        rendering::RenderHooks hooks;
        hooks.on_progress = p.callback();
        rendering::RenderResult result;
        {
          py::gil_scoped_release release;
          result = rendering::render_volume(request, context(), hooks);
        }
        p.rethrow();
        py::dict out;
        out["picture"] = picture_to_numpy(std::move(result.picture));
        out["values"] = to_numpy(std::move(result.values));
        out["mip"] = result.level.mip;
        out["resolution"] =
            py::make_tuple(result.resolution.x, result.resolution.y, result.resolution.z);
        out["model"] = result.model == rendering::ColorModel::kGreyscale ? "greyscale" : "color";
        return out;
      },
      py::arg("source"), py::arg("bounds") = py::none(), py::arg("center") = py::none(),
      py::arg("size") = py::none(), py::arg("units") = "voxels", py::arg("mip") = py::none(),
      py::arg("max_size") = py::none(), py::arg("pixel_size") = py::none(),
      py::arg("channels") = std::vector<std::string>{},
      py::arg("layers") = std::vector<std::string>{}, py::arg("model") = "", py::arg("window") = "",
      py::arg("projection") = "", py::arg("palette") = "", py::arg("time_point") = 0,
      py::arg("progress") = py::none());
}

}  // namespace imagery::python
