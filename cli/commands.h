// The subcommands of the `imagery` program. Each add_*_command registers its
// options on the app and returns the function that runs it after parsing.
#pragma once

#include <functional>

#include <CLI/CLI.hpp>

#include "imagery/cli/global_options.h"

namespace imagery::cli {

using CommandRunner = std::function<int()>;

CommandRunner add_info_command(CLI::App& app, const GlobalOptions& global);
CommandRunner add_cutout_command(CLI::App& app, const GlobalOptions& global);
CommandRunner add_composite_command(CLI::App& app, const GlobalOptions& global);
CommandRunner add_stack_command(CLI::App& app, const GlobalOptions& global);
CommandRunner add_figure_command(CLI::App& app, const GlobalOptions& global);
CommandRunner add_batch_command(CLI::App& app, const GlobalOptions& global);
CommandRunner add_link_command(CLI::App& app, const GlobalOptions& global);
CommandRunner add_layout_command(CLI::App& app, const GlobalOptions& global);
CommandRunner add_render_command(CLI::App& app, const GlobalOptions& global);
CommandRunner add_histogram_command(CLI::App& app, const GlobalOptions& global);
CommandRunner add_thumbnail_command(CLI::App& app, const GlobalOptions& global);
CommandRunner add_serve_command(CLI::App& app, const GlobalOptions& global);

}  // namespace imagery::cli
