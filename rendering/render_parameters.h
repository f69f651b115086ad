// The render options as text, the way a user writes them (`imagery render`'s flags, the server's
// query parameters): channels, layers, model, window, projection and palette, parsed into a
// RenderRequest in one place so both front ends accept and refuse the same things.
#pragma once

#include <string>
#include <vector>

#include "imagery/rendering/render_volume.h"

namespace imagery::rendering {

struct RenderParameters {
  std::vector<std::string> channels, layers;
  std::string model, window, projection, palette;
};

// Sets what `parameters` gives in `request`. Throws kInvalidArgument naming the parameter as
// `prefix` + its name ("--model" for the CLI, "model" for the server).
void apply_render_parameters(const RenderParameters& parameters, RenderRequest& request,
                             const std::string& prefix);

}  // namespace imagery::rendering
