// Fuzzes the whole read path of one chunk: transport gzip (declared or sniffed) and
// every chunk encoding, for a geometry and data type taken from the input.
#include <cstdint>

#include "fuzz/fuzz_input.h"
#include "imagery/core/error.h"
#include "imagery/precomputed/chunk_grid.h"
#include "imagery/precomputed/volume.h"

using namespace imagery;
using namespace imagery::precomputed;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::InputReader in(data, size);
  struct Kind {
    Encoding encoding;
    DataType dtype;
    int channels;
    const char* type;
  };
  static const Kind kinds[] = {
      {Encoding::kRaw, DataType::kUint8, 1, "image"},   {Encoding::kRaw, DataType::kFloat32, 2, "image"},
      {Encoding::kRaw, DataType::kUint64, 1, "segmentation"},
      {Encoding::kJpeg, DataType::kUint8, 1, "image"},  {Encoding::kJpeg, DataType::kUint8, 3, "image"},
      {Encoding::kPng, DataType::kUint8, 1, "image"},   {Encoding::kPng, DataType::kUint16, 2, "image"},
      {Encoding::kPng, DataType::kUint8, 4, "image"},
      {Encoding::kCompressedSegmentation, DataType::kUint32, 1, "segmentation"},
      {Encoding::kCompressedSegmentation, DataType::kUint64, 1, "segmentation"},
  };
  const Kind& k = kinds[in.byte() % (sizeof kinds / sizeof kinds[0])];
  VolumeInfo info;
  info.type = k.type;
  info.data_type = k.dtype;
  info.num_channels = k.channels;
  Scale s;
  s.key = "s";
  s.size = {in.range(1, 24), in.range(1, 24), in.range(1, 6)};
  s.voxel_offset = {in.range(-3, 3), 0, 0};
  s.resolution = {4, 4, 40};
  s.chunk_sizes = {s.size};
  s.encoding = k.encoding;
  if (k.encoding == Encoding::kCompressedSegmentation)
    s.compressed_segmentation_block_size = {in.range(1, 8), in.range(1, 8), in.range(1, 4)};
  info.scales = {s};
  auto storage = std::make_shared<fuzz::MemoryStorage>();
  storage->put("s/" + chunk_name(s.bounds()), in.rest());
  Volume volume(storage, info, "fuzz");
  try {
    CutoutOptions options;
    options.fill_missing = true;
    volume.download(s.bounds(), 0, options);
  } catch (const Error&) {
  }
  return 0;
}
