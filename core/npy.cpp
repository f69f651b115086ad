#include "imagery/core/npy.h"

#include <algorithm>
#include <bit>
#include <cstring>
#include <fstream>
#include <iterator>
#include <optional>

#include "imagery/core/atomic_file.h"

namespace imagery {

namespace {

[[noreturn]] void bad(const std::string& name, const std::string& what) {
  fail(ErrorCode::kInvalidArgument, name + ": not a valid .npy file: " + what);
}

std::string descr_for(DataType t) {
  switch (t) {
    case DataType::kUint8:
      return "|u1";
    case DataType::kInt8:
      return "|i1";
    case DataType::kUint16:
      return "<u2";
    case DataType::kInt16:
      return "<i2";
    case DataType::kUint32:
      return "<u4";
    case DataType::kInt32:
      return "<i4";
    case DataType::kUint64:
      return "<u8";
    case DataType::kInt64:
      return "<i8";
    case DataType::kFloat32:
      return "<f4";
    case DataType::kFloat64:
      return "<f8";
  }
  return "|u1";
}

struct Descr {
  DataType dtype;
  bool big_endian;
};

std::optional<Descr> parse_descr(const std::string& d) {
  if (d.size() != 3) return std::nullopt;
  char order = d[0], kind = d[1], size = d[2];
  bool big = order == '>';
  if (order != '<' && order != '>' && order != '|' && order != '=') return std::nullopt;
  auto pick = [&](DataType t) { return Descr{t, big && dtype_size(t) > 1}; };
  if (kind == 'b' && size == '1') return pick(DataType::kUint8);  // bool masks read as 0/1 bytes
  if (kind == 'u') {
    if (size == '1') return pick(DataType::kUint8);
    if (size == '2') return pick(DataType::kUint16);
    if (size == '4') return pick(DataType::kUint32);
    if (size == '8') return pick(DataType::kUint64);
  }
  if (kind == 'i') {
    if (size == '1') return pick(DataType::kInt8);
    if (size == '2') return pick(DataType::kInt16);
    if (size == '4') return pick(DataType::kInt32);
    if (size == '8') return pick(DataType::kInt64);
  }
  if (kind == 'f') {
    if (size == '4') return pick(DataType::kFloat32);
    if (size == '8') return pick(DataType::kFloat64);
  }
  return std::nullopt;
}

// Finds the value text after 'key': in a Python dict literal.
std::optional<std::string> dict_value(const std::string& dict, const std::string& key) {
  std::string quoted[2] = {"'" + key + "'", "\"" + key + "\""};
  for (const auto& q : quoted) {
    auto pos = dict.find(q);
    if (pos == std::string::npos) continue;
    pos = dict.find(':', pos + q.size());
    if (pos == std::string::npos) return std::nullopt;
    ++pos;
    while (pos < dict.size() && dict[pos] == ' ') ++pos;
    if (pos >= dict.size()) return std::nullopt;
    std::size_t end;
    if (dict[pos] == '(') {
      end = dict.find(')', pos);
      if (end == std::string::npos) return std::nullopt;
      return dict.substr(pos, end - pos + 1);
    }
    if (dict[pos] == '\'' || dict[pos] == '"') {
      end = dict.find(dict[pos], pos + 1);
      if (end == std::string::npos) return std::nullopt;
      return dict.substr(pos + 1, end - pos - 1);
    }
    end = dict.find_first_of(",}", pos);
    if (end == std::string::npos) return std::nullopt;
    std::string v = dict.substr(pos, end - pos);
    while (!v.empty() && v.back() == ' ') v.pop_back();
    return v;
  }
  return std::nullopt;
}

std::optional<std::vector<std::int64_t>> parse_shape(const std::string& text) {
  std::vector<std::int64_t> dims;
  std::size_t i = 1;  // skip '('
  while (i < text.size()) {
    while (i < text.size() && (text[i] == ' ' || text[i] == ',')) ++i;
    if (i >= text.size() || text[i] == ')') break;
    if (text[i] < '0' || text[i] > '9') return std::nullopt;
    std::int64_t v = 0;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
      if (v > (INT64_MAX - 9) / 10) return std::nullopt;
      v = v * 10 + (text[i] - '0');
      ++i;
    }
    dims.push_back(v);
  }
  return dims;
}

void byteswap_elements(std::byte* data, std::size_t count, std::size_t size) {
  for (std::size_t i = 0; i < count; ++i) std::reverse(data + i * size, data + (i + 1) * size);
}

}  // namespace

std::string npy_header(DataType dtype, const std::vector<std::int64_t>& shape, bool fortran_order) {
  std::string dict = "{'descr': '" + descr_for(dtype) +
                     "', 'fortran_order': " + (fortran_order ? "True" : "False") + ", 'shape': (";
  for (std::size_t i = 0; i < shape.size(); ++i) {
    dict += std::to_string(shape[i]);
    if (shape.size() == 1 || i + 1 < shape.size()) dict += ",";
    if (i + 1 < shape.size()) dict += " ";
  }
  dict += "), }";
  std::size_t prefix = 10;  // magic(6) + version(2) + uint16 length(2)
  std::size_t total = prefix + dict.size() + 1;
  std::size_t padded = (total + 63) / 64 * 64;
  dict.append(padded - total, ' ');
  dict += '\n';
  std::string header = "\x93NUMPY";
  header += '\x01';
  header += '\x00';
  std::uint16_t len = static_cast<std::uint16_t>(dict.size());
  header += static_cast<char>(len & 0xff);
  header += static_cast<char>(len >> 8);
  return header + dict;
}

NpyArray decode_npy(std::span<const std::byte> bytes, const std::string& name) {
  const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
  if (bytes.size() < 10 || std::memcmp(p, "\x93NUMPY", 6) != 0) bad(name, "missing magic");
  int major = p[6];
  std::size_t header_len, offset;
  if (major == 1) {
    header_len = p[8] | (p[9] << 8);
    offset = 10;
  } else if (major == 2 || major == 3) {
    if (bytes.size() < 12) bad(name, "truncated header");
    header_len = p[8] | (p[9] << 8) | (static_cast<std::size_t>(p[10]) << 16) |
                 (static_cast<std::size_t>(p[11]) << 24);
    offset = 12;
  } else {
    bad(name, "unsupported version " + std::to_string(major));
  }
  if (header_len > bytes.size() - offset) bad(name, "truncated header");
  std::string dict(reinterpret_cast<const char*>(p + offset), header_len);
  auto descr_text = dict_value(dict, "descr");
  auto fortran_text = dict_value(dict, "fortran_order");
  auto shape_text = dict_value(dict, "shape");
  if (!descr_text || !fortran_text || !shape_text)
    bad(name, "header lacks descr, fortran_order or shape");
  auto descr = parse_descr(*descr_text);
  if (!descr) bad(name, "unsupported dtype '" + *descr_text + "'");
  if (*fortran_text != "True" && *fortran_text != "False") bad(name, "bad fortran_order");
  bool fortran = *fortran_text == "True";
  auto shape = parse_shape(*shape_text);
  if (!shape) bad(name, "bad shape " + *shape_text);
  if (shape->empty() || shape->size() > 4)
    bad(name, "expected 1 to 4 axes, got " + std::to_string(shape->size()));

  std::int64_t dims[4] = {1, 1, 1, 1};
  for (std::size_t i = 0; i < shape->size(); ++i) dims[i] = (*shape)[i];
  std::int64_t count = 1;
  for (auto d : dims)
    if (__builtin_mul_overflow(count, d, &count)) bad(name, "shape overflows");
  std::size_t esize = dtype_size(descr->dtype);
  std::size_t data_offset = offset + header_len;
  std::size_t need;
  if (__builtin_mul_overflow(static_cast<std::size_t>(count), esize, &need) ||
      bytes.size() - data_offset < need)
    bad(name, "data is shorter than its shape " + *shape_text);

  NpyArray out{Array(descr->dtype, Shape4{dims[0], dims[1], dims[2], dims[3]}),
               static_cast<int>(shape->size())};
  const std::byte* src = bytes.data() + data_offset;
  std::byte* dst = out.array.bytes();
  if (count == 0) {
    // Nothing to copy (and the loops below would walk the other, possibly huge, axes for nothing).
  } else if (fortran || shape->size() == 1) {
    std::memcpy(dst, src, need);
  } else {
    // C order: the last axis is fastest. Transpose into x-fastest layout.
    const int n = static_cast<int>(shape->size());
    std::int64_t c_stride[4];
    c_stride[n - 1] = 1;
    for (int i = n - 2; i >= 0; --i) c_stride[i] = c_stride[i + 1] * dims[i + 1];
    std::int64_t idx = 0;
    for (std::int64_t c = 0; c < dims[3]; ++c)
      for (std::int64_t z = 0; z < dims[2]; ++z)
        for (std::int64_t y = 0; y < dims[1]; ++y) {
          std::int64_t base = 0;
          const std::int64_t coord[4] = {0, y, z, c};
          for (int i = 1; i < n; ++i) base += coord[i] * c_stride[i];
          for (std::int64_t x = 0; x < dims[0]; ++x, ++idx)
            std::memcpy(dst + idx * esize, src + (base + x * c_stride[0]) * esize, esize);
        }
  }
  if (descr->big_endian) byteswap_elements(dst, static_cast<std::size_t>(count), esize);
  return out;
}

NpyArray read_npy(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) fail(ErrorCode::kNotFound, "cannot open " + path);
  std::vector<char> buf((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return decode_npy(std::as_bytes(std::span(buf)), path);
}

void write_npy(AtomicFile& f, const Array& array, int ndim) {
  const Shape4& s = array.shape();
  std::vector<std::int64_t> all{s.x, s.y, s.z, s.c};
  if (ndim < 1 || ndim > 4) fail(ErrorCode::kInvalidArgument, "write_npy: ndim must be 1..4");
  for (int i = ndim; i < 4; ++i)
    if (all[i] != 1)
      fail(ErrorCode::kInvalidArgument, "write_npy: axis " + std::to_string(i) + " is not 1");
  all.resize(ndim);
  std::string header = npy_header(array.dtype(), all, true);
  f.write(header.data(), header.size());
  f.write(array.bytes(), array.size_bytes());
  f.commit();
}

void write_npy(const std::string& path, const Array& array, int ndim) {
  AtomicFile f(path);
  write_npy(f, array, ndim);
}

}  // namespace imagery
