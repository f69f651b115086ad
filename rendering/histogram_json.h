// The JSON document of a region's histograms, as `imagery histogram --json` prints it and the
// server's /histogram answers: {"bins", "source", "mip", "voxels", "channels": [{"channel",
// "min", "max", "edges", "counts"}]}.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "imagery/core/bbox.h"
#include "imagery/rendering/histogram.h"

namespace imagery::rendering {

nlohmann::ordered_json histogram_json(const std::vector<ChannelHistogram>& histograms, int bins,
                                      const std::string& source, int mip, const Bbox& read_box);

}  // namespace imagery::rendering
