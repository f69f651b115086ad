#include "imagery/precomputed/internal/codec_jxl.h"

#include <jxl/decode.h>
#include <jxl/encode.h>

#include <cstring>
#include <memory>

namespace imagery::precomputed {

namespace {

struct DecoderDeleter {
  void operator()(JxlDecoder* d) const { JxlDecoderDestroy(d); }
};
struct EncoderDeleter {
  void operator()(JxlEncoder* e) const { JxlEncoderDestroy(e); }
};

[[noreturn]] void corrupt(const std::string& name, const std::string& what) {
  fail(ErrorCode::kDataLoss, name + ": " + what);
}

}  // namespace

void decode_jxl_chunk(std::span<const std::byte> bytes, const ChunkTarget& t, int channels,
                      const std::string& name) {
  // One decoder per thread, reset for each chunk (creating one costs more than a small chunk).
  thread_local std::unique_ptr<JxlDecoder, DecoderDeleter> decoder(JxlDecoderCreate(nullptr));
  thread_local std::vector<std::byte> scratch;
  JxlDecoder* dec = decoder.get();
  if (!dec) fail(ErrorCode::kInternal, "cannot create a JPEG XL decoder");
  // libjxl prints some refusals (a wrong signature, input closed too early) on stderr: those are
  // caught before it sees them, so that a bad chunk stays one line of error.
  const JxlSignature signature =
      JxlSignatureCheck(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
  if (signature != JXL_SIG_CODESTREAM && signature != JXL_SIG_CONTAINER)
    corrupt(name, signature == JXL_SIG_NOT_ENOUGH_BYTES
                      ? "truncated JPEG XL data"
                      : "not JPEG XL data (no JPEG XL signature)");
  JxlDecoderReset(dec);
  const int want_bits = static_cast<int>(t.out->element_size()) * 8;
  if (JxlDecoderSubscribeEvents(dec, JXL_DEC_BASIC_INFO | JXL_DEC_FRAME | JXL_DEC_FULL_IMAGE) !=
          JXL_DEC_SUCCESS ||
      JxlDecoderSetKeepOrientation(dec, JXL_TRUE) != JXL_DEC_SUCCESS ||
      JxlDecoderSetInput(dec, reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()) !=
          JXL_DEC_SUCCESS)
    fail(ErrorCode::kInternal, name + ": cannot set up the JPEG XL decoder");
  // The input is left open: at its end the decoder asks for more, which is how a truncated
  // chunk shows.

  const std::int64_t voxels = t.chunk_box.size().volume();
  JxlPixelFormat format{1, want_bits == 8 ? JXL_TYPE_UINT8 : JXL_TYPE_UINT16, JXL_NATIVE_ENDIAN, 0};
  int frames = 0;       // frames begun
  int frames_done = 0;  // frames decoded
  bool interleaved = false;
  const std::size_t frame_bytes = static_cast<std::size_t>(voxels) * t.out->element_size();
  for (;;) {
    const JxlDecoderStatus status = JxlDecoderProcessInput(dec);
    if (status == JXL_DEC_ERROR) corrupt(name, "corrupt JPEG XL data");
    if (status == JXL_DEC_NEED_MORE_INPUT) corrupt(name, "truncated JPEG XL data");
    if (status == JXL_DEC_SUCCESS) break;
    if (status == JXL_DEC_BASIC_INFO) {
      JxlBasicInfo info;
      if (JxlDecoderGetBasicInfo(dec, &info) != JXL_DEC_SUCCESS)
        corrupt(name, "corrupt JPEG XL header");
      if (static_cast<std::uint64_t>(info.xsize) * info.ysize != static_cast<std::uint64_t>(voxels))
        corrupt(name, "JPEG XL picture is " + std::to_string(info.xsize) + "x" +
                          std::to_string(info.ysize) + " pixels, the chunk " +
                          t.chunk_box.size().to_string() + " needs " + std::to_string(voxels));
      if (info.exponent_bits_per_sample != 0 || static_cast<int>(info.bits_per_sample) != want_bits)
        corrupt(name, "JPEG XL picture has " + std::to_string(info.bits_per_sample) + "-bit " +
                          (info.exponent_bits_per_sample ? "floating-point " : "") +
                          "samples, the volume's " + std::string(dtype_name(t.out->dtype())) +
                          " needs " + std::to_string(want_bits) + "-bit integers");
      if (info.num_extra_channels != 0 || info.alpha_bits != 0)
        corrupt(name, "JPEG XL picture has alpha or extra channels (" +
                          std::to_string(info.num_extra_channels) + "), the volume has none");
      interleaved = info.num_color_channels == 3;
      if (interleaved && channels != 3)
        corrupt(name, "JPEG XL picture is in colour, the volume has " + std::to_string(channels) +
                          " channel(s)");
      format.num_channels = info.num_color_channels;
      scratch.resize(frame_bytes * static_cast<std::size_t>(channels));
    } else if (status == JXL_DEC_FRAME) {
      if (++frames > (interleaved ? 1 : channels))
        corrupt(name, "JPEG XL picture has more frames than the volume's " +
                          std::to_string(channels) + " channel(s)");
    } else if (status == JXL_DEC_NEED_IMAGE_OUT_BUFFER) {
      std::size_t size = 0;
      const std::size_t want = interleaved ? frame_bytes * 3 : frame_bytes;
      if (JxlDecoderImageOutBufferSize(dec, &format, &size) != JXL_DEC_SUCCESS || size != want)
        corrupt(name, "JPEG XL frame does not have the chunk's size");
      if (JxlDecoderSetImageOutBuffer(
              dec, &format, scratch.data() + frame_bytes * static_cast<std::size_t>(frames - 1),
              size) != JXL_DEC_SUCCESS)
        corrupt(name, "JPEG XL frame cannot be decoded");
    } else if (status == JXL_DEC_FULL_IMAGE) {
      ++frames_done;
    } else {
      corrupt(name, "unexpected JPEG XL decoder event " + std::to_string(status));
    }
  }
  if (frames_done != (interleaved ? 1 : channels))
    corrupt(name, "JPEG XL picture has " + std::to_string(frames_done) + " frame(s), the volume " +
                      std::to_string(channels) + " channel(s)");
  if (!interleaved) {
    copy_chunk_region(scratch.data(), channels, t);
  } else if (want_bits == 8) {
    scatter_interleaved(reinterpret_cast<const std::uint8_t*>(scratch.data()), 3, t);
  } else {
    scatter_interleaved(reinterpret_cast<const std::uint16_t*>(scratch.data()), 3, t);
  }
}

std::vector<std::byte> encode_jxl_chunk(const std::byte* voxels, DataType dtype, const Vec3& shape,
                                        int channels, bool lossless, float distance, int effort) {
  if (dtype != DataType::kUint8 && dtype != DataType::kUint16)
    fail(ErrorCode::kInvalidArgument, "jxl encodes uint8 or uint16 chunks");
  std::unique_ptr<JxlEncoder, EncoderDeleter> enc(JxlEncoderCreate(nullptr));
  if (!enc) fail(ErrorCode::kInternal, "cannot create a JPEG XL encoder");
  auto check = [](JxlEncoderStatus s, const char* what) {
    if (s != JXL_ENC_SUCCESS) fail(ErrorCode::kInternal, std::string("JPEG XL encoding: ") + what);
  };
  const int bits = dtype == DataType::kUint8 ? 8 : 16;
  JxlBasicInfo info;
  JxlEncoderInitBasicInfo(&info);
  info.xsize = static_cast<std::uint32_t>(shape.x);
  info.ysize = static_cast<std::uint32_t>(shape.y * shape.z);
  info.bits_per_sample = static_cast<std::uint32_t>(bits);
  info.num_color_channels = 1;
  info.uses_original_profile = lossless ? JXL_TRUE : JXL_FALSE;
  if (channels > 1) {
    info.have_animation = JXL_TRUE;
    info.animation.tps_numerator = 10;
    info.animation.tps_denominator = 1;
  }
  check(JxlEncoderSetBasicInfo(enc.get(), &info), "basic info");
  JxlColorEncoding colour;
  JxlColorEncodingSetToSRGB(&colour, /*is_gray=*/JXL_TRUE);
  check(JxlEncoderSetColorEncoding(enc.get(), &colour), "colour encoding");
  JxlEncoderFrameSettings* settings = JxlEncoderFrameSettingsCreate(enc.get(), nullptr);
  check(JxlEncoderFrameSettingsSetOption(settings, JXL_ENC_FRAME_SETTING_EFFORT, effort), "effort");
  if (lossless)
    check(JxlEncoderSetFrameLossless(settings, JXL_TRUE), "lossless");
  else
    check(JxlEncoderSetFrameDistance(settings, distance), "distance");
  const JxlPixelFormat format{1, bits == 8 ? JXL_TYPE_UINT8 : JXL_TYPE_UINT16, JXL_NATIVE_ENDIAN,
                              0};
  const std::size_t frame_bytes = static_cast<std::size_t>(shape.volume()) * dtype_size(dtype);
  for (int c = 0; c < channels; ++c) {
    if (channels > 1) {
      JxlFrameHeader header;
      JxlEncoderInitFrameHeader(&header);
      header.duration = 1;
      check(JxlEncoderSetFrameHeader(settings, &header), "frame header");
    }
    check(JxlEncoderAddImageFrame(settings, &format, voxels + frame_bytes * c, frame_bytes),
          "frame");
  }
  JxlEncoderCloseInput(enc.get());
  std::vector<std::byte> out(4096 + frame_bytes / 4);
  std::size_t used = 0;
  for (;;) {
    auto* next = reinterpret_cast<std::uint8_t*>(out.data() + used);
    std::size_t avail = out.size() - used;
    const JxlEncoderStatus s = JxlEncoderProcessOutput(enc.get(), &next, &avail);
    used = out.size() - avail;
    if (s == JXL_ENC_SUCCESS) break;
    if (s != JXL_ENC_NEED_MORE_OUTPUT) check(s, "output");
    out.resize(out.size() * 2);
  }
  out.resize(used);
  return out;
}

}  // namespace imagery::precomputed
