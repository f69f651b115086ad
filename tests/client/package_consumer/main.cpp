// Prints the shape of an aligned cutout of the demo volume through the installed headers.
#include <cstdio>

#include "imagery/client/client.h"

int main(int argc, char** argv) {
  if (argc != 3) return 2;
  auto client = imagery::client::Client::open({argv[1], argv[2]});
  auto region = client.image_region_from_size({2272, 1840, 105}, {33, 17, 1});
  auto both = client.image_and_segmentation_cutout(region);
  const auto& s = both.segmentation.data.shape();
  std::printf("%s %lld %lld %lld\n", imagery::client::version(), static_cast<long long>(s.x),
              static_cast<long long>(s.y), static_cast<long long>(s.z));
  return 0;
}
