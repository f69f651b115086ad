#include "imagery/core/error.h"

#include <algorithm>

namespace imagery {

std::string one_line(std::string_view text) {
  static const char* hex = "0123456789abcdef";
  constexpr std::size_t kMaxLength = 8192;  // quoted hostile input must not flood the terminal
  std::string out;
  out.reserve(std::min(text.size(), kMaxLength));
  for (char ch : text) {
    if (out.size() >= kMaxLength) {
      out += "...";
      break;
    }
    const auto c = static_cast<unsigned char>(ch);
    if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if ((c < 0x20 && c != '\t') || c == 0x7f) {
      out += "\\x";
      out += hex[c >> 4];
      out += hex[c & 15];
    } else {
      out += ch;
    }
  }
  return out;
}

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
    case ErrorCode::kCancelled:
      return 8;
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
    case ErrorCode::kCancelled:
      return "cancelled";
  }
  return "error";
}

}  // namespace imagery
