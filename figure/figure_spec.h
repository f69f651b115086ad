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
  // OUT.png (one picture), or a pattern with {i} for one picture per slice (without stacking).
  std::string path;
  int png_level = 1;        // zlib level 0-9
  std::string save_arrays;  // non-empty: also PREFIX_image.npy and PREFIX_seg.npy, as drawn
  // Save the arrays beside the output instead (OUT.png -> OUT_image.npy, OUT_seg.npy).
  bool arrays_beside_output = false;

  // The prefix of the .npy files, "" for none.
  std::string arrays_prefix() const;
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
  RegionSpec region;
  std::optional<Vec3d> resolution;  // nm per coordinate unit (default: the image's default mip)
  bool bounded = false;             // refuse boxes outside the volumes (default: read 0)
  bool fill_missing = true;         // missing chunks read 0 (default, as ImageryClient)
  overlay::OverlayStyle style;
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
