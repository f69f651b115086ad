#include "imagery/cli/figure_job.h"

#include <cmath>
#include <cstdio>
#include <fstream>
#include <future>
#include <memory>

#include <nlohmann/json.hpp>

#include "imagery/cli/arguments.h"
#include "imagery/cli/json_file.h"
#include "imagery/client/client.h"
#include "imagery/core/atomic_file.h"
#include "imagery/core/error.h"
#include "imagery/core/npy.h"
#include "imagery/overlay/series.h"

namespace imagery::cli {

namespace {

using nlohmann::json;

json vec_json(const Vec3d& v) {
  return json::array({v.x, v.y, v.z});
}
json vec_json(const Vec3& v) {
  return json::array({v.x, v.y, v.z});
}
json box_json(const Bbox& b) {
  return json::array({vec_json(b.min), vec_json(b.max)});
}

std::string numbers_text(const json& array) {
  std::string s;
  for (const auto& v : array) {
    if (!s.empty()) s += ",";
    s += v.is_number_integer() ? std::to_string(v.get<std::int64_t>()) : v.dump();
  }
  return s;
}

// The whole number list of a flag, 2 or 3 values.
std::vector<double> parse_size(const std::string& text, const std::string& flag) {
  const std::size_t n = split(text, ',').size();
  if (n != 2 && n != 3)
    fail(ErrorCode::kInvalidArgument, flag + ": expected W,H or W,H,D, got '" + text + "'");
  return parse_numbers(text, n, flag);
}

// The client for the figure's sources, with the mips the flags name (mips given as resolutions
// need the infos first).
client::Client open_client(const FigureArgs& f, const FigurePlan& plan, const GlobalOptions& global,
                           const VolumeOpener& open) {
  client::ClientOptions copts;
  copts.resolution = plan.resolution;
  copts.bounded = f.bounded;
  copts.fill_missing = !f.no_fill_missing;
  copts.open = open_options(global);
  // --max-memory bounds every cutout and the segmentation resampled onto the image grid.
  copts.max_output_bytes = cutout_options(global).max_output_bytes;
  std::optional<precomputed::Volume> img, seg;
  if (open) {
    if (!f.image.empty()) img = open(f.image);
    if (!f.seg.empty()) seg = open(f.seg);
  } else {
    client::ClientOptions probe = copts;  // mips are checked below, by flag
    probe.image_mip.reset();
    probe.segmentation_mip.reset();
    auto opened = client::Client::open({f.image, f.seg}, probe);
    if (opened.has_image()) img = opened.image_volume();
    if (opened.has_segmentation()) seg = opened.segmentation_volume();
  }
  if (!f.image_mip.empty())
    copts.image_mip = parse_mip(f.image_mip, img->info(), img->source(), "--image-mip");
  if (!f.seg_mip.empty())
    copts.segmentation_mip = parse_mip(f.seg_mip, seg->info(), seg->source(), "--seg-mip");
  return client::Client(std::move(img), std::move(seg), copts);
}

}  // namespace

void add_figure_options(CLI::App* cmd, FigureArgs& a) {
  cmd->add_option("--image", a.image, "Image volume: path, file://, http(s)://, gs://, s3://");
  cmd->add_option("--seg", a.seg, "Segmentation volume (same forms as --image)");
  cmd->add_option("--bounds", a.bounds,
                  "X0,Y0,Z0,X1,Y1,Z1: half-open box in coordinates (see --resolution)");
  cmd->add_option("--center", a.center,
                  "X,Y,Z: centre in coordinates, with --size or --image-size");
  cmd->add_option("--size", a.size,
                  "W,H[,D]: box size in coordinates around --center (odd sizes: extra unit high)");
  cmd->add_option("--image-size", a.image_size,
                  "W,H[,D]: exact output size in pixels at the image mip (segmentation mip "
                  "without --image) around --center");
  cmd->add_option("--resolution", a.resolution,
                  "RX,RY,RZ: nm per coordinate unit (default: the image's default mip, as "
                  "Neuroglancer shows coordinates)");
  cmd->add_option("--image-mip", a.image_mip,
                  "Image mip index or resolution RX,RY,RZ (default: first non-placeholder)");
  cmd->add_option("--seg-mip", a.seg_mip,
                  "Segmentation mip index or resolution (default: first non-placeholder)");
  cmd->add_flag("--bounded", a.bounded, "Refuse bounds outside the volumes (default: read 0)");
  cmd->add_flag("--no-fill-missing", a.no_fill_missing,
                "A missing chunk is an error (default: it reads as 0)");
  add_overlay_options(cmd, a.overlay);
}

FigurePlan plan_figure(const FigureArgs& f) {
  const OverlayArgs& o = f.overlay;
  if (f.output.empty()) fail(ErrorCode::kInvalidArgument, "-o OUT.png is required");
  if (f.image.empty() && f.seg.empty())
    fail(ErrorCode::kInvalidArgument, "give --image, --seg or both");
  if (!f.seg_mip.empty() && f.seg.empty())
    fail(ErrorCode::kInvalidArgument, "--seg-mip needs --seg");
  if (!f.image_mip.empty() && f.image.empty())
    fail(ErrorCode::kInvalidArgument, "--image-mip needs --image");
  const int region_modes = !f.bounds.empty() + !f.size.empty() + !f.image_size.empty();
  if (region_modes != 1)
    fail(ErrorCode::kInvalidArgument,
         "give exactly one of --bounds, --center with --size, --center with --image-size");
  if (f.bounds.empty() && f.center.empty())
    fail(ErrorCode::kInvalidArgument,
         std::string(f.size.empty() ? "--image-size" : "--size") + " needs --center");
  if (!f.bounds.empty() && !f.center.empty())
    fail(ErrorCode::kInvalidArgument, "--center cannot be combined with --bounds");
  check_overlay_options(o);
  color_choice(o);
  display_window(o);

  FigurePlan plan;
  plan.root_ids = root_ids(o);
  if (!f.bounds.empty()) plan.bounds = parse_numbers(f.bounds, 6, "--bounds");
  if (!f.center.empty()) plan.center = parse_numbers(f.center, 3, "--center");
  if (!f.size.empty()) plan.size = parse_size(f.size, "--size");
  if (!f.image_size.empty()) {
    plan.image_size = parse_size(f.image_size, "--image-size");
    for (double p : plan.image_size)
      if (p != std::floor(p) || p < 1 || p > 1e9)
        fail(ErrorCode::kInvalidArgument,
             "--image-size: pixel counts must be whole numbers >= 1, got '" + f.image_size + "'");
  }
  if (!f.resolution.empty()) {
    auto r = parse_numbers(f.resolution, 3, "--resolution");
    if (!(r[0] > 0 && r[1] > 0 && r[2] > 0))
      fail(ErrorCode::kInvalidArgument, "--resolution: every value must be > 0 nm");
    plan.resolution = Vec3d{r[0], r[1], r[2]};
  }
  plan.three_d_request = (!plan.bounds.empty() && plan.bounds[5] - plan.bounds[2] > 1) ||
                         (plan.size.size() > 2 && plan.size[2] > 1) ||
                         (plan.image_size.size() > 2 && plan.image_size[2] > 1);
  plan.per_slice_files = f.output.find("{i}") != std::string::npos && o.stack.empty();
  return plan;
}

std::string sidecar_path(const std::string& output) {
  std::string base = output;
  for (std::size_t at = base.find("{i}"); at != std::string::npos; at = base.find("{i}")) {
    std::size_t from = at;
    if (from > 0 && (base[from - 1] == '_' || base[from - 1] == '-' || base[from - 1] == '.'))
      --from;
    base.erase(from, at + 3 - from);
  }
  const std::string ext = ".png";
  if (base.size() > ext.size() && base.compare(base.size() - ext.size(), ext.size(), ext) == 0)
    base.resize(base.size() - ext.size());
  return base + ".json";
}

void load_sidecar(const std::string& path, FigureArgs& a) {
  json j = read_json_file(path, "--from");  // not const: operator[] of a missing key must not be UB
  const std::string name = "--from " + path;
  try {
    if (!j.is_object() || j.value("command", "") != "figure")
      fail(ErrorCode::kInvalidArgument, name + ": not a sidecar of imagery figure");
    if (j.contains("image") && !j["image"].is_null()) {
      a.image = j["image"]["source"].get<std::string>();
      a.image_mip = std::to_string(j["image"]["mip"].get<int>());
    }
    if (j.contains("segmentation") && !j["segmentation"].is_null()) {
      a.seg = j["segmentation"]["source"].get<std::string>();
      a.seg_mip = std::to_string(j["segmentation"]["mip"].get<int>());
    }
    a.resolution = numbers_text(j.at("resolution"));
    const json& req = j.at("request");
    if (req.contains("bounds"))
      a.bounds = numbers_text(req["bounds"][0]) + "," + numbers_text(req["bounds"][1]);
    if (req.contains("center")) a.center = numbers_text(req["center"]);
    if (req.contains("size")) a.size = numbers_text(req["size"]);
    if (req.contains("image_size")) a.image_size = numbers_text(req["image_size"]);
    a.bounded = j.value("bounded", false);
    a.no_fill_missing = !j.value("fill_missing", true);
    a.overlay = overlay_args_from_json(j.at("overlay"), name);
    if (a.output.empty()) a.output = j.at("output").get<std::string>();
  } catch (const json::exception& e) {
    fail(ErrorCode::kInvalidArgument, name + ": missing or mistyped field (" + e.what() + ")");
  }
}

FigureFiles make_figure(const FigureArgs& f, const GlobalOptions& global, const VolumeOpener& open,
                        PhaseTimer* timer) {
  auto phase = [&](const char* name) {
    if (timer) timer->start(name);
  };
  const OverlayArgs& o = f.overlay;
  // Every number is parsed before any file is created or any byte fetched.
  const FigurePlan plan = plan_figure(f);
  const auto& [bounds_v, center_v, size_v, pixels_v, resolution, ids, three_d_request,
               per_slice_files] = plan;
  client::Region region;
  if (!bounds_v.empty())
    region = client::Region::corners({bounds_v[0], bounds_v[1], bounds_v[2]},
                                     {bounds_v[3], bounds_v[4], bounds_v[5]});
  else if (!size_v.empty())
    region = client::Region::centered({center_v[0], center_v[1], center_v[2]},
                                      {size_v[0], size_v[1], size_v.size() > 2 ? size_v[2] : 0});

  // Outputs first: an unwritable path fails before anything is fetched.
  std::vector<std::unique_ptr<AtomicFile>> outputs;
  if (!per_slice_files) outputs.push_back(std::make_unique<AtomicFile>(f.output));
  AtomicFile sidecar(sidecar_path(f.output));
  std::unique_ptr<AtomicFile> image_npy, seg_npy;
  if (!f.save_arrays.empty()) {
    if (!f.image.empty()) image_npy = std::make_unique<AtomicFile>(f.save_arrays + "_image.npy");
    seg_npy = std::make_unique<AtomicFile>(f.save_arrays + "_seg.npy");
  }

  phase("open");
  client::Client c = open_client(f, plan, global, open);
  if (!pixels_v.empty()) {
    const Vec3d ctr{center_v[0], center_v[1], center_v[2]};
    const Vec3 px{static_cast<std::int64_t>(pixels_v[0]), static_cast<std::int64_t>(pixels_v[1]),
                  pixels_v.size() > 2 ? static_cast<std::int64_t>(pixels_v[2]) : 1};
    region = c.has_image() ? c.image_region_from_size(ctr, px)
                           : c.segmentation_region_from_size(ctr, px);
  }

  phase("fetch");
  client::AlignedCutout both = c.image_and_segmentation_cutout(region, ids);
  if (timer && global.timings) {
    timer->stop();
    std::fprintf(stderr, "fetch-image: %.1f ms\nfetch-seg: %.1f ms\nalign: %.1f ms\n",
                 both.fetch_image_ms, both.fetch_segmentation_ms, both.align_ms);
  }
  const Array* grey = c.has_image() ? &both.image.data : nullptr;
  Array blank;
  const Array* seg = &both.segmentation.data;
  if (!c.has_segmentation()) {
    const Shape4& s = both.image.data.shape();
    blank = Array::zeros(DataType::kUint64, {s.x, s.y, s.z, 1});
    seg = &blank;
  }
  if (grey && grey->shape().c != 1)
    fail(ErrorCode::kInvalidArgument, "--image " + f.image + " has " +
                                          std::to_string(grey->shape().c) +
                                          " channels; figures need one");
  const bool three_d = three_d_request || seg->shape().z > 1;
  const std::int64_t slices = overlay::slice_count(seg->shape(), three_d ? o.dim : 2);
  if (three_d && o.stack.empty() && slices > 1 && !per_slice_files)
    fail(ErrorCode::kInvalidArgument,
         "-o " + f.output + ": a 3-D figure gives " + std::to_string(slices) +
             " pictures; put {i} in the output name (e.g. slice_{i}.png) or use --stack");
  if (per_slice_files)
    for (std::int64_t i = 0; i < slices; ++i)
      outputs.push_back(std::make_unique<AtomicFile>(slice_path(f.output, i)));

  phase("composite");
  // The client already zeroed ids outside --root-ids; the overlay's filter then changes nothing
  // but keeps --include-zero's meaning identical to `imagery composite`.
  std::vector<overlay::Image> pictures =
      render_overlay(o, *seg, grey, three_d, c.has_segmentation() ? "--seg " + f.seg : "image");

  phase("encode");
  std::vector<std::vector<std::byte>> encoded = encode_pictures(pictures, o.png_level);

  json record = {{"command", "figure"}, {"imagery_version", client::version()}};
  if (c.has_image())
    record["image"] = {{"source", f.image},
                       {"mip", both.image.mip},
                       {"resolution", vec_json(both.image.resolution)},
                       {"voxels", box_json(both.image.voxels)}};
  else
    record["image"] = nullptr;
  if (c.has_segmentation())
    record["segmentation"] = {
        {"source", f.seg},
        {"mip", both.segmentation.mip},
        {"resolution", vec_json(c.segmentation_resolution(both.segmentation.mip))},
        {"voxels", box_json(both.segmentation_voxels)}};
  else
    record["segmentation"] = nullptr;
  record["resolution"] = vec_json(c.resolution());
  json req = json::object();
  if (!bounds_v.empty())
    req["bounds"] = {{bounds_v[0], bounds_v[1], bounds_v[2]},
                     {bounds_v[3], bounds_v[4], bounds_v[5]}};
  if (!center_v.empty()) req["center"] = center_v;
  if (!size_v.empty()) req["size"] = size_v;
  if (!pixels_v.empty()) req["image_size"] = pixels_v;
  record["request"] = req;
  record["bounds"] = {vec_json(region.bounds.min), vec_json(region.bounds.max)};
  record["grid"] = {
      {"voxels", box_json(c.has_image() ? both.image.voxels : both.segmentation_voxels)},
      {"shape", vec_json(seg->shape().xyz())}};
  record["bounded"] = f.bounded;
  record["fill_missing"] = !f.no_fill_missing;
  record["overlay"] = overlay_args_to_json(o);
  record["output"] = f.output;
  FigureFiles files;
  for (const auto& out : outputs) files.pictures.push_back(out->path());
  record["pictures"] = files.pictures;

  phase("write");
  for (std::size_t i = 0; i < outputs.size(); ++i) {
    outputs[i]->write(std::span<const std::byte>(encoded[i]));
    outputs[i]->commit();
  }
  if (image_npy) write_npy(*image_npy, both.image.data, 3);
  if (seg_npy) write_npy(*seg_npy, *seg, 3);
  // Last, so that a sidecar means the figure is complete (`imagery batch` skips on it).
  const std::string text = record.dump(2) + "\n";
  sidecar.write(text.data(), text.size());
  sidecar.commit();
  files.sidecar = sidecar.path();
  if (timer) timer->stop();
  return files;
}

}  // namespace imagery::cli
