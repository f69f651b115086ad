// Writes the demo dataset shipped in examples/demo_volume/: an EM-like image
// (jpeg, 4/8/16 nm mips), its segmentation at a coarser resolution
// (compressed_segmentation + gzip, 8/16/32 nm mips), and a smooth "synapse probability" map
// (uint8 raw + gzip, 8/16 nm mips: probability maps are usually coarser than the EM) to draw as
// a tinted layer. Usage: make_demo_volume OUT_DIR
#include <cmath>
#include <cstdio>
#include <map>

#include "examples/synthetic/synthetic_em.h"
#include "imagery/precomputed/volume_writer.h"

using namespace imagery;
using namespace imagery::precomputed;

namespace {

Scale scale(const char* key, Vec3 size, Vec3 offset, Vec3d res, Vec3 chunk, Encoding enc) {
  Scale s;
  s.key = key;
  s.size = size;
  s.voxel_offset = offset;
  s.resolution = res;
  s.chunk_sizes = {chunk};
  s.encoding = enc;
  if (enc == Encoding::kCompressedSegmentation) s.compressed_segmentation_block_size = {8, 8, 8};
  return s;
}

// 2x2 mean in x and y, as image pyramids are made.
Array downsample_mean(const Array& a) {
  const Shape4 s = a.shape();
  Array out(DataType::kUint8, {(s.x + 1) / 2, (s.y + 1) / 2, s.z, 1});
  for (std::int64_t z = 0; z < s.z; ++z)
    for (std::int64_t y = 0; y < out.shape().y; ++y)
      for (std::int64_t x = 0; x < out.shape().x; ++x) {
        int sum = 0, n = 0;
        for (int dy = 0; dy < 2; ++dy)
          for (int dx = 0; dx < 2; ++dx)
            if (2 * x + dx < s.x && 2 * y + dy < s.y) {
              sum += a.at<std::uint8_t>(2 * x + dx, 2 * y + dy, z);
              ++n;
            }
        out.at<std::uint8_t>(x, y, z) = static_cast<std::uint8_t>((sum + n / 2) / n);
      }
  return out;
}

// 2x2 mode in x and y (ties: the smallest id), as segmentation pyramids are made.
Array downsample_mode(const Array& a) {
  const Shape4 s = a.shape();
  Array out(DataType::kUint64, {(s.x + 1) / 2, (s.y + 1) / 2, s.z, 1});
  for (std::int64_t z = 0; z < s.z; ++z)
    for (std::int64_t y = 0; y < out.shape().y; ++y)
      for (std::int64_t x = 0; x < out.shape().x; ++x) {
        std::map<std::uint64_t, int> counts;
        for (int dy = 0; dy < 2; ++dy)
          for (int dx = 0; dx < 2; ++dx)
            if (2 * x + dx < s.x && 2 * y + dy < s.y)
              counts[a.at<std::uint64_t>(2 * x + dx, 2 * y + dy, z)]++;
        std::uint64_t best = 0;
        int best_count = -1;
        for (auto [id, c] : counts)
          if (c > best_count) best = id, best_count = c;
        out.at<std::uint64_t>(x, y, z) = best;
      }
  return out;
}

// Smooth blobs (Gaussian in x, y and z) at fixed pseudo-random places: what a synapse detector's
// probability output looks like, 0..255.
Array probability_map(Vec3 size) {
  struct Blob {
    double x, y, z;
  };
  std::vector<Blob> blobs;
  std::uint32_t state = 12345;
  auto next = [&state] {
    state = state * 1664525u + 1013904223u;
    return (state >> 8) / static_cast<double>(1u << 24);
  };
  for (int i = 0; i < 18; ++i) blobs.push_back({next() * size.x, next() * size.y, next() * size.z});
  Array p(DataType::kUint8, {size.x, size.y, size.z, 1});
  const double sxy = 6.0, sz = 1.5;
  for (std::int64_t z = 0; z < size.z; ++z)
    for (std::int64_t y = 0; y < size.y; ++y)
      for (std::int64_t x = 0; x < size.x; ++x) {
        double best = 0;
        for (const Blob& b : blobs) {
          const double dx = (x - b.x) / sxy, dy = (y - b.y) / sxy, dz = (z - b.z) / sz;
          best = std::max(best, std::exp(-0.5 * (dx * dx + dy * dy + dz * dz)));
        }
        p.at<std::uint8_t>(x, y, z) = static_cast<std::uint8_t>(std::lround(255 * best));
      }
  return p;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s OUT_DIR\n", argv[0]);
    return 2;
  }
  const std::string out = argv[1];
  // Image: 4 nm, 544 x 480 x 12 voxels starting at (2000, 1600, 100); labels at 8 nm start at half
  // that.
  const Vec3 image_size{544, 480, 12}, image_offset{2000, 1600, 100};
  VolumeInfo image;
  image.type = "image";
  image.data_type = DataType::kUint8;
  image.scales = {
      scale("4_4_40", image_size, image_offset, {4, 4, 40}, {128, 128, 12}, Encoding::kJpeg),
      scale("8_8_40", {272, 240, 12}, {1000, 800, 100}, {8, 8, 40}, {128, 128, 12},
            Encoding::kJpeg),
      scale("16_16_40", {136, 120, 12}, {500, 400, 100}, {16, 16, 40}, {136, 120, 12},
            Encoding::kJpeg),
  };
  VolumeInfo seg;
  seg.type = "segmentation";
  seg.data_type = DataType::kUint64;
  seg.scales = {
      scale("8_8_40", {272, 240, 12}, {1000, 800, 100}, {8, 8, 40}, {64, 64, 12},
            Encoding::kCompressedSegmentation),
      scale("16_16_40", {136, 120, 12}, {500, 400, 100}, {16, 16, 40}, {64, 64, 12},
            Encoding::kCompressedSegmentation),
      scale("32_32_40", {68, 60, 12}, {250, 200, 100}, {32, 32, 40}, {68, 60, 12},
            Encoding::kCompressedSegmentation),
  };

  Array grey(DataType::kUint8, {image_size.x, image_size.y, image_size.z, 1});
  for (std::int64_t z = 0; z < image_size.z; ++z)
    for (std::int64_t y = 0; y < image_size.y; ++y)
      for (std::int64_t x = 0; x < image_size.x; ++x)
        grey.at<std::uint8_t>(x, y, z) = synthetic::grey_at(x, y, z, 2, 40.0);
  Array labels(DataType::kUint64, {272, 240, 12, 1});
  for (std::int64_t z = 0; z < 12; ++z)
    for (std::int64_t y = 0; y < 240; ++y)
      for (std::int64_t x = 0; x < 272; ++x)
        labels.at<std::uint64_t>(x, y, z) = synthetic::label_at(x, y, z, 40.0);

  WriteOptions jpeg;
  jpeg.jpeg_quality = 90;
  VolumeWriter image_writer(out + "/image", image);
  WriteOptions gz;
  gz.gzip = true;
  VolumeWriter seg_writer(out + "/segmentation", seg);
  for (int mip = 0; mip < 3; ++mip) {
    image_writer.write(grey, image_writer.info().scales[mip].bounds(), mip, jpeg);
    seg_writer.write(labels, seg_writer.info().scales[mip].bounds(), mip, gz);
    grey = downsample_mean(grey);
    labels = downsample_mode(labels);
  }
  VolumeInfo prob;
  prob.type = "image";
  prob.data_type = DataType::kUint8;
  prob.scales = {
      scale("8_8_40", {272, 240, 12}, {1000, 800, 100}, {8, 8, 40}, {136, 120, 12}, Encoding::kRaw),
      scale("16_16_40", {136, 120, 12}, {500, 400, 100}, {16, 16, 40}, {136, 120, 12},
            Encoding::kRaw),
  };
  VolumeWriter prob_writer(out + "/probability", prob);
  Array p = probability_map({272, 240, 12});
  for (int mip = 0; mip < 2; ++mip) {
    prob_writer.write(p, prob_writer.info().scales[mip].bounds(), mip, gz);
    p = downsample_mean(p);
  }
  std::printf("%s/image\n%s/segmentation\n%s/probability\n", out.c_str(), out.c_str(), out.c_str());
  return 0;
}
