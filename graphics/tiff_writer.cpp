#include "imagery/graphics/tiff_writer.h"

#include <tiffio.h>

#include <algorithm>
#include <cmath>
#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>

#include "imagery/core/error.h"
#include "imagery/version.h"

namespace imagery::graphics {

namespace {

// The file libtiff writes: a growable buffer with a position.
struct MemoryFile {
  std::vector<std::byte> data;
  std::size_t position = 0;
  std::string error;  // libtiff's first error message
};

tmsize_t file_read(thandle_t h, void* buffer, tmsize_t size) {
  auto* f = static_cast<MemoryFile*>(h);
  if (size < 0 || f->position >= f->data.size()) return 0;
  const std::size_t n = std::min(static_cast<std::size_t>(size), f->data.size() - f->position);
  std::memcpy(buffer, f->data.data() + f->position, n);
  f->position += n;
  return static_cast<tmsize_t>(n);
}

tmsize_t file_write(thandle_t h, void* buffer, tmsize_t size) {
  auto* f = static_cast<MemoryFile*>(h);
  if (size < 0) return -1;
  try {
    const auto n = static_cast<std::size_t>(size);
    if (f->position + n > f->data.size()) f->data.resize(f->position + n);
    std::memcpy(f->data.data() + f->position, buffer, n);
    f->position += n;
  } catch (...) {
    return -1;
  }
  return size;
}

toff_t file_seek(thandle_t h, toff_t offset, int whence) {
  auto* f = static_cast<MemoryFile*>(h);
  const auto off = static_cast<std::size_t>(offset);
  switch (whence) {
    case SEEK_SET:
      f->position = off;
      break;
    case SEEK_CUR:
      f->position += off;
      break;
    case SEEK_END:
      f->position = f->data.size() + off;
      break;
    default:
      return static_cast<toff_t>(-1);
  }
  return f->position;
}

int file_close(thandle_t) {
  return 0;
}
toff_t file_size(thandle_t h) {
  return static_cast<MemoryFile*>(h)->data.size();
}
int file_map(thandle_t, void**, toff_t*) {
  return 0;
}  // no mapping: libtiff reads instead
void file_unmap(thandle_t, void*, toff_t) {}

int on_error(TIFF*, void* user, const char* module, const char* format, va_list args) {
  auto* f = static_cast<MemoryFile*>(user);
  if (f->error.empty()) {
    char message[512];
    std::vsnprintf(message, sizeof message, format, args);
    f->error = (module && *module ? std::string(module) + ": " : std::string()) + message;
  }
  return 1;  // handled: libtiff's global handler (stderr) is not called
}

int on_warning(TIFF*, void*, const char*, const char*, va_list) {
  return 1;
}

struct TiffCloser {
  void operator()(TIFF* t) const { TIFFClose(t); }
};
struct OptionsDeleter {
  void operator()(TIFFOpenOptions* o) const { TIFFOpenOptionsFree(o); }
};

}  // namespace

std::vector<std::byte> encode_tiff(const overlay::Image& image, const TiffOptions& options) {
  const int c = image.channels;
  if (image.width == 0 || image.height == 0 || c < 1 || c > 4 ||
      image.pixels.size() != static_cast<std::size_t>(image.width) * image.height * c)
    fail(ErrorCode::kInvalidArgument,
         "TIFF encoding: pixel buffer does not match the picture size");
  if (!std::isfinite(options.dpi) || options.dpi < 0)
    fail(ErrorCode::kInvalidArgument,
         "TIFF encoding: dpi must be 0 or positive, not " + std::to_string(options.dpi));
  if (options.compression == TiffCompression::kDeflate &&
      (options.deflate_level < 1 || options.deflate_level > 9))
    fail(ErrorCode::kInvalidArgument,
         "TIFF deflate level must be 1-9, not " + std::to_string(options.deflate_level));

  MemoryFile file;
  std::unique_ptr<TIFFOpenOptions, OptionsDeleter> open_options(TIFFOpenOptionsAlloc());
  TIFFOpenOptionsSetErrorHandlerExtR(open_options.get(), on_error, &file);
  TIFFOpenOptionsSetWarningHandlerExtR(open_options.get(), on_warning, &file);
  const auto failed = [&](const char* what) {
    fail(ErrorCode::kInternal, std::string("TIFF encoding: ") + what +
                                   (file.error.empty() ? "" : " (" + file.error + ")"));
  };
  std::unique_ptr<TIFF, TiffCloser> tiff(
      TIFFClientOpenExt("memory", "w", &file, file_read, file_write, file_seek, file_close,
                        file_size, file_map, file_unmap, open_options.get()));
  if (!tiff) failed("cannot start a TIFF");
  TIFF* t = tiff.get();

  const std::size_t rowbytes = static_cast<std::size_t>(image.width) * c;
  // Strips of about 256 KiB: large enough that deflate's window restarts cost little, small
  // enough for readers that load a strip at a time.
  const auto rows_per_strip = static_cast<std::uint32_t>(
      std::clamp<std::size_t>((std::size_t{256} << 10) / rowbytes, 1, image.height));
  bool ok =
      TIFFSetField(t, TIFFTAG_IMAGEWIDTH, image.width) &&
      TIFFSetField(t, TIFFTAG_IMAGELENGTH, image.height) &&
      TIFFSetField(t, TIFFTAG_BITSPERSAMPLE, 8) && TIFFSetField(t, TIFFTAG_SAMPLESPERPIXEL, c) &&
      TIFFSetField(t, TIFFTAG_SAMPLEFORMAT, SAMPLEFORMAT_UINT) &&
      TIFFSetField(t, TIFFTAG_PHOTOMETRIC, c <= 2 ? PHOTOMETRIC_MINISBLACK : PHOTOMETRIC_RGB) &&
      TIFFSetField(t, TIFFTAG_PLANARCONFIG, PLANARCONFIG_CONTIG) &&
      TIFFSetField(t, TIFFTAG_ORIENTATION, ORIENTATION_TOPLEFT) &&
      TIFFSetField(t, TIFFTAG_ROWSPERSTRIP, rows_per_strip);
  const std::string software = std::string("imagery ") + kVersion;
  ok = ok && TIFFSetField(t, TIFFTAG_SOFTWARE, software.c_str());
  if (c == 2 || c == 4) {
    const std::uint16_t extra[] = {EXTRASAMPLE_UNASSALPHA};
    ok = ok && TIFFSetField(t, TIFFTAG_EXTRASAMPLES, 1, extra);
  }
  switch (options.compression) {
    case TiffCompression::kNone:
      ok = ok && TIFFSetField(t, TIFFTAG_COMPRESSION, COMPRESSION_NONE);
      break;
    case TiffCompression::kDeflate:
      ok = ok && TIFFSetField(t, TIFFTAG_COMPRESSION, COMPRESSION_ADOBE_DEFLATE) &&
           TIFFSetField(t, TIFFTAG_ZIPQUALITY, options.deflate_level) &&
           TIFFSetField(t, TIFFTAG_PREDICTOR, PREDICTOR_HORIZONTAL);
      break;
    case TiffCompression::kLzw:
      ok = ok && TIFFSetField(t, TIFFTAG_COMPRESSION, COMPRESSION_LZW) &&
           TIFFSetField(t, TIFFTAG_PREDICTOR, PREDICTOR_HORIZONTAL);
      break;
  }
  if (options.dpi > 0) {
    ok = ok && TIFFSetField(t, TIFFTAG_XRESOLUTION, options.dpi) &&
         TIFFSetField(t, TIFFTAG_YRESOLUTION, options.dpi) &&
         TIFFSetField(t, TIFFTAG_RESOLUTIONUNIT, RESUNIT_INCH);
  }
  if (!ok) failed("cannot set the tags");

  // libtiff's predictor works on a copy, but the buffer it takes is not const: give it one.
  std::vector<std::uint8_t> strip(rowbytes * rows_per_strip);
  for (std::uint32_t y = 0, s = 0; y < image.height; y += rows_per_strip, ++s) {
    const std::uint32_t rows = std::min(rows_per_strip, image.height - y);
    const std::size_t bytes = rowbytes * rows;
    std::memcpy(strip.data(), image.pixel(0, y), bytes);
    if (TIFFWriteEncodedStrip(t, s, strip.data(), static_cast<tmsize_t>(bytes)) < 0)
      failed("cannot write the pixels");
  }
  if (!TIFFWriteDirectory(t)) failed("cannot write the directory");
  tiff.reset();  // TIFFClose flushes
  if (!file.error.empty()) failed("closing failed");
  return std::move(file.data);
}

}  // namespace imagery::graphics
