#include "imagery/core/png.h"

#include <png.h>

#include <csetjmp>
#include <cstring>

#include "imagery/core/error.h"

namespace imagery {

namespace {

struct ReadSource {
  const std::byte* data;
  std::size_t size;
  std::size_t pos;
};

struct ErrorSink {
  char message[256] = {0};
};

void on_png_error(png_structp png, png_const_charp msg) {
  auto* sink = static_cast<ErrorSink*>(png_get_error_ptr(png));
  std::snprintf(sink->message, sizeof sink->message, "%s", msg);
  png_longjmp(png, 1);
}
void on_png_warning(png_structp, png_const_charp) {}

// Fuzz builds ignore chunk CRCs, as libpng's own fuzzer does: random mutations would otherwise
// stop at the first checksum and never reach the image data.
void relax_for_fuzzing([[maybe_unused]] png_structp png) {
#ifdef FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION
  png_set_crc_action(png, PNG_CRC_QUIET_USE, PNG_CRC_QUIET_USE);
#endif
}

void read_bytes(png_structp png, png_bytep out, png_size_t n) {
  auto* src = static_cast<ReadSource*>(png_get_io_ptr(png));
  if (n > src->size - src->pos) png_error(png, "data is truncated");
  std::memcpy(out, src->data + src->pos, n);
  src->pos += n;
}

// Runs the libpng read with only trivially destructible locals, so longjmp is safe.
bool decode_raw(ReadSource* src, ErrorSink* sink, PngImage* img) {
  png_structp png =
      png_create_read_struct(PNG_LIBPNG_VER_STRING, sink, on_png_error, on_png_warning);
  if (!png) return false;
  png_infop info = png_create_info_struct(png);
  png_bytep* volatile rows = nullptr;
  if (!info || setjmp(png_jmpbuf(png))) {
    std::free(rows);
    png_destroy_read_struct(&png, info ? &info : nullptr, nullptr);
    return false;
  }
  png_set_read_fn(png, src, read_bytes);
  relax_for_fuzzing(png);
  png_read_info(png, info);
  png_uint_32 w = png_get_image_width(png, info), h = png_get_image_height(png, info);
  int depth = png_get_bit_depth(png, info), color = png_get_color_type(png, info);
  if (color == PNG_COLOR_TYPE_PALETTE) png_set_palette_to_rgb(png);
  if (color == PNG_COLOR_TYPE_GRAY && depth < 8) png_set_expand_gray_1_2_4_to_8(png);
  if (png_get_valid(png, info, PNG_INFO_tRNS)) png_set_tRNS_to_alpha(png);
  if (depth == 16) png_set_swap(png);
  png_set_interlace_handling(png);
  png_read_update_info(png, info);
  img->width = w;
  img->height = h;
  img->channels = png_get_channels(png, info);
  img->bit_depth = png_get_bit_depth(png, info);
  std::size_t rowbytes = png_get_rowbytes(png, info);
  if (w == 0 || h == 0 ||
      rowbytes != static_cast<std::size_t>(w) * img->channels * (img->bit_depth / 8) ||
      static_cast<std::size_t>(h) > (std::size_t{1} << 40) / rowbytes)
    png_error(png, "bad image dimensions");
  // decode_png sized img->pixels from the header; the transforms must agree with it.
  if (img->pixels.size() != static_cast<std::size_t>(h) * rowbytes)
    png_error(png, "unexpected decoded size");
  rows = static_cast<png_bytep*>(std::malloc(sizeof(png_bytep) * h));
  if (!rows) png_error(png, "out of memory");
  for (png_uint_32 y = 0; y < h; ++y)
    rows[y] =
        reinterpret_cast<png_bytep>(img->pixels.data()) + static_cast<std::size_t>(y) * rowbytes;
  png_read_image(png, rows);
  png_read_end(png, nullptr);
  std::free(rows);
  png_destroy_read_struct(&png, &info, nullptr);
  return true;
}

// Reads just the header: the decoded geometry, and the bytes the compressed rows hold before
// any expansion (for the plausibility check).
bool probe_header(ReadSource* src, ErrorSink* sink, PngHeader* out, std::uint64_t* raw_bytes) {
  png_structp png =
      png_create_read_struct(PNG_LIBPNG_VER_STRING, sink, on_png_error, on_png_warning);
  if (!png) return false;
  png_infop info = png_create_info_struct(png);
  if (!info || setjmp(png_jmpbuf(png))) {
    png_destroy_read_struct(&png, info ? &info : nullptr, nullptr);
    return false;
  }
  png_set_read_fn(png, src, read_bytes);
  relax_for_fuzzing(png);
  png_read_info(png, info);
  const png_uint_32 h = png_get_image_height(png, info);
  // Each row is stored with one filter byte in front.
  *raw_bytes = (static_cast<std::uint64_t>(png_get_rowbytes(png, info)) + 1) * h;
  int depth = png_get_bit_depth(png, info), color = png_get_color_type(png, info);
  if (color == PNG_COLOR_TYPE_PALETTE) png_set_palette_to_rgb(png);
  if (color == PNG_COLOR_TYPE_GRAY && depth < 8) png_set_expand_gray_1_2_4_to_8(png);
  if (png_get_valid(png, info, PNG_INFO_tRNS)) png_set_tRNS_to_alpha(png);
  png_set_interlace_handling(png);
  png_read_update_info(png, info);
  std::size_t rowbytes = png_get_rowbytes(png, info);
  if (h && rowbytes > (std::size_t{1} << 40) / h) png_error(png, "image too large");
  out->width = png_get_image_width(png, info);
  out->height = h;
  out->channels = png_get_channels(png, info);
  out->bit_depth = png_get_bit_depth(png, info);
  out->decoded_bytes = rowbytes * h;
  png_destroy_read_struct(&png, &info, nullptr);
  return true;
}

struct WriteSink {
  std::vector<std::byte>* out;
};
void write_bytes(png_structp png, png_bytep data, png_size_t n) {
  auto* sink = static_cast<WriteSink*>(png_get_io_ptr(png));
  auto* p = reinterpret_cast<const std::byte*>(data);
  sink->out->insert(sink->out->end(), p, p + n);
}
void flush_nothing(png_structp) {}

bool encode_raw(const std::byte* pixels, std::uint32_t w, std::uint32_t h, int channels, int depth,
                const PngEncodeOptions* opt, WriteSink* sink, ErrorSink* err, png_bytep* rows) {
  png_structp png =
      png_create_write_struct(PNG_LIBPNG_VER_STRING, err, on_png_error, on_png_warning);
  if (!png) return false;
  png_infop info = png_create_info_struct(png);
  if (!info || setjmp(png_jmpbuf(png))) {
    png_destroy_write_struct(&png, info ? &info : nullptr);
    return false;
  }
  static const int kColor[] = {0, PNG_COLOR_TYPE_GRAY, PNG_COLOR_TYPE_GRAY_ALPHA,
                               PNG_COLOR_TYPE_RGB, PNG_COLOR_TYPE_RGBA};
  png_set_write_fn(png, sink, write_bytes, flush_nothing);
  png_set_IHDR(png, info, w, h, depth, kColor[channels], PNG_INTERLACE_NONE,
               PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
  png_set_compression_level(png, opt->level);
  png_set_filter(png, 0, opt->filter_up ? PNG_FILTER_UP : PNG_FILTER_NONE);
  png_write_info(png, info);
  if (depth == 16) png_set_swap(png);
  std::size_t rowbytes = static_cast<std::size_t>(w) * channels * (depth / 8);
  for (std::uint32_t y = 0; y < h; ++y)
    rows[y] = reinterpret_cast<png_bytep>(const_cast<std::byte*>(pixels)) + y * rowbytes;
  png_write_image(png, rows);
  png_write_end(png, nullptr);
  png_destroy_write_struct(&png, &info);
  return true;
}

}  // namespace

PngHeader read_png_header(std::span<const std::byte> bytes, const std::string& name) {
  ErrorSink sink;
  ReadSource src{bytes.data(), bytes.size(), 0};
  PngHeader header;
  std::uint64_t raw_bytes = 0;
  if (!probe_header(&src, &sink, &header, &raw_bytes))
    fail(ErrorCode::kDataLoss, name + ": corrupt PNG data (" + sink.message + ")");
  // A few bytes claiming a gigapixel image are a lie: refuse before allocating for it.
  const std::uint64_t most_inflated = static_cast<std::uint64_t>(bytes.size()) * 1032 + 1024;
  if (raw_bytes > most_inflated)
    fail(ErrorCode::kDataLoss, name + ": corrupt PNG data (its header claims " +
                                   std::to_string(header.width) + "x" +
                                   std::to_string(header.height) + " pixels, more than its " +
                                   std::to_string(bytes.size()) + " bytes can hold)");
  return header;
}

PngImage decode_png(std::span<const std::byte> bytes, const std::string& name,
                    std::size_t max_bytes) {
  const PngHeader header = read_png_header(bytes, name);
  if (header.decoded_bytes > max_bytes)
    fail(ErrorCode::kResourceExhausted,
         name + ": a PNG of " + std::to_string(header.width) + "x" + std::to_string(header.height) +
             " pixels needs " + std::to_string(header.decoded_bytes) + " bytes, more than the " +
             std::to_string(max_bytes) + " allowed");
  ErrorSink sink;
  ReadSource src{bytes.data(), bytes.size(), 0};
  PngImage img;
  img.pixels.resize(header.decoded_bytes);
  src.pos = 0;
  if (!decode_raw(&src, &sink, &img))
    fail(ErrorCode::kDataLoss, name + ": corrupt PNG data (" + sink.message + ")");
  return img;
}

std::vector<std::byte> encode_png(std::span<const std::byte> pixels, std::uint32_t width,
                                  std::uint32_t height, int channels, int bit_depth,
                                  const PngEncodeOptions& options) {
  if (channels < 1 || channels > 4 || (bit_depth != 8 && bit_depth != 16) || width == 0 ||
      height == 0)
    fail(ErrorCode::kInvalidArgument, "encode_png: unsupported image layout");
  if (pixels.size() != static_cast<std::size_t>(width) * height * channels * (bit_depth / 8))
    fail(ErrorCode::kInvalidArgument, "encode_png: pixel buffer does not match its size");
  std::vector<std::byte> out;
  out.reserve(pixels.size() / 2 + 1024);
  std::vector<png_bytep> rows(height);
  WriteSink sink{&out};
  ErrorSink err;
  if (!encode_raw(pixels.data(), width, height, channels, bit_depth, &options, &sink, &err,
                  rows.data()))
    fail(ErrorCode::kInternal, std::string("PNG encoding failed: ") + err.message);
  return out;
}

}  // namespace imagery
