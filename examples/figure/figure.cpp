// A figure from two volumes in a few lines: aligned image + segmentation around a centre, drawn
// with ImageryClient's outline overlay (overlay::composite_overlay), written as PNG.
//   example_figure IMAGE_SOURCE SEG_SOURCE X Y Z OUT.png
#include <cstdio>
#include <cstdlib>
#include <exception>

#include "imagery/client/client.h"
#include "imagery/core/atomic_file.h"
#include "imagery/overlay/figure_png.h"
#include "imagery/overlay/style.h"

int main(int argc, char** argv) {
  if (argc != 7) {
    std::fprintf(stderr, "usage: %s IMAGE SEG X Y Z OUT.png\n", argv[0]);
    return 2;
  }
  try {
    namespace ic = imagery::client;
    namespace ov = imagery::overlay;
    imagery::io::Context context;
    auto client = ic::Client::open({argv[1], argv[2]}, {}, context);
    const imagery::Vec3d center{std::atof(argv[3]), std::atof(argv[4]), std::atof(argv[5])};
    // 256 x 256 pixels of the image's default mip, one section.
    ic::Region region = client.image_region_from_size(center, {256, 256, 1});
    ic::AlignedCutout both = client.image_and_segmentation_cutout(region);

    ov::OverlayStyle style;
    style.composite.outline = true;
    style.composite.width = 2;
    style.composite.alpha = 1.0;
    style.composite.merge_outline = false;
    auto pictures = ov::composite_overlay(both.segmentation.data, &both.image.data, style,
                                          /*three_d=*/false, &context.pool());
    imagery::AtomicFile out(argv[6]);
    auto png = ov::encode_figure_png(pictures.front(), {1, &context.pool()});
    out.write(png.data(), png.size());
    out.commit();
    std::printf("%s: %u x %u pixels\n", argv[6], pictures.front().width, pictures.front().height);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "example_figure: %s\n", e.what());
    return 1;
  }
  return 0;
}
