#include "imagery/volume/internal/zarr_driver.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <mutex>

#include "imagery/core/error.h"
#include "imagery/io/gzip.h"
#include "imagery/io/open_storage.h"
#include "imagery/io/url.h"

namespace imagery::volume {

namespace {

constexpr std::size_t kMaxGroupDocumentBytes = std::size_t{16} << 20;
constexpr std::int64_t kMaxCoordinate = std::int64_t{1} << 60;

std::string text_of(io::StoredObject& object) {
  if (object.bytes.size() > kMaxGroupDocumentBytes)
    fail(ErrorCode::kDataLoss, object.location + ": too large for group metadata");
  const Bytes bytes = object.gzip_encoded
                          ? io::gunzip(object.bytes, object.location, 0, kMaxGroupDocumentBytes)
                          : object.bytes.copy();
  return std::string(reinterpret_cast<const char*>(bytes.data()), bytes.size());
}

// nm values from decimal micrometres (0.008 * 1000 = 8.000000000000002): rounded to 1e-6 nm.
double tidy(double nm) {
  return std::round(nm * 1e6) / 1e6;
}

std::string number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.10g", v);
  return buf;
}

std::string join(const std::vector<std::string>& parts, const std::string& sep) {
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? "" : sep) + p;
  return out;
}

std::string hex(const std::array<std::uint8_t, 3>& rgb) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "#%02x%02x%02x", rgb[0], rgb[1], rgb[2]);
  return buf;
}

}  // namespace

std::string strip_zarr_prefix(const std::string& url) {
  std::string rest = url;
  for (const char* prefix : {"zarr://", "zarr2://", "zarr3://"})
    if (rest.rfind(prefix, 0) == 0) {
      rest = rest.substr(std::string(prefix).size());
      break;
    }
  for (const char* suffix : {"|zarr:", "|zarr2:", "|zarr3:"}) {
    const std::string s = suffix;
    if (rest.size() > s.size() && rest.compare(rest.size() - s.size(), s.size(), s) == 0) {
      rest.resize(rest.size() - s.size());
      break;
    }
  }
  return rest;
}

bool looks_like_zarr(const std::string& url) {
  std::string u = strip_zarr_prefix(url);
  if (u != url) return true;  // a zarr prefix or Neuroglancer's "|zarr2:" suffix
  while (!u.empty() && u.back() == '/') u.pop_back();
  if (const auto q = u.find_first_of("?#"); q != std::string::npos) u.resize(q);
  const std::size_t dot = u.find(".zarr");
  if (dot == std::string::npos) return false;
  const std::size_t end = dot + 5;
  return end == u.size() || u[end] == '/';
}

ZarrDriver::ZarrDriver(std::string url, zarr::ImageMetadata image,
                       std::vector<zarr::ZarrArray> levels, std::vector<std::string> label_groups,
                       std::string attributes, io::DecodedChunkCache* decoded_chunks)
    : image_(std::move(image)),
      levels_(std::move(levels)),
      attributes_(std::move(attributes)),
      decoded_chunks_(decoded_chunks) {
  x_ = image_.axis_index("x");
  y_ = image_.axis_index("y");
  z_ = image_.axis_index("z");
  c_ = image_.axis_index("c");
  t_ = image_.axis_index("t");
  const zarr::ArrayMetadata& a0 = levels_.at(0).metadata();
  metadata_.url = std::move(url);
  metadata_.driver = "zarr";
  metadata_.dtype = a0.dtype;
  metadata_.channels = c_ < 0 ? 1 : static_cast<int>(a0.shape[static_cast<std::size_t>(c_)]);
  metadata_.time_points = t_ < 0 ? 1 : a0.shape[static_cast<std::size_t>(t_)];
  metadata_.kind = image_.is_label ? VolumeKind::kSegmentation : VolumeKind::kImage;
  metadata_.default_mip = 0;
  const auto nm = [&](int axis) {
    return *zarr::nanometers_per_unit(image_.axes[static_cast<std::size_t>(axis)].unit);
  };
  for (std::size_t i = 0; i < levels_.size(); ++i) {
    const zarr::ArrayMetadata& a = levels_[i].metadata();
    const zarr::Dataset& ds = image_.datasets[i];
    ScaleInfo s;
    s.key = ds.path;
    const auto res = [&](int axis) {
      return tidy(ds.scale[static_cast<std::size_t>(axis)] * nm(axis));
    };
    // A 2-D image is one z as thick as a level-0 pixel is wide, at every level (no z factor).
    const double flat_z = tidy(image_.datasets[0].scale[static_cast<std::size_t>(x_)] * nm(x_));
    s.resolution = {res(x_), res(y_), z_ < 0 ? flat_z : res(z_)};
    // NGFF translations place voxel centres, and writers differ: some shift a level that
    // summarises f level-0 voxels by (f - 1) / 2 of them (the centre of what it summarises),
    // others keep level 0's translation. Whichever makes the offset a whole number of this
    // level's voxels is taken; where neither does (an offset not divisible by the factor), the
    // corner of the level-0 voxels the first voxel covers, floored, as imagery converts level-0
    // bounds (downsample_bounds).
    const auto offset = [&](int axis) -> std::int64_t {
      if (axis < 0) return 0;
      const auto k = static_cast<std::size_t>(axis);
      const double s0 = image_.datasets[0].scale[k], sk = ds.scale[k];
      const double kept = ds.translation[k] / sk;
      const double shifted = (ds.translation[k] - (sk - s0) / 2) / sk;
      if (!std::isfinite(kept) || std::fabs(kept) > 1e15)
        fail(ErrorCode::kDataLoss, metadata_.url + " dataset '" + ds.path +
                                       "': translation beyond the range of voxel indices");
      const auto whole = [](double v) { return std::fabs(v - std::round(v)) < 1e-6; };
      if (whole(kept)) return static_cast<std::int64_t>(std::round(kept));
      if (whole(shifted)) return static_cast<std::int64_t>(std::round(shifted));
      return static_cast<std::int64_t>(std::floor(shifted));
    };
    const auto extent = [&](int axis) -> std::int64_t {
      return axis < 0 ? 1 : a.shape[static_cast<std::size_t>(axis)];
    };
    const auto chunk = [&](int axis) -> std::int64_t {
      if (axis < 0) return 1;
      const auto* sh = a.sharding();
      return sh ? sh->chunk_shape[static_cast<std::size_t>(axis)]
                : a.chunks[static_cast<std::size_t>(axis)];
    };
    s.bounds.min = {offset(x_), offset(y_), offset(z_)};
    s.bounds.max = s.bounds.min + Vec3{extent(x_), extent(y_), extent(z_)};
    s.chunk_size = {chunk(x_), chunk(y_), chunk(z_)};
    s.encoding = a.codec_summary();
    s.encoding_detail = "zarr v" + std::to_string(a.zarr_format);
    if (const auto* sh = a.sharding()) {
      s.sharding = "shards of " + std::to_string(a.chunks[static_cast<std::size_t>(x_)]) + " x " +
                   std::to_string(a.chunks[static_cast<std::size_t>(y_)]) + " x " +
                   std::to_string(z_ < 0 ? 1 : a.chunks[static_cast<std::size_t>(z_)]) +
                   ", index at " + (sh->index_at_end ? "end" : "start");
    }
    metadata_.scales.push_back(std::move(s));
  }
  // What `imagery info` shows besides the scales.
  std::vector<std::string> axes;
  for (const zarr::Axis& ax : image_.axes)
    axes.push_back(ax.name + (ax.unit.empty() ? "" : " (" + ax.unit + ")"));
  std::string shape;
  for (std::int64_t n : a0.shape) shape += (shape.empty() ? "" : " x ") + std::to_string(n);
  metadata_.details.emplace_back("axes", join(axes, ", "));
  metadata_.details.emplace_back("shape", shape + " (level 0, axis order)");
  if (t_ >= 0) metadata_.details.emplace_back("time points", std::to_string(metadata_.time_points));
  if (!image_.omero.empty()) {
    std::vector<std::string> channels;
    for (const zarr::OmeroChannel& ch : image_.omero) {
      std::string text = ch.label.empty() ? "?" : ch.label;
      if (ch.color) text += " " + hex(*ch.color);
      if (ch.window_start && ch.window_end)
        text += " window " + number(*ch.window_start) + ".." + number(*ch.window_end);
      channels.push_back(text);
    }
    metadata_.details.emplace_back("omero", join(channels, "; "));
    for (const zarr::OmeroChannel& ch : image_.omero) {
      volume::Metadata::ChannelDisplay d;
      d.label = ch.label;
      if (ch.window_start && ch.window_end && *ch.window_end > *ch.window_start)
        d.window = std::make_pair(*ch.window_start, *ch.window_end);
      d.color = ch.color;
      metadata_.channel_display.push_back(d);
    }
    const zarr::OmeroChannel& first = image_.omero.front();
    if (first.window_start && first.window_end && *first.window_end > *first.window_start)
      metadata_.display_window = std::make_pair(*first.window_start, *first.window_end);
    // A white tint is no tint (greyscale EM).
    if (first.color && *first.color != std::array<std::uint8_t, 3>{255, 255, 255})
      metadata_.tint = first.color;
  }
  if (image_.is_label) {
    metadata_.details.emplace_back("label colors", std::to_string(image_.label_colors.size()));
    for (const zarr::LabelColor& c : image_.label_colors)
      metadata_.label_colors.emplace_back(c.value, c.rgba);
  }
  metadata_.details.emplace_back("label groups",
                                 label_groups.empty() ? "(none)" : join(label_groups, ", "));
  metadata_.provenance.emplace_back(
      "zarr", "ngff " + image_.version + ", zarr v" + std::to_string(image_.zarr_format));
}

Array ZarrDriver::read(const Bbox& box, int mip, const ReadOptions& options) const {
  const ScaleInfo& scale = metadata_.scale(mip);
  const std::string scale_name =
      metadata_.url + " level " + std::to_string(mip) + " (" + scale.key + ")";
  if (box.empty())
    fail(ErrorCode::kInvalidArgument,
         "cutout bounds " + box.to_string() + " of " + scale_name + " are empty");
  for (int d = 0; d < 3; ++d)
    if (std::llabs(box.min[d]) > kMaxCoordinate || std::llabs(box.max[d]) > kMaxCoordinate)
      fail(ErrorCode::kInvalidArgument,
           "cutout bounds " + box.to_string() + " of " + scale_name + " are beyond +-2^60 voxels");
  const bool inside = scale.bounds.contains(box);
  if (options.bounded && !inside)
    fail(ErrorCode::kInvalidArgument,
         "cutout bounds " + box.to_string() + " reach outside " + scale_name + " bounds " +
             scale.bounds.to_string(),
         Remedy::kReadOutside);
  if (options.time_point < 0 || options.time_point >= metadata_.time_points)
    fail(ErrorCode::kNotFound,
         metadata_.url + " has no time point " + std::to_string(options.time_point) +
             (t_ < 0 ? std::string(" (it has no time axis: time point 0 only)")
                     : " (time points 0.." + std::to_string(metadata_.time_points - 1) + ")"));
  const Vec3 size = box.size();
  const Shape4 shape{size.x, size.y, size.z, metadata_.channels};
  const std::uint64_t bytes = array_bytes(size, metadata_.channels, metadata_.dtype);
  if (bytes > options.max_output_bytes)
    fail(ErrorCode::kResourceExhausted,
         "cutout " + box.to_string() + " of " + scale_name + " needs " + std::to_string(bytes) +
             " bytes, more than the memory budget of " + std::to_string(options.max_output_bytes),
         Remedy::kRaiseMemoryBudget);
  Array out = inside ? Array(metadata_.dtype, shape) : Array::zeros(metadata_.dtype, shape);
  const Bbox part = intersect(box, scale.bounds);
  if (part.empty()) return out;  // wholly outside (unbounded): all 0
  const zarr::ZarrArray& array = levels_.at(static_cast<std::size_t>(mip));
  const std::size_t rank = array.metadata().rank();
  zarr::Region region;
  region.start.assign(rank, 0);
  region.stop.assign(rank, 0);
  region.out_strides.assign(rank, 0);
  const std::int64_t sx = 1, sy = shape.x, sz = shape.x * shape.y, sc = shape.x * shape.y * shape.z;
  const auto set = [&](int axis, std::int64_t lo, std::int64_t hi, std::int64_t stride) {
    if (axis < 0) return;
    region.start[static_cast<std::size_t>(axis)] = lo;
    region.stop[static_cast<std::size_t>(axis)] = hi;
    region.out_strides[static_cast<std::size_t>(axis)] = stride;
  };
  const Vec3 lo = part.min - scale.bounds.min, hi = part.max - scale.bounds.min;
  set(x_, lo.x, hi.x, sx);
  set(y_, lo.y, hi.y, sy);
  set(z_, lo.z, hi.z, sz);
  set(c_, 0, metadata_.channels, sc);
  set(t_, options.time_point, options.time_point + 1, 0);
  const Vec3 at = part.min - box.min;
  region.out = out.bytes() + static_cast<std::size_t>(at.x * sx + at.y * sy + at.z * sz) *
                                 dtype_size(metadata_.dtype);
  zarr::ReadControl control;
  control.stop = options.stop;
  control.on_progress = options.on_progress;
  control.decoded_chunks = decoded_chunks_;
  array.read(region, control);
  return out;
}

std::shared_ptr<const Volume> open_zarr(const std::string& url, io::Context& context) {
  const std::string location = strip_zarr_prefix(url);
  const io::StorageUrl storage_url = io::parse_storage_url(location, url);
  auto storage = io::open_storage(storage_url, context);
  // One round trip finds the Zarr version: v3's zarr.json, or v2's .zattrs (and .zgroup).
  std::optional<io::StoredObject> v3, v2;
  storage->read_many({"zarr.json", ".zattrs"},
                     [&](std::size_t i, std::optional<io::StoredObject> object) {
                       (i == 0 ? v3 : v2) = std::move(object);
                     });
  int format = 0;
  std::string group_doc, where;
  if (v3) {
    format = 3;
    where = v3->location;
    group_doc = text_of(*v3);
  } else if (v2) {
    format = 2;
    where = v2->location;
    group_doc = text_of(*v2);
  } else {
    if (storage->read(".zarray"))
      fail(ErrorCode::kInvalidArgument,
           "source " + url + " is a Zarr array, not an OME-Zarr group (give the group above it)");
    fail(ErrorCode::kNotFound, "no OME-Zarr group at " + url + " (neither " +
                                   storage->describe("zarr.json") + " nor " +
                                   storage->describe(".zattrs") + " exists)");
  }
  const std::string attributes = zarr::ngff_attributes(group_doc, format, where);
  zarr::ImageMetadata image = zarr::parse_ngff(attributes, format, where);
  // Every level's array metadata, and the image's label groups, in one batch.
  std::vector<std::string> keys;
  for (const zarr::Dataset& ds : image.datasets)
    keys.push_back(zarr::ZarrArray::metadata_key(ds.path, format));
  keys.push_back(format == 3 ? "labels/zarr.json" : "labels/.zattrs");
  std::vector<std::optional<io::StoredObject>> objects(keys.size());
  storage->read_many(keys, [&](std::size_t i, std::optional<io::StoredObject> object) {
    objects[i] = std::move(object);
  });
  std::vector<zarr::ZarrArray> levels;
  for (std::size_t i = 0; i < image.datasets.size(); ++i) {
    const std::string level_where = url + " dataset '" + image.datasets[i].path + "'";
    if (!objects[i])
      fail(ErrorCode::kDataLoss, where + ": dataset '" + image.datasets[i].path + "' has no " +
                                     storage->describe(keys[i]));
    const std::string text = text_of(*objects[i]);
    zarr::ArrayMetadata a = format == 3 ? zarr::parse_zarr_json_array(text, objects[i]->location)
                                        : zarr::parse_zarray(text, objects[i]->location);
    if (a.rank() != image.axes.size())
      fail(ErrorCode::kDataLoss, objects[i]->location + ": " + std::to_string(a.rank()) +
                                     " dimensions, but the multiscales have " +
                                     std::to_string(image.axes.size()) + " axes");
    if (!levels.empty()) {
      const zarr::ArrayMetadata& a0 = levels.front().metadata();
      if (a.dtype != a0.dtype)
        fail(ErrorCode::kDataLoss, objects[i]->location + ": data type " +
                                       std::string(dtype_name(a.dtype)) + ", level 0 has " +
                                       std::string(dtype_name(a0.dtype)));
      for (const char* axis : {"c", "t"})
        if (const int k = image.axis_index(axis); k >= 0 && a.shape[k] != a0.shape[k])
          fail(ErrorCode::kDataLoss, objects[i]->location + ": " + std::to_string(a.shape[k]) +
                                         " on axis " + axis + ", level 0 has " +
                                         std::to_string(a0.shape[k]));
    }
    if (image.is_label && !dtype_is_integer(a.dtype))
      fail(ErrorCode::kDataLoss, objects[i]->location + ": a label image of " +
                                     std::string(dtype_name(a.dtype)) + " (labels are integers)");
    levels.emplace_back(storage, image.datasets[i].path, std::move(a), level_where);
  }
  if (const int c = image.axis_index("c"); c >= 0) {
    const std::int64_t channels = levels.front().metadata().shape[static_cast<std::size_t>(c)];
    if (channels < 1 || channels > 4096)
      fail(ErrorCode::kInvalidArgument,
           where + ": " + std::to_string(channels) + " channels (1..4096 are read)");
  }
  std::vector<std::string> labels;
  if (objects.back()) labels = zarr::parse_label_list(text_of(*objects.back()), format);
  return std::make_shared<ZarrDriver>(url, std::move(image), std::move(levels), std::move(labels),
                                      attributes, &context.decoded_chunks());
}

}  // namespace imagery::volume
