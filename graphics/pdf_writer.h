// The PDF writer: a Scene as a one-page vector PDF through cairo's PDF surface.
//
// The page is the physical size in points (mm / 25.4 * 72) and the scene is scaled to fill it.
// Images are embedded at their own pixels with /Interpolate false (cairo's nearest filter), grey
// pictures as DeviceGray (cairo finds r = g = b and writes one channel), alpha as a soft mask.
// Paths stay paths and text is real text in DejaVu Sans, embedded as a subset with its Unicode
// mapping, so it can be selected and searched; a halo is a stroked copy of the glyph outlines
// under it. The document info has Creator "imagery <version>" and no dates, so the same scene
// always gives the same bytes.
//
// Cost: cairo deflates every image on one thread at zlib's default level (6), which dominates the
// time of pictures (docs/graphics.md has the numbers).
#pragma once

#include <cstddef>
#include <vector>

#include "imagery/graphics/scene.h"

namespace imagery::graphics {

// Throws kInvalidArgument for an empty or non-finite scene or physical size, kNotFound when a
// font is missing, kInternal when cairo fails.
std::vector<std::byte> write_pdf(const Scene& scene, const PhysicalSize& size);

}  // namespace imagery::graphics
