#include "imagery/rendering/histogram_json.h"

namespace imagery::rendering {

nlohmann::ordered_json histogram_json(const std::vector<ChannelHistogram>& histograms, int bins,
                                      const std::string& source, int mip, const Bbox& read_box) {
  nlohmann::ordered_json j;
  j["bins"] = bins;
  j["source"] = source;
  j["mip"] = mip;
  j["voxels"] = {read_box.min.x, read_box.min.y, read_box.min.z,
                 read_box.max.x, read_box.max.y, read_box.max.z};
  nlohmann::ordered_json channels = nlohmann::ordered_json::array();
  for (const ChannelHistogram& h : histograms)
    channels.push_back({{"channel", h.channel},
                        {"min", h.min},
                        {"max", h.max},
                        {"edges", h.edges},
                        {"counts", h.counts}});
  j["channels"] = channels;
  return j;
}

}  // namespace imagery::rendering
