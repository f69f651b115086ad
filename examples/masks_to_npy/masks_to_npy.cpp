// One .npy mask per object of a segmentation cutout (ImageryClient's split_segmentation_cutout
// followed by numpy.save): PREFIX_<id>.npy, uint8 0/1, shape (X, Y, Z).
//   example_masks_to_npy SEG_SOURCE X0,Y0,Z0 X1,Y1,Z1 PREFIX
#include <cstdio>
#include <exception>
#include <sstream>
#include <string>

#include "imagery/client/client.h"
#include "imagery/core/npy.h"

namespace {
imagery::Vec3d parse_point(const std::string& text) {
  imagery::Vec3d v;
  char comma = 0;
  std::istringstream in(text);
  in >> v.x >> comma >> v.y >> comma >> v.z;
  return v;
}
}  // namespace

int main(int argc, char** argv) {
  if (argc != 5) {
    std::fprintf(stderr, "usage: %s SEG X0,Y0,Z0 X1,Y1,Z1 PREFIX\n", argv[0]);
    return 2;
  }
  try {
    auto client = imagery::client::Client::open({"", argv[1]});
    auto region = imagery::client::Region::corners(parse_point(argv[2]), parse_point(argv[3]));
    auto masks = client.split_segmentation_cutout(region);
    for (const auto& [id, mask] : masks) {
      std::string path = std::string(argv[4]) + "_" + std::to_string(id) + ".npy";
      imagery::write_npy(path, mask, 3);
    }
    std::printf("%zu masks written with prefix %s\n", masks.size(), argv[4]);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "example_masks_to_npy: %s\n", e.what());
    return 1;
  }
  return 0;
}
