#include "imagery/core/error.h"

namespace imagery {

int exit_code_for(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument:
      return 2;
    case ErrorCode::kNotFound:
      return 3;
    case ErrorCode::kUnavailable:
      return 4;
    case ErrorCode::kDataLoss:
      return 5;
    case ErrorCode::kPermissionDenied:
      return 6;
    case ErrorCode::kResourceExhausted:
      return 7;
    case ErrorCode::kIoError:
      return 1;
    case ErrorCode::kInternal:
      return 1;
  }
  return 1;
}

std::string_view error_code_name(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument:
      return "invalid argument";
    case ErrorCode::kNotFound:
      return "not found";
    case ErrorCode::kUnavailable:
      return "unavailable";
    case ErrorCode::kDataLoss:
      return "corrupt data";
    case ErrorCode::kPermissionDenied:
      return "permission denied";
    case ErrorCode::kResourceExhausted:
      return "resource exhausted";
    case ErrorCode::kIoError:
      return "i/o error";
    case ErrorCode::kInternal:
      return "internal error";
  }
  return "error";
}

}  // namespace imagery
