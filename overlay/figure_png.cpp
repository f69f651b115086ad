#include "imagery/overlay/figure_png.h"

#include <cerrno>
#include <cmath>
#include <cstring>
#include <fstream>
#include <iterator>

#include "imagery/core/error.h"
#include "imagery/core/png.h"
#include "imagery/overlay/internal/png_stream.h"

namespace imagery::overlay {

std::vector<std::byte> encode_figure_png(const Image& image, const FigurePngOptions& options) {
  if (image.pixels.size() != static_cast<std::size_t>(image.width) * image.height * image.channels)
    fail(ErrorCode::kInvalidArgument, "PNG encoding: pixel buffer does not match the picture size");
  // pHYs holds pixels per metre as a 31-bit integer: up to ~54 million dpi.
  const double per_metre = std::round(options.dpi / 0.0254);
  if (!std::isfinite(options.dpi) || options.dpi < 0 || per_metre > 0x7FFFFFFF)
    fail(ErrorCode::kInvalidArgument,
         "PNG encoding: dpi must be 0 or positive, not " + std::to_string(options.dpi));
  return encode_png_parallel(image.pixels.data(), image.width, image.height, image.channels,
                             options.level, options.pool, static_cast<std::uint32_t>(per_metre));
}

Image decode_figure_png(std::span<const std::byte> bytes, const std::string& name) {
  PngImage png = decode_png(bytes, name);
  Image out(png.width, png.height, png.channels);
  const std::size_t samples = static_cast<std::size_t>(png.width) * png.height * png.channels;
  if (png.bit_depth == 8) {
    std::memcpy(out.pixels.data(), png.pixels.data(), samples);
  } else {
    const auto* p = reinterpret_cast<const std::uint8_t*>(png.pixels.data());
    for (std::size_t i = 0; i < samples; ++i) {
      std::uint16_t v;
      std::memcpy(&v, p + 2 * i, 2);
      out.pixels[i] = static_cast<std::uint8_t>(v >> 8);
    }
  }
  return out;
}

Image read_figure_png(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    ErrorCode code = errno == EACCES ? ErrorCode::kPermissionDenied : ErrorCode::kNotFound;
    fail(code, path + ": cannot open (" + std::strerror(errno) + ")");
  }
  std::vector<char> buffer((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) fail(ErrorCode::kIoError, path + ": read failed");
  return decode_figure_png(std::as_bytes(std::span(buffer)), path);
}

}  // namespace imagery::overlay
