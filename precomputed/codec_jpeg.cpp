#include "imagery/precomputed/internal/codec_jpeg.h"

#include <turbojpeg.h>

#include <cstring>

#include "imagery/precomputed/internal/jpeg_rows.h"

namespace imagery::precomputed {

namespace {

struct TjHandle {
  tjhandle handle;
  explicit TjHandle(bool compress) : handle(compress ? tjInitCompress() : tjInitDecompress()) {
    if (!handle) fail(ErrorCode::kInternal, "cannot initialise libturbojpeg");
  }
  ~TjHandle() { tjDestroy(handle); }
};

}  // namespace

void decode_jpeg_chunk(std::span<const std::byte> bytes, const ChunkTarget& t, int channels,
                       const std::string& name) {
  thread_local TjHandle tj(false);
  thread_local std::vector<std::uint8_t> scratch;
  int width = 0, height = 0, subsamp = 0, colorspace = 0;
  auto* src = reinterpret_cast<const unsigned char*>(bytes.data());
  if (bytes.size() > 0xffffffffu ||
      tjDecompressHeader3(tj.handle, src, static_cast<unsigned long>(bytes.size()), &width, &height,
                          &subsamp, &colorspace) != 0)
    fail(ErrorCode::kDataLoss, name + ": corrupt JPEG data (" + tjGetErrorStr2(tj.handle) + ")");
  const std::int64_t voxels = t.chunk_box.size().volume();
  if (static_cast<std::int64_t>(width) * height != voxels)
    fail(ErrorCode::kDataLoss, name + ": JPEG is " + std::to_string(width) + "x" +
                                   std::to_string(height) + " pixels, the chunk " +
                                   t.chunk_box.size().to_string() + " needs " +
                                   std::to_string(voxels));
  if ((colorspace == TJCS_GRAY) != (channels == 1))
    fail(ErrorCode::kDataLoss, name + ": JPEG has " + (colorspace == TJCS_GRAY ? "1" : "3") +
                                   " channel(s), the volume " + std::to_string(channels));
  scratch.resize(static_cast<std::size_t>(voxels) * channels);
  // CloudVolume's layout (width = x, rows = y*z): the rows a cutout needs are one run, so a thin
  // cutout (a figure's one section) decodes only those rows.
  const Bbox o = t.overlap();
  const Vec3 cs = t.chunk_box.size();
  if (channels == 1 && width == cs.x && !o.empty()) {
    const std::int64_t first = (o.min.z - t.chunk_box.min.z) * cs.y + (o.min.y - t.chunk_box.min.y);
    const std::int64_t last =
        (o.max.z - 1 - t.chunk_box.min.z) * cs.y + (o.max.y - t.chunk_box.min.y);
    if (2 * (last - first) < height) {
      decode_jpeg_grey_rows(bytes, width, height, static_cast<int>(first), static_cast<int>(last),
                            scratch.data(), name);
      copy_chunk_region(reinterpret_cast<const std::byte*>(scratch.data()), 1, t);
      return;
    }
  }
  int format = channels == 1 ? TJPF_GRAY : TJPF_RGB;
  if (tjDecompress2(tj.handle, src, static_cast<unsigned long>(bytes.size()), scratch.data(), width,
                    0, height, format,
                    // A progressive JPEG with thousands of scans would take minutes: refuse it.
                    TJFLAG_ACCURATEDCT | TJFLAG_STOPONWARNING | TJFLAG_LIMITSCANS) != 0)
    fail(ErrorCode::kDataLoss, name + ": corrupt JPEG data (" + tjGetErrorStr2(tj.handle) + ")");
  if (channels == 1)
    copy_chunk_region(reinterpret_cast<const std::byte*>(scratch.data()), 1, t);
  else
    scatter_interleaved(scratch.data(), channels, t);
}

std::vector<std::byte> encode_jpeg_chunk(const std::uint8_t* voxels, const Vec3& shape,
                                         int channels, int quality) {
  thread_local TjHandle tj(true);
  const std::int64_t n = shape.volume();
  std::vector<std::uint8_t> interleaved(static_cast<std::size_t>(n) * channels);
  for (std::int64_t i = 0; i < n; ++i)
    for (int c = 0; c < channels; ++c) interleaved[i * channels + c] = voxels[i + n * c];
  unsigned char* jpeg = nullptr;
  unsigned long size = 0;
  int rc =
      tjCompress2(tj.handle, interleaved.data(), static_cast<int>(shape.x), 0,
                  static_cast<int>(shape.y * shape.z), channels == 1 ? TJPF_GRAY : TJPF_RGB, &jpeg,
                  &size, channels == 1 ? TJSAMP_GRAY : TJSAMP_420, quality, TJFLAG_ACCURATEDCT);
  if (rc != 0)
    fail(ErrorCode::kInternal, std::string("JPEG encoding failed: ") + tjGetErrorStr2(tj.handle));
  std::vector<std::byte> out(reinterpret_cast<std::byte*>(jpeg),
                             reinterpret_cast<std::byte*>(jpeg) + size);
  tjFree(jpeg);
  return out;
}

}  // namespace imagery::precomputed
