#include "imagery/core/parallel_deflate.h"

#include <zlib.h>

#include <algorithm>
#include <cstring>
#include <string>

#include "imagery/core/error.h"

namespace imagery {

namespace {

struct Strip {
  std::vector<unsigned char> deflated;
  uLong adler = 1;
  uLong length = 0;  // uncompressed bytes (filter bytes included)
};

void check_level(int level) {
  if (level < 0 || level > 9)
    fail(ErrorCode::kInvalidArgument, "zlib level must be 0-9, not " + std::to_string(level));
}

// Filters rows [y0, y1) and deflates them as a raw stream: a sync flush after a middle strip, the
// final block after the last.
void deflate_strip(const std::uint8_t* pixels, std::size_t rowbytes, std::uint32_t y0,
                   std::uint32_t y1, bool last, int level, Strip& out) {
  z_stream z{};
  if (deflateInit2(&z, level, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) != Z_OK)
    fail(ErrorCode::kInternal, "deflate: deflateInit2 failed");
  const std::size_t rows = y1 - y0;
  out.deflated.resize(deflateBound(&z, static_cast<uLong>(rows * (rowbytes + 1))) + 64);
  z.next_out = out.deflated.data();
  z.avail_out = static_cast<uInt>(out.deflated.size());
  std::vector<unsigned char> row(rowbytes + 1);
  const bool up = level > 0;
  row[0] = up ? 2 : 0;
  int status = Z_OK;
  for (std::uint32_t y = y0; y < y1 && status == Z_OK; ++y) {
    const std::uint8_t* cur = pixels + static_cast<std::size_t>(y) * rowbytes;
    if (up && y > 0) {
      const std::uint8_t* prev = cur - rowbytes;
      for (std::size_t i = 0; i < rowbytes; ++i)
        row[i + 1] = static_cast<unsigned char>(cur[i] - prev[i]);
    } else {
      std::memcpy(row.data() + 1, cur, rowbytes);
    }
    out.adler = adler32(out.adler, row.data(), static_cast<uInt>(row.size()));
    out.length += static_cast<uLong>(row.size());
    z.next_in = row.data();
    z.avail_in = static_cast<uInt>(row.size());
    const bool final_row = y + 1 == y1;
    status = deflate(&z, final_row ? (last ? Z_FINISH : Z_SYNC_FLUSH) : Z_NO_FLUSH);
    if (status == Z_STREAM_END) status = Z_OK;
    if (z.avail_in != 0)
      status = Z_BUF_ERROR;  // deflateBound guarantees room; anything else is a bug
  }
  out.deflated.resize(out.deflated.size() - z.avail_out);
  deflateEnd(&z);
  if (status != Z_OK) fail(ErrorCode::kInternal, "deflate failed");
}

}  // namespace

std::vector<unsigned char> deflate_scanlines(const std::uint8_t* pixels, std::size_t rowbytes,
                                             std::uint32_t height, int level, ThreadPool* pool) {
  check_level(level);
  if (rowbytes == 0 || height == 0)
    fail(ErrorCode::kInvalidArgument, "deflate: the picture is empty");
  // Strips of at least ~256 KiB keep the restart cost (a fresh 32 KiB window) negligible.
  const std::size_t min_rows = std::max<std::size_t>(1, (std::size_t{256} << 10) / (rowbytes + 1));
  std::size_t strips = std::min<std::size_t>(16, std::max<std::size_t>(1, height / min_rows));
  const std::uint32_t rows_per_strip = static_cast<std::uint32_t>((height + strips - 1) / strips);
  strips = (height + rows_per_strip - 1) / rows_per_strip;
  std::vector<Strip> parts(strips);
  auto run = [&](std::size_t i) {
    const auto y0 = static_cast<std::uint32_t>(i * rows_per_strip);
    const std::uint32_t y1 = std::min(height, y0 + rows_per_strip);
    deflate_strip(pixels, rowbytes, y0, y1, i + 1 == strips, level, parts[i]);
  };
  parallel_for(strips == 1 ? nullptr : pool, strips, run);

  // zlib header (deflate, 32 KiB window, FLEVEL from the level), strips, combined Adler-32.
  std::vector<unsigned char> z;
  std::size_t total = 6;
  for (const Strip& s : parts) total += s.deflated.size();
  z.reserve(total);
  const unsigned cmf = 0x78;
  const unsigned flevel = level <= 1 ? 0 : level <= 5 ? 1 : level == 6 ? 2 : 3;
  unsigned flg = flevel << 6;
  flg += 31 - (cmf * 256 + flg) % 31;
  z.push_back(static_cast<unsigned char>(cmf));
  z.push_back(static_cast<unsigned char>(flg));
  uLong adler = 1;
  for (const Strip& s : parts) {
    z.insert(z.end(), s.deflated.begin(), s.deflated.end());
    adler = adler32_combine(adler, s.adler, static_cast<z_off_t>(s.length));
  }
  for (int shift = 24; shift >= 0; shift -= 8)
    z.push_back(static_cast<unsigned char>(adler >> shift));
  return z;
}

std::vector<unsigned char> deflate_zlib(std::span<const unsigned char> data, int level) {
  check_level(level);
  uLongf size = compressBound(static_cast<uLong>(data.size()));
  std::vector<unsigned char> out(size);
  if (compress2(out.data(), &size, data.data(), static_cast<uLong>(data.size()), level) != Z_OK)
    fail(ErrorCode::kInternal, "deflate failed");
  out.resize(size);
  return out;
}

}  // namespace imagery
