// `imagery link OUT.json [--base URL]`: the Neuroglancer link of a figure's view. Every sidecar
// carries a Neuroglancer state of its figure ("neuroglancer"); this prints it as BASE#!STATE
// (BASE: the public Neuroglancer app unless --base names another, e.g. a CAVE deployment), so
// a collaborator opens the same place.
#include <cstdio>
#include <memory>

#include "imagery/cli/commands.h"
#include "imagery/cli/json_file.h"
#include "imagery/core/error.h"
#include "imagery/figure/figure_spec.h"
#include "imagery/neuroglancer/state_input.h"

namespace imagery::cli {

namespace {

struct LinkArgs {
  std::string sidecar;
  std::string base = neuroglancer::kDefaultNeuroglancerBase;
};

}  // namespace

CommandRunner add_link_command(CLI::App& app, const GlobalOptions&) {
  auto a = std::make_shared<LinkArgs>();
  auto* cmd = app.add_subcommand("link", "Print the Neuroglancer link of a figure's view");
  cmd->add_option("sidecar", a->sidecar,
                  "The figure's sidecar OUT.json (or its picture OUT.png: the sidecar beside it)")
      ->required();
  cmd->add_option("--base", a->base,
                  "The Neuroglancer app the link opens (default " +
                      std::string(neuroglancer::kDefaultNeuroglancerBase) + ")");
  return [a] {
    std::string path = a->sidecar;
    if (path.size() < 5 || path.compare(path.size() - 5, 5, ".json") != 0)
      path = figure::sidecar_path(path);
    const nlohmann::json doc = read_json_file(path, "link");
    if (!doc.is_object() || !doc.contains("neuroglancer") || !doc["neuroglancer"].is_object())
      fail(ErrorCode::kInvalidArgument, "link " + path +
                                            ": no Neuroglancer state in it (an older sidecar; "
                                            "remake the figure with imagery figure --from " +
                                            path + ")");
    if (a->base.rfind("http://", 0) != 0 && a->base.rfind("https://", 0) != 0)
      fail(ErrorCode::kInvalidArgument, "--base " + a->base + ": expected an http(s):// URL");
    std::printf("%s\n", neuroglancer::state_link(doc["neuroglancer"], a->base).c_str());
    return 0;
  };
}

}  // namespace imagery::cli
