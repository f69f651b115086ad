#include "imagery/zarr/array_metadata.h"

#include <bit>
#include <cmath>
#include <cstring>
#include <limits>
#include <nlohmann/json.hpp>
#include <set>

#include "imagery/core/error.h"

namespace imagery::zarr {

namespace {

using nlohmann::json;

// No real array has more dimensions; NGFF allows 5.
constexpr std::size_t kMaxRank = 32;
// A decoded chunk (or shard) above this is refused before anything is allocated: hostile
// metadata must not make a reader ask for terabytes.
constexpr std::uint64_t kMaxChunkBytes = std::uint64_t{2} << 30;

[[noreturn]] void malformed(const std::string& where, const std::string& what) {
  fail(ErrorCode::kDataLoss, where + ": " + what);
}

[[noreturn]] void unsupported(const std::string& where, const std::string& what) {
  fail(ErrorCode::kInvalidArgument, where + ": " + what);
}

json parse_json(const std::string& text, const std::string& where) {
  json doc = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) malformed(where, "not valid JSON");
  if (!doc.is_object()) malformed(where, "not a JSON object");
  return doc;
}

const json& member(const json& doc, const char* key, const std::string& where) {
  const auto it = doc.find(key);
  if (it == doc.end()) malformed(where, std::string("'") + key + "' is missing");
  return *it;
}

std::vector<std::int64_t> int_list(const json& v, const std::string& field,
                                   const std::string& where, std::int64_t least) {
  if (!v.is_array()) malformed(where, "'" + field + "' is not a list of integers");
  if (v.size() > kMaxRank)
    malformed(where, "'" + field + "' has " + std::to_string(v.size()) + " dimensions (at most " +
                         std::to_string(kMaxRank) + ")");
  std::vector<std::int64_t> out;
  for (const json& e : v) {
    if (!e.is_number_integer()) malformed(where, "'" + field + "' is not a list of integers");
    const auto n = e.get<std::int64_t>();
    if (n < least || (e.is_number_unsigned() && e.get<std::uint64_t>() > (1ull << 62)))
      malformed(where, "'" + field + "' has " + e.dump() + " (must be " +
                           (least > 0 ? "positive" : "non-negative") + ")");
    if (n > (std::int64_t{1} << 62)) malformed(where, "'" + field + "' has " + e.dump());
    out.push_back(n);
  }
  return out;
}

// The element count of a chunk of `shape`, checked against kMaxChunkBytes.
void check_chunk_size(const std::vector<std::int64_t>& shape, DataType dtype,
                      const std::string& field, const std::string& where) {
  std::uint64_t bytes = dtype_size(dtype);
  for (std::int64_t n : shape) {
    if (n == 0 || bytes > kMaxChunkBytes / static_cast<std::uint64_t>(n))
      malformed(where, "'" + field + "' makes chunks of more than " +
                           std::to_string(kMaxChunkBytes) + " bytes");
    bytes *= static_cast<std::uint64_t>(n);
  }
}

// One element of `dtype` holding `value` (a JSON number or one of the special strings).
std::vector<std::byte> fill_bytes(const json& value, DataType dtype, const std::string& where) {
  std::vector<std::byte> out(dtype_size(dtype));
  if (value.is_null()) return out;  // v2: "no fill value"; imagery reads absent chunks as 0
  visit_dtype(dtype, [&](auto zero) {
    using T = decltype(zero);
    T v{};
    if constexpr (std::is_floating_point_v<T>) {
      if (value.is_string()) {
        const std::string s = value.get<std::string>();
        if (s == "NaN")
          v = std::numeric_limits<T>::quiet_NaN();
        else if (s == "Infinity")
          v = std::numeric_limits<T>::infinity();
        else if (s == "-Infinity")
          v = -std::numeric_limits<T>::infinity();
        else if (s.size() == 2 + 2 * sizeof(T) && s.rfind("0x", 0) == 0) {
          // v3: the IEEE bits in hex.
          std::conditional_t<sizeof(T) == 4, std::uint32_t, std::uint64_t> bits = 0;
          for (char c : s.substr(2)) {
            const int d = std::isdigit(static_cast<unsigned char>(c)) ? c - '0'
                          : (c >= 'a' && c <= 'f')                    ? c - 'a' + 10
                          : (c >= 'A' && c <= 'F')                    ? c - 'A' + 10
                                                                      : -1;
            if (d < 0) malformed(where, "'fill_value' " + value.dump() + " is not a number");
            bits = (bits << 4) | static_cast<unsigned>(d);
          }
          v = std::bit_cast<T>(bits);
        } else {
          malformed(where, "'fill_value' " + value.dump() + " is not a number");
        }
      } else if (value.is_number()) {
        v = static_cast<T>(value.get<double>());
      } else {
        malformed(where, "'fill_value' " + value.dump() + " is not a number");
      }
    } else {
      bool ok = value.is_number_integer();
      if (ok && value.is_number_unsigned()) {
        const auto u = value.get<std::uint64_t>();
        ok = u <= static_cast<std::uint64_t>(std::numeric_limits<T>::max());
        v = static_cast<T>(u);
      } else if (ok) {
        const auto s = value.get<std::int64_t>();
        ok = s >= static_cast<std::int64_t>(std::numeric_limits<T>::min()) &&
             (s < 0 || static_cast<std::uint64_t>(s) <=
                           static_cast<std::uint64_t>(std::numeric_limits<T>::max()));
        v = static_cast<T>(s);
      } else if (value.is_number_float()) {
        // zarr-python writes 0.0 for integer arrays now and then.
        const double d = value.get<double>();
        ok = std::floor(d) == d && d >= static_cast<double>(std::numeric_limits<T>::min()) &&
             d <= static_cast<double>(std::numeric_limits<T>::max());
        v = static_cast<T>(d);
      }
      if (!ok)
        malformed(where,
                  "'fill_value' " + value.dump() + " is not a " + std::string(dtype_name(dtype)));
    }
    std::memcpy(out.data(), &v, sizeof v);
  });
  return out;
}

struct V2Dtype {
  DataType dtype;
  bool big_endian;
};

V2Dtype parse_v2_dtype(const json& v, const std::string& where) {
  if (!v.is_string())
    unsupported(where, "'dtype' " + v.dump() + " is not supported (structured dtypes)");
  const std::string s = v.get<std::string>();
  const auto bad = [&] {
    unsupported(where, "'dtype' \"" + s +
                           "\" is not supported (|u1 |i1 <u2 <i2 <u4 <i4 <u8 <i8 <f4 <f8 and "
                           "their big-endian forms)");
  };
  if (s.size() != 3) bad();
  const char order = s[0], kind = s[1], size = s[2];
  if (order != '<' && order != '>' && order != '|') bad();
  DataType t{};
  if (kind == 'u' && size == '1')
    t = DataType::kUint8;
  else if (kind == 'i' && size == '1')
    t = DataType::kInt8;
  else if (kind == 'u' && size == '2')
    t = DataType::kUint16;
  else if (kind == 'i' && size == '2')
    t = DataType::kInt16;
  else if (kind == 'u' && size == '4')
    t = DataType::kUint32;
  else if (kind == 'i' && size == '4')
    t = DataType::kInt32;
  else if (kind == 'u' && size == '8')
    t = DataType::kUint64;
  else if (kind == 'i' && size == '8')
    t = DataType::kInt64;
  else if (kind == 'f' && size == '4')
    t = DataType::kFloat32;
  else if (kind == 'f' && size == '8')
    t = DataType::kFloat64;
  else
    bad();
  if (order == '|' && size != '1')
    malformed(where, "'dtype' \"" + s + "\" has no byte order but more than one byte");
  return {t, order == '>'};
}

std::optional<DataType> parse_v3_dtype(const std::string& s) {
  if (s == "bool") return std::nullopt;
  return parse_dtype(s);
}

Codec compressor_v2(const json& c, const std::string& where) {
  Codec codec;
  if (!c.is_object() || !c.contains("id") || !c["id"].is_string())
    malformed(where, "'compressor' has no \"id\"");
  const std::string id = c["id"].get<std::string>();
  codec.name = id;
  if (id == "zlib")
    codec.kind = Codec::Kind::kZlib;
  else if (id == "gzip")
    codec.kind = Codec::Kind::kGzip;
  else if (id == "zstd")
    codec.kind = Codec::Kind::kZstd;
  else if (id == "lz4")
    codec.kind = Codec::Kind::kLz4;
  else if (id == "blosc") {
    codec.kind = Codec::Kind::kBlosc;
    if (c.contains("cname") && c["cname"].is_string())
      codec.name += "/" + c["cname"].get<std::string>();
  } else {
    unsupported(where, "compressor '" + id + "' is not supported (zlib, gzip, zstd, lz4, blosc)");
  }
  return codec;
}

Codec bytes_to_bytes_v3(const std::string& name, const json& conf, const std::string& where) {
  Codec codec;
  codec.name = name;
  if (name == "gzip")
    codec.kind = Codec::Kind::kGzip;
  else if (name == "zstd")
    codec.kind = Codec::Kind::kZstd;
  else if (name == "crc32c")
    codec.kind = Codec::Kind::kCrc32c;
  else if (name == "blosc") {
    codec.kind = Codec::Kind::kBlosc;
    if (conf.is_object() && conf.contains("cname") && conf["cname"].is_string())
      codec.name += "/" + conf["cname"].get<std::string>();
  } else {
    unsupported(where, "codec '" + name +
                           "' is not supported (transpose, bytes, sharding_indexed, gzip, zstd, "
                           "blosc, crc32c)");
  }
  return codec;
}

std::vector<Codec> parse_codecs_v3(const json& list, std::size_t rank, DataType dtype,
                                   const std::vector<std::int64_t>& chunk_shape,
                                   const std::string& field, const std::string& where, int depth);

// Checks a transpose's order is a permutation of 0..rank-1.
std::vector<int> permutation(const json& v, std::size_t rank, const std::string& where) {
  // Drafts of v3 (zarrita's early files) wrote "C" and "F" for the identity and the reversal.
  if (v == "C" || v == "F") {
    std::vector<int> order(rank);
    for (std::size_t d = 0; d < rank; ++d)
      order[d] = static_cast<int>(v == "C" ? d : rank - 1 - d);
    return order;
  }
  if (!v.is_array() || v.size() != rank)
    malformed(where, "transpose 'order' " + v.dump() + " is not a permutation of " +
                         std::to_string(rank) + " dimensions");
  std::vector<int> order;
  std::set<int> seen;
  for (const json& e : v) {
    if (!e.is_number_integer() || e.get<std::int64_t>() < 0 ||
        e.get<std::int64_t>() >= static_cast<std::int64_t>(rank) ||
        !seen.insert(e.get<int>()).second)
      malformed(where, "transpose 'order' " + v.dump() + " is not a permutation of " +
                           std::to_string(rank) + " dimensions");
    order.push_back(e.get<int>());
  }
  return order;
}

Codec sharding_v3(const json& conf, std::size_t rank, DataType dtype,
                  const std::vector<std::int64_t>& shard_shape, const std::string& where,
                  int depth) {
  if (depth > 0) unsupported(where, "sharding inside sharding is not supported");
  if (!conf.is_object()) malformed(where, "sharding_indexed has no 'configuration'");
  auto s = std::make_shared<ShardingCodec>();
  s->chunk_shape = int_list(member(conf, "chunk_shape", where), "chunk_shape", where, 1);
  if (s->chunk_shape.size() != rank)
    malformed(where, "sharding 'chunk_shape' has " + std::to_string(s->chunk_shape.size()) +
                         " dimensions, the array " + std::to_string(rank));
  for (std::size_t d = 0; d < rank; ++d)
    if (shard_shape[d] % s->chunk_shape[d] != 0)
      malformed(where, "the shard shape " + json(shard_shape).dump() +
                           " is not a multiple of the inner chunk shape " +
                           json(s->chunk_shape).dump());
  check_chunk_size(s->chunk_shape, dtype, "chunk_shape", where);
  s->codecs = parse_codecs_v3(member(conf, "codecs", where), rank, dtype, s->chunk_shape,
                              "sharding codecs", where, depth + 1);
  const auto loc = conf.find("index_location");
  if (loc != conf.end()) {
    if (*loc == "start")
      s->index_at_end = false;
    else if (*loc != "end")
      malformed(where, "sharding 'index_location' " + loc->dump() + " is not \"start\" or \"end\"");
  }
  // The index is an array of (inner grid..., 2) uint64.
  std::vector<std::int64_t> index_shape;
  for (std::size_t d = 0; d < rank; ++d) index_shape.push_back(shard_shape[d] / s->chunk_shape[d]);
  index_shape.push_back(2);
  check_chunk_size(index_shape, DataType::kUint64, "the shard index", where);
  s->index_codecs =
      parse_codecs_v3(member(conf, "index_codecs", where), rank + 1, DataType::kUint64, index_shape,
                      "index_codecs", where, depth + 1);
  for (const Codec& c : s->index_codecs)
    if (c.kind != Codec::Kind::kBytes && c.kind != Codec::Kind::kCrc32c &&
        c.kind != Codec::Kind::kTranspose)
      unsupported(where, "index codec '" + c.name +
                             "' is not supported (the index has a fixed size: bytes, crc32c, "
                             "transpose)");
  Codec codec;
  codec.kind = Codec::Kind::kSharding;
  codec.name = "sharding_indexed";
  codec.sharding = std::move(s);
  return codec;
}

std::vector<Codec> parse_codecs_v3(const json& list, std::size_t rank, DataType dtype,
                                   const std::vector<std::int64_t>& chunk_shape,
                                   const std::string& field, const std::string& where, int depth) {
  if (!list.is_array() || list.empty()) malformed(where, "'" + field + "' is not a list of codecs");
  std::vector<Codec> out;
  int array_to_bytes = 0;
  for (const json& c : list) {
    std::string name;
    json conf;
    if (c.is_string()) {
      name = c.get<std::string>();
    } else if (c.is_object() && c.contains("name") && c["name"].is_string()) {
      name = c["name"].get<std::string>();
      if (c.contains("configuration")) conf = c["configuration"];
    } else {
      malformed(where, "'" + field + "' has an entry without a name: " + c.dump());
    }
    if (name == "transpose") {
      if (array_to_bytes) malformed(where, "'" + field + "' has transpose after bytes");
      Codec t;
      t.kind = Codec::Kind::kTranspose;
      t.name = name;
      if (!conf.is_object()) malformed(where, "transpose has no 'configuration'");
      t.order = permutation(member(conf, "order", where), rank, where);
      out.push_back(std::move(t));
    } else if (name == "bytes" || name == "sharding_indexed") {
      if (array_to_bytes++)
        malformed(where, "'" + field + "' has more than one array->bytes codec");
      if (name == "sharding_indexed") {
        out.push_back(sharding_v3(conf, rank, dtype, chunk_shape, where, depth));
        continue;
      }
      Codec b;
      b.kind = Codec::Kind::kBytes;
      b.name = name;
      if (conf.is_object() && conf.contains("endian")) {
        if (conf["endian"] == "big")
          b.big_endian = true;
        else if (conf["endian"] != "little")
          malformed(where, "bytes 'endian' " + conf["endian"].dump() + " is not little or big");
      } else if (dtype_size(dtype) > 1) {
        malformed(where, "bytes codec without 'endian' for " + std::string(dtype_name(dtype)));
      }
      out.push_back(std::move(b));
    } else {
      if (!array_to_bytes)
        malformed(where, "'" + field + "' has '" + name + "' before the array->bytes codec");
      out.push_back(bytes_to_bytes_v3(name, conf, where));
    }
  }
  if (!array_to_bytes) malformed(where, "'" + field + "' has no array->bytes codec (bytes)");
  return out;
}

void check_common(const ArrayMetadata& m, const std::string& where) {
  if (m.shape.size() != m.chunks.size())
    malformed(where, "'shape' has " + std::to_string(m.shape.size()) +
                         " dimensions but the chunks " + std::to_string(m.chunks.size()));
  check_chunk_size(m.chunks, m.dtype, "chunks", where);
}

}  // namespace

const ShardingCodec* ArrayMetadata::sharding() const {
  for (const Codec& c : codecs)
    if (c.kind == Codec::Kind::kSharding) return c.sharding.get();
  return nullptr;
}

std::string ArrayMetadata::codec_summary() const {
  std::string out;
  for (const Codec& c : codecs) {
    if (c.kind == Codec::Kind::kBytes || c.kind == Codec::Kind::kTranspose) continue;
    std::string part = c.name;
    if (c.kind == Codec::Kind::kSharding) {
      std::string inner;
      for (const Codec& i : c.sharding->codecs)
        if (i.kind != Codec::Kind::kBytes && i.kind != Codec::Kind::kTranspose)
          inner += (inner.empty() ? "" : ", ") + i.name;
      part += "(" + (inner.empty() ? std::string("raw") : inner) + ")";
    }
    out += (out.empty() ? "" : ", ") + part;
  }
  return out.empty() ? "raw" : out;
}

ArrayMetadata parse_zarray(const std::string& text, const std::string& where) {
  const json doc = parse_json(text, where);
  ArrayMetadata m;
  const json& format = member(doc, "zarr_format", where);
  if (format != 2) malformed(where, "'zarr_format' is " + format.dump() + ", not 2");
  m.zarr_format = 2;
  m.shape = int_list(member(doc, "shape", where), "shape", where, 0);
  m.chunks = int_list(member(doc, "chunks", where), "chunks", where, 1);
  const V2Dtype dt = parse_v2_dtype(member(doc, "dtype", where), where);
  m.dtype = dt.dtype;
  check_common(m, where);
  const json& order = member(doc, "order", where);
  if (order != "C" && order != "F") malformed(where, "'order' " + order.dump() + " is not C or F");
  if (const auto f = doc.find("filters");
      f != doc.end() && !f->is_null() && !(f->is_array() && f->empty()))
    unsupported(where, "'filters' " + f->dump() + " are not supported");
  m.fill_value =
      fill_bytes(doc.contains("fill_value") ? doc["fill_value"] : json(), m.dtype, where);
  if (const auto s = doc.find("dimension_separator"); s != doc.end()) {
    if (*s == "/")
      m.separator = '/';
    else if (*s != ".")
      malformed(where, "'dimension_separator' " + s->dump() + " is not \".\" or \"/\"");
  }
  if (order == "F" && m.rank() > 1) {
    Codec t;
    t.kind = Codec::Kind::kTranspose;
    t.name = "F order";
    for (int d = static_cast<int>(m.rank()) - 1; d >= 0; --d) t.order.push_back(d);
    m.codecs.push_back(std::move(t));
  }
  Codec bytes;
  bytes.kind = Codec::Kind::kBytes;
  bytes.name = "bytes";
  bytes.big_endian = dt.big_endian;
  m.codecs.push_back(std::move(bytes));
  const json& compressor = member(doc, "compressor", where);
  if (!compressor.is_null()) m.codecs.push_back(compressor_v2(compressor, where));
  return m;
}

ArrayMetadata parse_zarr_json_array(const std::string& text, const std::string& where) {
  const json doc = parse_json(text, where);
  ArrayMetadata m;
  const json& format = member(doc, "zarr_format", where);
  if (format != 3) malformed(where, "'zarr_format' is " + format.dump() + ", not 3");
  m.zarr_format = 3;
  const json& node = member(doc, "node_type", where);
  if (node != "array") malformed(where, "'node_type' is " + node.dump() + ", not \"array\"");
  m.shape = int_list(member(doc, "shape", where), "shape", where, 0);
  const json& dt = member(doc, "data_type", where);
  const auto dtype = dt.is_string() ? parse_v3_dtype(dt.get<std::string>()) : std::nullopt;
  if (!dtype)
    unsupported(where, "'data_type' " + dt.dump() +
                           " is not supported (uint8..uint64, int8..int64, float32, float64)");
  m.dtype = *dtype;
  const json& grid = member(doc, "chunk_grid", where);
  if (!grid.is_object() || grid.value("name", json()) != "regular")
    unsupported(where, "'chunk_grid' " + grid.dump() + " is not supported (regular)");
  if (!grid.contains("configuration") || !grid["configuration"].is_object())
    malformed(where, "'chunk_grid' has no 'configuration'");
  m.chunks = int_list(member(grid["configuration"], "chunk_shape", where), "chunk_shape", where, 1);
  check_common(m, where);
  const json& enc = member(doc, "chunk_key_encoding", where);
  if (!enc.is_object() || !enc.contains("name"))
    malformed(where, "'chunk_key_encoding' has no name");
  if (enc["name"] == "default") {
    m.key_prefix_c = true;
    m.separator = '/';
  } else if (enc["name"] == "v2") {
    m.separator = '.';
  } else {
    unsupported(where, "'chunk_key_encoding' " + enc["name"].dump() + " is not supported");
  }
  if (enc.contains("configuration") && enc["configuration"].is_object() &&
      enc["configuration"].contains("separator")) {
    const json& s = enc["configuration"]["separator"];
    if (s == "/")
      m.separator = '/';
    else if (s == ".")
      m.separator = '.';
    else
      malformed(where, "chunk key 'separator' " + s.dump() + " is not \".\" or \"/\"");
  }
  m.fill_value = fill_bytes(member(doc, "fill_value", where), m.dtype, where);
  m.codecs = parse_codecs_v3(member(doc, "codecs", where), m.rank(), m.dtype, m.chunks, "codecs",
                             where, 0);
  for (std::size_t i = 1; i < m.codecs.size(); ++i)
    if (m.codecs[i].kind == Codec::Kind::kSharding ||
        (m.codecs[0].kind == Codec::Kind::kSharding && i > 0))
      unsupported(where, "sharding_indexed combined with other codecs is not supported");
  if (const auto names = doc.find("dimension_names"); names != doc.end() && names->is_array()) {
    if (names->size() != m.rank())
      malformed(where, "'dimension_names' has " + std::to_string(names->size()) +
                           " entries, the array " + std::to_string(m.rank()) + " dimensions");
    for (const json& n : *names)
      m.dimension_names.push_back(n.is_string() ? n.get<std::string>() : "");
  }
  if (const auto st = doc.find("storage_transformers");
      st != doc.end() && !(st->is_array() && st->empty()))
    unsupported(where, "'storage_transformers' are not supported");
  return m;
}

std::string chunk_key(const ArrayMetadata& metadata, const std::vector<std::int64_t>& cell) {
  std::string key = metadata.key_prefix_c ? "c" : "";
  if (cell.empty()) return metadata.key_prefix_c ? key : "0";
  for (std::size_t d = 0; d < cell.size(); ++d) {
    if (d > 0 || metadata.key_prefix_c) key += metadata.separator;
    key += std::to_string(cell[d]);
  }
  return key;
}

}  // namespace imagery::zarr
