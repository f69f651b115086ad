// Micro benchmarks: the one-core rate of each step a cutout or a figure is made of (decoding a
// chunk per encoding, compositing, resampling), each beside its floor measured in the same run:
// the underlying library alone on the very same bytes (libjpeg-turbo's tjDecompress2 with the
// accurate DCT, libdeflate's gzip inflate, libpng's simplified API), or a memcpy of the output.
// The ratio imagery/floor says what imagery's own code costs on top of work nobody can skip.
//
// Rates are medians over samples, per second of the thread's CPU time (user + system, so page
// faults count): time the thread spends preempted by other processes on the shared machine does
// not count, and imagery's and the floor's samples alternate so that what load still does (to
// caches, memory bandwidth) hits both alike. The share of wall time the thread was on a CPU is
// printed with the results. Image chunks are 128x128x16 uint8 with the content
// of the benchmark volumes (bench_volumes.h) and the volumes' codec settings (jpeg quality 85,
// gzip level 6), label chunks 64^3. Each case checks its output once before it is timed.
//
// The codecs of issue 19 on chunks of 256x256x64 (CloudVolume's usual segmentation chunk): the
// synthetic segmentation's uint32 ids and, when ../shared/fixtures is beside the checkout, a real
// pinky40 compresso chunk, each in compressed_segmentation, compresso and crackle (as CloudVolume
// writes them: 8^3 blocks; 4x4x1 windows, version 1; flat labels, no Markov model), decoded whole
// and one z-section at a time; and a uint8 image chunk in jxl (lossless, and at CloudVolume's
// default quality 85) beside libjxl's own decoder and jpeg.
#include <jxl/decode.h>
#include <libdeflate.h>
#include <png.h>
#include <turbojpeg.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "bench/common/bench_context.h"
#include "bench/common/bench_volumes.h"
#include "compresso_encoder.h"
#include "crackle_encoder.h"
#include "examples/synthetic/synthetic_em.h"
#include "imagery/client/resample.h"
#include "imagery/core/array.h"
#include "imagery/core/error.h"
#include "imagery/io/gzip.h"
#include "imagery/overlay/object_labels.h"
#include "imagery/overlay/style.h"
#include "imagery/precomputed/internal/codec_jpeg.h"
#include "imagery/precomputed/internal/codec_jxl.h"
#include "imagery/precomputed/internal/codec_png.h"
#include "imagery/precomputed/internal/codec_raw.h"
#include "imagery/precomputed/internal/compressed_segmentation.h"
#include "imagery/precomputed/internal/compresso.h"
#include "imagery/precomputed/internal/crackle.h"
#include "imagery/precomputed/internal/jpeg_rows.h"
#include "tests/support/test_support.h"

using namespace imagery;
using namespace imagery::precomputed;
using Clock = std::chrono::steady_clock;

namespace {

// One measured step and its floor; `items` voxels (or pixels) are produced per call of either.
struct Case {
  std::string name;
  std::string floor_name;
  double items = 0;
  std::function<void()> imagery;
  std::function<void()> floor;
  std::function<bool()> check;  // true when imagery's output is right (run once, untimed)
};

struct Rates {
  double median = 0, p25 = 0, p75 = 0;
};

Rates rates_of(std::vector<double> r) {
  std::sort(r.begin(), r.end());
  auto at = [&](double q) { return r[static_cast<std::size_t>(q * (r.size() - 1) + 0.5)]; };
  return {bench::median(r), at(0.25), at(0.75)};
}

struct Seconds {
  double wall = 0, cpu = 0;
};

double thread_cpu_s() {
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) / 1e9;
}

Seconds seconds_of(const std::function<void()>& fn, int calls) {
  const auto t0 = Clock::now();
  const double c0 = thread_cpu_s();
  for (int i = 0; i < calls; ++i) fn();
  return {std::chrono::duration<double>(Clock::now() - t0).count(), thread_cpu_s() - c0};
}

// Calls per sample so that a sample lasts at least `min_s`: a single call of a fast step is too
// short for the clock and for the noise of a shared machine.
int calls_per_sample(const std::function<void()>& fn, double min_s) {
  fn();  // warm caches, thread_local codec handles and the allocator
  const double one = std::max(1e-7, seconds_of(fn, 1).cpu);
  return std::max(1, static_cast<int>(std::ceil(min_s / one)));
}

// An array with every page already touched, so that page faults are not timed as decoding.
Array touched(DataType dtype, Shape4 shape) {
  Array a(dtype, shape);
  a.fill_zero();
  return a;
}

std::string bytes_per_voxel(const std::vector<std::vector<std::byte>>& chunks, double voxels) {
  std::size_t total = 0;
  for (const auto& c : chunks) total += c.size();
  char text[64];
  std::snprintf(text, sizeof text, "%.3f bytes/voxel stored", static_cast<double>(total) / voxels);
  return text;
}

// The benchmark image volume's chunks: kChunks of 128x128x16 at x 512.., y 512.., z 16..32, laid
// out 4 x 2 in one output box as a cutout would hold them.
constexpr int kChunks = 8;
const Vec3 kImageChunk{128, 128, 16};
const Bbox kImageBox{{512, 512, 16}, {1024, 768, 32}};

Bbox image_chunk_box(int i) {
  const Vec3 min{512 + 128 * (i % 4), 512 + 128 * (i / 4), 16};
  return {min, min + kImageChunk};
}

std::vector<std::uint8_t> image_chunk_voxels(int i) {
  const Bbox b = image_chunk_box(i);
  std::vector<std::uint8_t> v;
  v.reserve(static_cast<std::size_t>(kImageChunk.volume()));
  for (std::int64_t z = b.min.z; z < b.max.z; ++z)
    for (std::int64_t y = b.min.y; y < b.max.y; ++y)
      for (std::int64_t x = b.min.x; x < b.max.x; ++x) v.push_back(bench::volume_grey_at(x, y, z));
  return v;
}

// True when `out` (covering kImageBox) holds every chunk's voxels.
bool image_matches(const Array& out, const std::vector<std::vector<std::uint8_t>>& voxels) {
  for (int i = 0; i < kChunks; ++i) {
    const Bbox b = image_chunk_box(i);
    std::size_t k = 0;
    for (std::int64_t z = b.min.z; z < b.max.z; ++z)
      for (std::int64_t y = b.min.y; y < b.max.y; ++y)
        for (std::int64_t x = b.min.x; x < b.max.x; ++x)
          if (out.at<std::uint8_t>(x - kImageBox.min.x, y - kImageBox.min.y, z - kImageBox.min.z) !=
              voxels[i][k++])
            return false;
  }
  return true;
}

std::span<const std::byte> span_of(const std::vector<std::byte>& b) {
  return {b.data(), b.size()};
}

bool same_bytes(const Array& a, const Array& b) {
  return a.size_bytes() == b.size_bytes() && std::memcmp(a.bytes(), b.bytes(), a.size_bytes()) == 0;
}

struct TjDecompressor {
  tjhandle handle = tjInitDecompress();
  ~TjDecompressor() { tjDestroy(handle); }
};

struct Deflate {
  libdeflate_decompressor* d = libdeflate_alloc_decompressor();
  ~Deflate() { libdeflate_free_decompressor(d); }
};

// libpng's own decoder (its simplified API) into a caller's buffer of w x h grey pixels.
void libpng_decode_grey(const std::vector<std::byte>& png, std::uint8_t* pixels) {
  png_image image;
  std::memset(&image, 0, sizeof image);
  image.version = PNG_IMAGE_VERSION;
  if (!png_image_begin_read_from_memory(&image, png.data(), png.size()))
    fail(ErrorCode::kInternal, "libpng cannot read the benchmark's PNG");
  image.format = PNG_FORMAT_GRAY;
  if (!png_image_finish_read(&image, nullptr, pixels, 0, nullptr))
    fail(ErrorCode::kInternal, "libpng cannot decode the benchmark's PNG");
}

// libjxl's own decoder on a grey picture, into `pixels` (the floor of the jxl cases).
void libjxl_decode_grey(const std::vector<std::byte>& jxl, std::uint8_t* pixels, std::size_t n) {
  static JxlDecoder* dec = JxlDecoderCreate(nullptr);
  JxlDecoderReset(dec);
  JxlDecoderSubscribeEvents(dec, JXL_DEC_FULL_IMAGE);
  JxlDecoderSetInput(dec, reinterpret_cast<const std::uint8_t*>(jxl.data()), jxl.size());
  JxlDecoderCloseInput(dec);
  const JxlPixelFormat format{1, JXL_TYPE_UINT8, JXL_NATIVE_ENDIAN, 0};
  for (;;) {
    const JxlDecoderStatus st = JxlDecoderProcessInput(dec);
    if (st == JXL_DEC_NEED_IMAGE_OUT_BUFFER)
      JxlDecoderSetImageOutBuffer(dec, &format, pixels, n);
    else if (st == JXL_DEC_SUCCESS || st == JXL_DEC_FULL_IMAGE)
      return;
    else
      fail(ErrorCode::kInternal, "libjxl cannot decode the benchmark's chunk");
  }
}

constexpr std::int64_t kBig = 256, kBigZ = 64;
const Vec3 kBigChunk{kBig, kBig, kBigZ};
const Bbox kBigBox{{0, 0, 0}, kBigChunk};

// One 256x256x64 uint32 label chunk in the three label encodings.
struct BigLabels {
  std::string name;
  Array labels;
  std::vector<std::byte> cseg, compresso, crackle;
};

// Shared state of the cases (they capture references to it).
struct Data {
  std::vector<BigLabels> big;
  Array big_out;
  std::vector<std::uint8_t> grey_big;  // the image chunk of the jxl cases
  std::vector<std::byte> jxl_lossless, jxl_q85, jpeg_big;
  Array grey_out;
  std::vector<std::uint8_t> grey_scratch;
  // Image chunks, their voxels and the cutout they decode into.
  std::vector<std::vector<std::uint8_t>> voxels;
  std::vector<std::vector<std::byte>> raw, gzip, jpeg, png;
  Array image_out;
  std::vector<std::uint8_t> scratch;  // one decoded chunk, for the floors
  std::vector<std::uint8_t> memcpy_dst;
  // Label chunks: 4 of 64^3 uint32 and uint64 (2 x 2 in x, y), and kChunks of the seg_cseg volume's
  // own 128x128x16 uint64 chunks, gzip'd as stored there.
  std::vector<std::vector<std::uint32_t>> labels32;
  std::vector<std::vector<std::uint64_t>> labels64, seg_voxels;
  std::vector<std::vector<std::byte>> cseg32, cseg64, seg_cseg_gz;
  Array labels32_out, labels64_out, seg_out;
  // Compositor inputs and resampler input.
  Array composite_seg, composite_img;
  std::size_t objects = 0;
  Array resample_src;
};

constexpr int kLabelChunk = 64;
const Bbox kLabelBox{{0, 0, 0}, {2 * kLabelChunk, 2 * kLabelChunk, kLabelChunk}};
Bbox label_chunk_box(int i) {
  const Vec3 min{kLabelChunk * (i % 2), kLabelChunk * (i / 2), 0};
  return {min, min + Vec3{kLabelChunk, kLabelChunk, kLabelChunk}};
}

template <class T>
bool labels_match(const Array& out, const std::vector<std::vector<T>>& labels,
                  const std::function<Bbox(int)>& box_of, const Bbox& out_box) {
  for (std::size_t i = 0; i < labels.size(); ++i) {
    const Bbox b = box_of(static_cast<int>(i));
    std::size_t k = 0;
    for (std::int64_t z = b.min.z; z < b.max.z; ++z)
      for (std::int64_t y = b.min.y; y < b.max.y; ++y)
        for (std::int64_t x = b.min.x; x < b.max.x; ++x)
          if (out.at<T>(x - out_box.min.x, y - out_box.min.y, z - out_box.min.z) != labels[i][k++])
            return false;
  }
  return true;
}

void make_data(Data& d) {
  for (int i = 0; i < kChunks; ++i) {
    d.voxels.push_back(image_chunk_voxels(i));
    const auto* v = d.voxels.back().data();
    const auto* vb = reinterpret_cast<const std::byte*>(v);
    d.raw.emplace_back(vb, vb + d.voxels.back().size());
    d.gzip.push_back(io::gzip_compress(span_of(d.raw.back()), 6));
    d.jpeg.push_back(encode_jpeg_chunk(v, kImageChunk, 1, 85));
    d.png.push_back(encode_png_chunk(vb, DataType::kUint8, kImageChunk, 1, 6));
  }
  const Vec3 is = kImageBox.size();
  d.image_out = touched(DataType::kUint8, {is.x, is.y, is.z, 1});
  d.scratch.resize(static_cast<std::size_t>(kImageChunk.volume()));

  for (int i = 0; i < 4; ++i) {
    const Bbox b = label_chunk_box(i);
    std::vector<std::uint64_t> l64;
    for (std::int64_t z = b.min.z; z < b.max.z; ++z)
      for (std::int64_t y = b.min.y; y < b.max.y; ++y)
        for (std::int64_t x = b.min.x; x < b.max.x; ++x)
          l64.push_back(bench::volume_label_at(x, y, z));
    // uint32 labels: the low words of the volume's ids (distinct cells stay distinct).
    std::vector<std::uint32_t> l32(l64.begin(), l64.end());
    const Vec3 shape{kLabelChunk, kLabelChunk, kLabelChunk};
    d.cseg32.push_back(encode_compressed_segmentation(
        reinterpret_cast<const std::byte*>(l32.data()), DataType::kUint32, shape, 1, {8, 8, 8}));
    d.cseg64.push_back(encode_compressed_segmentation(
        reinterpret_cast<const std::byte*>(l64.data()), DataType::kUint64, shape, 1, {8, 8, 8}));
    d.labels32.push_back(std::move(l32));
    d.labels64.push_back(std::move(l64));
  }
  const Vec3 ls = kLabelBox.size();
  d.labels32_out = touched(DataType::kUint32, {ls.x, ls.y, ls.z, 1});
  d.labels64_out = touched(DataType::kUint64, {ls.x, ls.y, ls.z, 1});

  // seg_cseg's chunks sit at the same places as the image's, at the label volume's resolution.
  for (int i = 0; i < kChunks; ++i) {
    const Bbox b = image_chunk_box(i);
    std::vector<std::uint64_t> l;
    for (std::int64_t z = b.min.z; z < b.max.z; ++z)
      for (std::int64_t y = b.min.y; y < b.max.y; ++y)
        for (std::int64_t x = b.min.x; x < b.max.x; ++x)
          l.push_back(bench::volume_label_at(x, y, z));
    const auto cseg = encode_compressed_segmentation(reinterpret_cast<const std::byte*>(l.data()),
                                                     DataType::kUint64, kImageChunk, 1, {8, 8, 8});
    d.seg_cseg_gz.push_back(io::gzip_compress(span_of(cseg), 6));
    d.seg_voxels.push_back(std::move(l));
  }
  d.seg_out = touched(DataType::kUint64, {is.x, is.y, is.z, 1});

  // The compositor's reference case: 1024 x 1024, about 50 cells of the synthetic generator (cells
  // of 170 pixels), over its EM-like grey image.
  constexpr std::int64_t kPicture = 1024;
  constexpr double kCell = 170.0;
  d.composite_seg = Array(DataType::kUint64, {kPicture, kPicture, 1, 1});
  d.composite_img = Array(DataType::kUint8, {kPicture, kPicture, 1, 1});
  for (std::int64_t y = 0; y < kPicture; ++y)
    for (std::int64_t x = 0; x < kPicture; ++x) {
      d.composite_seg.at<std::uint64_t>(x, y, 0) = synthetic::label_at(x, y, 0, kCell);
      d.composite_img.at<std::uint8_t>(x, y, 0) = synthetic::grey_at(x, y, 0, 1, kCell);
    }
  d.objects = overlay::ObjectLabels::split(d.composite_seg).object_count();

  // The client's resampling of a segmentation onto an image grid twice as fine in x and y.
  d.resample_src = Array(DataType::kUint64, {512, 512, 16, 1});
  for (std::int64_t z = 0; z < 16; ++z)
    for (std::int64_t y = 0; y < 512; ++y)
      for (std::int64_t x = 0; x < 512; ++x)
        d.resample_src.at<std::uint64_t>(x, y, z) = bench::volume_label_at(x, y, z);

  // The 256x256x64 label chunks.
  auto add_big = [&d](std::string name, Array labels) {
    BigLabels b;
    b.name = std::move(name);
    b.cseg =
        encode_compressed_segmentation(labels.bytes(), DataType::kUint32, kBigChunk, 1, {8, 8, 8});
    try {
      b.compresso = testing::encode_compresso(labels);
    } catch (const Error&) {  // CloudVolume's fallback when 4x4x1 windows cannot be numbered
      testing::CompressoOptions o;
      o.xstep = o.ystep = 8;
      b.compresso = testing::encode_compresso(labels, o);
    }
    b.crackle = testing::encode_crackle(labels);
    b.labels = std::move(labels);
    d.big.push_back(std::move(b));
  };
  Array synthetic_labels(DataType::kUint32, {kBig, kBig, kBigZ, 1});
  for (std::int64_t z = 0; z < kBigZ; ++z)
    for (std::int64_t y = 0; y < kBig; ++y)
      for (std::int64_t x = 0; x < kBig; ++x)
        synthetic_labels.at<std::uint32_t>(x, y, z) =
            static_cast<std::uint32_t>(bench::volume_label_at(x, y, z));
  add_big("synthetic", std::move(synthetic_labels));
#ifdef IMAGERY_BENCH_PINKY40_CHUNK
  {
    const Bytes stored = io::gunzip(testing::read_file(IMAGERY_BENCH_PINKY40_CHUNK), "pinky40");
    Array real(DataType::kUint32, {kBig, kBig, kBigZ, 1});
    decode_compresso_chunk(stored, ChunkTarget{&real, kBigBox, kBigBox}, "pinky40");
    add_big("pinky40", std::move(real));
    d.big.back().compresso.assign(stored.begin(), stored.end());  // the real stream itself
  }
#endif
  d.big_out = touched(DataType::kUint32, {kBig, kBig, kBigZ, 1});

  d.grey_big.resize(static_cast<std::size_t>(kBigChunk.volume()));
  for (std::int64_t z = 0, i = 0; z < kBigZ; ++z)
    for (std::int64_t y = 0; y < kBig; ++y)
      for (std::int64_t x = 0; x < kBig; ++x, ++i)
        d.grey_big[static_cast<std::size_t>(i)] = bench::volume_grey_at(x, y, z);
  const auto* grey = reinterpret_cast<const std::byte*>(d.grey_big.data());
  // CloudVolume's defaults: effort 5; level 85 -> distance 0.1 + 0.09 * (100 - 85) = 1.45.
  d.jxl_lossless = encode_jxl_chunk(grey, DataType::kUint8, kBigChunk, 1, true, 0, 5);
  d.jxl_q85 = encode_jxl_chunk(grey, DataType::kUint8, kBigChunk, 1, false, 1.45f, 5);
  d.jpeg_big = encode_jpeg_chunk(d.grey_big.data(), kBigChunk, 1, 85);
  d.grey_out = touched(DataType::kUint8, {kBig, kBig, kBigZ, 1});
  d.grey_scratch.resize(d.grey_big.size());
}

// Fills the decoders' outputs with a pattern no case writes, so a check cannot pass on what an
// earlier case left there.
void poison_outputs(Data& d) {
  for (Array* a :
       {&d.image_out, &d.labels32_out, &d.labels64_out, &d.seg_out, &d.big_out, &d.grey_out})
    std::memset(a->bytes(), 0xab, a->size_bytes());
}

std::vector<Case> make_cases(Data& d) {
  static TjDecompressor tj;
  static Deflate deflate;
  const double image_voxels = static_cast<double>(kChunks * kImageChunk.volume());
  const double label_voxels = 4.0 * kLabelChunk * kLabelChunk * kLabelChunk;
  auto memcpy_floor = [&d](std::size_t bytes) {
    d.memcpy_dst.resize(std::max(d.memcpy_dst.size(), 2 * bytes));
    std::memset(d.memcpy_dst.data(), 1, d.memcpy_dst.size());  // touch every page now
    return [&d, bytes] {
      std::memcpy(d.memcpy_dst.data(), d.memcpy_dst.data() + bytes, bytes);
      // Keep the copy from being optimised away.
      asm volatile("" : : "r"(d.memcpy_dst.data()) : "memory");
    };
  };
  auto image_target = [&d](int i) {
    return ChunkTarget{&d.image_out, kImageBox, image_chunk_box(i)};
  };
  auto tj_decode = [&d](int i) {
    const auto& j = d.jpeg[i];
    if (tjDecompress2(tj.handle, reinterpret_cast<const unsigned char*>(j.data()), j.size(),
                      d.scratch.data(), 128, 0, 128 * 16, TJPF_GRAY, TJFLAG_ACCURATEDCT) != 0)
      fail(ErrorCode::kInternal, tjGetErrorStr2(tj.handle));
  };
  auto image_ok = [&d] { return image_matches(d.image_out, d.voxels); };

  std::vector<Case> cases;
  cases.push_back({"raw uint8 128x128x16", "memcpy of the output", image_voxels,
                   [&d, image_target] {
                     for (int i = 0; i < kChunks; ++i)
                       decode_raw_chunk(span_of(d.raw[i]), image_target(i), 1, "raw");
                   },
                   memcpy_floor(static_cast<std::size_t>(image_voxels)), image_ok});
  cases.push_back({"raw+gzip uint8 128x128x16", "libdeflate_gzip_decompress", image_voxels,
                   [&d, image_target] {
                     for (int i = 0; i < kChunks; ++i) {
                       const Bytes b = io::gunzip(span_of(d.gzip[i]), "gzip", d.raw[i].size());
                       decode_raw_chunk(b, image_target(i), 1, "gzip");
                     }
                   },
                   [&d] {
                     for (int i = 0; i < kChunks; ++i) {
                       std::size_t n = 0;
                       if (libdeflate_gzip_decompress(deflate.d, d.gzip[i].data(), d.gzip[i].size(),
                                                      d.scratch.data(), d.scratch.size(),
                                                      &n) != LIBDEFLATE_SUCCESS)
                         fail(ErrorCode::kInternal, "libdeflate failed");
                     }
                   },
                   image_ok});
  cases.push_back({"jpeg uint8 128x128x16", "tjDecompress2 (accurate DCT)", image_voxels,
                   [&d, image_target] {
                     for (int i = 0; i < kChunks; ++i)
                       decode_jpeg_chunk(span_of(d.jpeg[i]), image_target(i), 1, "jpeg");
                   },
                   [tj_decode] {
                     for (int i = 0; i < kChunks; ++i) tj_decode(i);
                   },
                   [&d, tj_decode, image_target] {
                     // Bit-identical to libjpeg-turbo's own decode of the same chunk.
                     for (int i = 0; i < kChunks; ++i) {
                       decode_jpeg_chunk(span_of(d.jpeg[i]), image_target(i), 1, "jpeg");
                       tj_decode(i);
                       const Bbox b = image_chunk_box(i);
                       for (std::int64_t k = 0; k < kImageChunk.volume(); ++k) {
                         const std::int64_t x = k % 128, y = (k / 128) % 128, z = k / (128 * 128);
                         if (d.image_out.at<std::uint8_t>(b.min.x - kImageBox.min.x + x,
                                                          b.min.y - kImageBox.min.y + y, z) !=
                             d.scratch[static_cast<std::size_t>(k)])
                           return false;
                       }
                     }
                     return true;
                   }});
  // A figure's chunk: one z section (rows 1024..1152 of 2048), the rest of the stream entropy-
  // decoded but not transformed. The floor decodes the whole chunk to get the same section.
  cases.push_back(
      {"jpeg 1 z-section (jpeg_rows)", "tjDecompress2 of the whole chunk", kChunks * 128.0 * 128.0,
       [&d] {
         for (int i = 0; i < kChunks; ++i)
           decode_jpeg_grey_rows(span_of(d.jpeg[i]), 128, 2048, 1024, 1152, d.scratch.data(),
                                 "jpeg");
       },
       [tj_decode] {
         for (int i = 0; i < kChunks; ++i) tj_decode(i);
       },
       [&d, tj_decode] {
         tj_decode(0);
         const std::vector<std::uint8_t> full = d.scratch;
         std::fill(d.scratch.begin(), d.scratch.end(), 0);
         decode_jpeg_grey_rows(span_of(d.jpeg[0]), 128, 2048, 1024, 1152, d.scratch.data(), "jpeg");
         return std::equal(full.begin() + 1024 * 128, full.begin() + 1152 * 128,
                           d.scratch.begin() + 1024 * 128);
       }});
  cases.push_back({"png uint8 128x128x16", "libpng simplified API", image_voxels,
                   [&d, image_target] {
                     for (int i = 0; i < kChunks; ++i)
                       decode_png_chunk(span_of(d.png[i]), image_target(i), 1, "png");
                   },
                   [&d] {
                     for (int i = 0; i < kChunks; ++i)
                       libpng_decode_grey(d.png[i], d.scratch.data());
                   },
                   image_ok});
  auto cseg_case = [&](const char* name, std::vector<std::vector<std::byte>>& chunks, Array& out,
                       std::function<bool()> ok) {
    return Case{name,
                "memcpy of the output",
                label_voxels,
                [&chunks, &out] {
                  for (int i = 0; i < 4; ++i)
                    decode_compressed_segmentation_chunk(
                        span_of(chunks[i]), ChunkTarget{&out, kLabelBox, label_chunk_box(i)}, 1,
                        {8, 8, 8}, "cseg");
                },
                memcpy_floor(out.size_bytes()),
                std::move(ok)};
  };
  cases.push_back(cseg_case("cseg uint32 64^3", d.cseg32, d.labels32_out, [&d] {
    return labels_match(d.labels32_out, d.labels32, label_chunk_box, kLabelBox);
  }));
  cases.push_back(cseg_case("cseg uint64 64^3", d.cseg64, d.labels64_out, [&d] {
    return labels_match(d.labels64_out, d.labels64, label_chunk_box, kLabelBox);
  }));
  // The chunks of bench/local_cutout's segmentation case, decoded as Volume::download does.
  cases.push_back(
      {"cseg+gzip uint64 128x128x16", "memcpy of the output", image_voxels,
       [&d] {
         for (int i = 0; i < kChunks; ++i) {
           const Bytes b = io::gunzip(span_of(d.seg_cseg_gz[i]), "gzip");
           decode_compressed_segmentation_chunk(
               b, ChunkTarget{&d.seg_out, kImageBox, image_chunk_box(i)}, 1, {8, 8, 8}, "cseg");
         }
       },
       memcpy_floor(d.seg_out.size_bytes()),
       [&d] { return labels_match(d.seg_out, d.seg_voxels, image_chunk_box, kImageBox); }});

  auto composite = [&d](bool outline) {
    return [&d, outline] {
      overlay::OverlayStyle style;
      style.composite.alpha = 0.4;
      style.composite.outline = outline;
      style.composite.width = 3;
      const auto pictures = overlay::composite_overlay(d.composite_seg, &d.composite_img, style,
                                                       /*three_d=*/false);
      if (pictures.size() != 1 || pictures[0].width != 1024)
        fail(ErrorCode::kInternal, "unexpected picture");
    };
  };
  const double pixels = 1024.0 * 1024.0;
  cases.push_back({"composite fill 1024^2", "memcpy of the RGBA output", pixels, composite(false),
                   memcpy_floor(1024 * 1024 * 4), nullptr});
  cases.push_back({"composite outline w3 1024^2", "memcpy of the RGBA output", pixels,
                   composite(true), memcpy_floor(1024 * 1024 * 4), nullptr});

  // 512x512x16 at 16x16x40 nm onto 1024x1024x16 at 8x8x40 nm. The output is a new 128 MiB array
  // each call, as the client makes it: its page faults are part of imagery's time, not the floor's.
  cases.push_back({"resample_nearest 2x uint64", "memcpy of the output", 1024.0 * 1024 * 16,
                   [&d] {
                     const Array a = client::resample_nearest(
                         d.resample_src, {{0, 0, 0}, {512, 512, 16}}, {16, 16, 40},
                         {{0, 0, 0}, {1024, 1024, 16}}, {8, 8, 40});
                     asm volatile("" : : "r"(a.bytes()) : "memory");
                   },
                   memcpy_floor(std::size_t{1024} * 1024 * 16 * 8),
                   [&d] {
                     const Array a = client::resample_nearest(
                         d.resample_src, {{0, 0, 0}, {512, 512, 16}}, {16, 16, 40},
                         {{0, 0, 0}, {1024, 1024, 16}}, {8, 8, 40});
                     for (std::int64_t z = 0; z < 16; z += 5)
                       for (std::int64_t y = 0; y < 1024; y += 7)
                         for (std::int64_t x = 0; x < 1024; x += 3)
                           if (a.at<std::uint64_t>(x, y, z) !=
                               d.resample_src.at<std::uint64_t>(x / 2, y / 2, z))
                             return false;
                     return true;
                   }});

  // The label codecs on 256x256x64 chunks, whole and one z-section (a figure's read).
  const double big_voxels = static_cast<double>(kBigChunk.volume());
  for (const BigLabels& b : d.big) {
    auto whole_ok = [&d, &b] { return same_bytes(d.big_out, b.labels); };
    const ChunkTarget whole{&d.big_out, kBigBox, kBigBox};
    cases.push_back(
        {"cseg uint32 256x256x64 " + b.name, "memcpy of the output", big_voxels,
         [&b, whole] {
           decode_compressed_segmentation_chunk(span_of(b.cseg), whole, 1, {8, 8, 8}, "cseg");
         },
         memcpy_floor(d.big_out.size_bytes()), whole_ok});
    cases.push_back({"compresso uint32 256x256x64 " + b.name, "memcpy of the output", big_voxels,
                     [&b, whole] { decode_compresso_chunk(span_of(b.compresso), whole, "cpso"); },
                     memcpy_floor(d.big_out.size_bytes()), whole_ok});
    cases.push_back({"crackle uint32 256x256x64 " + b.name, "memcpy of the output", big_voxels,
                     [&b, whole] { decode_crackle_chunk(span_of(b.crackle), whole, "crkl"); },
                     memcpy_floor(d.big_out.size_bytes()), whole_ok});
    // One z-section (32) into a 256x256x1 cutout: what a figure reads of each chunk.
    const Bbox section{{0, 0, 32}, {kBig, kBig, 33}};
    const ChunkTarget one{&d.big_out, section, kBigBox};
    auto section_ok = [&d, &b] {
      for (std::int64_t y = 0; y < kBig; ++y)
        for (std::int64_t x = 0; x < kBig; ++x)
          if (d.big_out.data<std::uint32_t>()[x + kBig * y] != b.labels.at<std::uint32_t>(x, y, 32))
            return false;
      return true;
    };
    const double section_voxels = static_cast<double>(kBig * kBig);
    cases.push_back(
        {"cseg 1 z-section " + b.name, "memcpy of the output", section_voxels,
         [&b, one] {
           decode_compressed_segmentation_chunk(span_of(b.cseg), one, 1, {8, 8, 8}, "cseg");
         },
         memcpy_floor(kBig * kBig * 4), section_ok});
    cases.push_back({"compresso 1 z-section " + b.name, "memcpy of the output", section_voxels,
                     [&b, one] { decode_compresso_chunk(span_of(b.compresso), one, "cpso"); },
                     memcpy_floor(kBig * kBig * 4), section_ok});
    cases.push_back({"crackle 1 z-section " + b.name, "memcpy of the output", section_voxels,
                     [&b, one] { decode_crackle_chunk(span_of(b.crackle), one, "crkl"); },
                     memcpy_floor(kBig * kBig * 4), section_ok});
  }
  // jxl against libjxl alone, and jpeg q85 of the same chunk for comparison.
  const ChunkTarget grey_whole{&d.grey_out, kBigBox, kBigBox};
  auto grey_exact = [&d] {
    return std::memcmp(d.grey_out.bytes(), d.grey_big.data(), d.grey_big.size()) == 0;
  };
  cases.push_back(
      {"jxl lossless uint8 256x256x64", "libjxl JxlDecoder alone", big_voxels,
       [&d, grey_whole] { decode_jxl_chunk(span_of(d.jxl_lossless), grey_whole, 1, "jxl"); },
       [&d] { libjxl_decode_grey(d.jxl_lossless, d.grey_scratch.data(), d.grey_scratch.size()); },
       grey_exact});
  cases.push_back(
      {"jxl q85 uint8 256x256x64", "libjxl JxlDecoder alone", big_voxels,
       [&d, grey_whole] { decode_jxl_chunk(span_of(d.jxl_q85), grey_whole, 1, "jxl"); },
       [&d] { libjxl_decode_grey(d.jxl_q85, d.grey_scratch.data(), d.grey_scratch.size()); },
       [&d] {
         // Lossy: the same pixels as libjxl's own decode.
         libjxl_decode_grey(d.jxl_q85, d.grey_scratch.data(), d.grey_scratch.size());
         return std::memcmp(d.grey_out.bytes(), d.grey_scratch.data(), d.grey_scratch.size()) == 0;
       }});
  cases.push_back(
      {"jpeg q85 uint8 256x256x64", "tjDecompress2 (accurate DCT)", big_voxels,
       [&d, grey_whole] { decode_jpeg_chunk(span_of(d.jpeg_big), grey_whole, 1, "jpeg"); },
       [&d] {
         if (tjDecompress2(tj.handle, reinterpret_cast<const unsigned char*>(d.jpeg_big.data()),
                           d.jpeg_big.size(), d.grey_scratch.data(), kBig, 0, kBig * kBigZ,
                           TJPF_GRAY, TJFLAG_ACCURATEDCT) != 0)
           fail(ErrorCode::kInternal, tjGetErrorStr2(tj.handle));
       },
       nullptr});
  return cases;
}

}  // namespace

int main(int argc, char** argv) {
  const int samples = argc > 1 ? std::max(3, std::atoi(argv[1])) : 15;
  const double min_sample_s = (argc > 2 ? std::max(1.0, std::atof(argv[2])) : 25.0) / 1000.0;
  const std::string filter = argc > 3 ? argv[3] : "";
  bench::print_bench_context("micro");
  Data data;
  make_data(data);
  std::vector<Case> cases = make_cases(data);

  std::printf("one thread; %d samples per case of >= %.0f ms each, imagery and floor alternating\n",
              samples, min_sample_s * 1000);
  std::printf("image chunks: %d x 128x128x16 uint8; jpeg q85 %s, png level 6 %s, gzip level 6 %s\n",
              kChunks, bytes_per_voxel(data.jpeg, kChunks * 262144.0).c_str(),
              bytes_per_voxel(data.png, kChunks * 262144.0).c_str(),
              bytes_per_voxel(data.gzip, kChunks * 262144.0).c_str());
  std::printf(
      "label chunks: 4 x 64^3, 8^3 blocks; cseg uint32 %s, uint64 %s; seg_cseg's %d "
      "128x128x16 uint64 gzip'd %s\n",
      bytes_per_voxel(data.cseg32, 4 * 262144.0).c_str(),
      bytes_per_voxel(data.cseg64, 4 * 262144.0).c_str(), kChunks,
      bytes_per_voxel(data.seg_cseg_gz, kChunks * 262144.0).c_str());
  std::printf("compositor: 1024x1024 uint64 labels with %zu objects over uint8 imagery\n",
              data.objects);
  for (const BigLabels& b : data.big)
    std::printf("256x256x64 uint32 %s labels: cseg %s, compresso %s, crackle %s\n", b.name.c_str(),
                bytes_per_voxel({b.cseg}, 4194304.0).c_str(),
                bytes_per_voxel({b.compresso}, 4194304.0).c_str(),
                bytes_per_voxel({b.crackle}, 4194304.0).c_str());
  std::printf("256x256x64 uint8 image: jxl lossless %s, jxl q85 %s, jpeg q85 %s\n",
              bytes_per_voxel({data.jxl_lossless}, 4194304.0).c_str(),
              bytes_per_voxel({data.jxl_q85}, 4194304.0).c_str(),
              bytes_per_voxel({data.jpeg_big}, 4194304.0).c_str());
  std::printf(
      "rates in megavoxels (or megapixels) of output per CPU second; spread = interquartile "
      "range / median of imagery's samples\n\n");
  std::printf("%-30s %10s %7s  %-32s %10s %7s\n", "case", "imagery", "spread", "floor", "floor",
              "ratio");
  int failures = 0;
  double wall = 0, cpu = 0;
  for (Case& c : cases) {
    if (!filter.empty() && c.name.find(filter) == std::string::npos) continue;
    poison_outputs(data);
    c.imagery();
    if (c.check && !c.check()) {
      std::printf("%-30s WRONG OUTPUT\n", c.name.c_str());
      ++failures;
      continue;
    }
    const int calls = calls_per_sample(c.imagery, min_sample_s);
    const int floor_calls = calls_per_sample(c.floor, min_sample_s);
    std::vector<double> mine, floor;
    for (int s = 0; s < samples; ++s) {
      const Seconds a = seconds_of(c.imagery, calls), b = seconds_of(c.floor, floor_calls);
      mine.push_back(c.items * calls / a.cpu / 1e6);
      floor.push_back(c.items * floor_calls / b.cpu / 1e6);
      wall += a.wall + b.wall;
      cpu += a.cpu + b.cpu;
    }
    const Rates m = rates_of(mine), f = rates_of(floor);
    std::printf("%-30s %10.1f %6.0f%%  %-32s %10.1f %7.2f\n", c.name.c_str(), m.median,
                100.0 * (m.p75 - m.p25) / m.median, c.floor_name.c_str(), f.median,
                m.median / f.median);
    std::fflush(stdout);
  }
  // Below 100%, other processes held the CPU for the rest: the rates (per CPU second) still
  // hold, less so the more of it there was (shared caches and memory bandwidth).
  if (wall > 0)
    std::printf("\nthe benchmark's thread was on a CPU %.0f%% of the wall time\n",
                100.0 * cpu / wall);
  return failures == 0 ? 0 : 1;
}
