// Requests to CAVE services (info service, chunkedgraph, materialization) and what their answers
// mean. Every request goes through the context's one transport, which retries 5xx, 429 and
// network errors with back-off and sends the token granted to the service's origin (see
// cave_token.h). Errors become one line naming the source: 401 and 403 are kPermissionDenied (a
// 403 for terms of service not yet accepted shows the page to accept them at), 400
// invalid_table_id and 404 are kNotFound, other 4xx kInvalidArgument with the server's message.
#pragma once

#include <nlohmann/json.hpp>
#include <stop_token>
#include <string>
#include <vector>

#include "imagery/core/bytes.h"
#include "imagery/core/error.h"
#include "imagery/io/context.h"
#include "imagery/io/http_transport.h"

namespace imagery::cave {

// Sends every request at once and waits for all; returns the bodies in order (inflated when the
// server gzip'd them). The first failure is thrown once all have ended; `source` starts messages.
std::vector<Bytes> cave_fetch_all(io::Context& context, std::vector<io::HttpRequest> requests,
                                  const std::string& source, std::stop_token stop = {});

Bytes cave_fetch(io::Context& context, io::HttpRequest request, const std::string& source,
                 std::stop_token stop = {});

// A GET of a JSON document. Integers stay exact (uint64 ids are never read through double).
nlohmann::json cave_get_json(io::Context& context, const std::string& url,
                             const std::string& source, std::stop_token stop = {});

// `body` parsed as JSON; kDataLoss naming `what` when it is not.
nlohmann::json parse_cave_json(const Bytes& body, const std::string& what);

// The error an answer with `status` and `body` to `method url` means (what the functions above
// throw), for tests and other callers.
Error cave_status_error(long status, const Bytes& body, const std::string& method,
                        const std::string& url, const std::string& source);

}  // namespace imagery::cave
