// FigureSpec: one figure request as data — sources (each with a mip by index or resolution), a
// region (corners, centre + size in coordinates, or centre + exact pixels), the coordinate
// resolution, how the volumes are read (bounded, fill-missing), the overlay style and the
// output. Every way in produces one: the CLI's flags, a manifest row over --defaults, a sidecar
// (--from), the C++ API; figure_spec_json.h reads and writes its one JSON schema
// ("format": "imagery.figure/1"), and render_figure() (render.h) draws it.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "imagery/cave/timestamp.h"
#include "imagery/core/vec3.h"
#include "imagery/overlay/style.h"
#include "imagery/palettes/color.h"
#include "imagery/rendering/channel_model.h"
#include "imagery/rendering/projection.h"
#include "imagery/volume/mip.h"

namespace imagery::figure {

inline constexpr std::string_view kFigureFormat = "imagery.figure/1";

struct SourceSpec {
  std::string url;
  volume::MipSelector mip;  // default: the volume's default mip
};

struct RegionSpec {
  enum class Kind { kNone, kCorners, kCenterSize, kCenterPixels };
  Kind kind = Kind::kNone;  // kNone: not given yet (check_figure_spec refuses it)
  Vec3d min, max;           // kCorners: a half-open box in coordinates
  Vec3d center;             // kCenterSize, kCenterPixels
  // kCenterSize: coordinate units around the centre (lo = ctr - size // 2); depth 0: one section.
  Vec3d size;
  // kCenterPixels: exactly this many pixels at the image mip (the segmentation's without an
  // image); depth 0: one section.
  Vec3 pixels;
  // Whether the size or pixel count was given with a depth (written back as given).
  bool has_depth = false;

  static RegionSpec corners(const Vec3d& min, const Vec3d& max);
  static RegionSpec centered(const Vec3d& center, const Vec3d& size, bool has_depth = true);
  static RegionSpec centered_pixels(const Vec3d& center, const Vec3& pixels, bool has_depth = true);
  // Whether the request spans more than one section (a 3-D figure).
  bool spans_sections() const;
  bool operator==(const RegionSpec&) const = default;
};

struct OutputSpec {
  // OUT.png (one picture), or a pattern with {i} for one picture per slice (without stacking);
  // .svg, .pdf, .tif/.tiff as well (writer_for: the extension chooses the writer).
  std::string path;
  int png_level = 1;        // zlib level 0-9
  std::string save_arrays;  // non-empty: also PREFIX_image.npy and PREFIX_seg.npy, as drawn
  // Save the arrays beside the output instead (OUT.png -> OUT_image.npy, OUT_seg.npy).
  bool arrays_beside_output = false;

  // The physical size: the DPI the figure's pixels are printed at (PNG pHYs, TIFF resolution,
  // the SVG/PDF page), or a width or height in millimetres (with a DPI too, raster outputs are
  // resampled to that many pixels; without, the DPI follows from the size).
  std::optional<double> dpi;
  std::optional<double> width_mm, height_mm;
  // SVG/PDF: traced outlines and fills simplified by this many pixels (Douglas-Peucker); 0 keeps
  // the pixel edges exactly.
  double simplify = 0;

  // The prefix of the .npy files, "" for none.
  std::string arrays_prefix() const;
};

// The DPI used when neither a DPI nor a physical size is given: journals' usual minimum for
// halftones.
inline constexpr double kDefaultDpi = 300;

enum class Corner { kTopLeft, kTopRight, kBottomLeft, kBottomRight };
// "top-left", ... (also with '_'); nullopt otherwise.
std::optional<Corner> parse_corner(std::string_view text);
std::string corner_name(Corner corner);

// A scale bar: a bar exactly LENGTH / (output pixel size) pixels long (rounded to the nearest
// pixel) with its length written above it.
struct ScaleBarSpec {
  bool enabled = false;
  std::optional<double> length_nm;  // nullopt: auto (1, 2 or 5 x 10^k nm near 20 % of the width)
  Corner position = Corner::kBottomRight;
  palettes::Rgb8 color{255, 255, 255};  // with a thin dark outline, so it shows on anything
  std::optional<double> thickness;      // pixels; default: 1 % of the panel height, at least 2
  bool label = true;
};

// "500nm", "1um", "2µm", "0.5 mm", "750" (nm) -> nanometres. Throws kInvalidArgument naming
// `what` otherwise.
double parse_length_nm(std::string_view text, const std::string& what);
// 500 -> "500 nm", 2000 -> "2 µm" (as a scale bar is labelled).
std::string length_text(double nm);

// What a figure in a paper carries besides the overlay: scale bar, panel letter, title, an
// overview inset, and annotation markers from files.
struct ElementsSpec {
  ScaleBarSpec scale_bar;
  std::string label;            // the panel letter, bold at the top-left ("" none)
  std::string title;            // above the picture, centred ("" none)
  std::optional<Corner> inset;  // the whole section at this corner, the figure's box marked on it
  // Annotation files (CSV or JSON Lines in coordinate units): points, lines (two points), boxes.
  std::string points, lines, boxes;
  double font_size = 8;  // points (1/72 inch) at the figure's physical size

  // Whether any element is asked for.
  bool any() const;
};

// A figure drawn from a Neuroglancer state, as Neuroglancer draws its cross-section panel
// (neuroglancer/render_state.h): the state's layers and view instead of sources and a region.
struct StateSpec {
  // The state (a JSON object), or where to read it (a file, "-", a Neuroglancer link, a URL:
  // neuroglancer::load_state); a planned spec holds the state itself, with the changes below
  // made in it.
  nlohmann::json state;
  std::string panel;  // "xy", "xz", "yz"; "" the state's layout's first cross-section
  int width = 1024, height = 1024;
  // A batch row's changes to the view: the position (global coordinates), the zoom, and the
  // selected segments by segmentation layer name ("": every segmentation layer).
  std::optional<std::vector<double>> position;
  std::optional<double> cross_section_scale;
  std::map<std::string, std::vector<std::uint64_t>> segments;
};

// How the imagery is rendered beyond a window, as OMERO renders it (rendering/): active channels
// with their windows and colours, the greyscale or colour model, more image volumes as layers on
// the figure's grid, and a projection through the region's z range (or `z_range`, in
// coordinates), where each object is drawn as its footprint through the slab.
struct ImageRenderSpec {
  rendering::Projection projection = rendering::Projection::kNone;
  std::optional<std::pair<double, double>> z_range;  // [z0, z1) in coordinates
  std::vector<rendering::ChannelSetting> channels;
  std::optional<rendering::ColorModel> model;
  std::vector<rendering::LayerSetting> layers;
  // Whether the imagery goes through the channel model (else the grey window and tint).
  bool uses_channel_model() const { return !channels.empty() || model || !layers.empty(); }
  bool operator==(const ImageRenderSpec&) const = default;
};

struct FigureSpec {
  std::optional<SourceSpec> image, segmentation;
  std::optional<StateSpec> state;  // a Neuroglancer state instead of sources and a region
  // A CAVE datastack (ImageryClient(client=CAVEclient(datastack))): the image, the segmentation
  // and the coordinate resolution (its viewer resolution) that are not given come from it.
  std::string datastack;
  std::string cave_server;         // its info service; "" : cave::datastack_server()
  std::optional<int> mat_version;  // read root ids as of this materialization version
  // Read root ids of a graphene segmentation as of this instant (default: the materialization
  // version's, else the run's pinned now).
  std::optional<cave::Timestamp> timestamp;
  // A graphene segmentation drawn as supervoxels (ImageryClient's root_ids=None) instead of root
  // ids (its root_ids='all', the default).
  bool supervoxels = false;
  // The time point of sources with a time axis (OME-Zarr's t; `--t`), and whether a mip given
  // as a resolution may be the nearest scale (`--nearest`) instead of an exact one.
  std::int64_t time_point = 0;
  bool nearest = false;
  RegionSpec region;
  ImageRenderSpec rendering;
  std::optional<Vec3d> resolution;  // nm per coordinate unit (default: the image's default mip)
  bool bounded = false;             // refuse boxes outside the volumes (default: read 0)
  bool fill_missing = true;         // missing chunks read 0 (default, as ImageryClient)
  overlay::OverlayStyle style;
  ElementsSpec elements;
  OutputSpec output;

  // One picture per slice file ({i} in the output and no stacking).
  bool per_slice_files() const;
};

// Everything that can be checked without a source: a source at all, a region whose sizes and
// pixel counts are sane, the style, the PNG level, the output. Throws kInvalidArgument with the
// field named through `name` (the CLI says "--center", a manifest "'center'").
void check_figure_spec(const FigureSpec& spec, const overlay::FieldNamer& name = {});

// OUT.png -> OUT.json; in a per-slice pattern "{i}" and a separator before it are dropped
// (slice_{i}.png -> slice.json).
std::string sidecar_path(const std::string& output);
// `pattern` with every "{i}" replaced by `index`.
std::string slice_path(const std::string& pattern, std::int64_t index);

}  // namespace imagery::figure
