// Reading a JSON file a flag names (--defaults, --from), with the one-line errors the CLI gives.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace imagery::cli {

// Throws kNotFound ("FLAG PATH: cannot read the file") or kInvalidArgument ("FLAG PATH: not JSON").
nlohmann::json read_json_file(const std::string& path, const std::string& flag);

}  // namespace imagery::cli
