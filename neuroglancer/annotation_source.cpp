#include "imagery/neuroglancer/annotation_source.h"

#include <algorithm>
#include <atomic>
#include <bit>
#include <cmath>
#include <cstring>
#include <limits>
#include <map>
#include <nlohmann/json.hpp>

#include "imagery/core/error.h"
#include "imagery/io/gzip.h"
#include "imagery/io/internal/storage_key.h"
#include "imagery/io/open_storage.h"
#include "imagery/precomputed/internal/morton_code.h"
#include "imagery/precomputed/internal/shard_cache.h"
#include "imagery/precomputed/internal/sharded_chunk_source.h"
#include "imagery/precomputed/source_url.h"

namespace imagery::neuroglancer {

// ordered_json: the order of the members of `dimensions` is the order of the dimensions.
using OrderedJson = nlohmann::ordered_json;

namespace {

// No annotation info comes near this; a bigger one (or a gzip'd one inflating past it) is refused.
constexpr std::size_t kMaxInfoBytes = std::size_t{64} << 20;
// Generous bounds that keep every size computation far from overflow: Neuroglancer's own writer
// makes a few dozen levels and properties, and Morton codes allow 2^32 cells per dimension.
constexpr std::size_t kMaxLevels = 256;
constexpr std::size_t kMaxProperties = 1024;
constexpr std::int64_t kMaxGridShape = std::int64_t{1} << 32;

// "info SOURCE: FIELD: what", kDataLoss, for every malformed member.
class Validator {
 public:
  explicit Validator(const std::string& source) : source_(source) {}

  [[noreturn]] void error(const std::string& field, const std::string& what,
                          ErrorCode code = ErrorCode::kDataLoss) const {
    fail(code, "annotation info " + source_ + ": " + (field.empty() ? "" : field + ": ") + what);
  }
  const OrderedJson& require(const OrderedJson& obj, const std::string& key,
                             const std::string& prefix) const {
    auto it = obj.find(key);
    if (it == obj.end()) error(prefix + key, "missing required member");
    return *it;
  }
  std::string string(const OrderedJson& v, const std::string& field) const {
    if (!v.is_string()) error(field, "expected a string, got " + shown(v));
    return v.get<std::string>();
  }
  double finite(const OrderedJson& v, const std::string& field) const {
    if (!v.is_number()) error(field, "expected a number, got " + shown(v));
    const double d = v.get<double>();
    if (!std::isfinite(d)) error(field, "expected a finite number, got " + shown(v));
    return d;
  }
  // An integer in [lo, hi]; integral floats such as 4.0 count (Python writers emit them).
  std::int64_t integer(const OrderedJson& v, const std::string& field, std::int64_t lo,
                       std::int64_t hi) const {
    const std::string range =
        "an integer in [" + std::to_string(lo) + ", " + std::to_string(hi) + "], got " + shown(v);
    if (v.is_number_unsigned()) {
      const std::uint64_t u = v.get<std::uint64_t>();
      if (u > static_cast<std::uint64_t>(hi) || (lo > 0 && u < static_cast<std::uint64_t>(lo)))
        error(field, "expected " + range);
      return static_cast<std::int64_t>(u);
    }
    if (v.is_number_integer()) {
      const std::int64_t i = v.get<std::int64_t>();
      if (i < lo || i > hi) error(field, "expected " + range);
      return i;
    }
    if (v.is_number_float()) {
      const double d = v.get<double>();
      if (std::isfinite(d) && d == std::floor(d) && d >= static_cast<double>(lo) &&
          d <= static_cast<double>(hi))
        return static_cast<std::int64_t>(d);
    }
    error(field, "expected " + range);
  }
  const OrderedJson& array(const OrderedJson& v, const std::string& field, std::size_t n) const {
    if (!v.is_array() || v.size() != n)
      error(field, "expected an array of " + std::to_string(n) + " elements, got " + shown(v));
    return v;
  }
  // A short rendering of a value for messages (hostile values can be long).
  static std::string shown(const OrderedJson& v) {
    std::string s = v.dump(-1, ' ', false, OrderedJson::error_handler_t::replace);
    if (s.size() > 80) s = s.substr(0, 77) + "...";
    return s;
  }

 private:
  const std::string& source_;
};

// Metres per unit of a unit string: SI prefixes of "m" (Neuroglancer also knows "s", "Hz" and
// unitless dimensions, which a figure cannot place in space).
std::optional<double> metres_per_unit(const std::string& unit) {
  static const std::pair<const char*, double> kLengths[] = {
      {"m", 1},      {"km", 1e3},   {"hm", 1e2},   {"dam", 1e1},        {"dm", 1e-1},
      {"cm", 1e-2},  {"mm", 1e-3},  {"um", 1e-6},  {"\xc2\xb5m", 1e-6}, {"nm", 1e-9},
      {"pm", 1e-12}, {"fm", 1e-15}, {"am", 1e-18}, {"Mm", 1e6},         {"Gm", 1e9},
  };
  for (const auto& [name, factor] : kLengths)
    if (unit == name) return factor;
  return std::nullopt;
}

// `key` with "." and "dir/.." segments resolved, relative to the info's directory (spec: keys
// may be "/"-separated relative paths with ".." components). Keys that climb out of the directory
// or break the storage-key policy are refused: a hostile info must not reach other files.
std::string normalised_key(const std::string& key, const std::string& field, const Validator& v) {
  // The storage-key policy first, on the key as written with its ".." segments masked (they are
  // resolved below): "http://x" must not become the harmless-looking "http:/x".
  std::string probe;
  for (std::size_t start = 0; start <= key.size();) {
    std::size_t end = std::min(key.find('/', start), key.size());
    const std::string_view part = std::string_view(key).substr(start, end - start);
    probe += (start == 0 ? "" : "/") + std::string(part == ".." ? "_" : part);
    start = end + 1;
  }
  if (auto reason = io::key_escape_reason(probe))
    v.error(field, io::quoted_text(key) + " leaves the annotation directory (" + *reason + ")");
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (start <= key.size()) {
    std::size_t end = key.find('/', start);
    if (end == std::string::npos) end = key.size();
    const std::string part = key.substr(start, end - start);
    if (part == "..") {
      if (parts.empty()) v.error(field, io::quoted_text(key) + " leaves the annotation directory");
      parts.pop_back();
    } else if (!part.empty() && part != ".") {
      parts.push_back(part);
    }
    start = end + 1;
  }
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? "" : "/") + p;
  if (out.empty()) v.error(field, io::quoted_text(key) + " names no sub-directory");
  if (auto reason = io::key_escape_reason(out))
    v.error(field, io::quoted_text(key) + " leaves the annotation directory (" + *reason + ")");
  return out;
}

precomputed::ShardingSpec parse_sharding(const OrderedJson& s, const std::string& f,
                                         const Validator& v) {
  using precomputed::ShardEncoding;
  using precomputed::ShardHash;
  if (!s.is_object()) v.error(f, "expected an object, got " + Validator::shown(s));
  precomputed::ShardingSpec spec;
  const std::string type = v.string(v.require(s, "@type", f + "."), f + ".@type");
  if (type != "neuroglancer_uint64_sharded_v1")
    v.error(f + ".@type",
            "expected \"neuroglancer_uint64_sharded_v1\", got " + io::quoted_text(type));
  const std::string hash = v.string(v.require(s, "hash", f + "."), f + ".hash");
  if (hash == "identity")
    spec.hash = ShardHash::kIdentity;
  else if (hash == "murmurhash3_x86_128")
    spec.hash = ShardHash::kMurmurHash3_x86_128;
  else
    v.error(f + ".hash",
            "expected \"identity\" or \"murmurhash3_x86_128\", got " + io::quoted_text(hash));
  auto bits = [&](const char* key) {
    return static_cast<int>(v.integer(v.require(s, key, f + "."), f + "." + key, 0, 64));
  };
  spec.preshift_bits = bits("preshift_bits");
  spec.minishard_bits = bits("minishard_bits");
  spec.shard_bits = bits("shard_bits");
  if (spec.minishard_bits + spec.shard_bits > 64)
    v.error(f, "minishard_bits + shard_bits must be <= 64");
  auto encoding = [&](const char* key) {
    auto it = s.find(key);
    if (it == s.end()) return ShardEncoding::kRaw;
    const std::string e = v.string(*it, f + "." + key);
    if (e == "raw") return ShardEncoding::kRaw;
    if (e == "gzip") return ShardEncoding::kGzip;
    v.error(f + "." + key, "expected \"raw\" or \"gzip\", got " + io::quoted_text(e));
  };
  spec.minishard_index_encoding = encoding("minishard_index_encoding");
  spec.data_encoding = encoding("data_encoding");
  return spec;
}

std::optional<precomputed::ShardingSpec> optional_sharding(const OrderedJson& obj,
                                                           const std::string& f,
                                                           const Validator& v) {
  auto it = obj.find("sharding");
  if (it == obj.end() || it->is_null()) return std::nullopt;
  return parse_sharding(*it, f + ".sharding", v);
}

AnnotationIdIndex parse_id_index(const OrderedJson& obj, const std::string& f, const Validator& v) {
  if (!obj.is_object()) v.error(f, "expected an object, got " + Validator::shown(obj));
  AnnotationIdIndex index;
  index.key = normalised_key(v.string(v.require(obj, "key", f + "."), f + ".key"), f + ".key", v);
  index.sharding = optional_sharding(obj, f, v);
  return index;
}

// Bytes and alignment of each property type in the stored encoding (spec: "For each property of
// type uint32, int32, or float32 ..."; Neuroglancer's annotationPropertyTypeHandlers).
enum class PropertyKind { kRgb, kRgba, kUint8, kInt8, kUint16, kInt16, kUint32, kInt32, kFloat32 };
struct PropertyType {
  std::string_view name;
  PropertyKind kind;
  std::size_t bytes;
  std::size_t alignment;
};
constexpr PropertyType kPropertyTypes[] = {
    {"rgb", PropertyKind::kRgb, 3, 1},         {"rgba", PropertyKind::kRgba, 4, 1},
    {"uint8", PropertyKind::kUint8, 1, 1},     {"int8", PropertyKind::kInt8, 1, 1},
    {"uint16", PropertyKind::kUint16, 2, 2},   {"int16", PropertyKind::kInt16, 2, 2},
    {"uint32", PropertyKind::kUint32, 4, 4},   {"int32", PropertyKind::kInt32, 4, 4},
    {"float32", PropertyKind::kFloat32, 4, 4},
};

const PropertyType* property_type(std::string_view name) {
  for (const auto& t : kPropertyTypes)
    if (t.name == name) return &t;
  return nullptr;
}

bool valid_property_id(const std::string& id) {
  if (id.empty() || !(id[0] >= 'a' && id[0] <= 'z')) return false;
  return std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  });
}

std::size_t geometry_floats(AnnotationType type) {
  return type == AnnotationType::kPoint ? 3 : 6;
}

// Where each property lies in a stored record, in info order, and the record's length. This is
// Neuroglancer's getPropertyOffsets: a stable sort by alignment (4, 2, 1), each value at its
// alignment, and, once a group would pass WebGL's stride limit of 255 bytes, a new group; every
// group is padded to a multiple of 4. Records under 256 bytes (all real ones) are one group, as
// the spec describes.
struct RecordLayout {
  std::vector<const PropertyType*> types;
  std::vector<std::size_t> offsets;
  std::size_t bytes = 0;
};

RecordLayout record_layout(const AnnotationSourceInfo& info) {
  const std::size_t n = info.properties.size();
  std::vector<const PropertyType*> types(n);
  for (std::size_t i = 0; i < n; ++i) {
    types[i] = property_type(info.properties[i].type);
    if (!types[i])
      fail(ErrorCode::kInvalidArgument, "annotation property " + info.properties[i].id +
                                            " has unknown type " +
                                            io::quoted_text(info.properties[i].type));
  }
  std::vector<std::size_t> order(n);
  for (std::size_t i = 0; i < n; ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return types[a]->alignment > types[b]->alignment;
  });
  auto pad4 = [](std::size_t x) { return (x + 3) / 4 * 4; };
  RecordLayout layout;
  layout.offsets.resize(n);
  std::size_t group_start = 0;                          // of the current group
  std::size_t offset = 4 * geometry_floats(info.type);  // within the current group
  for (std::size_t i : order) {
    const PropertyType& t = *types[i];
    std::size_t start = (offset + t.alignment - 1) / t.alignment * t.alignment;
    if (pad4(start + t.bytes) > 255) {  // a new group
      group_start += pad4(offset);
      offset = 0;
      start = 0;
    }
    layout.offsets[i] = group_start + start;
    offset = start + t.bytes;
  }
  layout.bytes = group_start + pad4(offset);
  layout.types = std::move(types);
  return layout;
}

std::uint64_t load_u64(const std::byte* p) {
  std::uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | std::to_integer<std::uint64_t>(p[i]);
  return v;
}
std::uint32_t load_u32(const std::byte* p) {
  std::uint32_t v = 0;
  for (int i = 3; i >= 0; --i) v = (v << 8) | std::to_integer<std::uint32_t>(p[i]);
  return v;
}
float load_f32(const std::byte* p) {
  return std::bit_cast<float>(load_u32(p));
}

double property_value(const std::byte* p, const PropertyType& type) {
  auto u8 = [&](int i) { return std::to_integer<std::uint32_t>(p[i]); };
  switch (type.kind) {
    case PropertyKind::kRgb:
      return u8(0) | u8(1) << 8 | u8(2) << 16;
    case PropertyKind::kRgba:
    case PropertyKind::kUint32:
      return load_u32(p);
    case PropertyKind::kUint8:
      return u8(0);
    case PropertyKind::kInt8:
      return static_cast<std::int8_t>(u8(0));
    case PropertyKind::kUint16:
      return u8(0) | u8(1) << 8;
    case PropertyKind::kInt16:
      return static_cast<std::int16_t>(u8(0) | u8(1) << 8);
    case PropertyKind::kInt32:
      return static_cast<std::int32_t>(load_u32(p));
    case PropertyKind::kFloat32:
      return load_f32(p);
  }
  return 0;
}

// An annotation list's records, each with its numeric id, passed to `emit`. Checks the length
// before anything is allocated, so a count larger than the bytes costs nothing.
template <class Emit>
void decode_records(std::span<const std::byte> bytes, const AnnotationSourceInfo& info,
                    const RecordLayout& layout, const std::string& name, Emit&& emit) {
  if (bytes.size() < 8)
    fail(ErrorCode::kDataLoss, "annotation list " + name + " has " + std::to_string(bytes.size()) +
                                   " bytes, fewer than its 8-byte count");
  const std::uint64_t count = load_u64(bytes.data());
  const std::uint64_t per = layout.bytes + 8;  // record and id
  const std::uint64_t room = (bytes.size() - 8) / per;
  if (count > room || 8 + count * per != bytes.size()) {
    // What the count needs, unless that passes 2^64 (a hostile count).
    const bool representable = count <= (std::numeric_limits<std::uint64_t>::max() - 8) / per;
    fail(ErrorCode::kDataLoss,
         "annotation list " + name + " has " + std::to_string(bytes.size()) +
             " bytes, but its count of " + std::to_string(count) + " annotations of " +
             std::to_string(layout.bytes) + " bytes (and 8-byte ids) needs " +
             (representable ? std::to_string(8 + count * per) : "more than 2^64"));
  }
  const std::size_t n = static_cast<std::size_t>(count);
  const std::byte* records = bytes.data() + 8;
  const std::byte* ids = records + n * layout.bytes;
  const std::size_t floats = geometry_floats(info.type);
  for (std::size_t i = 0; i < n; ++i) {
    const std::byte* r = records + i * layout.bytes;
    Annotation a;
    a.type = info.type;
    for (std::size_t k = 0; k < floats; ++k) {
      const double value = load_f32(r + 4 * k);
      (k < 3 ? a.a[k] : a.b[k - 3]) = value;
    }
    a.properties.resize(info.properties.size());
    for (std::size_t p = 0; p < info.properties.size(); ++p)
      a.properties[p] = property_value(r + layout.offsets[p], *layout.types[p]);
    const std::uint64_t id = load_u64(ids + 8 * i);
    a.id = std::to_string(id);
    emit(id, std::move(a));
  }
}

// The count a list claims, or nullopt when it has fewer than 8 bytes (for budgets).
std::optional<std::uint64_t> claimed_count(std::span<const std::byte> bytes) {
  if (bytes.size() < 8) return std::nullopt;
  return load_u64(bytes.data());
}

// Undoes transport compression: declared gzip, or gzip bytes whose raw length cannot be a list
// (a list may start with 1f 8b: a count of 35615 + 2^16 k annotations).
struct Payload {
  SharedBytes stored;
  Bytes inflated;
  bool is_inflated = false;
  std::span<const std::byte> bytes() const {
    return is_inflated ? std::span<const std::byte>(inflated) : stored.span();
  }
};

bool fits_layout(std::span<const std::byte> bytes, std::size_t record_bytes) {
  if (bytes.size() < 8) return false;
  const std::uint64_t count = load_u64(bytes.data());
  const std::uint64_t per = record_bytes + 8;
  return count <= (bytes.size() - 8) / per && 8 + count * per == bytes.size();
}

Payload take_payload(io::StoredObject&& object, std::size_t record_bytes, std::size_t max_output) {
  Payload p;
  const bool gz = object.gzip_encoded ||
                  (io::has_gzip_magic(object.bytes) && !fits_layout(object.bytes, record_bytes));
  if (!gz) {
    p.stored = std::move(object.bytes);
    return p;
  }
  p.inflated = io::gunzip(object.bytes, "annotation list " + object.location, 0, max_output);
  p.is_inflated = true;
  return p;
}

// Cells of one level whose half-open extent [lower + c * size, lower + (c + 1) * size) meets
// [lo, hi), per dimension as [first, last]; nullopt when none does.
std::optional<std::array<std::array<std::int64_t, 2>, 3>> cell_range(
    const AnnotationSpatialLevel& level, const std::array<double, 3>& lower,
    const std::array<double, 3>& lo, const std::array<double, 3>& hi) {
  std::array<std::array<std::int64_t, 2>, 3> r{};
  for (int d = 0; d < 3; ++d) {
    const double g = static_cast<double>(level.grid_shape[d]);
    // Clamped before the conversion to integers (a box far outside gives huge quotients).
    const double first = std::clamp(std::floor((lo[d] - lower[d]) / level.chunk_size[d]), -1.0, g);
    const double last =
        std::clamp(std::ceil((hi[d] - lower[d]) / level.chunk_size[d]) - 1, -1.0, g);
    const auto f = std::max<std::int64_t>(0, static_cast<std::int64_t>(first));
    const auto l = std::min<std::int64_t>(level.grid_shape[d] - 1, static_cast<std::int64_t>(last));
    if (!(first == first) || !(last == last) || f > l) return std::nullopt;
    r[d] = {f, l};
  }
  return r;
}

std::string box_text(const std::array<double, 3>& lo, const std::array<double, 3>& hi) {
  auto num = [](double v) {
    char b[32];
    std::snprintf(b, sizeof b, "%g", v);
    return std::string(b);
  };
  return "[" + num(lo[0]) + ", " + num(lo[1]) + ", " + num(lo[2]) + "] - [" + num(hi[0]) + ", " +
         num(hi[1]) + ", " + num(hi[2]) + ")";
}

// The related ids of one `by_id` entry (spec, "Single annotation encoding"): the record, then per
// relationship a uint32le count and that many uint64le ids; nothing may follow.
std::vector<std::uint64_t> decode_related(std::span<const std::byte> bytes,
                                          const AnnotationSourceInfo& info, std::size_t record,
                                          const std::string& name) {
  auto corrupt = [&](const std::string& what) {
    fail(ErrorCode::kDataLoss, "annotation " + name + ": " + what);
  };
  if (bytes.size() < record)
    corrupt("has " + std::to_string(bytes.size()) + " bytes, fewer than one " +
            std::to_string(record) + "-byte record");
  std::size_t pos = record;
  std::vector<std::uint64_t> ids;
  for (const auto& rel : info.relationships) {
    if (bytes.size() - pos < 4) corrupt("ends before the count of relationship " + rel.id);
    const std::uint32_t n = load_u32(bytes.data() + pos);
    pos += 4;
    if (n > (bytes.size() - pos) / 8)
      corrupt("relationship " + rel.id + " claims " + std::to_string(n) + " ids, more than its " +
              std::to_string(bytes.size() - pos) + " remaining bytes hold");
    for (std::uint32_t i = 0; i < n; ++i, pos += 8) ids.push_back(load_u64(bytes.data() + pos));
  }
  if (pos != bytes.size())
    corrupt("has " + std::to_string(bytes.size() - pos) + " bytes after its last relationship");
  return ids;
}

// A "cell" whose compressed Morton code over a 2^32 x 2^32 x 1 grid is `id` (x takes the even
// bits, y the odd ones), so that the shard reader of volumes finds uint64 ids of a sharded id
// index (spec: "the uint64 ... id is used directly as the key").
Vec3 cell_of_id(std::uint64_t id) {
  std::uint64_t x = 0, y = 0;
  for (int i = 0; i < 32; ++i) {
    x |= ((id >> (2 * i)) & 1u) << i;
    y |= ((id >> (2 * i + 1)) & 1u) << i;
  }
  return {static_cast<std::int64_t>(x), static_cast<std::int64_t>(y), 0};
}

}  // namespace

std::size_t AnnotationSourceInfo::record_bytes() const {
  return record_layout(*this).bytes;
}

AnnotationSourceInfo parse_annotation_source_info(std::string_view json_text,
                                                  const std::string& source) {
  const Validator v(source);
  const OrderedJson doc = OrderedJson::parse(json_text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) v.error("", "not valid JSON");
  if (!doc.is_object()) v.error("", "expected a JSON object, got " + Validator::shown(doc));
  AnnotationSourceInfo info;

  const auto type_it = doc.find("@type");
  const std::string type = type_it == doc.end() ? "" : v.string(*type_it, "@type");
  if (type != "neuroglancer_annotations_v1")
    v.error("@type",
            (type.empty() ? std::string("missing") : io::quoted_text(type)) +
                ": not a precomputed annotation source (expected \"neuroglancer_annotations_v1\")",
            ErrorCode::kInvalidArgument);

  // dimensions: {name: [scale, unit]} in dimension order.
  const OrderedJson& dims = v.require(doc, "dimensions", "");
  if (!dims.is_object()) v.error("dimensions", "expected an object, got " + Validator::shown(dims));
  if (dims.size() != 3) {
    std::string names;
    for (const auto& [name, value] : dims.items()) names += (names.empty() ? "" : ", ") + name;
    v.error("dimensions",
            "has " + std::to_string(dims.size()) + " dimensions (" + names +
                "); imagery reads annotation sources of 3 dimensions",
            ErrorCode::kInvalidArgument);
  }
  int d = 0;
  for (const auto& [name, value] : dims.items()) {
    const std::string f = "dimensions." + name;
    v.array(value, f, 2);
    const double scale = v.finite(value[0], f + "[0]");
    if (!(scale > 0)) v.error(f + "[0]", "the scale must be positive, got " + value[0].dump());
    const std::string unit = v.string(value[1], f + "[1]");
    const auto metres = metres_per_unit(unit);
    if (!metres)
      v.error(f + "[1]",
              "unit " + io::quoted_text(unit) +
                  " is not a length; imagery places annotations in space (m, mm, um, nm, ...)",
              ErrorCode::kInvalidArgument);
    info.space.names[d] = name;
    info.space.scales_m[d] = scale * *metres;
    info.units[d] = unit;
    ++d;
  }

  for (const char* key : {"lower_bound", "upper_bound"}) {
    const OrderedJson& b = v.array(v.require(doc, key, ""), key, 3);
    auto& out = std::string_view(key) == "lower_bound" ? info.lower_bound : info.upper_bound;
    for (int k = 0; k < 3; ++k)
      out[k] = v.finite(b[k], std::string(key) + "[" + std::to_string(k) + "]");
  }

  std::string kind = v.string(v.require(doc, "annotation_type", ""), "annotation_type");
  std::transform(kind.begin(), kind.end(), kind.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  if (kind == "POINT")
    info.type = AnnotationType::kPoint;
  else if (kind == "LINE")
    info.type = AnnotationType::kLine;
  else if (kind == "AXIS_ALIGNED_BOUNDING_BOX")
    info.type = AnnotationType::kAxisAlignedBoundingBox;
  else if (kind == "ELLIPSOID")
    info.type = AnnotationType::kEllipsoid;
  else if (kind == "POLYLINE")
    v.error("annotation_type", "POLYLINE sources are not supported by imagery",
            ErrorCode::kInvalidArgument);
  else
    v.error("annotation_type",
            "expected POINT, LINE, AXIS_ALIGNED_BOUNDING_BOX or ELLIPSOID, got " +
                io::quoted_text(kind));

  if (auto it = doc.find("properties"); it != doc.end() && !it->is_null()) {
    if (!it->is_array()) v.error("properties", "expected an array, got " + Validator::shown(*it));
    if (it->size() > kMaxProperties)
      v.error("properties", "more than " + std::to_string(kMaxProperties) + " properties");
    for (std::size_t i = 0; i < it->size(); ++i) {
      const std::string f = "properties[" + std::to_string(i) + "]";
      const OrderedJson& p = (*it)[i];
      if (!p.is_object()) v.error(f, "expected an object, got " + Validator::shown(p));
      AnnotationProperty prop;
      prop.id = v.string(v.require(p, "id", f + "."), f + ".id");
      if (!valid_property_id(prop.id))
        v.error(f + ".id", io::quoted_text(prop.id) + " does not match ^[a-z][a-zA-Z0-9_]*$");
      for (const auto& other : info.properties)
        if (other.id == prop.id) v.error(f + ".id", io::quoted_text(prop.id) + " is listed twice");
      prop.type = v.string(v.require(p, "type", f + "."), f + ".type");
      if (!property_type(prop.type))
        v.error(f + ".type",
                "expected rgb, rgba, uint8, int8, uint16, int16, uint32, int32 or "
                "float32, got " +
                    io::quoted_text(prop.type));
      if (auto desc = p.find("description"); desc != p.end() && !desc->is_null())
        prop.description = v.string(*desc, f + ".description");
      info.properties.push_back(std::move(prop));
    }
  }

  if (auto it = doc.find("relationships"); it != doc.end() && !it->is_null()) {
    if (!it->is_array())
      v.error("relationships", "expected an array, got " + Validator::shown(*it));
    if (it->size() > kMaxProperties)
      v.error("relationships", "more than " + std::to_string(kMaxProperties) + " relationships");
    for (std::size_t i = 0; i < it->size(); ++i) {
      const std::string f = "relationships[" + std::to_string(i) + "]";
      AnnotationRelationship rel;
      rel.index = parse_id_index((*it)[i], f, v);
      rel.id = v.string(v.require((*it)[i], "id", f + "."), f + ".id");
      info.relationships.push_back(std::move(rel));
    }
  }

  if (auto it = doc.find("by_id"); it != doc.end() && !it->is_null())
    info.by_id = parse_id_index(*it, "by_id", v);

  const OrderedJson& spatial = v.require(doc, "spatial", "");
  if (!spatial.is_array())
    v.error("spatial", "expected an array, got " + Validator::shown(spatial));
  if (spatial.size() > kMaxLevels)
    v.error("spatial", "more than " + std::to_string(kMaxLevels) + " levels");
  for (std::size_t i = 0; i < spatial.size(); ++i) {
    const std::string f = "spatial[" + std::to_string(i) + "]";
    const OrderedJson& l = spatial[i];
    if (!l.is_object()) v.error(f, "expected an object, got " + Validator::shown(l));
    AnnotationSpatialLevel level;
    level.key = normalised_key(v.string(v.require(l, "key", f + "."), f + ".key"), f + ".key", v);
    const OrderedJson& grid = v.array(v.require(l, "grid_shape", f + "."), f + ".grid_shape", 3);
    const OrderedJson& chunk = v.array(v.require(l, "chunk_size", f + "."), f + ".chunk_size", 3);
    for (int k = 0; k < 3; ++k) {
      const std::string ks = "[" + std::to_string(k) + "]";
      level.grid_shape[k] = v.integer(grid[k], f + ".grid_shape" + ks, 1, kMaxGridShape);
      level.chunk_size[k] = v.finite(chunk[k], f + ".chunk_size" + ks);
      if (!(level.chunk_size[k] > 0))
        v.error(f + ".chunk_size" + ks, "must be positive, got " + chunk[k].dump());
    }
    level.limit = v.integer(v.require(l, "limit", f + "."), f + ".limit", 1,
                            std::numeric_limits<std::int64_t>::max());
    level.sharding = optional_sharding(l, f, v);
    if (level.sharding) {
      int bits = 0;
      for (int k = 0; k < 3; ++k)
        bits +=
            static_cast<int>(std::bit_width(static_cast<std::uint64_t>(level.grid_shape[k] - 1)));
      if (bits > 64)
        v.error(f + ".grid_shape", "a sharded level's cells need " + std::to_string(bits) +
                                       "-bit Morton codes (at most 64)");
    }
    info.spatial.push_back(std::move(level));
  }
  record_layout(info);  // every type is known by now; this cannot fail
  return info;
}

std::vector<Annotation> decode_annotation_list(std::span<const std::byte> bytes,
                                               const AnnotationSourceInfo& info,
                                               const std::string& name) {
  std::vector<Annotation> out;
  decode_records(bytes, info, record_layout(info), name,
                 [&](std::uint64_t, Annotation&& a) { out.push_back(std::move(a)); });
  return out;
}

bool annotation_meets_box(const Annotation& a, const std::array<double, 3>& lo,
                          const std::array<double, 3>& hi) {
  switch (a.type) {
    case AnnotationType::kPoint:
      for (int d = 0; d < 3; ++d)
        if (!(a.a[d] >= lo[d] && a.a[d] < hi[d])) return false;
      return true;
    case AnnotationType::kAxisAlignedBoundingBox:
      for (int d = 0; d < 3; ++d) {
        const double mn = std::min(a.a[d], a.b[d]), mx = std::max(a.a[d], a.b[d]);
        if (!(mx >= lo[d] && mn < hi[d])) return false;
      }
      return true;
    case AnnotationType::kLine: {
      // Clip the segment a + t (b - a), t in [0, 1], against each slab [lo, hi].
      double t0 = 0, t1 = 1;
      for (int d = 0; d < 3; ++d) {
        const double p = a.a[d], q = a.b[d] - a.a[d];
        if (!std::isfinite(p) || !std::isfinite(q)) return false;
        if (q == 0) {
          if (!(p >= lo[d] && p <= hi[d])) return false;
          continue;
        }
        double u = (lo[d] - p) / q, w = (hi[d] - p) / q;
        if (u > w) std::swap(u, w);
        t0 = std::max(t0, u);
        t1 = std::min(t1, w);
        if (t0 > t1) return false;
      }
      return true;
    }
    case AnnotationType::kEllipsoid: {
      // The point of the box nearest the centre, inside the ellipsoid.
      double sum = 0;
      for (int d = 0; d < 3; ++d) {
        const double c = a.a[d], r = std::fabs(a.b[d]);
        if (!std::isfinite(c) || std::isnan(r)) return false;
        const double q = std::clamp(c, lo[d], hi[d]);
        if (q == c) continue;
        if (r == 0) return false;
        const double t = (q - c) / r;
        sum += t * t;
      }
      return sum <= 1;
    }
  }
  return false;
}

PrecomputedAnnotationSource PrecomputedAnnotationSource::open(const std::string& url) {
  return open(url, io::Context::default_context());
}

PrecomputedAnnotationSource PrecomputedAnnotationSource::open(const std::string& url,
                                                              io::Context& context) {
  const io::StorageUrl storage_url = precomputed::parse_source_url(url);
  auto storage = io::open_storage(storage_url, context);
  auto object = storage->read("info");
  if (!object)
    fail(ErrorCode::kNotFound, "no precomputed annotation source at " + url + " (" +
                                   storage->describe("info") + " does not exist)");
  const std::string location =
      object->location.empty() ? storage->describe("info") : object->location;
  if (object->bytes.size() > kMaxInfoBytes)
    fail(ErrorCode::kResourceExhausted, "annotation info " + location + " has " +
                                            std::to_string(object->bytes.size()) +
                                            " bytes, more than any info needs");
  Bytes inflated;
  std::span<const std::byte> bytes = object->bytes.span();
  if (object->gzip_encoded || io::has_gzip_magic(bytes)) {
    inflated = io::gunzip(bytes, "annotation info " + location, 0, kMaxInfoBytes);
    bytes = inflated;
  }
  const std::string text(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  return PrecomputedAnnotationSource(std::move(storage),
                                     parse_annotation_source_info(text, location), url, context);
}

PrecomputedAnnotationSource::PrecomputedAnnotationSource(std::shared_ptr<io::Storage> storage,
                                                         AnnotationSourceInfo info,
                                                         std::string source, io::Context& context)
    : storage_(std::move(storage)),
      info_(std::make_shared<const AnnotationSourceInfo>(std::move(info))),
      source_(std::move(source)),
      context_(&context) {}

void PrecomputedAnnotationSource::read_related_segments(
    std::vector<Annotation>& out, const std::vector<std::uint64_t>& ids,
    const AnnotationReadOptions& options) const {
  const AnnotationSourceInfo& info = *info_;
  if (!info.by_id || info.relationships.empty() || out.empty()) return;
  const std::size_t record = record_layout(info).bytes;
  // An entry holds one record and its related ids; 64 MiB is far beyond any real one.
  const std::size_t max_inflated = std::size_t{64} << 20;
  const AnnotationIdIndex& index = *info.by_id;
  auto on_entry = [&](std::size_t i, std::optional<io::StoredObject> object) {
    if (!object) return;  // no entry: no related segments known
    const std::string name = object->location;
    Bytes inflated;
    std::span<const std::byte> bytes = object->bytes.span();
    if (object->gzip_encoded) {
      inflated = io::gunzip(bytes, "annotation " + name, 0, max_inflated);
      bytes = inflated;
    }
    out[i].segments = decode_related(bytes, info, record, name);
  };
  if (index.sharding) {
    precomputed::Scale scale;
    scale.key = index.key;
    scale.size = {std::int64_t{1} << 32, std::int64_t{1} << 32, 1};
    scale.resolution = {1, 1, 1};
    scale.chunk_sizes = {{1, 1, 1}};
    scale.sharding = index.sharding;
    std::vector<Vec3> id_cells;
    id_cells.reserve(ids.size());
    for (std::uint64_t id : ids) id_cells.push_back(cell_of_id(id));
    precomputed::ShardedChunkSource entries(storage_, scale,
                                            context_->resource<precomputed::ShardCaches>());
    entries.fetch(id_cells, on_entry, options.stop);
  } else {
    std::vector<std::string> keys;
    keys.reserve(ids.size());
    for (std::uint64_t id : ids) keys.push_back(index.key + "/" + std::to_string(id));
    storage_->read_many(keys, on_entry, options.stop);
  }
}

std::vector<Annotation> PrecomputedAnnotationSource::read_all(
    const AnnotationReadOptions& options) const {
  return read(std::nullopt, options);
}

std::vector<Annotation> PrecomputedAnnotationSource::read_box(
    const std::array<double, 3>& lo, const std::array<double, 3>& hi,
    const AnnotationReadOptions& options) const {
  for (int d = 0; d < 3; ++d)
    if (!std::isfinite(lo[d]) || !std::isfinite(hi[d]) || hi[d] < lo[d])
      fail(ErrorCode::kInvalidArgument, "annotation box " + box_text(lo, hi) + " of " + source_ +
                                            " is not a box (finite bounds, lo <= hi)");
  for (int d = 0; d < 3; ++d)
    if (hi[d] == lo[d]) return {};
  return read(std::array<std::array<double, 3>, 2>{lo, hi}, options);
}

std::vector<Annotation> PrecomputedAnnotationSource::read(
    const std::optional<std::array<std::array<double, 3>, 2>>& box,
    const AnnotationReadOptions& options) const {
  const AnnotationSourceInfo& info = *info_;
  // For messages and the budget errors: the box, or the whole source.
  const std::string what =
      box ? "annotation box " + box_text((*box)[0], (*box)[1]) + " of " + source_
          : "annotation source " + source_;

  // The cells of every level, counted before any is listed.
  struct Level {
    std::size_t index;
    std::array<std::array<std::int64_t, 2>, 3> range;
  };
  std::vector<Level> levels;
  std::uint64_t cells = 0;
  for (std::size_t i = 0; i < info.spatial.size(); ++i) {
    std::optional<std::array<std::array<std::int64_t, 2>, 3>> range;
    if (box) {
      range = cell_range(info.spatial[i], info.lower_bound, (*box)[0], (*box)[1]);
    } else {
      range.emplace();
      for (int d = 0; d < 3; ++d) (*range)[d] = {0, info.spatial[i].grid_shape[d] - 1};
    }
    if (!range) continue;
    // Saturating: three extents of 2^32 cells (and the sum over levels) must not wrap.
    constexpr std::uint64_t kAll = std::numeric_limits<std::uint64_t>::max();
    std::uint64_t n = 1;
    for (int d = 0; d < 3; ++d) {
      const auto extent = static_cast<std::uint64_t>((*range)[d][1] - (*range)[d][0] + 1);
      n = n > kAll / extent ? kAll : n * extent;
    }
    cells = cells > kAll - n ? kAll : cells + n;
    levels.push_back({i, *range});
  }
  if (cells > options.max_chunks)
    fail(ErrorCode::kResourceExhausted, what + " touches more than " +
                                            std::to_string(options.max_chunks) +
                                            " spatial index cells (read a smaller box)");

  const RecordLayout layout = record_layout(info);
  // Decoded lists land in slots by cell, so callbacks on several threads never share one.
  struct Found {
    std::uint64_t id;
    std::size_t order;  // level, then position: the coarsest copy of an id wins
    Annotation annotation;
  };
  std::atomic<std::uint64_t> total{0};
  const std::uint64_t budget = options.max_annotations;
  const std::size_t max_inflated = static_cast<std::size_t>(std::min<std::uint64_t>(
      std::min<std::uint64_t>(budget, std::uint64_t{1} << 32) * (layout.bytes + 8) + 8,
      std::uint64_t{4} << 30));

  std::vector<std::vector<Found>> slots;
  std::vector<std::size_t> slot_level;  // the level each slot's cell belongs to
  auto decode_into = [&](std::vector<Found>& slot, std::size_t level_index,
                         io::StoredObject&& object) {
    const std::string name = object.location;
    const Payload payload = take_payload(std::move(object), layout.bytes, max_inflated);
    if (const auto count = claimed_count(payload.bytes());
        count && fits_layout(payload.bytes(), layout.bytes)) {
      if (total.fetch_add(*count) + *count > budget)
        fail(ErrorCode::kResourceExhausted,
             what + ": the spatial index cells it touches hold more than " +
                 std::to_string(budget) + " annotations (read a smaller box)");
    }
    decode_records(payload.bytes(), info, layout, name, [&](std::uint64_t id, Annotation&& a) {
      if (!box || annotation_meets_box(a, (*box)[0], (*box)[1]))
        slot.push_back({id, (level_index << 32) + slot.size(), std::move(a)});
    });
  };

  // Unsharded cells of every level go out in one batch (one round of requests, not one per
  // level); each sharded level is one fetch of the shard reader.
  std::vector<std::string> keys;
  std::vector<std::size_t> key_level;  // the level of keys[k]; its slot is k
  for (const Level& level : levels) {
    const AnnotationSpatialLevel& spec = info.spatial[level.index];
    std::vector<Vec3> grid_cells;
    for (std::int64_t z = level.range[2][0]; z <= level.range[2][1]; ++z)
      for (std::int64_t y = level.range[1][0]; y <= level.range[1][1]; ++y)
        for (std::int64_t x = level.range[0][0]; x <= level.range[0][1]; ++x)
          grid_cells.push_back({x, y, z});
    if (!spec.sharding) {
      for (const auto& c : grid_cells) {
        keys.push_back(spec.key + "/" + std::to_string(c.x) + "_" + std::to_string(c.y) + "_" +
                       std::to_string(c.z));
        key_level.push_back(level.index);
      }
      continue;
    }
    const std::size_t base = slots.size();
    slots.resize(base + grid_cells.size());
    slot_level.resize(slots.size(), level.index);
    auto on_chunk = [&](std::size_t i, std::optional<io::StoredObject> object) {
      if (!object) return;  // a missing cell holds no annotations
      decode_into(slots[base + i], level.index, std::move(*object));
    };
    // The shard reader of volumes: a "scale" whose voxels are the level's cells, so its grid is
    // grid_shape and its chunk ids are the cells' compressed Morton codes (spec: "Sharded
    // spatial index").
    precomputed::Scale scale;
    scale.key = spec.key;
    scale.size = {spec.grid_shape[0], spec.grid_shape[1], spec.grid_shape[2]};
    scale.resolution = {1, 1, 1};
    scale.chunk_sizes = {{1, 1, 1}};
    scale.sharding = spec.sharding;
    precomputed::ShardedChunkSource chunks(storage_, scale,
                                           context_->resource<precomputed::ShardCaches>());
    try {
      chunks.fetch(grid_cells, on_chunk, options.stop);
    } catch (const Error& e) {
      // The shard reader speaks of volume scales; say which source and level this is.
      if (e.code() == ErrorCode::kCancelled) throw;
      fail(e.code(),
           "annotation source " + source_ + ", spatial[" + std::to_string(level.index) +
               "] (sharded): " + e.what(),
           e.remedy());
    }
  }
  if (!keys.empty()) {
    const std::size_t base = slots.size();
    slots.resize(base + keys.size());
    for (std::size_t k = 0; k < keys.size(); ++k) slot_level.push_back(key_level[k]);
    storage_->read_many(
        keys,
        [&](std::size_t k, std::optional<io::StoredObject> object) {
          if (!object) return;  // a missing cell holds no annotations
          decode_into(slots[base + k], key_level[k], std::move(*object));
        },
        options.stop);
  }

  if (options.every_copy) {
    std::vector<std::size_t> order(slots.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t a, std::size_t b) { return slot_level[a] < slot_level[b]; });
    std::vector<Annotation> copies;
    std::vector<std::uint64_t> copy_ids;
    for (std::size_t i : order)
      for (auto& f : slots[i]) {
        copies.push_back(std::move(f.annotation));
        copy_ids.push_back(f.id);
      }
    if (options.related_segments) read_related_segments(copies, copy_ids, options);
    return copies;
  }
  std::vector<Found> all;
  for (auto& slot : slots)
    for (auto& f : slot) all.push_back(std::move(f));
  std::sort(all.begin(), all.end(), [](const Found& a, const Found& b) {
    return a.id != b.id ? a.id < b.id : a.order < b.order;
  });
  std::vector<Annotation> out;
  std::vector<std::uint64_t> ids;
  for (std::size_t i = 0; i < all.size(); ++i)
    if (i == 0 || all[i].id != all[i - 1].id) {
      out.push_back(std::move(all[i].annotation));
      ids.push_back(all[i].id);
    }
  if (options.related_segments) read_related_segments(out, ids, options);
  return out;
}

}  // namespace imagery::neuroglancer
