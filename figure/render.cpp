#include "imagery/figure/render.h"

#include <cstdio>
#include <future>

#include "imagery/cave/datastack.h"
#include "imagery/cave/pinned_time.h"
#include "imagery/core/error.h"
#include "imagery/figure/image_rendering.h"
#include "imagery/figure/state_figure.h"
#include "imagery/overlay/footprint.h"
#include "imagery/overlay/series.h"
#include "imagery/rendering/render_volume.h"
#include "imagery/version.h"
#include "imagery/volume/open_volume.h"

namespace imagery::figure {

namespace {

std::string field_as_written(std::string_view field) {
  return std::string(field);
}

// "17179869184 bytes (17.2 GB)".
std::string byte_text(std::uint64_t bytes) {
  char gb[32];
  std::snprintf(gb, sizeof gb, "%.1f", static_cast<double>(bytes) / 1e9);
  return std::to_string(bytes) + " bytes (" + gb + " GB)";
}

client::Region region_of(const FigureSpec& spec, const client::Client& c) {
  const RegionSpec& r = spec.region;
  switch (r.kind) {
    case RegionSpec::Kind::kCorners:
      return client::Region::corners(r.min, r.max);
    case RegionSpec::Kind::kCenterSize:
      return client::Region::centered(r.center, {r.size.x, r.size.y, r.has_depth ? r.size.z : 0});
    case RegionSpec::Kind::kCenterPixels: {
      const Vec3 px{r.pixels.x, r.pixels.y, r.has_depth ? r.pixels.z : 1};
      return c.has_image() ? c.image_region_from_size(r.center, px)
                           : c.segmentation_region_from_size(r.center, px);
    }
    case RegionSpec::Kind::kNone:
      break;
  }
  fail(ErrorCode::kInvalidArgument, "the figure has no region");
}

SourceProvenance provenance_of(const volume::Volume& v, int mip, const Vec3d& resolution,
                               const Bbox& voxels) {
  return {v.url(), v.metadata().driver, mip, resolution, voxels};
}

}  // namespace

FigurePlan plan_figure(const FigureSpec& given, io::Context& context, const RenderOptions& options,
                       const overlay::FieldNamer& namer) {
  const overlay::FieldNamer name = namer ? namer : overlay::FieldNamer(field_as_written);
  check_figure_spec(given, name);
  if (given.state) return plan_state_figure(given, context, options, name);
  FigurePlan plan;
  plan.spec = given;
  FigureSpec& spec = plan.spec;
  std::optional<cave::Timestamp> timestamp = spec.timestamp;
  std::string timestamp_from = timestamp ? "given" : "";
  if (!spec.datastack.empty()) {
    // ImageryClient(client=CAVEclient(datastack)): what is not given comes from the datastack.
    const cave::Datastack d = cave::resolve_datastack(
        spec.datastack, cave::datastack_server(spec.datastack, spec.cave_server), context);
    CaveProvenance c;
    c.datastack = d.name;
    c.server = d.server;
    c.local_server = d.local_server;
    c.info_service_version = d.info_service_version;
    c.image_source = d.image_source;
    c.segmentation_source = d.segmentation_source;
    if (!spec.image && !d.image_source.empty()) spec.image = SourceSpec{d.image_source, {}};
    if (!spec.segmentation && !d.segmentation_source.empty())
      spec.segmentation = SourceSpec{d.segmentation_source, {}};
    if (!spec.resolution) spec.resolution = d.viewer_resolution;
    if (spec.mat_version) {
      const cave::MaterializationVersion v =
          cave::materialization_version(d, *spec.mat_version, context);
      c.mat_version = v.version;
      c.mat_time_stamp = cave::format_timestamp(v.time_stamp);
      if (!timestamp) {
        timestamp = v.time_stamp;
        timestamp_from = "materialization version";
      }
    }
    if (!spec.image && !spec.segmentation)
      fail(ErrorCode::kNotFound,
           name("datastack") + " " + d.name + " names neither an image nor a segmentation");
    plan.cave = c;
  }
  auto open = [&](const std::string& url) {
    return options.open ? options.open(url) : volume::open_volume(url, context);
  };
  std::shared_ptr<const volume::Volume> image, seg;
  // Both sources' metadata at once (each may be a network round trip).
  std::future<std::shared_ptr<const volume::Volume>> seg_future;
  if (spec.segmentation)
    seg_future = std::async(std::launch::async, [&] { return open(spec.segmentation->url); });
  try {
    if (spec.image) image = open(spec.image->url);
  } catch (...) {
    if (seg_future.valid()) seg_future.wait();
    throw;
  }
  if (seg_future.valid()) seg = seg_future.get();

  // Display defaults the sources record where the spec gives none: OME-Zarr's omero window
  // (the sidecar then records it), and image-label colours for --palette labels.
  if (image && spec.style.window.mode == overlay::DisplayWindow::Mode::kClip)
    if (const auto& w = image->metadata().display_window) {
      spec.style.window.mode = overlay::DisplayWindow::Mode::kRange;
      spec.style.window.min = w->first;
      spec.style.window.max = w->second;
    }
  // The omero channel colour tints the imagery unless the spec names a tint (white or "none"
  // for grey); the sidecar then records it.
  if (image && !spec.style.composite.tint)
    if (const auto& t = image->metadata().tint)
      spec.style.composite.tint = palettes::Rgb8{(*t)[0], (*t)[1], (*t)[2]};
  if (seg && spec.style.colors.palette == "labels" && spec.style.colors.by_id.empty())
    for (const auto& [id, rgba] : seg->metadata().label_colors)
      spec.style.colors.by_id.emplace_back(id, palettes::Rgb8{rgba[0], rgba[1], rgba[2]});

  // What the sources are must suit a figure before anything is fetched. Images of several
  // channels go through the channel model, as do layers and listed channels.
  const ImageRenderSpec& ir = spec.rendering;
  if (!image && (ir.uses_channel_model() || ir.projection != rendering::Projection::kNone))
    fail(ErrorCode::kInvalidArgument,
         name(ir.layers.empty() ? (ir.channels.empty() ? "projection" : "channel") : "layer") +
             " needs an image source");
  if (image)
    for (const rendering::ChannelSetting& c : ir.channels)
      if (c.index >= image->metadata().channels)
        fail(ErrorCode::kNotFound, name("channel") + " " + std::to_string(c.index) + ": " +
                                       image->url() + " has " +
                                       std::to_string(image->metadata().channels) + " channel(s)");
  for (const rendering::LayerSetting& l : ir.layers) {
    const auto layer = open(l.url);
    if (layer->metadata().is_segmentation())
      fail(ErrorCode::kInvalidArgument,
           name("layer") + " " + l.url + " is a segmentation; layers are image volumes");
    if (l.channel >= layer->metadata().channels)
      fail(ErrorCode::kNotFound,
           name("layer") + " " + l.url + " has no channel " + std::to_string(l.channel));
    plan.layers.push_back(layer->metadata());
  }
  if (ir.projection != rendering::Projection::kNone && spec.style.stack)
    fail(ErrorCode::kInvalidArgument,
         name("projection") + " draws one picture of the slab; it cannot be combined with " +
             name("stack"));
  if (seg && (seg->metadata().channels != 1 || !dtype_is_integer(seg->metadata().dtype)))
    fail(ErrorCode::kInvalidArgument,
         name("seg") + " " + seg->url() + " holds " + std::to_string(seg->metadata().channels) +
             " channel(s) of " + std::string(dtype_name(seg->metadata().dtype)) +
             "; a segmentation is one channel of integers");

  client::ClientOptions copts;
  if (seg && seg->has_label_mapping()) {
    LabelProvenance l;
    l.source = seg->metadata().provenance;
    if (spec.style.root_ids) {
      l.labels = "listed root ids";
      l.root_ids = *spec.style.root_ids;
    } else if (spec.supervoxels) {
      l.labels = "supervoxels";
    } else {
      l.labels = "root ids";
      if (!timestamp) {
        timestamp = cave::pinned_now(context);
        timestamp_from = "pinned now";
      }
      // Pinned in the spec, so that a sidecar redraws the same roots.
      spec.timestamp = timestamp;
      l.timestamp = cave::format_timestamp(*timestamp);
      l.timestamp_sent = cave::timestamp_seconds_sent(*timestamp);
      l.timestamp_from = timestamp_from;
    }
    plan.labels = l;
    copts.labels = spec.supervoxels && !spec.style.root_ids ? volume::ReadOptions::Labels::kStored
                                                            : volume::ReadOptions::Labels::kMapped;
    if (timestamp) copts.timestamp = *timestamp;
  }
  copts.resolution = spec.resolution;
  copts.bounded = spec.bounded;
  copts.fill_missing = spec.fill_missing;
  copts.max_output_bytes = options.max_memory_bytes;
  copts.pool = &context.pool();
  copts.stop = options.stop;
  copts.on_progress = options.on_progress;
  auto with_name = [&](const char* field, auto&& choose) {
    try {
      return choose();
    } catch (const Error& e) {
      fail(e.code(), name(field) + ": " + e.what(), e.remedy());
    }
  };
  copts.time_point = spec.time_point;
  if (spec.image) copts.image_mip = spec.image->mip;
  if (spec.segmentation) copts.segmentation_mip = spec.segmentation->mip;
  copts.image_mip.nearest = spec.nearest;
  copts.segmentation_mip.nearest = spec.nearest;
  if (image)
    with_name("image_mip", [&] { return volume::select_mip(image->metadata(), copts.image_mip); });
  if (seg)
    with_name("seg_mip",
              [&] { return volume::select_mip(seg->metadata(), copts.segmentation_mip); });

  plan.client = std::make_shared<client::Client>(image, seg, copts);
  plan.region = region_of(spec, *plan.client);
  if (ir.z_range) {
    // The slab replaces the region's z extent (coordinates); an exact voxel count follows it.
    plan.region.bounds.min.z = ir.z_range->first;
    plan.region.bounds.max.z = ir.z_range->second;
    if (plan.region.exact_voxels && plan.region.exact_mip) {
      const volume::Volume& v = plan.region.exact_for_segmentation
                                    ? plan.client->segmentation_volume()
                                    : plan.client->image_volume();
      const double mip_z = v.metadata().scale(*plan.region.exact_mip).resolution.z;
      plan.region.exact_voxels->z =
          std::max<std::int64_t>(1, std::llround((ir.z_range->second - ir.z_range->first) *
                                                 plan.client->resolution().z / mip_z));
    }
  }
  const client::AlignedBoxes boxes = plan.client->aligned_boxes(plan.region);
  if (image)
    plan.image = provenance_of(*image, boxes.image_mip, boxes.image_resolution, boxes.image_voxels);
  if (seg)
    plan.segmentation = provenance_of(*seg, boxes.segmentation_mip, boxes.segmentation_resolution,
                                      boxes.segmentation_voxels);
  plan.grid_voxels = boxes.grid_voxels;
  plan.grid_resolution = boxes.grid_resolution;

  const Vec3 grid = plan.grid_voxels.size();
  const Shape4 shape{grid.x, grid.y, grid.z, 1};
  plan.projected = ir.projection != rendering::Projection::kNone;
  plan.three_d =
      !plan.projected && (spec.region.spans_sections() || grid.z > 1 || ir.z_range.has_value());
  const overlay::OverlayStyle& style = spec.style;
  const std::int64_t slices = overlay::slice_count(shape, plan.three_d ? style.dim : 2);
  plan.picture_count = style.stack || plan.projected ? 1 : slices;
  if (plan.three_d && !style.stack && slices > 1 && !spec.per_slice_files())
    fail(ErrorCode::kInvalidArgument,
         name("output") + " " + spec.output.path + ": a 3-D figure gives " +
             std::to_string(slices) +
             " pictures; put {i} in the output name (e.g. slice_{i}.png) or use " + name("stack"));

  // Memory: both cutouts, the segmentation on the image grid, and the drawing, at once.
  auto cutout_bytes = [](const std::optional<SourceProvenance>& p, DataType dtype) {
    return p ? array_bytes(p->voxels.size(), 1, dtype) : 0;
  };
  const std::uint64_t seg_bytes = seg ? cutout_bytes(plan.segmentation, seg->metadata().dtype) : 0;
  std::uint64_t total = 0;
  auto add = [&total](std::uint64_t b) { total = b > UINT64_MAX - total ? UINT64_MAX : total + b; };
  if (image) add(cutout_bytes(plan.image, image->metadata().dtype));
  add(seg_bytes);
  if (seg && image) add(array_bytes(grid, 1, seg->metadata().dtype));
  if (!seg) add(array_bytes(grid, 1, DataType::kUint64));  // the empty segmentation drawn
  add(overlay::composite_overlay_bytes(shape, image != nullptr, style, plan.three_d));
  plan.memory_bytes = total;
  if (total > options.max_memory_bytes)
    fail(ErrorCode::kResourceExhausted,
         "the figure of " + plan.grid_voxels.to_string() + " (" +
             std::to_string(plan.picture_count) + " picture" +
             (plan.picture_count == 1 ? "" : "s") + ") needs about " + byte_text(total) +
             " to fetch and draw, more than the memory budget of " +
             byte_text(options.max_memory_bytes),
         Remedy::kRaiseMemoryBudget);
  return plan;
}

RenderedFigure render_planned(const FigureSpec& spec, const FigurePlan& plan, io::Context& context,
                              const RenderOptions& options) {
  if (plan.viewer_state) return render_state_figure(spec, plan, context, options);
  const client::Client& c = *plan.client;
  const overlay::OverlayStyle& style = spec.style;
  RenderedFigure out;
  Provenance& p = out.provenance;
  p.imagery_version = kVersion;
  p.cave = plan.cave;
  p.labels = plan.labels;
  p.image = plan.image;
  p.segmentation = plan.segmentation;
  p.coordinate_resolution = c.resolution();
  p.bounds = plan.region.bounds;
  p.grid_voxels = plan.grid_voxels;
  p.grid_resolution = plan.grid_resolution;

  if (options.on_phase) options.on_phase("fetch", p);
  client::AlignedCutout both = c.image_and_segmentation_cutout(plan.region, style.root_ids);
  p.fetch_image_ms = both.fetch_image_ms;
  p.fetch_segmentation_ms = both.fetch_segmentation_ms;
  p.align_ms = both.align_ms;
  if (options.on_phase) options.on_phase("composite", p);
  out.image = std::move(both.image.data);
  const ImageRenderSpec& ir = spec.rendering;
  if (!plan.layers.empty()) {
    // The layers on the figure's grid, as many sections as the image (or projected with it).
    const auto open = [&](const std::string& url) {
      return options.open ? options.open(url) : volume::open_volume(url, context);
    };
    rendering::PhysicalGrid grid;
    const Vec3d& gr = plan.grid_resolution;
    grid.origin_nm = {static_cast<double>(plan.grid_voxels.min.x) * gr.x,
                      static_cast<double>(plan.grid_voxels.min.y) * gr.y,
                      static_cast<double>(plan.grid_voxels.min.z) * gr.z};
    grid.pixel_nm = gr;
    grid.size = plan.grid_voxels.size();
    volume::ReadOptions read;
    read.fill_missing = spec.fill_missing;
    read.bounded = false;
    read.max_output_bytes = options.max_memory_bytes;
    read.stop = options.stop;
    read.time_point = spec.time_point;
    for (const rendering::LayerSetting& l : ir.layers)
      out.layers.push_back(
          rendering::read_on_grid(*open(l.url), grid, read, ir.projection, &context.pool()));
  }
  if (plan.projected && out.image.shape().count() > 0)
    out.image = rendering::project(out.image, ir.projection, &context.pool());
  if (c.has_segmentation()) {
    out.segmentation = std::move(both.segmentation.data);
  } else {
    const Shape4& s = out.image.shape();
    out.segmentation = Array::zeros(DataType::kUint64, {s.x, s.y, s.z, 1});
  }
  p.grid_shape = out.segmentation.shape().xyz();

  composite_panels(out, spec, plan, &context.pool());
  return out;
}

void composite_panels(RenderedFigure& out, const FigureSpec& spec, const FigurePlan& plan,
                      ThreadPool* pool) {
  const client::Client& c = *plan.client;
  const overlay::OverlayStyle& style = spec.style;
  out.panels.clear();
  // The client already zeroed ids outside root_ids; the overlay's own filter then changes
  // nothing but keeps include_zero's meaning identical to `imagery composite`.
  const std::string seg_name =
      c.has_segmentation() ? c.segmentation_volume().url() : std::string("the image alone");
  // Through the channel model, the imagery becomes grey or colour pixels the compositor draws
  // as they are.
  const Array* imagery = c.has_image() ? &out.image : nullptr;
  overlay::OverlayStyle drawn = style;
  Array rendered;
  if (imagery && uses_channel_model(spec, static_cast<int>(out.image.shape().c))) {
    rendered = render_figure_imagery(out.image, out.layers, spec, c.image_volume().metadata(),
                                     plan.layers, pool);
    imagery = &rendered;
    drawn.window = {};
    drawn.composite.tint.reset();
  }
  std::vector<overlay::Image> pictures;
  if (plan.projected)
    pictures.push_back(
        overlay::composite_footprints(out.segmentation, imagery, drawn, pool, seg_name));
  else
    pictures =
        overlay::composite_overlay(out.segmentation, imagery, drawn, plan.three_d, pool, seg_name);

  const int dim = plan.three_d ? style.dim : 2;
  const Vec3d& res = plan.grid_resolution;
  // The picture's columns and rows are the two axes other than `dim`, in order.
  const int col_axis = dim == 0 ? 1 : 0;
  const int row_axis = dim == 2 ? 1 : 2;
  for (std::size_t i = 0; i < pictures.size(); ++i) {
    Panel panel;
    panel.picture = std::move(pictures[i]);
    panel.nm_per_pixel_x = res[col_axis];
    panel.nm_per_pixel_y = res[row_axis];
    panel.voxels = plan.grid_voxels;
    if (!style.stack) {
      panel.voxels.min[dim] = plan.grid_voxels.min[dim] + static_cast<std::int64_t>(i);
      panel.voxels.max[dim] = panel.voxels.min[dim] + 1;
    }
    out.panels.push_back(std::move(panel));
  }
}

RenderedFigure render_figure(const FigureSpec& spec, io::Context& context,
                             const RenderOptions& options) {
  const FigurePlan plan = plan_figure(spec, context, options);
  return render_planned(plan.spec, plan, context, options);
}

}  // namespace imagery::figure
