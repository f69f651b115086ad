// Figures over HTTP: a FigureSpec ("imagery.figure/1", figure_spec_json.h) from a request's query
// parameters or a POSTed JSON body, drawn by figure::make_figure exactly as `imagery figure`
// draws it, in any of the writers' formats (.png, .svg, .pdf, .tif). The server decides where
// the file goes and what may be read: sources are configured names (image, seg, layer), and keys
// that would read or write files or reach other hosts (output, save_arrays, state, datastack,
// cave_server, points, lines, boxes) are refused.
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

// The JSON document of a figure asked by query parameters (repeated keys become lists).
nlohmann::json figure_json_of_query(const QueryParams& params);

// The figure's file in the format of `extension` (".png", ".svg", ".pdf", ".tif"). Throws
// HttpError (400 for refused keys and bad specs, 404 unknown sources, 413 over the pixel limit)
// and what drawing throws.
EncodedImage render_figure_view(const nlohmann::json& doc, const std::string& extension,
                                SourceRegistry& registry, io::Context& context,
                                const RequestLimits& limits, std::stop_token stop);

// "image/png", "image/svg+xml", "application/pdf", "image/tiff" by extension.
std::string media_type_of_extension(const std::string& extension);

}  // namespace imagery::serve
