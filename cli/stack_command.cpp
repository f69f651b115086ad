// `imagery stack A.png B.png ... -o OUT.png`: ImageryClient's stack_images on PNG files, on a
// white RGB canvas, top aligned (horizontal) or left aligned (vertical).
#include <memory>
#include <string>
#include <vector>

#include "imagery/cli/commands.h"
#include "imagery/cli/phase_timer.h"
#include "imagery/core/atomic_file.h"
#include "imagery/core/error.h"
#include "imagery/overlay/figure_png.h"
#include "imagery/overlay/stack.h"

namespace imagery::cli {

namespace {
struct StackArgs {
  std::vector<std::string> inputs;
  std::string direction = "horizontal";
  int spacing = 10;
  int png_level = 1;
  std::string output;
};
}  // namespace

CommandRunner add_stack_command(CLI::App& app, const GlobalOptions& global) {
  auto a = std::make_shared<StackArgs>();
  auto* cmd = app.add_subcommand(
      "stack", "Stack PNG pictures into one RGB picture, as ImageryClient's stack_images");
  cmd->add_option("inputs", a->inputs, "PNG files, in order")->required();
  cmd->add_option("--direction", a->direction,
                  "horizontal (top aligned) or vertical (left aligned)")
      ->check(CLI::IsMember({"horizontal", "vertical"}))
      ->capture_default_str();
  cmd->add_option("--spacing", a->spacing, "White pixels between pictures")->capture_default_str();
  cmd->add_option("--png-level", a->png_level, "zlib level 0-9 (9: smallest files, slowest)")
      ->capture_default_str();
  cmd->add_option("-o,--output", a->output, "Output PNG")->required();
  return [a, &global] {
    PhaseTimer timer(global);
    if (a->spacing < 0)
      fail(ErrorCode::kInvalidArgument,
           "--spacing must not be negative, got " + std::to_string(a->spacing));
    if (a->png_level < 0 || a->png_level > 9)
      fail(ErrorCode::kInvalidArgument,
           "--png-level must be 0-9, got " + std::to_string(a->png_level));
    AtomicFile output(a->output);  // fail on an unwritable output before reading anything
    timer.start("read");
    std::vector<overlay::Image> pictures;
    pictures.reserve(a->inputs.size());
    for (const std::string& path : a->inputs) pictures.push_back(overlay::read_figure_png(path));
    timer.start("composite");
    overlay::Image stacked =
        overlay::stack_images(pictures, *overlay::parse_direction(a->direction), a->spacing);
    timer.start("encode");
    std::vector<std::byte> png = overlay::encode_figure_png(stacked, {a->png_level});
    timer.start("write");
    output.write(std::span<const std::byte>(png));
    output.commit();
    return 0;
  };
}

}  // namespace imagery::cli
