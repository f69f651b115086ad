// One volume (and any extra layers on its grid) rendered to a picture as an image server does:
// the region in any units, the level that fits the output size, a projection through the
// slab, area averaging to the exact output size, then per channel a window worked out once over
// everything shown and the greyscale or colour model (channel_model.h). A segmentation is drawn
// with its objects in palette colours instead (nearest sampling: labels are never averaged).
// `imagery render`, `imagery thumbnail` and the server's tiles and regions all come here.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <stop_token>
#include <string>
#include <vector>

#include "imagery/core/array.h"
#include "imagery/io/context.h"
#include "imagery/overlay/display_window.h"
#include "imagery/overlay/image.h"
#include "imagery/overlay/object_colors.h"
#include "imagery/rendering/channel_model.h"
#include "imagery/rendering/projection.h"
#include "imagery/rendering/region.h"
#include "imagery/volume/volume.h"

namespace imagery::rendering {

struct RenderRequest {
  std::string source;
  RegionRequest region;
  LevelRequest level;
  Projection projection = Projection::kNone;
  // Active channels (empty: the default: one channel greyscale, three uint8 channels as RGB,
  // otherwise every channel in colour with the standard colours).
  std::vector<ChannelSetting> channels;
  std::optional<ColorModel> model;  // default: greyscale for one channel and no layer
  // Channels without a window of their own: this one; default: the source's own (OME-Zarr's
  // omero window), else full for uint8, else auto.
  std::optional<overlay::DisplayWindow> window;
  std::vector<LayerSetting> layers;
  std::int64_t time_point = 0;
  bool fill_missing = true;
  overlay::ColorChoice colors;  // a segmentation's objects
  // A segmentation with a label mapping (graphene): its labels as stored (supervoxels) or mapped
  // to root ids as of `timestamp` (default: the context's pinned now).
  volume::ReadOptions::Labels labels = volume::ReadOptions::Labels::kStored;
  std::optional<std::chrono::system_clock::time_point> timestamp;
};

struct RenderHooks {
  // Opens a source; default volume::open_volume in the context.
  std::function<std::shared_ptr<const volume::Volume>(const std::string& url)> open;
  std::size_t max_memory_bytes = std::size_t{8} << 30;
  volume::ProgressCallback on_progress;
  std::stop_token stop;
};

// A channel as drawn, windows in numbers (what a sidecar records).
struct RenderedChannel {
  std::string source;  // "" for the main volume
  int channel = 0;
  double low = 0, high = 0;
  ChannelColor color;
  bool invert = false;
  double opacity = 1;
};

struct RenderResult {
  overlay::Image picture;  // grey (greyscale model) or RGB
  Array values;            // the main volume's values as drawn: (W, H, 1, C)
  std::string source, driver;
  bool segmentation = false;
  Bbox voxels;  // the region in mip-0 voxels
  LevelChoice level;
  Vec3d resolution;  // nm per voxel of the mip read
  Projection projection = Projection::kNone;
  std::int64_t sections = 1;  // sections projected
  ColorModel model = ColorModel::kGreyscale;
  std::vector<RenderedChannel> channels;  // main channels, then layers
};

// Throws kInvalidArgument (a region of several sections without a projection, a channel the
// volume does not have, a segmentation layer), kNotFound, kResourceExhausted (a read over the
// memory budget) and what reading throws.
RenderResult render_volume(const RenderRequest& request, io::Context& context,
                           const RenderHooks& hooks = {});

// A grid in physical space: `size` voxels of `pixel_nm` from `origin_nm` (the corner of voxel 0).
struct PhysicalGrid {
  Vec3d origin_nm, pixel_nm;
  Vec3 size;
};

// `volume` read onto `grid`: from the coarsest mip fine enough in x and y, area-averaged in x and
// y; in z each grid section takes the section holding its centre, or, with a projection, the
// slab is projected (one section). Values are float32 when averaged, else the volume's type.
Array read_on_grid(const volume::Volume& volume, const PhysicalGrid& grid,
                   const volume::ReadOptions& options, Projection projection, ThreadPool* pool);

// The window a channel gets when none is asked: the source's own (OME-Zarr's omero window of
// channel 0), else full for uint8, else auto.
overlay::DisplayWindow default_window(const volume::Metadata& metadata, int channel);
// The colour a channel gets when none is asked: the source's own (OME-Zarr's omero colour), else
// the standard colour of its index (standard_channel_color).
ChannelColor default_channel_color(const volume::Metadata& metadata, int channel);

// How channels are asked for, beyond their own settings: what render_volume and figures share.
struct ChannelRequest {
  std::vector<ChannelSetting> channels;  // empty: the default (see RenderRequest)
  std::optional<ColorModel> model;
  // For channels without a window of their own (and layers, with window_for_layers).
  std::optional<overlay::DisplayWindow> window;
  bool window_for_layers = true;
  std::optional<palettes::Rgb8> tint;  // a one-channel image's colour when none is asked
};

// A layer's values on the grid, with its volume's metadata and its setting.
struct LayerValues {
  const Array* values = nullptr;
  const volume::Metadata* metadata = nullptr;
  const LayerSetting* setting = nullptr;
};

struct ResolvedChannels {
  ColorModel model = ColorModel::kGreyscale;
  std::vector<ChannelDraw> draws;         // the image's active channels, then the layers
  std::vector<RenderedChannel> channels;  // the same as recorded (layers named by URL)
};

// Throws kNotFound naming `--channel N` and `metadata.url` for a channel the volume lacks.
void check_channel_indices(const std::vector<ChannelSetting>& channels,
                           const volume::Metadata& metadata);
// The channel model's choices for `values` (X, Y, Z, C of `metadata`'s volume) and `layers`:
// which channels, which model, each window worked out once over the values shown, and colours.
ResolvedChannels resolve_channels(const Array& values, const volume::Metadata& metadata,
                                  const ChannelRequest& request,
                                  const std::vector<LayerValues>& layers);
// Greyscale ((X, Y, Z, 1) uint8, the first draw) or colour ((X, Y, Z, 3) uint8).
Array draw_channels(const ResolvedChannels& resolved, ThreadPool* pool);

// The picture of an (X, Y, 1, 1 or 3) uint8 array: grey or interleaved RGB, rows = y.
overlay::Image picture_of(const Array& rendered);

}  // namespace imagery::rendering
