#include "imagery/serve/access_log.h"

#include <chrono>
#include <ctime>

#include "imagery/core/error.h"

namespace imagery::serve {

AccessLog::AccessLog(const std::string& path) {
  if (path.empty()) return;
  if (path == "-") {
    file_ = stdout;
    return;
  }
  file_ = std::fopen(path.c_str(), "a");
  if (!file_) fail(ErrorCode::kIoError, "--access-log " + path + ": cannot open the file");
  owned_ = true;
}

AccessLog::~AccessLog() {
  if (owned_) std::fclose(file_);
}

void AccessLog::write(const std::string& method, const std::string& target, int status,
                      std::size_t bytes, double ms, const std::string& cache) {
  if (!file_) return;
  const auto now = std::chrono::system_clock::now();
  const std::time_t seconds = std::chrono::system_clock::to_time_t(now);
  const auto millis =
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm utc{};
  ::gmtime_r(&seconds, &utc);
  char when[32];
  std::strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%S", &utc);
  // The target is printed as sent, with control characters and blanks escaped, so one request
  // stays one line.
  std::string safe;
  for (unsigned char c : target) {
    if (c < 0x21 || c == 0x7f) {
      char esc[8];
      std::snprintf(esc, sizeof esc, "%%%02X", c);
      safe += esc;
    } else {
      safe += static_cast<char>(c);
    }
  }
  std::lock_guard lock(mutex_);
  std::fprintf(file_, "%s.%03dZ %s %s %d %zu %.1fms %s\n", when, static_cast<int>(millis),
               method.c_str(), safe.c_str(), status, bytes, ms, cache.c_str());
  std::fflush(file_);
}

}  // namespace imagery::serve
