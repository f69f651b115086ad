// A request's query parameters (repeatable keys kept, as cpp-httplib gives them) and how the
// server reads them: numbers with the parameter named in the 400 answer, the render options
// (window, channel, model, projection, z_range, layer), the segmentation overlay's options
// (alpha, outline, width, palette, root_ids, timestamp), and a canonical text of the whole query
// for cache keys.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "imagery/overlay/style.h"
#include "imagery/rendering/render_parameters.h"

namespace imagery::serve {

using QueryParams = std::multimap<std::string, std::string>;

// The last value of `key`, or nullopt.
std::optional<std::string> param(const QueryParams& params, const std::string& key);
// Every value of `key`, in order.
std::vector<std::string> params(const QueryParams& params, const std::string& key);
// Integer / number of `key` (nullopt when absent). Throw HttpError 400 naming the key.
std::optional<std::int64_t> integer_param(const QueryParams& params, const std::string& key);
std::optional<double> number_param(const QueryParams& params, const std::string& key);
// "a,b,c" of exactly `count` numbers (count 0: any number of them).
std::vector<double> number_list(const std::string& text, std::size_t count, const std::string& key);

// 400 for a key that is neither in `known` nor starts with '_' (cache busters are ignored).
void check_known_params(const QueryParams& params, const std::set<std::string>& known);

// The render options of the query as text.
rendering::RenderParameters render_parameters_of(const QueryParams& params);
// z_range=Z0,Z1 (mip-0 sections, half-open), if given.
std::optional<std::pair<std::int64_t, std::int64_t>> z_range_of(const QueryParams& params);

struct OverlayOptions {
  overlay::OverlayStyle style;
  std::optional<std::chrono::system_clock::time_point> timestamp;
};
// alpha (default 0.5 for tiles), outline (true/false/1/0), width, palette, root_ids (comma list
// of ids), timestamp (ISO 8601 or unix seconds).
OverlayOptions overlay_options_of(const QueryParams& params);

// "k1=v1&k2=v2..." sorted by key then value, without the keys starting with '_': equal for
// queries that ask the same thing.
std::string canonical_query(const QueryParams& params);

// The keys of the render options and of the overlay options.
const std::set<std::string>& render_keys();
const std::set<std::string>& overlay_keys();

}  // namespace imagery::serve
