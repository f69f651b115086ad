#include "imagery/neuroglancer/render_state.h"

#include <algorithm>
#include <cmath>
#include <future>
#include <limits>
#include <unordered_map>
#include <unordered_set>

#include "imagery/cave/pinned_time.h"
#include "imagery/core/error.h"
#include "imagery/neuroglancer/annotation_draw.h"
#include "imagery/neuroglancer/annotation_json.h"
#include "imagery/neuroglancer/segment_color.h"
#include "imagery/volume/open_volume.h"

namespace imagery::neuroglancer {
namespace {

// Neuroglancer shifts every sampled position by this many voxels along the plane normal's
// absolute value, so a plane exactly between two sections shows the higher one.
constexpr double kChunkPositionEpsilon = 1e-3;

struct Rgba {
  float r = 0, g = 0, b = 0, a = 0;
};

// One mip of a layer as the panel samples it.
struct MipPlan {
  int mip = 0;
  std::array<double, 3> factor{};          // resolution / mip-0 resolution
  std::array<double, 3> lower{}, upper{};  // drawn region, voxels of this mip
  Vec3 chunk_origin, chunk_size;           // the chunk grid (for the tie rule on horizontal edges)
  Bbox box;                                // voxels its pixels need
  std::uint64_t pixels = 0;
  Array data;
};

struct VolumeLayer {
  const LayerState* layer = nullptr;
  LayerRecord* record = nullptr;
  std::shared_ptr<const volume::Volume> volume;
  std::array<double, 3> ratio{};  // model (mip-0 voxel) units per global unit, float32-rounded
  std::vector<MipPlan> mips;      // finest first
  // Per pixel: which entry of `mips` draws it (-1: none) and the voxel it samples.
  std::vector<std::int8_t> pixel_mip;
  std::vector<std::array<std::int64_t, 3>> pixel_voxel;
};

std::shared_ptr<const volume::Volume> open_source(const LayerState& layer, io::Context& context,
                                                  const StateRenderOptions& options) {
  const std::string url = volume_url(layer.sources.front().url);
  return options.open ? options.open(url) : volume::open_volume(url, context);
}

// Whether a layer of this type draws voxels, and which kind it is once the data is known.
bool is_volume_layer(const LayerState& layer) {
  return layer.kind == LayerType::kImage || layer.kind == LayerType::kSegmentation ||
         (layer.type.empty() && !layer.sources.empty());
}

void check_transform(const LayerState& layer, const std::string& where) {
  for (const auto& source : layer.sources) {
    if (!source.transform) continue;
    const auto& t = *source.transform;
    if (!t.is_object() || !t.contains("matrix")) continue;
    const auto& m = t["matrix"];
    bool identity = m.is_array() && m.size() == 3;
    for (std::size_t r = 0; identity && r < 3; ++r) {
      identity = m[r].is_array() && m[r].size() == 4;
      for (std::size_t c = 0; identity && c < 4; ++c)
        identity = m[r][c].is_number() && m[r][c].get<double>() == (r == c ? 1.0 : 0.0);
    }
    if (!identity)
      fail(ErrorCode::kInvalidArgument,
           where + ": layer '" + layer.name +
               "': a source transform other than the identity is not drawn yet");
  }
}

// The default image shader: invlerp over the range (float32 arithmetic, clamped), grey, with the
// layer's opacity as alpha.
float invlerp(double value, double lo, float inverse_span) {
  const float v = (static_cast<float>(value) - static_cast<float>(lo)) * inverse_span;
  return std::clamp(v, 0.0f, 1.0f);
}

std::array<double, 2> default_range(DataType dtype) {
  switch (dtype) {
    case DataType::kUint8:
      return {0, 255};
    case DataType::kInt8:
      return {-128, 127};
    case DataType::kUint16:
      return {0, 65535};
    case DataType::kInt16:
      return {-32768, 32767};
    case DataType::kUint32:
      return {0, 4294967295.0};
    case DataType::kInt32:
      return {-2147483648.0, 2147483647.0};
    default:
      return {0, 1};
  }
}

double value_as_double(const Array& a, std::int64_t i) {
  const std::byte* p = a.bytes();
  switch (a.dtype()) {
    case DataType::kUint8:
      return reinterpret_cast<const std::uint8_t*>(p)[i];
    case DataType::kInt8:
      return reinterpret_cast<const std::int8_t*>(p)[i];
    case DataType::kUint16:
      return reinterpret_cast<const std::uint16_t*>(p)[i];
    case DataType::kInt16:
      return reinterpret_cast<const std::int16_t*>(p)[i];
    case DataType::kUint32:
      return reinterpret_cast<const std::uint32_t*>(p)[i];
    case DataType::kInt32:
      return reinterpret_cast<const std::int32_t*>(p)[i];
    case DataType::kUint64:
      return static_cast<double>(reinterpret_cast<const std::uint64_t*>(p)[i]);
    case DataType::kInt64:
      return static_cast<double>(reinterpret_cast<const std::int64_t*>(p)[i]);
    case DataType::kFloat32:
      return reinterpret_cast<const float*>(p)[i];
    case DataType::kFloat64:
      return reinterpret_cast<const double*>(p)[i];
  }
  return 0;
}

std::uint64_t value_as_id(const Array& a, std::int64_t i) {
  const std::byte* p = a.bytes();
  switch (a.dtype()) {
    case DataType::kUint8:
      return reinterpret_cast<const std::uint8_t*>(p)[i];
    case DataType::kUint16:
      return reinterpret_cast<const std::uint16_t*>(p)[i];
    case DataType::kUint32:
      return reinterpret_cast<const std::uint32_t*>(p)[i];
    case DataType::kUint64:
      return reinterpret_cast<const std::uint64_t*>(p)[i];
    case DataType::kInt64:
      return static_cast<std::uint64_t>(reinterpret_cast<const std::int64_t*>(p)[i]);
    case DataType::kInt32:
      return static_cast<std::uint32_t>(reinterpret_cast<const std::int32_t*>(p)[i]);
    case DataType::kInt16:
      return static_cast<std::uint16_t>(reinterpret_cast<const std::int16_t*>(p)[i]);
    case DataType::kInt8:
      return static_cast<std::uint8_t>(reinterpret_cast<const std::int8_t*>(p)[i]);
    default:
      return 0;
  }
}

// The fragment a segment id gets from Neuroglancer's (upstream) 2-D segmentation shader when
// nothing is hovered: colour from segmentColors, else segmentDefaultColor, else the hash;
// mixed towards white by the saturation; selectedAlpha for visible ids, notSelectedAlpha else.
class SegmentShader {
 public:
  explicit SegmentShader(const SegmentationSettings& s) : settings_(s) {
    visible_.insert(s.visible_segments.begin(), s.visible_segments.end());
    // With nothing visible (only hidden ids, or none listed) every id shows.
    all_visible_ = visible_.empty() && s.ignore_null_visible_set;
  }
  Rgba operator()(std::uint64_t id) {
    if (id == 0 && settings_.hide_segment_zero) return {};
    if (auto it = cache_.find(id); it != cache_.end()) return it->second;
    const bool has = all_visible_ || visible_.count(id) > 0;
    std::array<float, 3> rgb;
    if (auto c = settings_.segment_colors.find(id); c != settings_.segment_colors.end()) {
      rgb = {channel_from_byte(c->second[0]), channel_from_byte(c->second[1]),
             channel_from_byte(c->second[2])};
    } else if (settings_.default_color) {
      const Rgb8& c8 = *settings_.default_color;
      rgb = {channel_from_byte(c8[0]), channel_from_byte(c8[1]), channel_from_byte(c8[2])};
    } else {
      rgb = hash_color(id, settings_.color_seed);
    }
    rgb = saturate(rgb, static_cast<float>(settings_.saturation));
    const float alpha =
        static_cast<float>(has ? settings_.selected_alpha : settings_.not_selected_alpha);
    const Rgba out{rgb[0], rgb[1], rgb[2], alpha};
    if (cache_.size() < (1u << 20)) cache_.emplace(id, out);
    return out;
  }

 private:
  const SegmentationSettings& settings_;
  std::unordered_set<std::uint64_t> visible_;
  bool all_visible_ = false;
  std::unordered_map<std::uint64_t, Rgba> cache_;
};

// An 8-bit channel read back by the blender: f32(f32(byte * 257) * f32(1/65535)).
float unorm(std::uint8_t byte) {
  const float scaled = static_cast<float>(byte) * 257.0f;
  return scaled * (1.0f / 65535.0f);
}

// Writes a fragment into an RGBA8 texel: without blending for the first layer, else
// src * a + dst * (1 - a) on all four channels, in float32, rounded to 8 bits.
void write_fragment(std::uint8_t* texel, const Rgba& f, bool blend) {
  if (!blend) {
    texel[0] = byte_from_channel(f.r);
    texel[1] = byte_from_channel(f.g);
    texel[2] = byte_from_channel(f.b);
    texel[3] = byte_from_channel(f.a);
    return;
  }
  const float a = std::clamp(f.a, 0.0f, 1.0f);
  const float keep = 1.0f - a;
  const float src[4] = {f.r, f.g, f.b, f.a};
  for (int c = 0; c < 4; ++c) {
    const float s = std::clamp(src[c], 0.0f, 1.0f) * a;
    const float d = unorm(texel[c]) * keep;
    texel[c] = byte_from_channel(s + d);
  }
}

// Geometry of one layer: the mips drawn and, per pixel, which one and which voxel.
// Within this many voxels of a boundary (and not on it), float32 rounding on the GPU decides.
thread_local double near_tie_voxels = 1e-4;
// Or, when > 0, within this many screen pixels (the voxel distance over the per-pixel step).
thread_local double near_tie_pixels = 0;
thread_local std::array<double, 3> voxels_per_pixel{};
thread_local int near_axis = 0;

bool near_boundary(double c, double boundary) {
  const double d = std::abs(c - boundary);
  if (near_tie_pixels > 0) {
    const double step = voxels_per_pixel[near_axis];
    return d > 0 && step > 0 && d / step < near_tie_pixels;
  }
  return d > 0 && d < near_tie_voxels;
}

bool near_integer(double c) {
  return near_boundary(c, std::round(c));
}

// Which axis near_boundary() measures, and how far one pixel moves along it (voxels of `mp`).
void set_near_axis(const VolumeLayer& vl, const CrossSection& view, const MipPlan& mp, int d) {
  near_axis = d;
  const double scale = vl.ratio[d] / mp.factor[d];
  voxels_per_pixel[d] = std::hypot(double(view.right[d]) * scale, double(view.down[d]) * scale);
}

void plan_layer(VolumeLayer& vl, const CrossSection& view, const ViewerState& state,
                std::vector<std::uint8_t>* near_ties) {
  const volume::Metadata& meta = vl.volume->metadata();
  const Vec3d r0 = meta.scales.at(0).resolution;
  for (int d = 0; d < 3; ++d)
    vl.ratio[d] = static_cast<float>(state.dimensions[d].scale / (r0[d] * 1e-9));
  // Mips as Neuroglancer lists them: every scale the source has (those it cannot read are left
  // out here as Neuroglancer would fail them), finest first.
  std::vector<int> scale_index;
  std::vector<std::array<float, 3>> sizes;
  for (int m = 0; m < static_cast<int>(meta.scales.size()); ++m) {
    if (!meta.scales[m].readable) continue;
    scale_index.push_back(m);
    const Vec3d r = meta.scales[m].resolution;
    sizes.push_back({static_cast<float>(r.x * 1e-9), static_cast<float>(r.y * 1e-9),
                     static_cast<float>(r.z * 1e-9)});
  }
  if (scale_index.empty())
    fail(ErrorCode::kInvalidArgument, "layer '" + vl.layer->name + "': no readable scale");
  const auto chosen = choose_mips(sizes, view.geometry.pixel_size_m, vl.layer->render_scale);
  const volume::ScaleInfo& s0 = meta.scales.at(0);
  for (int c : chosen) {
    const int m = scale_index[c];
    const volume::ScaleInfo& s = meta.scales[m];
    MipPlan plan;
    plan.mip = m;
    for (int d = 0; d < 3; ++d) {
      plan.factor[d] = s.resolution[d] / r0[d];
      // Each mip is clipped to the mip-0 bounds, and has chunks only inside its own.
      plan.lower[d] = std::max<double>(static_cast<double>(s.bounds.min[d]),
                                       static_cast<double>(s0.bounds.min[d]) / plan.factor[d]);
      plan.upper[d] = std::min<double>(static_cast<double>(s.bounds.max[d]),
                                       static_cast<double>(s0.bounds.max[d]) / plan.factor[d]);
    }
    plan.chunk_origin = s.bounds.min;
    plan.chunk_size = s.chunk_size;
    plan.box =
        Bbox{{std::numeric_limits<std::int64_t>::max(), std::numeric_limits<std::int64_t>::max(),
              std::numeric_limits<std::int64_t>::max()},
             {std::numeric_limits<std::int64_t>::min(), std::numeric_limits<std::int64_t>::min(),
              std::numeric_limits<std::int64_t>::min()}};
    vl.mips.push_back(std::move(plan));
  }
  const PanelGeometry& g = view.geometry;
  const std::size_t n = static_cast<std::size_t>(g.width) * g.height;
  vl.pixel_mip.assign(n, -1);
  vl.pixel_voxel.resize(n);
  // The plane normal in each mip's voxel coordinates (a normal transforms by the inverse
  // transpose: divide by the model scaling, multiply by the mip factor), normalised.
  std::vector<std::array<double, 3>> shift(vl.mips.size());
  for (std::size_t k = 0; k < vl.mips.size(); ++k) {
    std::array<double, 3> n_voxel{};
    double length = 0;
    for (int d = 0; d < 3; ++d) {
      n_voxel[d] = double(view.normal[d]) / vl.ratio[d] * vl.mips[k].factor[d];
      length += n_voxel[d] * n_voxel[d];
    }
    length = std::sqrt(length);
    for (int d = 0; d < 3; ++d) shift[k][d] = kChunkPositionEpsilon * std::abs(n_voxel[d]) / length;
  }
  const bool xy_aligned = view.panel == "xy" && g.axis_aligned;
  for (int j = 0; j < g.height; ++j) {
    for (int i = 0; i < g.width; ++i) {
      const double u = i + 0.5 - g.width / 2.0, v = j + 0.5 - g.height / 2.0;
      std::array<double, 3> model{};
      for (int d = 0; d < 3; ++d) {
        const double global =
            double(view.position[d]) + double(view.right[d]) * u + double(view.down[d]) * v;
        model[d] = global * vl.ratio[d];
      }
      const std::size_t p = static_cast<std::size_t>(j) * g.width + i;
      for (std::size_t k = 0; k < vl.mips.size(); ++k) {
        MipPlan& mp = vl.mips[k];
        std::array<double, 3> c{};
        for (int d = 0; d < 3; ++d) c[d] = model[d] / mp.factor[d] + shift[k][d];
        if (near_ties)
          for (int d = 0; d < 3; ++d) {
            set_near_axis(vl, view, mp, d);
            if (near_boundary(c[d], mp.lower[d]) || near_boundary(c[d], mp.upper[d]))
              (*near_ties)[p] = 1;
          }
        std::array<std::int64_t, 3> voxel{};
        bool inside = true;
        for (int d = 0; d < 3 && inside; ++d) {
          if (xy_aligned && d == 1) {
            // Horizontal edges (chunk rows and the region's edges) belong to the quad above on
            // screen: y is (lower, upper], and a centre exactly on a chunk's first row reads
            // the row above (SwiftShader's rasterisation rule).
            inside = c[1] > mp.lower[1] && c[1] <= mp.upper[1];
            const double fl = std::floor(c[1]);
            std::int64_t y = static_cast<std::int64_t>(fl);
            if (fl == c[1] &&
                (c[1] == mp.upper[1] ||
                 (y - mp.chunk_origin.y) % std::max<std::int64_t>(1, mp.chunk_size.y) == 0))
              --y;
            voxel[1] = y;
          } else {
            inside = c[d] >= mp.lower[d] && c[d] < mp.upper[d];
            voxel[d] = static_cast<std::int64_t>(std::floor(c[d]));
          }
        }
        if (!inside) continue;
        if (near_ties)
          for (int d = 0; d < 3; ++d) {
            set_near_axis(vl, view, mp, d);
            if (near_integer(c[d])) (*near_ties)[p] = 1;
          }
        vl.pixel_mip[p] = static_cast<std::int8_t>(k);
        vl.pixel_voxel[p] = voxel;
        ++mp.pixels;
        for (int d = 0; d < 3; ++d) {
          mp.box.min[d] = std::min(mp.box.min[d], voxel[d]);
          mp.box.max[d] = std::max(mp.box.max[d], voxel[d] + 1);
        }
        break;
      }
    }
  }
}

}  // namespace

std::string volume_url(const std::string& source_url) {
  std::string url = source_url;
  // Neuroglancer 2.40's pipeline form: "gs://bucket/path|neuroglancer-precomputed:".
  if (auto bar = url.find('|'); bar != std::string::npos) {
    const std::string format = url.substr(bar + 1);
    url = url.substr(0, bar);
    if (format.rfind("neuroglancer-precomputed:", 0) == 0) return "precomputed://" + url;
    if (format.rfind("zarr", 0) == 0) return "zarr://" + url;
    if (format.rfind("graphene:", 0) == 0) return "graphene://" + url;
    fail(ErrorCode::kInvalidArgument, "source " + source_url + ": format '" + format +
                                          "' is not read (precomputed, graphene, zarr)");
  }
  return url;
}

ViewerState complete_state(const ViewerState& input, io::Context& context,
                           const StateRenderOptions& options) {
  ViewerState state = input;
  if (state.dimensions.size() >= 3 && state.position.size() >= 3) return state;
  // Neuroglancer takes what the state leaves out from the layers' data: the first volume
  // layer's coordinate space (x, y, z in metres of its finest resolution) and the centre of
  // its bounds.
  for (const auto& layer : state.layers) {
    if (!is_volume_layer(layer) || layer.sources.empty()) continue;
    auto volume = open_source(layer, context, options);
    const auto& s0 = volume->metadata().scales.at(0);
    if (state.dimensions.size() < 3) {
      state.dimensions.clear();
      const char* names[3] = {"x", "y", "z"};
      for (int d = 0; d < 3; ++d)
        state.dimensions.push_back({names[d], s0.resolution[d] * 1e-9, "m"});
      state.document["dimensions"] = nlohmann::json::object();
      for (const auto& dim : state.dimensions)
        state.document["dimensions"][dim.name] = nlohmann::json::array({dim.scale, dim.unit});
    }
    if (state.position.size() < 3) {
      state.position.clear();
      for (int d = 0; d < 3; ++d) {
        // The centre of the bounds in global units, as Neuroglancer starts a view.
        const double lo = s0.bounds.min[d] * s0.resolution[d] * 1e-9 / state.dimensions[d].scale;
        const double hi = s0.bounds.max[d] * s0.resolution[d] * 1e-9 / state.dimensions[d].scale;
        state.position.push_back((lo + hi) / 2);
      }
      state.document["position"] = state.position;
    }
    return state;
  }
  fail(ErrorCode::kInvalidArgument,
       "the state has no 'dimensions' and 'position' and no volume layer to take them from");
}

StateRendering render_state(const ViewerState& input, io::Context& context,
                            const StateRenderOptions& options) {
  StateRendering out;
  out.state = complete_state(input, context, options);
  const ViewerState& state = out.state;
  out.view = make_cross_section(state, options.panel, options.width, options.height);
  out.notes = out.view.notes;
  const PanelGeometry& g = out.view.geometry;
  const std::size_t n = static_cast<std::size_t>(g.width) * g.height;

  // Open every visible volume layer's source at once, and plan its geometry.
  out.layers.resize(state.layers.size());
  std::vector<VolumeLayer> volumes;
  volumes.reserve(state.layers.size());
  std::vector<std::future<std::shared_ptr<const volume::Volume>>> opening(state.layers.size());
  // Annotation layers, drawn over everything else in layer order (as Neuroglancer's panel does).
  std::vector<std::pair<std::size_t, AnnotationLayerState>> annotation_layers;
  for (std::size_t l = 0; l < state.layers.size(); ++l) {
    const LayerState& layer = state.layers[l];
    LayerRecord& record = out.layers[l];
    record.name = layer.name;
    record.type = layer.type;
    if (!layer.sources.empty()) record.url = layer.sources.front().url;
    if (!layer.visible || layer.archived) {
      record.note = layer.archived ? "archived" : "hidden (visible: false)";
      continue;
    }
    if (layer.kind == LayerType::kAnnotation) {
      annotation_layers.push_back(
          {l, parse_annotation_layer(layer.document, "layer '" + layer.name + "'")});
      continue;
    }
    if (!is_volume_layer(layer)) {
      record.note = "a " + (layer.type.empty() ? std::string("source-less") : layer.type) +
                    " layer has nothing to draw in a cross-section";
      continue;
    }
    if (layer.sources.empty()) {
      record.note = "no source";
      continue;
    }
    check_transform(layer, "state");
    opening[l] = std::async(std::launch::async,
                            [&, l] { return open_source(state.layers[l], context, options); });
  }
  for (std::size_t l = 0; l < state.layers.size(); ++l) {
    if (!opening[l].valid()) continue;
    VolumeLayer vl;
    vl.layer = &state.layers[l];
    vl.record = &out.layers[l];
    vl.volume = opening[l].get();
    const volume::Metadata& meta = vl.volume->metadata();
    vl.record->driver = meta.driver;
    if (meta.channels != 1)
      fail(ErrorCode::kInvalidArgument, "layer '" + vl.layer->name +
                                            "': " + std::to_string(meta.channels) +
                                            " channels need a custom shader, which is not drawn");
    if (vl.layer->kind == LayerType::kImage && meta.dtype == DataType::kUint64)
      fail(ErrorCode::kInvalidArgument,
           "layer '" + vl.layer->name + "': a uint64 image layer is not drawn");
    volumes.push_back(std::move(vl));
  }
  if (options.mark_near_ties) out.near_ties.assign(n, 0);
  near_tie_voxels = options.near_tie_voxels;
  near_tie_pixels = options.near_tie_pixels;
  for (auto& vl : volumes)
    plan_layer(vl, out.view, state, options.mark_near_ties ? &out.near_ties : nullptr);

  // Fetch what every drawn mip needs, all at once.
  std::uint64_t total = 0;
  std::vector<std::future<void>> reads;
  for (auto& vl : volumes) {
    for (auto& mp : vl.mips) {
      if (mp.pixels == 0) continue;
      total += array_bytes(mp.box.max - mp.box.min, 1, vl.volume->metadata().dtype);
    }
  }
  if (total > options.max_memory_bytes)
    fail(ErrorCode::kResourceExhausted,
         "the panel needs " + std::to_string(total >> 20) + " MiB of voxels, over the budget of " +
             std::to_string(options.max_memory_bytes >> 20) + " MiB",
         Remedy::kRaiseMemoryBudget);
  for (auto& vl : volumes) {
    volume::ReadOptions read;
    read.fill_missing = true;
    read.bounded = false;
    read.stop = options.stop;
    if (vl.volume->has_label_mapping()) {
      read.labels = volume::ReadOptions::Labels::kMapped;
      if (options.timestamp) {
        read.timestamp = *options.timestamp;
      } else if (vl.layer->document.contains("timestamp") &&
                 vl.layer->document["timestamp"].is_string()) {
        read.timestamp = cave::parse_timestamp(vl.layer->document["timestamp"].get<std::string>(),
                                               "layer '" + vl.layer->name + "' timestamp");
      } else {
        read.timestamp = cave::pinned_now(context);
      }
    }
    for (auto& mp : vl.mips) {
      if (mp.pixels == 0) continue;
      reads.push_back(std::async(std::launch::async, [&vl, &mp, read] {
        mp.data = vl.volume->read(mp.box, mp.mip, read);
      }));
    }
  }
  std::exception_ptr error;
  for (auto& r : reads) {
    try {
      r.get();
    } catch (...) {
      if (!error) error = std::current_exception();
    }
  }
  if (error) std::rethrow_exception(error);

  // Composite, layer by layer, into one RGBA8 texture cleared to (0, 0, 0, 0).
  std::vector<std::uint8_t> texture(n * 4, 0);
  bool first = true;
  for (auto& vl : volumes) {
    const volume::Metadata& meta = vl.volume->metadata();
    const bool segmentation = vl.layer->kind == LayerType::kSegmentation ||
                              (vl.layer->type.empty() && meta.is_segmentation());
    std::optional<SegmentShader> segment_shader;
    if (segmentation) segment_shader.emplace(vl.layer->segmentation);
    const auto range = vl.layer->image.range.value_or(default_range(meta.dtype));
    const float inverse_span = static_cast<float>(1.0 / (range[1] - range[0]));
    const float opacity = static_cast<float>(vl.layer->image.opacity);
    for (std::size_t p = 0; p < n; ++p) {
      const int k = vl.pixel_mip[p];
      if (k < 0) continue;
      const MipPlan& mp = vl.mips[k];
      const auto& voxel = vl.pixel_voxel[p];
      const std::int64_t index =
          mp.data.index(voxel[0] - mp.box.min.x, voxel[1] - mp.box.min.y, voxel[2] - mp.box.min.z);
      Rgba fragment;
      if (segment_shader) {
        fragment = (*segment_shader)(value_as_id(mp.data, index));
      } else {
        const float grey = invlerp(value_as_double(mp.data, index), range[0], inverse_span);
        fragment = {grey, grey, grey, opacity};
      }
      write_fragment(&texture[p * 4], fragment, !first);
    }
    first = false;
    vl.record->drawn = true;
    for (const auto& mp : vl.mips)
      vl.record->mips.push_back(
          {mp.mip, meta.scales[mp.mip].resolution, mp.pixels ? mp.box : Bbox{}, mp.pixels});
  }

  // The panel: the texture where its alpha is not 0, the background elsewhere.
  const Rgb8 background = state.background.value_or(Rgb8{128, 128, 128});
  out.picture =
      overlay::Image(static_cast<std::uint32_t>(g.width), static_cast<std::uint32_t>(g.height), 3);
  for (std::size_t p = 0; p < n; ++p) {
    std::uint8_t* dst = out.picture.pixels.data() + p * 3;
    const std::uint8_t* src = &texture[p * 4];
    if (src[3] == 0) {
      dst[0] = background[0];
      dst[1] = background[1];
      dst[2] = background[2];
    } else {
      dst[0] = src[0];
      dst[1] = src[1];
      dst[2] = src[2];
    }
  }

  AnnotationDrawOptions annotation_options;
  // crossSectionDepth: negative values are pixels, positive ones global units at zoom 1.
  if (state.document.contains("crossSectionDepth") &&
      state.document["crossSectionDepth"].is_number()) {
    const double depth = state.document["crossSectionDepth"].get<double>();
    if (depth < 0) annotation_options.depth_range_px = -depth;
    if (depth > 0)
      annotation_options.depth_range_px = depth / state.cross_section_scale.value_or(1);
  }
  // The annotation shaders measure depth in pixels of zoom x canonical voxel, computed in double
  // (not from the float32 view matrix as the volume layers' pixel size is).
  PanelGeometry annotation_panel = g;
  {
    const double canonical =
        std::min({state.dimensions[0].scale, state.dimensions[1].scale, state.dimensions[2].scale});
    annotation_panel.pixel_size_m = state.cross_section_scale.value_or(1.0) * canonical;
  }
  for (auto& [index, layer] : annotation_layers) {
    LayerRecord& record = out.layers[index];
    if (!layer.inline_source) {
      record.note = "precomputed annotation source " + layer.source_url + ": not read";
      continue;
    }
    draw_annotations(layer, layer.annotations, annotation_panel, out.picture, annotation_options);
    record.drawn = true;
    record.annotations = layer.annotations.size();
  }
  return out;
}

}  // namespace imagery::neuroglancer
