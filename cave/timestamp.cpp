#include "imagery/cave/timestamp.h"

#include <cctype>
#include <cmath>
#include <cstdio>
#include <optional>

#include "imagery/core/error.h"

namespace imagery::cave {

namespace {

using std::chrono::microseconds;

// Days since 1970-01-01 of a proleptic Gregorian date.
std::int64_t days_from_civil(int y, unsigned m, unsigned d) {
  const std::chrono::sys_days days{std::chrono::year{y} / std::chrono::month{m} /
                                   std::chrono::day{d}};
  return days.time_since_epoch().count();
}

bool is_leap(int y) {
  return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int days_in_month(int y, int m) {
  static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && is_leap(y) ? 29 : days[m - 1];
}

// The maximum accepted: 9999-12-31T23:59:59Z.
constexpr std::int64_t kMaxSeconds = 253402300799;

class Reader {
 public:
  explicit Reader(const std::string& s) : s_(s) {}
  bool done() const { return pos_ == s_.size(); }
  char peek() const { return done() ? '\0' : s_[pos_]; }
  bool take(char c) {
    if (peek() != c) return false;
    ++pos_;
    return true;
  }
  // Exactly `n` digits.
  std::optional<int> digits(int n) {
    int v = 0;
    for (int i = 0; i < n; ++i) {
      if (!std::isdigit(static_cast<unsigned char>(peek()))) return std::nullopt;
      v = v * 10 + (s_[pos_++] - '0');
    }
    return v;
  }
  // A fraction after '.' or ',' in microseconds (more digits are cut, as the services do).
  std::optional<std::int64_t> fraction() {
    std::int64_t us = 0;
    int n = 0;
    while (std::isdigit(static_cast<unsigned char>(peek()))) {
      if (n < 6) us = us * 10 + (s_[pos_] - '0');
      ++pos_;
      ++n;
    }
    if (n == 0) return std::nullopt;
    for (int i = n; i < 6; ++i) us *= 10;
    return us;
  }

 private:
  const std::string& s_;
  std::size_t pos_ = 0;
};

std::optional<Timestamp> parse_iso(const std::string& text) {
  Reader r(text);
  const auto year = r.digits(4);
  if (!year || !r.take('-')) return std::nullopt;
  const auto month = r.digits(2);
  if (!month || !r.take('-')) return std::nullopt;
  const auto day = r.digits(2);
  if (!day || *month < 1 || *month > 12 || *day < 1 || *day > days_in_month(*year, *month))
    return std::nullopt;
  int hour = 0, minute = 0, second = 0;
  std::int64_t micros = 0;
  std::int64_t offset_seconds = 0;
  if (!r.done()) {
    if (!r.take('T') && !r.take('t') && !r.take(' ')) return std::nullopt;
    const auto h = r.digits(2);
    if (!h || !r.take(':')) return std::nullopt;
    const auto mi = r.digits(2);
    if (!mi) return std::nullopt;
    hour = *h;
    minute = *mi;
    if (r.take(':')) {
      const auto sec = r.digits(2);
      if (!sec) return std::nullopt;
      second = *sec;
      if (r.take('.') || r.take(',')) {
        const auto f = r.fraction();
        if (!f) return std::nullopt;
        micros = *f;
      }
    }
    if (hour > 23 || minute > 59 || second > 59) return std::nullopt;
    if (r.take('Z') || r.take('z')) {
    } else if (r.peek() == '+' || r.peek() == '-') {
      const int sign = r.peek() == '-' ? -1 : 1;
      r.take(r.peek());
      const auto oh = r.digits(2);
      if (!oh) return std::nullopt;
      r.take(':');
      const auto om = r.digits(2);
      if (!om || *oh > 23 || *om > 59) return std::nullopt;
      offset_seconds = sign * (*oh * 3600 + *om * 60);
    }
  }
  if (!r.done()) return std::nullopt;
  const std::int64_t seconds =
      days_from_civil(*year, static_cast<unsigned>(*month), static_cast<unsigned>(*day)) * 86400 +
      hour * 3600 + minute * 60 + second - offset_seconds;
  if (seconds < 0 || seconds > kMaxSeconds) return std::nullopt;
  return Timestamp(microseconds(seconds * 1000000 + micros));
}

std::optional<Timestamp> parse_unix(const std::string& text) {
  // Digits with at most one '.', nothing else (no sign, no exponent: 1e9 is a typo more often
  // than a date).
  std::size_t dots = 0, digits = 0;
  for (char c : text) {
    if (c == '.')
      ++dots;
    else if (std::isdigit(static_cast<unsigned char>(c)))
      ++digits;
    else
      return std::nullopt;
  }
  if (digits == 0 || dots > 1) return std::nullopt;
  const auto dot = text.find('.');
  const std::string whole = text.substr(0, dot);
  if (whole.size() > 12) return std::nullopt;
  const std::int64_t seconds = whole.empty() ? 0 : std::stoll(whole);
  std::int64_t micros = 0;
  if (dot != std::string::npos) {
    std::string frac = text.substr(dot + 1);
    if (frac.size() > 6) {
      // Beyond microseconds: round up, so that the instant never falls before what was given.
      const bool rest = frac.find_first_not_of('0', 6) != std::string::npos;
      frac.resize(6);
      micros = std::stoll(frac) + (rest ? 1 : 0);
    } else if (!frac.empty()) {
      micros = std::stoll(frac);
      for (std::size_t i = frac.size(); i < 6; ++i) micros *= 10;
    }
  }
  if (seconds > kMaxSeconds) return std::nullopt;
  return Timestamp(microseconds(seconds * 1000000 + micros));
}

}  // namespace

Timestamp parse_timestamp(const std::string& text, const std::string& what) {
  if (auto t = parse_unix(text)) return *t;
  if (auto t = parse_iso(text)) return *t;
  fail(ErrorCode::kInvalidArgument,
       what + ": '" + text +
           "' is not a timestamp (give unix seconds such as 1709294400 or 1709294400.5, or ISO "
           "8601 such as 2024-03-01T12:00:00Z; a time without a zone is UTC) between 1970 and "
           "9999");
}

std::string format_timestamp(Timestamp t) {
  const std::int64_t us = t.time_since_epoch().count();
  const std::int64_t seconds = us / 1000000;
  const std::int64_t micros = us % 1000000;
  const std::int64_t days = seconds / 86400;
  const std::int64_t in_day = seconds % 86400;
  const std::chrono::year_month_day ymd{std::chrono::sys_days{std::chrono::days{days}}};
  const long long y = static_cast<int>(ymd.year());
  const unsigned m = static_cast<unsigned>(ymd.month());
  const unsigned d = static_cast<unsigned>(ymd.day());
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%04lld-%02u-%02uT%02lld:%02lld:%02lld", y, m, d,
                static_cast<long long>(in_day / 3600), static_cast<long long>(in_day / 60 % 60),
                static_cast<long long>(in_day % 60));
  std::string out = buffer;
  if (micros != 0) {
    std::snprintf(buffer, sizeof buffer, ".%06lld", static_cast<long long>(micros));
    out += buffer;
  }
  return out + "Z";
}

std::int64_t timestamp_seconds_sent(Timestamp t) {
  const std::int64_t us = t.time_since_epoch().count();
  return us / 1000000 + (us % 1000000 != 0 ? 1 : 0);
}

Timestamp now_timestamp() {
  return std::chrono::time_point_cast<microseconds>(std::chrono::system_clock::now());
}

}  // namespace imagery::cave
