#include "imagery/overlay/figure_png.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>

#include "imagery/core/error.h"
#include "imagery/core/png.h"

namespace imagery::overlay {

std::vector<std::byte> encode_figure_png(const Image& image, const FigurePngOptions& options) {
  if (options.level < 0 || options.level > 9)
    fail(ErrorCode::kInvalidArgument,
         "PNG level must be 0-9, not " + std::to_string(options.level));
  PngEncodeOptions png;
  png.level = options.level;
  // At level 0 filtering only costs time; elsewhere "up" is the cheap filter that pays.
  png.filter_up = options.level > 0;
  return encode_png(std::as_bytes(std::span(image.pixels)), image.width, image.height,
                    image.channels, 8, png);
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
