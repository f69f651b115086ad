#include "imagery/figure/make_figure.h"

#include <cmath>
#include <filesystem>
#include <fstream>
#include <memory>

#include "imagery/core/atomic_file.h"
#include "imagery/core/error.h"
#include "imagery/core/npy.h"
#include "imagery/figure/figure_scene.h"
#include "imagery/figure/figure_spec_json.h"
#include "imagery/figure/overview.h"
#include "imagery/figure/view_state.h"
#include "imagery/figure/writer.h"

namespace imagery::figure {

namespace {

using nlohmann::json;
using nlohmann::ordered_json;

ordered_json number(double v) {
  if (v == std::floor(v) && std::fabs(v) < 9.0e15) return static_cast<std::int64_t>(v);
  return v;
}
ordered_json vec_json(const Vec3d& v) {
  return ordered_json::array({number(v.x), number(v.y), number(v.z)});
}
ordered_json vec_json(const Vec3& v) {
  return ordered_json::array({v.x, v.y, v.z});
}
ordered_json box_json(const Bbox& b) {
  return ordered_json::array({vec_json(b.min), vec_json(b.max)});
}
ordered_json source_json(const std::optional<SourceProvenance>& s) {
  if (!s) return nullptr;
  return {{"source", s->url},
          {"driver", s->driver},
          {"mip", s->mip},
          {"resolution", vec_json(s->resolution)},
          {"voxels", box_json(s->voxels)}};
}

ordered_json cave_json(const std::optional<CaveProvenance>& c) {
  if (!c) return nullptr;
  return {{"datastack", c->datastack},
          {"server", c->server},
          {"local_server", c->local_server},
          {"info_service_version", c->info_service_version},
          {"image_source", c->image_source},
          {"segmentation_source", c->segmentation_source},
          {"mat_version", c->mat_version ? ordered_json(*c->mat_version) : ordered_json(nullptr)},
          {"mat_time_stamp",
           c->mat_time_stamp.empty() ? ordered_json(nullptr) : ordered_json(c->mat_time_stamp)}};
}

ordered_json labels_json(const std::optional<LabelProvenance>& l) {
  if (!l) return nullptr;
  ordered_json j = {{"labels", l->labels}};
  if (!l->timestamp.empty()) {
    j["timestamp"] = l->timestamp;
    j["timestamp_sent"] = l->timestamp_sent;
    j["timestamp_from"] = l->timestamp_from;
  }
  if (!l->root_ids.empty()) j["root_ids"] = l->root_ids;
  for (const auto& [key, value] : l->source) j[key] = value;
  return j;
}

ordered_json layer_record_json(const neuroglancer::LayerRecord& l) {
  ordered_json j = {{"name", l.name}, {"type", l.type}, {"source", l.url}, {"drawn", l.drawn}};
  if (!l.driver.empty()) j["driver"] = l.driver;
  if (!l.note.empty()) j["note"] = l.note;
  if (!l.mips.empty()) {
    ordered_json mips = ordered_json::array();
    for (const auto& m : l.mips)
      mips.push_back({{"mip", m.mip},
                      {"resolution", vec_json(m.resolution)},
                      {"voxels", m.pixels ? box_json(m.voxels) : ordered_json(nullptr)},
                      {"pixels", m.pixels}});
    j["mips"] = mips;
  }
  if (l.annotations) j["annotations"] = l.annotations;
  return j;
}

ordered_json state_json(const std::optional<StateProvenance>& s) {
  if (!s) return nullptr;
  ordered_json layers = ordered_json::array();
  for (const auto& l : s->layers) layers.push_back(layer_record_json(l));
  return {{"panel", s->panel},
          {"size", ordered_json::array({s->width, s->height})},
          {"pixel_size_nm", s->pixel_size_nm},
          {"layers", layers},
          {"notes", s->notes}};
}

ordered_json print_json(const PrintSize& p) {
  return {{"width_mm", p.size.width_mm},
          {"height_mm", p.size.height_mm},
          {"dpi", p.native_dpi},
          {"raster_scale", p.raster_scale},
          {"raster_dpi", p.raster_dpi}};
}

ordered_json elements_json(const ElementsRecord& e) {
  ordered_json j = ordered_json::object();
  if (e.scale_bar)
    j["scale_bar"] = {{"length_nm", e.scale_bar->length_nm},
                      {"pixels", e.scale_bar->output_pixels},
                      {"text", e.scale_bar->text}};
  if (e.inset)
    j["inset"] = {{"source", e.inset->source},
                  {"mip", e.inset->mip},
                  {"resolution", vec_json(e.inset->resolution)},
                  {"voxels", box_json(e.inset->voxels)},
                  {"box", ordered_json::array({e.inset->box[0], e.inset->box[1], e.inset->box[2],
                                               e.inset->box[3]})}};
  for (const MarkTally& t : e.marks)
    j[t.kind] = {{"file", t.file}, {"drawn", t.drawn}, {"skipped", t.skipped}};
  return j;
}

}  // namespace

ordered_json sidecar_json(const FigureSpec& spec, const RenderedFigure& figure,
                          const FigureFiles& files) {
  // The spec as run: the mips and the coordinate resolution that were used are pinned.
  FigureSpec pinned = spec;
  const Provenance& p = figure.provenance;
  if (pinned.image && p.image) pinned.image->mip = volume::MipSelector::index(p.image->mip);
  if (pinned.segmentation && p.segmentation)
    pinned.segmentation->mip = volume::MipSelector::index(p.segmentation->mip);
  if (!p.neuroglancer) pinned.resolution = p.coordinate_resolution;
  ordered_json doc = figure_spec_to_json(pinned);
  ordered_json panels = ordered_json::array();
  for (std::size_t i = 0; i < figure.panels.size(); ++i) {
    const Panel& panel = figure.panels[i];
    ordered_json j = {
        {"width", panel.picture.width},
        {"height", panel.picture.height},
        {"nm_per_pixel", ordered_json::array({panel.nm_per_pixel_x, panel.nm_per_pixel_y})},
        {"voxels", box_json(panel.voxels)}};
    if (i < files.pictures.size()) j["file"] = files.pictures[i];
    if (i < files.drawn.size()) {
      const PanelDrawn& d = files.drawn[i];
      j["format"] = d.format;
      j["print"] = print_json(d.print);
      const ordered_json e = elements_json(d.elements);
      if (!e.empty()) j["elements"] = e;
    }
    panels.push_back(j);
  }
  if (p.neuroglancer) {
    doc["rendered"] = {{"imagery_version", p.imagery_version},
                       {"neuroglancer", state_json(p.neuroglancer)},
                       {"panels", panels},
                       {"pictures", files.pictures},
                       {"arrays", files.arrays}};
  } else {
    doc["rendered"] = {
        {"imagery_version", p.imagery_version},
        {"cave", cave_json(p.cave)},
        {"segmentation_labels", labels_json(p.labels)},
        {"image", source_json(p.image)},
        {"segmentation", source_json(p.segmentation)},
        {"resolution", vec_json(p.coordinate_resolution)},
        {"bounds", ordered_json::array({vec_json(p.bounds.min), vec_json(p.bounds.max)})},
        {"grid",
         {{"voxels", box_json(p.grid_voxels)},
          {"resolution", vec_json(p.grid_resolution)},
          {"shape", vec_json(p.grid_shape)}}},
        {"panels", panels},
        {"pictures", files.pictures},
        {"arrays", files.arrays}};
  }
  // A Neuroglancer state of the view, for `imagery link` and for collaborators.
  doc["neuroglancer"] = neuroglancer_state_of(spec, figure);
  return doc;
}

FigureScene panel_scene(const FigureSpec& spec, const RenderedFigure& figure, std::size_t index,
                        const FigureWriter& writer, const MarkSet* marks, const Overview* overview,
                        ThreadPool* pool) {
  FigureScene out;
  const Panel& panel = figure.panels.at(index);
  // The footprint does not depend on the print size except through the title's band, whose
  // height depends on the DPI: size the print from the picture, then the footprint from that.
  PrintSize print = print_size(spec.output, panel.picture.width, panel.picture.height);
  const PanelFootprint footprint = panel_footprint(spec, panel, print);
  print = print_size(spec.output, footprint.width, footprint.height);
  out.scene.width = footprint.width;
  out.scene.height = footprint.height;
  // A title sits on white; otherwise the picture is the whole figure (transparent where it is).
  if (!spec.elements.title.empty()) out.scene.background = graphics::Color{255, 255, 255, 255};
  PanelDrawing drawing;
  drawing.vector = writer.draws_vectors() && !spec.style.stack;
  drawing.print = print;
  drawing.marks = marks;
  drawing.pool = pool;
  drawing.overview = overview;
  out.drawn.format = std::string(writer.format());
  out.drawn.print = print;
  out.drawn.elements = add_panel(out.scene, spec, figure, index, 0, 0, drawing);
  return out;
}

FigureFiles make_figure(const FigureSpec& spec, io::Context& context, const MakeOptions& options,
                        const overlay::FieldNamer& name) {
  auto phase = [&](std::string_view what, const Provenance* p) {
    if (options.on_phase) options.on_phase(what, p);
  };
  check_figure_spec(spec, name);
  const std::unique_ptr<FigureWriter> writer = writer_for(spec.output.path);
  const bool per_slice = spec.per_slice_files();

  // Outputs first: an unwritable path fails before anything is fetched.
  std::vector<std::unique_ptr<AtomicFile>> outputs;
  if (!per_slice) outputs.push_back(std::make_unique<AtomicFile>(spec.output.path));
  AtomicFile sidecar(sidecar_path(spec.output.path));
  std::unique_ptr<AtomicFile> image_npy, seg_npy;
  const std::string prefix = spec.output.arrays_prefix();
  if (!prefix.empty() && spec.state)
    fail(ErrorCode::kInvalidArgument,
         (name ? name("save_arrays") : "save_arrays") + " does not go with " +
             (name ? name("state") : "state") +
             ": a state's panel is drawn from several layers and mips, not one array each");
  if (!prefix.empty()) {
    // (A datastack may bring an image; a file not written is never created.)
    if (spec.image || !spec.datastack.empty())
      image_npy = std::make_unique<AtomicFile>(prefix + "_image.npy");
    seg_npy = std::make_unique<AtomicFile>(prefix + "_seg.npy");
  }

  // Annotation files are read before anything is fetched: a missing or broken one fails at once.
  const MarkSet marks = read_mark_files(spec.elements);

  phase("open", nullptr);
  const FigurePlan plan = plan_figure(spec, context, options.render, name);
  if (per_slice)
    for (std::int64_t i = 0; i < plan.picture_count; ++i)
      outputs.push_back(std::make_unique<AtomicFile>(slice_path(spec.output.path, i)));

  RenderOptions render = options.render;
  render.on_phase = [&](std::string_view what, const Provenance& p) {
    phase(what, &p);
    if (options.render.on_phase) options.render.on_phase(what, p);
  };
  const RenderedFigure figure = render_planned(plan.spec, plan, context, render);

  phase("encode", &figure.provenance);
  if (figure.panels.size() != outputs.size())
    fail(ErrorCode::kInternal, "the figure has " + std::to_string(figure.panels.size()) +
                                   " panels for " + std::to_string(outputs.size()) + " files");
  FigureFiles files;
  std::vector<std::vector<std::byte>> encoded;
  for (std::size_t i = 0; i < figure.panels.size(); ++i) {
    std::optional<Overview> overview;
    if (plan.spec.elements.inset)
      overview = fetch_overview(plan.spec, plan, figure, i, context, options.render);
    const FigureScene drawn = panel_scene(plan.spec, figure, i, *writer, &marks,
                                          overview ? &*overview : nullptr, &context.pool());
    EncodeOptions encode;
    encode.print = drawn.drawn.print;
    encode.record_dpi = spec.output.dpi || spec.output.width_mm || spec.output.height_mm;
    encode.png_level = spec.output.png_level;
    encode.pool = &context.pool();
    encoded.push_back(writer->encode(drawn.scene, encode));
    files.drawn.push_back(drawn.drawn);
  }

  phase("write", &figure.provenance);
  for (std::size_t i = 0; i < outputs.size(); ++i) {
    outputs[i]->write(std::span<const std::byte>(encoded[i]));
    outputs[i]->commit();
    files.pictures.push_back(outputs[i]->path());
  }
  if (image_npy && plan.spec.image) {
    write_npy(*image_npy, figure.image, 3);
    files.arrays.push_back(image_npy->path());
  }
  if (seg_npy) {
    write_npy(*seg_npy, figure.segmentation, 3);
    files.arrays.push_back(seg_npy->path());
  }
  files.sidecar = sidecar.path();
  // Last, so that a sidecar means the figure is complete (`imagery batch` skips on it).
  // (Text from a CSV manifest need not be UTF-8: such bytes are replaced, never thrown over.)
  const std::string text =
      sidecar_json(plan.spec, figure, files).dump(2, ' ', false, json::error_handler_t::replace) +
      "\n";
  sidecar.write(text.data(), text.size());
  sidecar.commit();
  return files;
}

std::vector<std::string> finished_files(const FigureSpec& spec) {
  std::ifstream in(sidecar_path(spec.output.path));
  if (!in) return {};
  try {
    const json sidecar = json::parse(in);
    // 0.1 sidecars listed the pictures at the top level.
    const json& record = sidecar.contains("rendered") ? sidecar.at("rendered") : sidecar;
    const json& pictures = record.at("pictures");
    if (!pictures.is_array() || pictures.empty()) return {};
    std::vector<std::string> files;
    for (const json& p : pictures) files.push_back(p.get<std::string>());
    const std::string prefix = spec.output.arrays_prefix();
    if (!prefix.empty()) {
      if (spec.image) files.push_back(prefix + "_image.npy");
      files.push_back(prefix + "_seg.npy");
    }
    for (const std::string& f : files)
      if (!std::filesystem::exists(f)) return {};
    files.push_back(sidecar_path(spec.output.path));
    return files;
  } catch (const json::exception&) {
    return {};
  }
}

}  // namespace imagery::figure
