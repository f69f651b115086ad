// Fuzzes info parsing and validation, and the JSON round trip of what parses.
#include <cstdint>
#include <string_view>

#include "imagery/core/error.h"
#include "imagery/precomputed/info.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace imagery::precomputed;
  try {
    VolumeInfo info = parse_info(std::string_view(reinterpret_cast<const char*>(data), size), "fuzz");
    info.default_mip();
    info.nearest_mip({8, 8, 40});
    parse_info(info_to_json(info), "round trip");  // what we accept we must write back validly
  } catch (const imagery::Error&) {
  }
  return 0;
}
