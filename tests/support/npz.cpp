#include "support/npz.h"

#include <zlib.h>

#include <cstring>
#include <stdexcept>
#include <vector>

#include "support/test_support.h"

namespace imagery::testing {

namespace {

std::uint64_t le(const std::vector<std::byte>& b, std::size_t at, int width) {
  if (at + static_cast<std::size_t>(width) > b.size()) throw std::runtime_error("npz: truncated");
  std::uint64_t v = 0;
  for (int i = width - 1; i >= 0; --i) v = v << 8 | std::to_integer<std::uint64_t>(b[at + i]);
  return v;
}

}  // namespace

NpyArray read_npz_array(const std::string& path, const std::string& name) {
  const std::vector<std::byte> zip = read_file(path);
  // Walk the local file headers: signature, method at 8, sizes at 18 and 22 (0xffffffff: in the
  // zip64 extra field), name and extra lengths at 26 and 28.
  std::size_t at = 0;
  while (le(zip, at, 4) == 0x04034b50) {
    const auto method = le(zip, at + 8, 2);
    std::uint64_t packed = le(zip, at + 18, 4), size = le(zip, at + 22, 4);
    const auto name_len = le(zip, at + 26, 2), extra_len = le(zip, at + 28, 2);
    const std::string entry(reinterpret_cast<const char*>(zip.data() + at + 30), name_len);
    const std::size_t extra = at + 30 + name_len;
    for (std::size_t e = extra; e + 4 <= extra + extra_len;) {
      const auto id = le(zip, e, 2), len = le(zip, e + 2, 2);
      if (id == 1) {  // zip64: uncompressed then compressed size, each only when needed
        std::size_t f = e + 4;
        if (size == 0xffffffffu) size = le(zip, f, 8), f += 8;
        if (packed == 0xffffffffu) packed = le(zip, f, 8);
      }
      e += 4 + len;
    }
    const std::size_t data = extra + extra_len;
    if (entry == name) {
      std::vector<std::byte> out(size);
      if (method == 0) {
        std::memcpy(out.data(), zip.data() + data, size);
      } else if (method == 8) {
        z_stream z{};
        if (inflateInit2(&z, -15) != Z_OK) throw std::runtime_error("npz: zlib");
        z.next_in = reinterpret_cast<Bytef*>(const_cast<std::byte*>(zip.data() + data));
        z.avail_in = static_cast<uInt>(packed);
        z.next_out = reinterpret_cast<Bytef*>(out.data());
        z.avail_out = static_cast<uInt>(size);
        const int rc = inflate(&z, Z_FINISH);
        inflateEnd(&z);
        if (rc != Z_STREAM_END || z.total_out != size)
          throw std::runtime_error("npz: cannot inflate " + name + " of " + path);
      } else {
        throw std::runtime_error("npz: compression method " + std::to_string(method));
      }
      return decode_npy(out, path + ":" + name);
    }
    at = data + packed;
  }
  throw std::runtime_error("npz: no " + name + " in " + path);
}

}  // namespace imagery::testing
