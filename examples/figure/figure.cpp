// A figure from two volumes in a few lines: aligned image + segmentation around a centre, drawn
// with ImageryClient's outline overlay, written as PNG.
//   example_figure IMAGE_SOURCE SEG_SOURCE X Y Z OUT.png
#include <cstdio>
#include <cstdlib>
#include <exception>

#include "imagery/client/client.h"
#include "imagery/core/atomic_file.h"
#include "imagery/overlay/display_window.h"
#include "imagery/overlay/figure_png.h"
#include "imagery/overlay/object_colors.h"
#include "imagery/overlay/object_labels.h"
#include "imagery/overlay/series.h"

int main(int argc, char** argv) {
  if (argc != 7) {
    std::fprintf(stderr, "usage: %s IMAGE SEG X Y Z OUT.png\n", argv[0]);
    return 2;
  }
  try {
    namespace ic = imagery::client;
    namespace ov = imagery::overlay;
    auto client = ic::Client::open({argv[1], argv[2]});
    const imagery::Vec3d center{std::atof(argv[3]), std::atof(argv[4]), std::atof(argv[5])};
    // 256 x 256 pixels of the image's default mip, one section.
    ic::Region region = client.image_region_from_size(center, {256, 256, 1});
    ic::AlignedCutout both = client.image_and_segmentation_cutout(region);

    auto labels = ov::ObjectLabels::split(both.segmentation.data);
    auto colors = ov::object_colors(labels.ids(), labels.is_signed(), ov::ColorChoice{});
    ov::CompositeOptions options;
    options.outline = true;
    options.width = 2;
    options.alpha = 1.0;
    options.merge_outline = false;
    auto grey = ov::to_grey8(both.image.data, {});
    auto pictures = ov::composite_series(labels, colors, grey, 2, options);
    imagery::AtomicFile out(argv[6]);
    auto png = ov::encode_figure_png(pictures.front());
    out.write(png.data(), png.size());
    out.commit();
    std::printf("%s: %zu objects, %u x %u pixels\n", argv[6], labels.object_count(),
                pictures.front().width, pictures.front().height);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "example_figure: %s\n", e.what());
    return 1;
  }
  return 0;
}
