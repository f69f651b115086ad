// CAVE datastacks: a name ("minnie65_public") that the CAVE info service resolves into an image
// source, a segmentation source (graphene://), the services' local server and the viewer
// resolution, as CAVEclient does for ImageryClient. The info service is found as CAVEclient
// finds it: an explicit server, else ~/.cloudvolume/secrets/cave_datastack_to_server_map.json
// ({"datastack": "https://server"}), else https://global.daf-apis.com. A materialization version
// gives the instant it was made (the timestamp to read roots at).
#pragma once

#include <optional>
#include <string>

#include "imagery/cave/timestamp.h"
#include "imagery/core/vec3.h"
#include "imagery/io/context.h"

namespace imagery::cave {

inline constexpr const char* kDefaultCaveServer = "https://global.daf-apis.com";

struct Datastack {
  std::string name;
  std::string server;                      // the info service asked ("https://global.daf-apis.com")
  std::string image_source;                // aligned_volume.image_source, as given
  std::string segmentation_source;         // as given ("graphene://https://...")
  std::string local_server;                // where its chunkedgraph and materialization live
  std::string aligned_volume;              // its name
  std::optional<Vec3d> viewer_resolution;  // nm per coordinate unit of its links
  std::string info_service_version;        // "" when the server does not say
};

// The info service for `name`: `explicit_server` when given, else the datastack-to-server map,
// else kDefaultCaveServer. No trailing '/'.
std::string datastack_server(const std::string& name, const std::string& explicit_server = "");

// GET {server}/info/api/v2/datastack/full/{name} with the server's token (cave_token.h); the
// token is then shared with the datastack's local server and its graphene server. Kept per
// context. Throws kNotFound for an unknown datastack, kPermissionDenied for refused tokens.
Datastack resolve_datastack(const std::string& name, const std::string& server,
                            io::Context& context);

struct MaterializationVersion {
  int version = 0;
  Timestamp time_stamp;  // when it was made (the server's naive ISO time, UTC)
  std::string status;    // "AVAILABLE", "EXPIRED", ... ("" when not given)
  bool valid = true;
};

// GET {local_server}/materialize/api/v3/datastack/{name}/version/{version}. Throws kNotFound for
// a version the server does not have.
MaterializationVersion materialization_version(const Datastack& datastack, int version,
                                               io::Context& context);

}  // namespace imagery::cave
