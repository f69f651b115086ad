// What `imagery render` and `imagery thumbnail` record beside their picture (OUT.json,
// "format": "imagery.render/1"): the source, the region in mip-0 voxels, the mip read and the
// box read there, the output size and pixel size, the projection, the model and every channel's
// window in numbers, colour, invert and opacity.
#pragma once

#include <functional>

#include <nlohmann/json.hpp>

#include "imagery/cli/global_options.h"
#include "imagery/cli/phase_timer.h"
#include "imagery/rendering/render_volume.h"

namespace imagery::cli {

nlohmann::ordered_json render_record(const rendering::RenderResult& result,
                                     const std::string& command);

// Runs `render` with the command's memory budget and a progress bar of the chunks read, timed as
// the phase "render".
rendering::RenderResult render_with_progress(
    const GlobalOptions& global, PhaseTimer& timer,
    const std::function<rendering::RenderResult(const rendering::RenderHooks&)>& render);

// Writes the picture as PNG to `output` and the record to its sidecar (OUT.json), both
// atomically, the picture at `png_level` deflated on `pool`.
void write_rendered_picture(const rendering::RenderResult& result, const std::string& output,
                            const std::string& command, ThreadPool* pool);

}  // namespace imagery::cli
