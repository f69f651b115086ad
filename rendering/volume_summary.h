// A volume described in the words microscopists know from OMERO and large_image (`imagery info
// --json`'s "summary", the server's source pages): size_x/y/z/c/t, dtype, pixel sizes in µm, the
// channels and the levels with their sizes and downsampling.
#pragma once

#include <nlohmann/json.hpp>

#include "imagery/volume/volume.h"

namespace imagery::rendering {

nlohmann::ordered_json volume_summary(const volume::Metadata& metadata);

}  // namespace imagery::rendering
