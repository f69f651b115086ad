// The PDF writer: a Scene as a one-page vector PDF (PDF 1.5), written directly.
//
// The page is the physical size in points (mm / 25.4 * 72); one transformation maps scene units
// onto it, so paths are written in scene units (the traced outlines' whole pixels stay integers).
// Pictures are image XObjects at their own pixels with /Interpolate false: grey ones (and RGB ones
// whose channels are all equal) as DeviceGray, alpha as a soft mask. Their rows are deflated as
// PNG scanlines (/Predictor 15) in parallel strips on the pool at `level`, exactly as the PNG
// writer deflates them, and the page's content is split into streams built and deflated in
// parallel too, so a PDF costs about what a PNG of the same pixels does.
//
// Paths keep their fill rule, stroke (width, join, cap, miter limit) and clip; translucent colours
// go through ExtGState alpha. Text is real text: DejaVu Sans (Bold) embedded as a subset
// (CIDFontType2, Identity-H, glyph indices as codes) with a ToUnicode map, so it can be selected
// and searched; glyphs are placed where layout_text puts them. A halo is the same text stroked
// (text render mode 1) under the filled one. The document info has Creator "imagery <version>"
// and no dates, so the same scene always gives the same bytes.
#pragma once

#include <cstddef>
#include <vector>

#include "imagery/core/thread_pool.h"
#include "imagery/graphics/scene.h"

namespace imagery::graphics {

// Throws kInvalidArgument for an empty or non-finite scene or physical size, a non-finite point
// or a level outside 0-9, kNotFound when a font is missing.
std::vector<std::byte> write_pdf(const Scene& scene, const PhysicalSize& size,
                                 ThreadPool* pool = nullptr, int level = 1);

}  // namespace imagery::graphics
