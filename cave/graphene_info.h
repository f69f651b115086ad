// The info of a graphene table, served by its chunkedgraph at /MODALITY/table/NAME/info: the
// watershed's precomputed info (scales, encodings, sharding) plus data_dir (where the watershed
// is stored), the graph's layout and the API versions. Fetched with the CAVE token together
// with the server's version, once per context.
#pragma once

#include <string>

#include "imagery/cave/chunkedgraph.h"
#include "imagery/cave/graphene_url.h"
#include "imagery/io/context.h"

namespace imagery::cave {

struct GrapheneInfo {
  std::string json;      // the info as served
  std::string data_dir;  // as given ("gs://...", "https://...", "precomputed://...")
  GraphMeta graph;
  std::string server_version;  // "" when the server does not say
};

// Throws kPermissionDenied (no token, refused), kNotFound (no such table), kDataLoss (no
// data_dir, no graph block), kUnavailable (after retries).
GrapheneInfo fetch_graphene_info(const GrapheneUrl& url, io::Context& context);

}  // namespace imagery::cave
