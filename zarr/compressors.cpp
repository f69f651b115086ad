#include "imagery/zarr/compressors.h"

#include <blosc.h>
#include <lz4.h>
#include <zstd.h>

#include <climits>
#include <cstring>
#include <mutex>

#include "imagery/core/crc32c.h"
#include "imagery/core/error.h"
#include "imagery/io/gzip.h"

namespace imagery::zarr {

namespace {

[[noreturn]] void corrupt(const std::string& name, const std::string& what) {
  fail(ErrorCode::kDataLoss, name + ": " + what);
}

Bytes unzstd(std::span<const std::byte> in, std::size_t max_output, const std::string& name) {
  const unsigned long long size = ZSTD_getFrameContentSize(in.data(), in.size());
  if (size == ZSTD_CONTENTSIZE_ERROR) corrupt(name, "not a zstd frame");
  // Frames that do not record their size are decoded into the most the chunk can hold.
  const std::size_t capacity =
      size == ZSTD_CONTENTSIZE_UNKNOWN ? max_output : static_cast<std::size_t>(size);
  if (size != ZSTD_CONTENTSIZE_UNKNOWN && size > max_output)
    corrupt(name, "zstd frame of " + std::to_string(size) + " bytes, more than the chunk's " +
                      std::to_string(max_output));
  Bytes out(capacity);
  const std::size_t n = ZSTD_decompress(out.data(), out.size(), in.data(), in.size());
  if (ZSTD_isError(n)) corrupt(name, std::string("zstd: ") + ZSTD_getErrorName(n));
  out.resize(n);
  return out;
}

Bytes unlz4(std::span<const std::byte> in, std::size_t max_output, const std::string& name) {
  if (in.size() < 4) corrupt(name, "lz4 data shorter than its 4-byte header");
  std::uint32_t size = 0;
  for (int i = 3; i >= 0; --i) size = (size << 8) | std::to_integer<std::uint32_t>(in[i]);
  if (size > max_output || size > INT_MAX)
    corrupt(name, "lz4 header says " + std::to_string(size) + " bytes, more than the chunk's " +
                      std::to_string(max_output));
  if (in.size() - 4 > INT_MAX) corrupt(name, "lz4 block too large");
  Bytes out(size);
  const int n = LZ4_decompress_safe(reinterpret_cast<const char*>(in.data() + 4),
                                    reinterpret_cast<char*>(out.data()),
                                    static_cast<int>(in.size() - 4), static_cast<int>(size));
  if (n < 0 || static_cast<std::uint32_t>(n) != size) corrupt(name, "corrupt lz4 block");
  return out;
}

Bytes unblosc(std::span<const std::byte> in, std::size_t max_output, const std::string& name) {
  if (in.size() < BLOSC_MIN_HEADER_LENGTH) corrupt(name, "blosc data shorter than its header");
  std::size_t nbytes = 0;
  // Checks the header's sizes against the buffer before libblosc trusts them.
  if (blosc_cbuffer_validate(in.data(), in.size(), &nbytes) != 0)
    corrupt(name, "corrupt blosc header");
  if (nbytes > max_output)
    corrupt(name, "blosc header says " + std::to_string(nbytes) + " bytes, more than the chunk's " +
                      std::to_string(max_output));
  Bytes out(nbytes);
  if (nbytes == 0) return out;
  // The _ctx form keeps no global state: safe from many worker threads at once.
  const int n = blosc_decompress_ctx(in.data(), out.data(), out.size(), 1);
  if (n < 0 || static_cast<std::size_t>(n) != nbytes) corrupt(name, "corrupt blosc data");
  return out;
}

Bytes uncrc(std::span<const std::byte> in, const std::string& name) {
  if (in.size() < 4) corrupt(name, "shorter than its crc32c checksum");
  const auto body = in.first(in.size() - 4);
  std::uint32_t stored = 0;
  for (int i = 3; i >= 0; --i)
    stored = (stored << 8) | std::to_integer<std::uint32_t>(in[in.size() - 4 + i]);
#ifndef FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION
  if (crc32c(body) != stored) corrupt(name, "crc32c checksum does not match");
#endif
  return Bytes(body.begin(), body.end());
}

}  // namespace

Bytes undo_bytes_codec(const Codec& codec, std::span<const std::byte> input, std::size_t max_output,
                       const std::string& name) {
  switch (codec.kind) {
    case Codec::Kind::kZlib:
    case Codec::Kind::kGzip:
      try {
        return io::gunzip(input, name, max_output, max_output);
      } catch (const Error& e) {
        // Over the cap is corrupt data here: a chunk's size is known exactly.
        if (e.code() == ErrorCode::kResourceExhausted)
          corrupt(name, "inflates past the chunk's " + std::to_string(max_output) + " bytes");
        throw;
      }
    case Codec::Kind::kZstd:
      return unzstd(input, max_output, name);
    case Codec::Kind::kLz4:
      return unlz4(input, max_output, name);
    case Codec::Kind::kBlosc:
      return unblosc(input, max_output, name);
    case Codec::Kind::kCrc32c:
      return uncrc(input, name);
    default:
      fail(ErrorCode::kInternal, name + ": codec '" + codec.name + "' is not bytes -> bytes");
  }
}

Bytes apply_bytes_codec(Codec::Kind kind, std::span<const std::byte> in,
                        const CompressOptions& options) {
  switch (kind) {
    case Codec::Kind::kZlib:
    case Codec::Kind::kGzip:
      return io::gzip_compress(in, options.level);
    case Codec::Kind::kZstd: {
      Bytes out(ZSTD_compressBound(in.size()));
      const std::size_t n =
          ZSTD_compress(out.data(), out.size(), in.data(), in.size(), options.level);
      if (ZSTD_isError(n)) fail(ErrorCode::kInternal, ZSTD_getErrorName(n));
      out.resize(n);
      return out;
    }
    case Codec::Kind::kLz4: {
      Bytes out(4 + static_cast<std::size_t>(LZ4_compressBound(static_cast<int>(in.size()))));
      const auto size = static_cast<std::uint32_t>(in.size());
      for (int i = 0; i < 4; ++i) out[i] = static_cast<std::byte>(size >> (8 * i));
      const int n = LZ4_compress_default(
          reinterpret_cast<const char*>(in.data()), reinterpret_cast<char*>(out.data() + 4),
          static_cast<int>(in.size()), static_cast<int>(out.size() - 4));
      out.resize(4 + static_cast<std::size_t>(n));
      return out;
    }
    case Codec::Kind::kBlosc: {
      Bytes out(in.size() + BLOSC_MAX_OVERHEAD);
      const int n =
          blosc_compress_ctx(options.level, options.shuffle, options.typesize, in.size(), in.data(),
                             out.data(), out.size(), options.blosc_cname.c_str(), 0, 1);
      if (n <= 0) fail(ErrorCode::kInternal, "blosc compression failed");
      out.resize(static_cast<std::size_t>(n));
      return out;
    }
    case Codec::Kind::kCrc32c: {
      Bytes out(in.begin(), in.end());
      const std::uint32_t c = crc32c(in);
      for (int i = 0; i < 4; ++i) out.push_back(static_cast<std::byte>(c >> (8 * i)));
      return out;
    }
    default:
      fail(ErrorCode::kInternal, "not a bytes -> bytes codec");
  }
}

}  // namespace imagery::zarr
