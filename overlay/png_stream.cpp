#include "imagery/overlay/internal/png_stream.h"

#include <png.h>
#include <zlib.h>

#include <algorithm>
#include <csetjmp>
#include <cstdio>
#include <cstring>
#include <string>

#include "imagery/core/error.h"
#include "imagery/core/thread_pool.h"

namespace imagery::overlay {

namespace {

struct Strip {
  std::vector<unsigned char> deflated;
  uLong adler = 1;
  uLong length = 0;  // uncompressed bytes (filter bytes included)
};

// Filters rows [y0, y1) and deflates them as a raw stream: a sync flush after a middle strip, the
// final block after the last.
void deflate_strip(const std::uint8_t* pixels, std::size_t rowbytes, std::uint32_t y0,
                   std::uint32_t y1, bool last, int level, Strip& out) {
  z_stream z{};
  if (deflateInit2(&z, level, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) != Z_OK)
    fail(ErrorCode::kInternal, "PNG encoding: deflateInit2 failed");
  const std::size_t rows = y1 - y0;
  out.deflated.resize(deflateBound(&z, static_cast<uLong>(rows * (rowbytes + 1))) + 64);
  z.next_out = out.deflated.data();
  z.avail_out = static_cast<uInt>(out.deflated.size());
  std::vector<unsigned char> row(rowbytes + 1);
  const bool up = level > 0;  // at level 0 nothing is compressed, so filtering is wasted work
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
  if (status != Z_OK) fail(ErrorCode::kInternal, "PNG encoding: deflate failed");
}

struct Sink {
  std::vector<std::byte>* out;
  char message[200];
};

void on_error(png_structp png, png_const_charp msg) {
  auto* sink = static_cast<Sink*>(png_get_error_ptr(png));
  std::snprintf(sink->message, sizeof sink->message, "%s", msg);
  png_longjmp(png, 1);
}
void on_warning(png_structp, png_const_charp) {}
void on_write(png_structp png, png_bytep data, png_size_t n) {
  auto* sink = static_cast<Sink*>(png_get_io_ptr(png));
  auto* p = reinterpret_cast<const std::byte*>(data);
  sink->out->insert(sink->out->end(), p, p + n);
}
void on_flush(png_structp) {}

// The chunks around the zlib stream; only trivially destructible locals, as longjmp may leave.
bool write_chunks(std::uint32_t w, std::uint32_t h, int color_type, std::uint32_t per_metre,
                  const unsigned char* zdata, std::size_t zsize, Sink* sink) {
  png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, sink, on_error, on_warning);
  if (!png) return false;
  png_infop info = png_create_info_struct(png);
  if (!info || setjmp(png_jmpbuf(png))) {
    png_destroy_write_struct(&png, info ? &info : nullptr);
    return false;
  }
  png_set_write_fn(png, sink, on_write, on_flush);
  png_set_IHDR(png, info, w, h, 8, color_type, PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT,
               PNG_FILTER_TYPE_DEFAULT);
  if (per_metre > 0) png_set_pHYs(png, info, per_metre, per_metre, PNG_RESOLUTION_METER);
  png_write_info(png, info);
  constexpr std::size_t kChunk = std::size_t{1} << 20;
  for (std::size_t at = 0; at < zsize; at += kChunk)
    png_write_chunk(png, reinterpret_cast<png_const_bytep>("IDAT"), zdata + at,
                    std::min(kChunk, zsize - at));
  png_write_chunk(png, reinterpret_cast<png_const_bytep>("IEND"), nullptr, 0);
  png_destroy_write_struct(&png, &info);
  return true;
}

}  // namespace

std::vector<std::byte> encode_png_parallel(const std::uint8_t* pixels, std::uint32_t width,
                                           std::uint32_t height, int channels, int level,
                                           ThreadPool* pool, std::uint32_t pixels_per_metre) {
  if (channels < 1 || channels > 4 || width == 0 || height == 0 || width > PNG_UINT_31_MAX ||
      height > PNG_UINT_31_MAX)
    fail(ErrorCode::kInvalidArgument, "PNG encoding: unsupported picture layout");
  if (level < 0 || level > 9)
    fail(ErrorCode::kInvalidArgument, "PNG level must be 0-9, not " + std::to_string(level));
  const std::size_t rowbytes = static_cast<std::size_t>(width) * channels;
  // Strips of at least ~256 KiB keep the restart cost (a fresh 32 KiB window) negligible. Their
  // number depends on the picture alone, never on the pool, so the bytes are the same on every
  // machine.
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

  static const int kColor[] = {0, PNG_COLOR_TYPE_GRAY, PNG_COLOR_TYPE_GRAY_ALPHA,
                               PNG_COLOR_TYPE_RGB, PNG_COLOR_TYPE_RGBA};
  std::vector<std::byte> out;
  out.reserve(z.size() + 128);
  Sink sink{&out, {0}};
  if (!write_chunks(width, height, kColor[channels], pixels_per_metre, z.data(), z.size(), &sink))
    fail(ErrorCode::kInternal, std::string("PNG encoding failed: ") + sink.message);
  return out;
}

}  // namespace imagery::overlay
