#include "imagery/rendering/histogram.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <type_traits>

#include "imagery/core/error.h"

namespace imagery::rendering {

std::uint64_t ChannelHistogram::total() const {
  std::uint64_t sum = 0;
  for (std::uint64_t c : counts) sum += c;
  return sum;
}

namespace {

// NumPy's linspace: start + i * step, the last edge exactly `stop`.
std::vector<double> linspace(double start, double stop, int bins) {
  std::vector<double> edges(static_cast<std::size_t>(bins) + 1);
  const double step = (stop - start) / bins;
  for (int i = 0; i <= bins; ++i) edges[static_cast<std::size_t>(i)] = start + i * step;
  edges.back() = stop;
  return edges;
}

template <class T>
ChannelHistogram channel_histogram(const T* values, std::int64_t count, int channel,
                                   const HistogramOptions& options) {
  ChannelHistogram h;
  h.channel = channel;
  double lo = std::numeric_limits<double>::infinity(), hi = -lo;
  for (std::int64_t i = 0; i < count; ++i) {
    const auto v = static_cast<double>(values[i]);
    if (!std::isfinite(v)) continue;
    lo = std::min(lo, v);
    hi = std::max(hi, v);
  }
  const bool any = lo <= hi;
  h.min = any ? lo : 0;
  h.max = any ? hi : 0;
  const int bins = options.bins;
  double first = h.min, last = h.max;
  if (options.range == HistogramOptions::Range::kGiven) {
    first = options.min;
    last = options.max;
  }
  if (options.range == HistogramOptions::Range::kRound && std::is_integral_v<T>) {
    const double width = std::max(1.0, std::ceil((h.max + 1 - h.min) / bins));
    h.edges.resize(static_cast<std::size_t>(bins) + 1);
    for (int i = 0; i <= bins; ++i) h.edges[static_cast<std::size_t>(i)] = h.min + i * width;
  } else {
    if (first == last) {  // numpy.histogram widens an empty range
      first -= 0.5;
      last += 0.5;
    }
    h.edges = linspace(first, last, bins);
  }
  h.counts.assign(static_cast<std::size_t>(bins), 0);
  const double e0 = h.edges.front(), en = h.edges.back();
  const double norm = bins / (en - e0);
  for (std::int64_t i = 0; i < count; ++i) {
    const auto v = static_cast<double>(values[i]);
    if (!(v >= e0 && v <= en)) continue;  // also drops NaN
    auto k = static_cast<std::int64_t>((v - e0) * norm);
    if (k >= bins) k = bins - 1;
    // Rounding in the division can put a value one bin off: check against the edges, as NumPy.
    if (k > 0 && v < h.edges[static_cast<std::size_t>(k)]) --k;
    if (k + 1 < bins && v >= h.edges[static_cast<std::size_t>(k) + 1]) ++k;
    ++h.counts[static_cast<std::size_t>(k)];
  }
  return h;
}

}  // namespace

std::vector<ChannelHistogram> histogram(const Array& data, const HistogramOptions& options) {
  if (options.bins < 1)
    fail(ErrorCode::kInvalidArgument,
         "a histogram needs at least one bin, not " + std::to_string(options.bins));
  if (options.range == HistogramOptions::Range::kGiven &&
      !(std::isfinite(options.min) && std::isfinite(options.max) && options.min < options.max))
    fail(ErrorCode::kInvalidArgument, "a histogram's range must be MIN,MAX with MIN < MAX");
  const Shape4& s = data.shape();
  const std::int64_t per_channel = s.x * s.y * s.z;
  std::vector<ChannelHistogram> out;
  visit_dtype(data.dtype(), [&](auto zero) {
    using T = decltype(zero);
    const T* p = data.data<T>();
    for (std::int64_t c = 0; c < s.c; ++c)
      out.push_back(
          channel_histogram(p + c * per_channel, per_channel, static_cast<int>(c), options));
  });
  return out;
}

}  // namespace imagery::rendering
