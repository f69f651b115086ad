// Tokens for remote sources from CloudVolume's secret files, so users who set
// CloudVolume up need nothing more: for an https source on HOST,
// $CLOUD_VOLUME_DIR/secrets/HOST-cave-secret.json (default ~/.cloudvolume),
// then ~/.cloudfiles/secrets/HOST-cave-secret.json, each {"token": "..."}.
// Only host-specific files are used, so a token never travels to another host.
#pragma once

#include <string>

namespace imagery::io {

// The token for `url`, or "" when no secret file names its host. Never logs the token.
std::string find_token_for(const std::string& url);

}  // namespace imagery::io
