// The `imagery` program: parses the command line, runs one subcommand, and turns
// errors into one line on stderr and the exit status of their code.
#include <cstdio>
#include <exception>
#include <vector>

#include "imagery/cli/command_context.h"
#include "imagery/cli/commands.h"
#include "imagery/core/allocator.h"
#include "imagery/core/error.h"
#include "imagery/version.h"

int main(int argc, char** argv) {
  using namespace imagery;
  // Chunk buffers are a few hundred KB each: keep them on the heap for reuse instead of letting
  // glibc map and unmap (and the kernel zero) fresh pages for every chunk.
  tune_allocator_for_large_buffers();
  CLI::App app{"imagery: connectomics figures from Neuroglancer precomputed volumes", "imagery"};
  app.require_subcommand(1);
  app.fallthrough();
  app.set_version_flag("--version", std::string(IMAGERY_VERSION));
  cli::GlobalOptions global;
  cli::add_global_options(app, global);

  std::vector<std::pair<CLI::App*, cli::CommandRunner>> commands;
  auto add = [&](cli::CommandRunner runner) {
    commands.emplace_back(app.get_subcommands({}).back(), std::move(runner));
  };
  add(cli::add_info_command(app, global));
  add(cli::add_cutout_command(app, global));
  add(cli::add_composite_command(app, global));
  add(cli::add_stack_command(app, global));
  add(cli::add_figure_command(app, global));
  add(cli::add_layout_command(app, global));
  add(cli::add_batch_command(app, global));
  add(cli::add_link_command(app, global));
  add(cli::add_render_command(app, global));
  add(cli::add_histogram_command(app, global));
  add(cli::add_thumbnail_command(app, global));
  add(cli::add_serve_command(app, global));

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::fprintf(stderr, "imagery: usage error: %s (see imagery --help)\n", e.what());
    return 2;
  }
  std::string command;
  try {
    for (auto& [sub, run] : commands)
      if (sub->parsed()) {
        command = sub->get_name();
        return run();
      }
  } catch (const Error& e) {
    // The library's message, with what this command's flags can do about it.
    std::fprintf(stderr, "imagery: %s: %s\n", std::string(error_code_name(e.code())).c_str(),
                 cli::message_with_hint(command, e).c_str());
    return exit_code_for(e.code());
  } catch (const std::bad_alloc&) {
    std::fprintf(stderr, "imagery: out of memory\n");
    return exit_code_for(ErrorCode::kResourceExhausted);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "imagery: internal error: %s\n", e.what());
    return 1;
  }
  return 2;
}
