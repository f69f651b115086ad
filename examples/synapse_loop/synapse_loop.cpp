// A batch over synapse centres: one client (infos read once, chunks cached in memory), one small
// aligned cutout per centre, and per centre the object under the centre and the share of the
// box it covers. Centres come from a text file of "x y z" lines in image mip-0 coordinates.
//   example_synapse_loop IMAGE_SOURCE SEG_SOURCE CENTRES.txt
#include <cstdio>
#include <exception>
#include <fstream>
#include <map>

#include "imagery/client/client.h"
#include "imagery/core/allocator.h"

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: %s IMAGE SEG CENTRES.txt\n", argv[0]);
    return 2;
  }
  // Many cutouts in a loop: keep their buffers on the heap, as the imagery program does.
  imagery::tune_allocator_for_large_buffers();
  try {
    namespace ic = imagery::client;
    auto client = ic::Client::open({argv[1], argv[2]});
    std::ifstream in(argv[3]);
    double x = 0, y = 0, z = 0;
    int n = 0;
    while (in >> x >> y >> z) {
      ic::Region region = client.image_region_from_size({x, y, z}, {64, 64, 1});
      ic::AlignedCutout both = client.image_and_segmentation_cutout(region);
      const imagery::Array& seg = both.segmentation.data;
      const std::uint64_t centre_id = seg.at<std::uint64_t>(32, 32, 0);
      std::int64_t covered = 0;
      for (std::int64_t i = 0; i < seg.shape().count(); ++i)
        covered += seg.data<std::uint64_t>()[i] == centre_id;
      std::printf("synapse %d at (%g, %g, %g): object %llu covers %.1f%% of the box\n", n++, x, y,
                  z, static_cast<unsigned long long>(centre_id),
                  100.0 * static_cast<double>(covered) / static_cast<double>(seg.shape().count()));
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "example_synapse_loop: %s\n", e.what());
    return 1;
  }
  return 0;
}
