// Entity tags for the server's images: a strong tag from the bytes themselves (64-bit FNV-1a),
// so equal pictures get equal tags whichever way they were made, and the check of a client's
// If-None-Match (a list of tags or "*", weak tags compared weakly, as RFC 9110 says for GET).
#pragma once

#include <cstddef>
#include <span>
#include <string>

namespace imagery::serve {

// "\"0123456789abcdef\"" (quotes included).
std::string etag_of(std::span<const std::byte> bytes);

// Whether an If-None-Match header value matches `etag`.
bool etag_matches(const std::string& if_none_match, const std::string& etag);

}  // namespace imagery::serve
