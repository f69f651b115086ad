#include "imagery/io/gzip.h"

#include <libdeflate.h>
#include <zlib.h>

#include <algorithm>
#include <cstring>
#include <memory>

#include "imagery/core/error.h"

namespace imagery::io {

bool has_gzip_magic(std::span<const std::byte> b) {
  return b.size() >= 2 && b[0] == std::byte{0x1f} && b[1] == std::byte{0x8b};
}

namespace {
struct Inflater {
  z_stream z{};
  Inflater() {
    if (inflateInit2(&z, 15 + 32) != Z_OK) fail(ErrorCode::kInternal, "zlib inflateInit2 failed");
  }
  ~Inflater() { inflateEnd(&z); }
};
}  // namespace

namespace {

// Deflate cannot expand data more than about 1032:1, so a size claim beyond that is a lie (a
// hostile trailer must not make us allocate gigabytes for a few bytes of input).
std::size_t most_inflated(std::size_t compressed) {
  return compressed * 1032 + 1024;
}

// The general path: any number of gzip members or a zlib stream, growing the output as needed,
// with zlib's own words for what is wrong.
Bytes gunzip_with_zlib(std::span<const std::byte> in, const std::string& name,
                       std::size_t expected_size, std::size_t max_output) {
  Inflater inf;
  Bytes out;
  // Size hints only size the first allocation, and never beyond what the input could inflate to.
  std::size_t capacity =
      expected_size ? expected_size + 64 : std::max<std::size_t>(in.size() * 4, 4096);
  capacity = std::min({capacity, max_output, most_inflated(in.size())});
  out.resize(capacity);
  std::size_t produced = 0;
  std::size_t consumed = 0;
  for (;;) {
    // zlib counts in uInt; feed at most 1 GiB per call.
    std::size_t in_chunk = std::min<std::size_t>(in.size() - consumed, std::size_t{1} << 30);
    inf.z.next_in = reinterpret_cast<Bytef*>(const_cast<std::byte*>(in.data() + consumed));
    inf.z.avail_in = static_cast<uInt>(in_chunk);
    if (produced == out.size()) {
      if (out.size() >= max_output)
        fail(ErrorCode::kResourceExhausted,
             name + ": gzip data inflates beyond " + std::to_string(max_output) + " bytes");
      out.resize(std::min(max_output, out.size() * 2));
    }
    std::size_t out_chunk = std::min<std::size_t>(out.size() - produced, std::size_t{1} << 30);
    inf.z.next_out = reinterpret_cast<Bytef*>(out.data() + produced);
    inf.z.avail_out = static_cast<uInt>(out_chunk);
    int rc = inflate(&inf.z, Z_NO_FLUSH);
    consumed += in_chunk - inf.z.avail_in;
    produced += out_chunk - inf.z.avail_out;
    if (rc == Z_STREAM_END) {
      // Concatenated gzip members continue; trailing zero padding ends the data.
      std::size_t rest = in.size() - consumed;
      if (rest >= 2 && has_gzip_magic(in.subspan(consumed))) {
        inflateReset(&inf.z);
        continue;
      }
      break;
    }
    if (rc == Z_OK || rc == Z_BUF_ERROR) {
      if (inf.z.avail_out == 0) continue;  // output full: grow and go on
      if (consumed == in.size()) fail(ErrorCode::kDataLoss, name + ": gzip data is truncated");
      continue;
    }
    fail(ErrorCode::kDataLoss, name + ": corrupt gzip data (" +
                                   (inf.z.msg ? inf.z.msg : "zlib error " + std::to_string(rc)) +
                                   ")");
  }
  out.resize(produced);
  return out;
}

struct DecompressorDeleter {
  void operator()(libdeflate_decompressor* d) const { libdeflate_free_decompressor(d); }
};

}  // namespace

Bytes gunzip(std::span<const std::byte> in, const std::string& name, std::size_t expected_size,
             std::size_t max_output) {
  // The common case, one gzip member whose size is known (from the caller, or the member's
  // ISIZE trailer), goes through libdeflate, two to three times faster than zlib.
  if (has_gzip_magic(in) && in.size() >= 18) {
    std::uint32_t isize;
    std::memcpy(&isize, in.data() + in.size() - 4, 4);
    const std::size_t want = expected_size ? expected_size : isize;
    if (want > 0 && want <= max_output && want <= most_inflated(in.size())) {
      thread_local std::unique_ptr<libdeflate_decompressor, DecompressorDeleter> d(
          libdeflate_alloc_decompressor());
      if (d) {
        Bytes out(want);
        std::size_t used = 0, produced = 0;
        if (libdeflate_gzip_decompress_ex(d.get(), in.data(), in.size(), out.data(), out.size(),
                                          &used, &produced) == LIBDEFLATE_SUCCESS &&
            used == in.size()) {
          out.resize(produced);
          return out;
        }
      }
      // Several members, trailing bytes, a wrong size or corrupt data: zlib sorts it out.
    }
  }
  return gunzip_with_zlib(in, name, expected_size, max_output);
}

Bytes gzip_compress(std::span<const std::byte> in, int level) {
  z_stream z{};
  if (deflateInit2(&z, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
    fail(ErrorCode::kInternal, "zlib deflateInit2 failed");
  Bytes out(deflateBound(&z, in.size()) + 32);
  z.next_in = reinterpret_cast<Bytef*>(const_cast<std::byte*>(in.data()));
  z.avail_in = static_cast<uInt>(in.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  int rc = deflate(&z, Z_FINISH);
  std::size_t produced = out.size() - z.avail_out;
  deflateEnd(&z);
  if (rc != Z_STREAM_END) fail(ErrorCode::kInternal, "zlib deflate failed");
  out.resize(produced);
  return out;
}

}  // namespace imagery::io
