// Histograms to choose a window, per channel, with numpy.histogram's rule: N equal bins over
// [min, max] (the data's finite min and max unless a range is given; a flat range widens by 0.5
// each way), every bin half-open except the last, which is closed; values outside the range and
// non-finite values are not counted. Range::kRound snaps the edges to integers for integer data,
// as large_image offers: N bins of one integer width w = ceil((max + 1 - min) / N) from the
// minimum, so that every integer value falls into exactly one bin (uint8 data with 256 bins
// gives one bin per value).
#pragma once

#include <cstdint>
#include <vector>

#include "imagery/core/array.h"

namespace imagery::rendering {

struct HistogramOptions {
  int bins = 256;
  enum class Range { kData, kGiven, kRound };
  Range range = Range::kData;
  double min = 0, max = 0;  // for kGiven
};

struct ChannelHistogram {
  int channel = 0;
  double min = 0, max = 0;    // of the finite values counted over (0, 0 for none)
  std::vector<double> edges;  // bins + 1
  std::vector<std::uint64_t> counts;
  std::uint64_t total() const;
};

// One histogram per channel of `data` (X, Y, Z, C). Throws kInvalidArgument for fewer than one
// bin or a given range that is not finite with min < max.
std::vector<ChannelHistogram> histogram(const Array& data, const HistogramOptions& options);

}  // namespace imagery::rendering
