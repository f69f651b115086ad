// `imagery stack`: placeholder until the overlay engine lands.
#include "imagery/cli/commands.h"
#include "imagery/core/error.h"

namespace imagery::cli {

CommandRunner add_stack_command(CLI::App& app, const GlobalOptions&) {
  app.add_subcommand("stack", "Stack PNG images into one (not available yet)");
  return [] () -> int { fail(ErrorCode::kInvalidArgument, "stack is not available yet"); };
}

}  // namespace imagery::cli
