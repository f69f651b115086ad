#include "imagery/serve/http_error.h"

#include <nlohmann/json.hpp>

namespace imagery::serve {

void http_fail(int status, const std::string& code, const std::string& message) {
  throw HttpError{status, code, message};
}

HttpError http_error_of(const Error& e) {
  switch (e.code()) {
    case ErrorCode::kInvalidArgument:
      return {400, "invalid_argument", e.what()};
    case ErrorCode::kNotFound:
      return {404, "not_found", e.what()};
    case ErrorCode::kResourceExhausted:
      return {413, "too_large", e.what()};
    case ErrorCode::kCancelled:
      return {503, "cancelled", e.what()};
    case ErrorCode::kUnavailable:
      return {503, "unavailable", e.what()};
    case ErrorCode::kPermissionDenied:
      return {403, "permission_denied", e.what()};
    case ErrorCode::kDataLoss:
      return {500, "data_loss", e.what()};
    default:
      return {500, "internal", e.what()};
  }
}

std::string error_body(const HttpError& e) {
  return nlohmann::json{{"error", e.message}, {"code", e.code}}.dump();
}

}  // namespace imagery::serve
