// `imagery composite`: placeholder until the overlay engine lands.
#include "imagery/cli/commands.h"
#include "imagery/core/error.h"

namespace imagery::cli {

CommandRunner add_composite_command(CLI::App& app, const GlobalOptions&) {
  app.add_subcommand("composite", "Overlay a segmentation on imagery (not available yet)");
  return [] () -> int { fail(ErrorCode::kInvalidArgument, "composite is not available yet"); };
}

}  // namespace imagery::cli
