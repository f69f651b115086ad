#include "imagery/cli/json_file.h"

#include <fstream>

#include "imagery/core/error.h"

namespace imagery::cli {

nlohmann::json read_json_file(const std::string& path, const std::string& flag) {
  std::ifstream in(path);
  if (!in) fail(ErrorCode::kNotFound, flag + " " + path + ": cannot read the file");
  try {
    return nlohmann::json::parse(in);
  } catch (const nlohmann::json::exception& e) {
    fail(ErrorCode::kInvalidArgument, flag + " " + path + ": not JSON (" + e.what() + ")");
  }
}

}  // namespace imagery::cli
