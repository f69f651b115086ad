#include "imagery/overlay/internal/png_stream.h"

#include <png.h>

#include <algorithm>
#include <csetjmp>
#include <cstdio>
#include <cstring>
#include <string>

#include "imagery/core/error.h"
#include "imagery/core/parallel_deflate.h"
#include "imagery/core/thread_pool.h"

namespace imagery::overlay {

namespace {

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
  const std::vector<unsigned char> z =
      deflate_scanlines(pixels, static_cast<std::size_t>(width) * channels, height, level, pool);

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
