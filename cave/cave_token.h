// The token a CAVE service (info service, chunkedgraph, materialization) is sent, found as
// CloudVolume and CAVEclient find it: a token granted to the service's origin in the context's
// credentials (the CLI grants --token / $IMAGERY_TOKEN to the sources a user names), else the
// secret files $CLOUD_VOLUME_DIR/secrets (default ~/.cloudvolume/secrets)
// HOST[:PORT]-cave-secret.json, cave-secret.json, chunkedgraph-secret.json (key "token"). The token
// found is granted to that origin only, so the transport sends it there as "Authorization: Bearer"
// and never to storage buckets (a graphene layer's data_dir, an image source).
#pragma once

#include <string>

#include "imagery/io/context.h"

namespace imagery::cave {

// The token for requests to `server` ("https://host:port"), granted to its origin. Throws
// kPermissionDenied (Remedy::kGiveToken) naming `source` and the file to create when there is
// none, and kInvalidArgument for a token that is not a hex or base64 string (it would go into an
// HTTP header).
std::string cave_token(io::Context& context, const std::string& server, const std::string& source);

// Grants `token` to `server` unless that origin has a token already (a datastack's local server
// gets the token the info service accepted, as CAVEclient uses one token for all).
void share_cave_token(io::Context& context, const std::string& server, const std::string& token);

}  // namespace imagery::cave
