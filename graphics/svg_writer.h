// The SVG writer: a Scene as a hand-written SVG 1.1 document that stays editable (Inkscape,
// Illustrator) and shows the imagery at its own pixels.
//
// - The root has width/height in millimetres (the physical size) and a viewBox in scene units;
//   preserveAspectRatio="none", so the scene fills the page as it does in the PDF.
// - Each ImageItem is one <image> holding its pixels as a base64 PNG (grey stays grey), with
//   nearest-neighbour hints for viewers that zoom: image-rendering="optimizeSpeed" (SVG 1.1,
//   Inkscape, librsvg >= 2.57) overridden by style="image-rendering:pixelated" where CSS knows it
//   (browsers). librsvg 2.54 (Debian 12) smooths enlarged images whatever the hint says.
// - Each PathItem is a <path class="ROLE"> with its fill (fill-opacity from alpha, fill-rule),
//   stroke and, when clipped, a clip-path to a <clipPath> with its clip-rule.
// - Each TextItem is a real <text> in DejaVu Sans with text-anchor, its halo painted first by
//   paint-order="stroke". Viewers lay the string out themselves; they kern DejaVu Sans as text.h
//   does.
#pragma once

#include <string>

#include "imagery/core/thread_pool.h"
#include "imagery/graphics/scene.h"

namespace imagery::graphics {

// The whole document. Embedded pictures are PNG-encoded on `pool` when given. Throws
// kInvalidArgument for an empty or non-finite scene or physical size, or a non-finite coordinate.
std::string write_svg(const Scene& scene, const PhysicalSize& size, ThreadPool* pool = nullptr);

}  // namespace imagery::graphics
