// The options of `imagery figure` (and the drawing options `imagery composite` shares), registered
// on a CLI11 command with their help texts, and read back as the figure schema's JSON: every
// option given on the command line becomes the key of the same name ("--image-size 256,256" ->
// "image_size": "256,256"), so the command line, a sidecar and a manifest row are one format
// (figure/figure_spec_json.h) read by one function.
#pragma once

#include <string>
#include <string_view>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

namespace imagery::cli {

// --root-ids ... --png-level: the overlay options.
void add_overlay_options(CLI::App* cmd);
// --scale-bar ... --simplify: scale bars, labels, insets, annotations, physical size.
void add_publication_options(CLI::App* cmd);
// --image ... --no-fill-missing, then the overlay and publication options.
void add_figure_options(CLI::App* cmd);
// --projection, --z-range, --channel, --model, --layer (part of add_figure_options).
void add_image_rendering_options(CLI::App* cmd);

// The options of `cmd` given on the command line, as schema keys (options whose key is not in
// the schema, like -o or --from, are left out; repeatable ones become arrays, flags true).
nlohmann::json given_options_json(const CLI::App* cmd);

// "root_ids" -> "--root-ids": how the command line names a schema key in messages.
std::string flag_name(std::string_view key);

}  // namespace imagery::cli
