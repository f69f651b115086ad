// The TIFF writer, read back with libtiff: pixels, samples, alpha as unassociated extra sample,
// resolution tags from the dpi, Software, every compression.
#include "imagery/graphics/tiff_writer.h"

#include <tiffio.h>

#include <catch2/catch.hpp>
#include <cstring>
#include <random>

#include "imagery/core/error.h"
#include "imagery/version.h"
#include "support/test_support.h"

using namespace imagery;
using namespace imagery::graphics;

namespace {

struct ReadBack {
  overlay::Image image;
  std::uint16_t photometric = 0, compression = 0, predictor = 0, extra = 0, unit = 0;
  std::vector<std::uint16_t> extra_kinds;
  float xres = 0, yres = 0;
  std::string software;
  bool has_resolution = false;
};

ReadBack read_tiff(const std::vector<std::byte>& bytes) {
  testing::TempDir tmp;
  testing::write_file(tmp.file("t.tif"), bytes);
  TIFF* t = TIFFOpen(tmp.file("t.tif").c_str(), "r");
  REQUIRE(t != nullptr);
  ReadBack r;
  std::uint32_t w = 0, h = 0;
  std::uint16_t spp = 0, bps = 0;
  TIFFGetField(t, TIFFTAG_IMAGEWIDTH, &w);
  TIFFGetField(t, TIFFTAG_IMAGELENGTH, &h);
  TIFFGetField(t, TIFFTAG_SAMPLESPERPIXEL, &spp);
  TIFFGetField(t, TIFFTAG_BITSPERSAMPLE, &bps);
  TIFFGetField(t, TIFFTAG_PHOTOMETRIC, &r.photometric);
  TIFFGetField(t, TIFFTAG_COMPRESSION, &r.compression);
  // The predictor tag belongs to the codecs: uncompressed files have none to ask for.
  if (r.compression != COMPRESSION_NONE) TIFFGetFieldDefaulted(t, TIFFTAG_PREDICTOR, &r.predictor);
  std::uint16_t* kinds = nullptr;
  if (TIFFGetField(t, TIFFTAG_EXTRASAMPLES, &r.extra, &kinds))
    r.extra_kinds.assign(kinds, kinds + r.extra);
  r.has_resolution = TIFFGetField(t, TIFFTAG_XRESOLUTION, &r.xres) == 1;
  TIFFGetField(t, TIFFTAG_YRESOLUTION, &r.yres);
  TIFFGetField(t, TIFFTAG_RESOLUTIONUNIT, &r.unit);
  char* software = nullptr;
  if (TIFFGetField(t, TIFFTAG_SOFTWARE, &software)) r.software = software;
  REQUIRE(bps == 8);
  r.image = overlay::Image(w, h, spp);
  for (std::uint32_t y = 0; y < h; ++y) REQUIRE(TIFFReadScanline(t, r.image.pixel(0, y), y) == 1);
  TIFFClose(t);
  return r;
}

overlay::Image random_picture(std::uint32_t w, std::uint32_t h, int channels, unsigned seed) {
  overlay::Image im(w, h, channels);
  std::mt19937 rng(seed);
  std::uint8_t v = 0;
  for (auto& p : im.pixels) {
    if (rng() % 4 == 0) v = static_cast<std::uint8_t>(rng());
    p = v;
  }
  return im;
}

}  // namespace

TEST_CASE("TIFFs read back with the same pixels for every channel count and compression",
          "[graphics][tiff]") {
  for (int channels : {1, 2, 3, 4})
    for (TiffCompression compression :
         {TiffCompression::kDeflate, TiffCompression::kLzw, TiffCompression::kNone}) {
      INFO(channels << " channels, compression " << int(compression));
      const overlay::Image im = random_picture(300, 1100, channels, 5 + channels);  // many strips
      const ReadBack r = read_tiff(encode_tiff(im, {0, compression}));
      CHECK(r.image.width == im.width);
      CHECK(r.image.height == im.height);
      CHECK(r.image.channels == channels);
      CHECK(r.image.pixels == im.pixels);
      CHECK(r.photometric == (channels <= 2 ? PHOTOMETRIC_MINISBLACK : PHOTOMETRIC_RGB));
      CHECK(r.compression == (compression == TiffCompression::kDeflate ? COMPRESSION_ADOBE_DEFLATE
                              : compression == TiffCompression::kLzw   ? COMPRESSION_LZW
                                                                       : COMPRESSION_NONE));
      if (compression != TiffCompression::kNone) CHECK(r.predictor == PREDICTOR_HORIZONTAL);
      if (channels == 2 || channels == 4)
        CHECK(r.extra_kinds == std::vector<std::uint16_t>{EXTRASAMPLE_UNASSALPHA});
      else
        CHECK(r.extra == 0);
      CHECK(r.software == std::string("imagery ") + kVersion);
      CHECK_FALSE(r.has_resolution);
    }
}

TEST_CASE("TIFF resolution tags hold the dpi in inches", "[graphics][tiff]") {
  const overlay::Image im = random_picture(8, 8, 3, 1);
  for (double dpi : {300.0, 72.0, 1234.5}) {
    const ReadBack r = read_tiff(encode_tiff(im, {dpi}));
    REQUIRE(r.has_resolution);
    CHECK(r.xres == Approx(dpi));
    CHECK(r.yres == Approx(dpi));
    CHECK(r.unit == RESUNIT_INCH);
  }
}

TEST_CASE("deflate with the predictor shrinks smooth pictures", "[graphics][tiff]") {
  overlay::Image im(256, 256, 1);
  for (std::uint32_t y = 0; y < 256; ++y)
    for (std::uint32_t x = 0; x < 256; ++x) *im.pixel(x, y) = static_cast<std::uint8_t>(x + y);
  const auto packed = encode_tiff(im, {0, TiffCompression::kDeflate});
  const auto raw = encode_tiff(im, {0, TiffCompression::kNone});
  CHECK(packed.size() * 20 < raw.size());
}

TEST_CASE("bad TIFF requests are errors", "[graphics][tiff]") {
  overlay::Image im(4, 4, 3);
  CHECK_THROWS_AS(encode_tiff(overlay::Image(0, 4, 1)), Error);
  CHECK_THROWS_AS(encode_tiff(im, {-1}), Error);
  CHECK_THROWS_AS(encode_tiff(im, {std::nan("")}), Error);
  CHECK_THROWS_AS(encode_tiff(im, {0, TiffCompression::kDeflate, 0}), Error);
  overlay::Image wrong = im;
  wrong.pixels.pop_back();
  try {
    encode_tiff(wrong);
    FAIL("accepted");
  } catch (const Error& e) {
    CHECK(e.code() == ErrorCode::kInvalidArgument);
  }
}
