// Drawing a FigureSpec: plan_figure() opens the sources and works out everything that can be
// known before a byte of voxels is fetched (mips, voxel boxes, the grid the figure is drawn on,
// how many pictures it makes, the memory it needs) and refuses what cannot work (a 3-D request
// without {i} or --stack, an image with several channels, a budget overrun); render_figure()
// then fetches both sources at once, puts the segmentation onto the image grid and composites
// the panels. What comes back says where every pixel came from (provenance).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <stop_token>
#include <string>
#include <string_view>
#include <vector>

#include "imagery/client/client.h"
#include "imagery/core/array.h"
#include "imagery/core/bbox.h"
#include "imagery/figure/figure_spec.h"
#include "imagery/io/context.h"
#include "imagery/neuroglancer/render_state.h"
#include "imagery/overlay/image.h"
#include "imagery/volume/volume.h"

namespace imagery::figure {

// Where one source's pixels came from.
struct SourceProvenance {
  std::string url;
  std::string driver;
  int mip = 0;
  Vec3d resolution;  // nm per voxel at that mip
  Bbox voxels;       // the voxels read, at that mip
};

// The CAVE datastack a figure's sources came from.
struct CaveProvenance {
  std::string datastack, server, local_server;
  std::string info_service_version;
  std::string image_source, segmentation_source;  // as the info service gave them
  std::optional<int> mat_version;
  std::string mat_time_stamp;  // ISO, when a version was used
};

// How a segmentation with a label mapping (graphene) was read.
struct LabelProvenance {
  // "root ids" (every supervoxel mapped at the timestamp), "listed root ids" (their leaves; no
  // timestamp involved), "supervoxels".
  std::string labels;
  std::string timestamp;                // ISO, the instant asked ("" for listed roots/supervoxels)
  std::int64_t timestamp_sent = 0;      // the whole seconds sent to the chunkedgraph
  std::string timestamp_from;           // "given", "materialization version", "pinned now"
  std::vector<std::uint64_t> root_ids;  // the listed roots
  std::vector<std::pair<std::string, std::string>> source;  // the driver's record (server, ...)
};

// How a figure from a Neuroglancer state was drawn.
struct StateProvenance {
  std::string panel;  // xy, xz, yz
  int width = 0, height = 0;
  double pixel_size_nm = 0;
  std::vector<neuroglancer::LayerRecord> layers;  // every layer of the state, drawn or not
  std::vector<std::string> notes;
};

struct Provenance {
  std::string imagery_version;
  std::optional<StateProvenance> neuroglancer;
  std::optional<CaveProvenance> cave;
  std::optional<LabelProvenance> labels;
  std::optional<SourceProvenance> image, segmentation;
  Vec3d coordinate_resolution;  // nm per coordinate unit
  client::CoordBounds bounds;   // the region in coordinates
  Bbox grid_voxels;             // the voxels of the grid the figure is drawn on
  Vec3d grid_resolution;        // nm per voxel of that grid
  Vec3 grid_shape;
  double fetch_image_ms = 0, fetch_segmentation_ms = 0, align_ms = 0;
};

// One picture of the figure: a section (or the stack of them).
struct Panel {
  overlay::Image picture;
  double nm_per_pixel_x = 0, nm_per_pixel_y = 0;  // of the picture's columns and rows
  Bbox voxels;  // grid voxels the panel shows (all of them for a stacked picture)
};

struct RenderedFigure {
  std::vector<Panel> panels;
  Provenance provenance;
  // (X, Y, Z, C) and (X, Y, Z, 1) on the grid, as drawn (image empty without one); a projected
  // figure's image is the projection (Z = 1) and its segmentation the whole slab.
  Array image, segmentation;
  // The layers' values on the grid (projected like the image), in spec.rendering.layers' order.
  std::vector<Array> layers;
};

struct RenderOptions {
  // Every array the figure holds (each cutout, the segmentation on the image grid, the pictures)
  // is refused with kResourceExhausted before any work when larger than this.
  std::size_t max_memory_bytes = std::size_t{8} << 30;
  // Opens a source (batch runs share opened volumes); default volume::open_volume in the context.
  std::function<std::shared_ptr<const volume::Volume>(const std::string& url)> open;
  std::stop_token stop;
  // Progress of the reads (chunks of both sources), from worker threads.
  volume::ProgressCallback on_progress;
  // Told when a phase begins: "fetch", then "composite" (with the fetch times known by then).
  std::function<void(std::string_view phase, const Provenance& so_far)> on_phase;
};

// What plan_figure() found out before fetching.
struct FigurePlan {
  // The spec as planned: sources and resolution a datastack gave filled in, the timestamp of a
  // graphene segmentation fixed (what a sidecar records, so --from redraws the same roots).
  FigureSpec spec;
  std::optional<CaveProvenance> cave;
  std::optional<LabelProvenance> labels;
  std::shared_ptr<const client::Client> client;
  client::Region region;
  std::optional<SourceProvenance> image, segmentation;
  // A figure from a Neuroglancer state: the state to draw, complete (dimensions, position).
  std::optional<neuroglancer::ViewerState> viewer_state;
  Bbox grid_voxels;
  Vec3d grid_resolution;
  bool three_d = false;                  // pictures are slices of a volume
  bool projected = false;                // one picture of the slab (spec.rendering.projection)
  std::vector<volume::Metadata> layers;  // the layers' metadata, opened at planning
  std::int64_t picture_count = 1;        // pictures the figure makes
  std::uint64_t memory_bytes = 0;        // its peak, estimated
};

// Throws kInvalidArgument (naming fields through `name`), kNotFound (a source or mip),
// kResourceExhausted (over the budget), and whatever opening the sources throws.
FigurePlan plan_figure(const FigureSpec& spec, io::Context& context,
                       const RenderOptions& options = {}, const overlay::FieldNamer& name = {});

// Fetches and draws a planned figure.
RenderedFigure render_planned(const FigureSpec& spec, const FigurePlan& plan, io::Context& context,
                              const RenderOptions& options = {});

// Draws the panels of a fetched figure again from its arrays (out.image, out.segmentation) with
// `spec`'s style: a layout's shared display window changes the style after fetching.
void composite_panels(RenderedFigure& out, const FigureSpec& spec, const FigurePlan& plan,
                      ThreadPool* pool);

// plan_figure + render_planned.
RenderedFigure render_figure(const FigureSpec& spec, io::Context& context,
                             const RenderOptions& options = {});

}  // namespace imagery::figure
