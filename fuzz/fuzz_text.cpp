// Fuzzes the small text parsers: source URLs, colours and palette names, CLI bounds.
#include <cstdint>
#include <string>

#include "imagery/cli/arguments.h"
#include "imagery/core/error.h"
#include "imagery/palettes/palette.h"
#include "imagery/palettes/parse_color.h"
#include "imagery/precomputed/source_url.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    imagery::precomputed::parse_source_url(text);
  } catch (const imagery::Error&) {
  }
  try {
    imagery::palettes::parse_color(text, "--color");
  } catch (const imagery::Error&) {
  }
  try {
    imagery::palettes::discrete_colors(text, 3);
  } catch (const imagery::Error&) {
  }
  try {
    imagery::cli::parse_bounds(text, "--bounds");
  } catch (const imagery::Error&) {
  }
  return 0;
}
