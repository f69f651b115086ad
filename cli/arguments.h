// Parsing of the comma-separated values the CLI takes (bounds, vectors, mips).
#pragma once

#include <string>
#include <vector>

#include "imagery/core/bbox.h"
#include "imagery/core/error.h"

namespace imagery::cli {

// The pieces of `text` between separators (empty pieces kept), and a string without outer blanks.
std::vector<std::string> split(const std::string& text, char sep);
std::string trim(const std::string& s);

// "a,b,c,..." of exactly `count` integers; throws kInvalidArgument naming `flag`.
std::vector<std::int64_t> parse_integers(const std::string& text, std::size_t count,
                                         const std::string& flag);
std::vector<double> parse_numbers(const std::string& text, std::size_t count,
                                  const std::string& flag);
// "X0,Y0,Z0,X1,Y1,Z1" as a half-open box; max must exceed min on every axis.
Bbox parse_bounds(const std::string& text, const std::string& flag);
// fn(), with what it throws put behind "FLAG: " (library messages do not know the flag).
template <class Fn>
auto with_flag(const std::string& flag, Fn&& fn) -> decltype(fn()) {
  try {
    return fn();
  } catch (const Error& e) {
    throw Error(e.code(), flag + ": " + e.what(), e.remedy());
  }
}

}  // namespace imagery::cli
