#include "imagery/neuroglancer/render_state.h"

#include <algorithm>
#include <cmath>
#include <future>
#include <limits>

#include "imagery/cave/pinned_time.h"
#include "imagery/core/error.h"
#include "imagery/neuroglancer/annotation_draw.h"
#include "imagery/neuroglancer/annotation_json.h"
#include "imagery/neuroglancer/annotation_source.h"
#include "imagery/neuroglancer/internal/layer_sampling.h"
#include "imagery/neuroglancer/internal/shading.h"
#include "imagery/volume/open_volume.h"

namespace imagery::neuroglancer {
namespace {

using internal::Fragment;
using internal::LayerSampling;

struct VolumeLayer {
  const LayerState* layer = nullptr;
  LayerRecord* record = nullptr;
  std::shared_ptr<const volume::Volume> volume;
  LayerSampling sampling;
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

// An annotation layer whose annotations come from a precomputed annotation source: the source
// opened, its properties given to the layer (so that setColor(prop_X()) finds them), and the
// annotations near the panel read through its spatial index and put into global coordinates.
struct SourcedAnnotations {
  AnnotationLayerState layer;
  std::vector<Annotation> annotations;
};

SourcedAnnotations read_annotation_source(const LayerState& layer_state, const CrossSection& view,
                                          double depth_px, io::Context& context) {
  const std::string where = "layer '" + layer_state.name + "'";
  std::string url;
  const nlohmann::json& src = layer_state.document["source"];
  const nlohmann::json& first = src.is_array() && !src.empty() ? src[0] : src;
  if (first.is_string()) url = first.get<std::string>();
  if (first.is_object() && first.contains("url") && first["url"].is_string())
    url = first["url"].get<std::string>();
  const PrecomputedAnnotationSource source = PrecomputedAnnotationSource::open(url, context);
  const AnnotationSourceInfo& info = source.info();
  nlohmann::json document = layer_state.document;
  nlohmann::json properties = nlohmann::json::array();
  for (const auto& p : info.properties) properties.push_back({{"id", p.id}, {"type", p.type}});
  document["annotationProperties"] = properties;
  SourcedAnnotations out{parse_annotation_layer(document, where), {}};
  out.layer.properties = info.properties;
  // Source units per global unit, axis by axis (x, y, z of both, in order).
  const PanelGeometry& g = view.geometry;
  std::array<double, 3> to_source{};
  for (int d = 0; d < 3; ++d) to_source[d] = g.global_scales_m[d] / info.space.scales_m[d];
  // The panel's corners, and the depth annotations are drawn within, as a box in the source.
  const double depth_m = depth_px * g.pixel_size_m;
  std::array<double, 3> lo{}, hi{};
  lo.fill(std::numeric_limits<double>::infinity());
  hi.fill(-std::numeric_limits<double>::infinity());
  for (double i : {0.0, double(g.width)})
    for (double j : {0.0, double(g.height)})
      for (double side : {-1.0, 1.0}) {
        const auto c = g.pixel_center(i - 0.5, j - 0.5);
        for (int d = 0; d < 3; ++d) {
          const double depth = side * g.normal[d] * depth_m / g.global_scales_m[d];
          const double v = (c[d] + depth) * to_source[d];
          lo[d] = std::min(lo[d], v);
          hi[d] = std::max(hi[d], v);
        }
      }
  for (int d = 0; d < 3; ++d) hi[d] = std::nextafter(hi[d], std::numeric_limits<double>::max());
  AnnotationReadOptions read;
  read.every_copy = true;  // Neuroglancer draws each cell's copy
  out.annotations = source.read_box(lo, hi, read);
  for (auto& a : out.annotations)
    for (int d = 0; d < 3; ++d) {
      a.a[d] = static_cast<float>(a.a[d] / to_source[d]);
      a.b[d] = static_cast<float>(a.b[d] / to_source[d]);
    }
  return out;
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
      const bool inline_annotations =
          layer.sources.empty() || layer.sources.front().url.rfind("local://", 0) == 0;
      if (inline_annotations) {
        annotation_layers.push_back(
            {l, parse_annotation_layer(layer.document, "layer '" + layer.name + "'")});
      } else {
        // Read (and parsed with the source's properties) once the view is known.
        AnnotationLayerState sourced;
        sourced.inline_source = false;
        annotation_layers.push_back({l, sourced});
      }
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
  const internal::NearTieRule near{options.near_tie_voxels, options.near_tie_pixels};
  for (auto& vl : volumes)
    vl.sampling = internal::plan_sampling(vl.volume->metadata(), *vl.layer, out.view, state, near,
                                          options.mark_near_ties ? &out.near_ties : nullptr);

  // Fetch what every drawn mip needs, all at once.
  std::uint64_t total = 0;
  std::vector<std::future<void>> reads;
  for (auto& vl : volumes) {
    for (auto& mp : vl.sampling.mips) {
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
    for (auto& mp : vl.sampling.mips) {
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

  // Composite, layer by layer, into one RGBA8 texture cleared to (0, 0, 0, 0); rows in
  // parallel, each block of rows with its own shaders (they cache per value).
  std::vector<std::uint8_t> texture(n * 4, 0);
  bool first = true;
  for (auto& vl : volumes) {
    const volume::Metadata& meta = vl.volume->metadata();
    const bool segmentation = vl.layer->kind == LayerType::kSegmentation ||
                              (vl.layer->type.empty() && meta.is_segmentation());
    const bool blend = !first;
    const internal::ImageShader image_shader(meta.dtype, vl.layer->image);
    const std::size_t blocks = std::min<std::size_t>(g.height, 4 * context.pool().size() + 4);
    parallel_for(&context.pool(), blocks, [&](std::size_t block) {
      const int j0 = static_cast<int>(block * g.height / blocks);
      const int j1 = static_cast<int>((block + 1) * g.height / blocks);
      auto draw_rows = [&](auto& shader) {
        for (int j = j0; j < j1; ++j)
          internal::for_each_sample_in_row(
              vl.sampling, g.width, j, [&](std::size_t p, int k, std::int64_t index) {
                internal::write_fragment(&texture[p * 4], shader(vl.sampling.mips[k].data, index),
                                         blend);
              });
      };
      if (segmentation) {
        internal::SegmentShader shader(vl.layer->segmentation);
        draw_rows(shader);
      } else {
        draw_rows(image_shader);
      }
    });
    first = false;
    vl.record->drawn = true;
    for (const auto& mp : vl.sampling.mips)
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
      SourcedAnnotations sourced = read_annotation_source(
          state.layers[index], out.view, annotation_options.depth_range_px, context);
      draw_annotations(sourced.layer, sourced.annotations, annotation_panel, out.picture,
                       annotation_options);
      record.drawn = true;
      record.annotations = sourced.annotations.size();
      continue;
    }
    draw_annotations(layer, layer.annotations, annotation_panel, out.picture, annotation_options);
    record.drawn = true;
    record.annotations = layer.annotations.size();
  }
  return out;
}

}  // namespace imagery::neuroglancer
