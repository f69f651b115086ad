// The error family of imagery: every failure carries a code and a message that
// names the thing at fault (URL, chunk file, JSON field, CLI flag).
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>

namespace imagery {

enum class ErrorCode {
  kInvalidArgument,    // bad flag, bad bounds, malformed input the user gave us
  kNotFound,           // a file, URL, mip or chunk that does not exist
  kUnavailable,        // network trouble after retries
  kDataLoss,           // corrupt or truncated data, malformed info
  kPermissionDenied,   // 401/403 or unreadable files
  kResourceExhausted,  // a request beyond a memory or size budget
  kIoError,            // local writes that failed (unwritable output, full disk)
  kInternal,
  kCancelled,  // the caller cancelled the work (a request's stop token)
};

// What the user can do about an error, when there is one thing to do. Library messages stay
// neutral ("reaches outside the volume"); each front end turns the remedy into its own words
// (the CLI names the flag of the command that ran, the Python bindings a keyword argument).
enum class Remedy {
  kNone,
  kReadOutside,         // the request reaches outside the volume: allow it (reads as 0)
  kFillMissing,         // a chunk is missing: read missing chunks as 0
  kRaiseMemoryBudget,   // over the memory budget: raise it
  kGiveToken,           // access denied: give a token
  kSkipTlsVerification  // the server's certificate is not trusted: skip the check (insecure)
};

// Process exit status the CLI uses for each code (documented in README).
int exit_code_for(ErrorCode code);
std::string_view error_code_name(ErrorCode code);

// `text` with line breaks and other control characters written as escapes (\n, \x1b) and cut
// after 8192 characters, so that an error quoting hostile input still prints as one short line.
std::string one_line(std::string_view text);

class Error : public std::runtime_error {
 public:
  Error(ErrorCode code, const std::string& message, Remedy remedy = Remedy::kNone)
      : std::runtime_error(one_line(message)), code_(code), remedy_(remedy) {}
  ErrorCode code() const { return code_; }
  Remedy remedy() const { return remedy_; }

 private:
  ErrorCode code_;
  Remedy remedy_;
};

[[noreturn]] inline void fail(ErrorCode code, const std::string& message,
                              Remedy remedy = Remedy::kNone) {
  throw Error(code, message, remedy);
}

}  // namespace imagery
