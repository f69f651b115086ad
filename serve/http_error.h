// Errors as the server answers them: an HTTP status with a short machine-readable code and a
// message, sent as {"error": "...", "code": "..."}. Library errors (imagery::Error) map to a
// status by their ErrorCode: bad input 400, missing 404, over a budget 413, cancelled or
// unavailable 503, anything else 500.
#pragma once

#include <string>

#include "imagery/core/error.h"

namespace imagery::serve {

struct HttpError {
  int status = 500;
  std::string code;  // "invalid_argument", "not_found", "too_large", "busy", ...
  std::string message;
};

// Throws an HttpError.
[[noreturn]] void http_fail(int status, const std::string& code, const std::string& message);

HttpError http_error_of(const Error& error);

// The JSON body of an error.
std::string error_body(const HttpError& error);

}  // namespace imagery::serve
