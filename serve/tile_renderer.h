// Tiles as the server draws them: tile (x, y) of `level` at section z of a source (tile_geometry.h)
// rendered through rendering::render_volume from the mip that fits the level, so that a tile is
// pixel for pixel what `imagery render --bounds BOX --max-size W,H` makes of the same box, put
// on a 256 x 256 RGBA canvas (outside the section transparent). Image sources take the render
// options (window, channel, model, projection with z_range, layer); segmentation sources give
// their objects in colour over transparency (alpha, outline, width, palette, root_ids,
// timestamp), each object's colour chosen by its id so that it is the same on every tile.
#pragma once

#include <cstdint>
#include <stop_token>
#include <string>

#include "imagery/io/context.h"
#include "imagery/serve/query.h"
#include "imagery/serve/server_options.h"
#include "imagery/serve/source_registry.h"
#include "imagery/serve/tile_cache.h"

namespace imagery::serve {

struct TileRequest {
  std::string source;
  int level = 0;
  std::int64_t x = 0, y = 0, z = 0;
  QueryParams params;
};

// "SOURCE/tiles/LEVEL/X/Y?z=Z&...": the cache key of a tile (canonical query).
std::string tile_cache_key(const TileRequest& request);

// The tile's PNG. Throws HttpError (unknown source, bad parameters, z range over the limit) and
// imagery::Error (kNotFound for a tile outside the grid, what reading throws, kCancelled when
// `stop` is requested).
EncodedImage render_tile(const TileRequest& request, SourceRegistry& registry, io::Context& context,
                         const RequestLimits& limits, std::stop_token stop);

}  // namespace imagery::serve
