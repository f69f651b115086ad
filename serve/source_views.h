// The views of one source besides tiles: region.png (the `render` command: bounds, max_size or
// mip, and the render options), thumbnail.png?size=N (the whole section at z), histogram (the
// `histogram --json` document of a region) and value?x=&y=&z= (the voxel there: the segment id
// under a viewer's cursor). Each checks its output size against the limits before reading.
#pragma once

#include <stop_token>
#include <string>

#include <nlohmann/json.hpp>

#include "imagery/io/context.h"
#include "imagery/serve/query.h"
#include "imagery/serve/server_options.h"
#include "imagery/serve/source_registry.h"
#include "imagery/serve/tile_cache.h"

namespace imagery::serve {

struct ViewContext {
  SourceRegistry& registry;
  io::Context& context;
  const RequestLimits& limits;
  std::stop_token stop;
};

EncodedImage render_region(const Source& source, const QueryParams& params,
                           const ViewContext& view);
EncodedImage render_thumbnail_view(const Source& source, const QueryParams& params,
                                   const ViewContext& view);
nlohmann::ordered_json histogram_view(const Source& source, const QueryParams& params,
                                      const ViewContext& view);
// {"x", "y", "z", "dtype", "value": "ID" (exact, as text), "number": ID (a JSON number),
// "values": [per channel numbers]}.
nlohmann::ordered_json value_view(const Source& source, const QueryParams& params,
                                  const ViewContext& view);

}  // namespace imagery::serve
