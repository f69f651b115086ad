#include "imagery/cli/figure_options.h"

#include <algorithm>

#include "imagery/figure/figure_spec_json.h"
#include "imagery/palettes/palette.h"

namespace imagery::cli {

std::string flag_name(std::string_view key) {
  std::string k(key);
  std::replace(k.begin(), k.end(), '_', '-');
  return "--" + k;
}

void add_overlay_options(CLI::App* cmd) {
  cmd->add_option("--root-ids")
      ->description(
          "ID,ID,...: draw only these objects (ascending id order); all: every object (for a "
          "graphene segmentation: every root id, the default)");
  cmd->add_flag("--supervoxels")
      ->description("Draw a graphene segmentation's supervoxels instead of its root ids");
  cmd->add_flag("--include-zero")->description("Draw id 0 as an object too");
  cmd->add_flag("--outline")->description("Draw outlines instead of filled objects");
  cmd->add_option("--side")->description("Outline side: out or in (default out)");
  cmd->add_option("--width")->description("Outline width in pixels (0: unlimited; default 10)");
  cmd->add_flag("--no-merge-outline")->description("Keep each object's whole outline");
  cmd->add_flag("--no-overlap")->description("Where outlines meet, the first object wins");
  cmd->add_option("--alpha")->description("Object opacity in [0, 1] (default 0.2)");
  cmd->add_option("--palette")
      ->description("Palette (default husl): " + palettes::palette_names_text());
  cmd->add_option("--husl-h")->description("First hue of husl/hls, in turns (default 0.01)");
  cmd->add_option("--husl-s")->description("Saturation of husl/hls in [0, 1] (default 1)");
  cmd->add_option("--husl-l")->description("Lightness of husl/hls in [0, 1] (default 0.65)");
  cmd->add_option("--color")
      ->description(
          "ID=COLOR for one object (repeatable; then every drawn id needs one). COLOR is "
          "#rrggbb, #rgb, a CSS name or r,g,b floats in [0, 1]")
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  cmd->add_option("--colors")->description("COLOR;COLOR;...: colours by rank (ascending id order)");
  cmd->add_option("--dim")->description(
      "Slicing axis of a 3-D input: 0 (x), 1 (y) or 2 (z; default)");
  cmd->add_option("--stack")->description(
      "Stack the slices of a 3-D input into one RGB picture: horizontal "
      "or vertical");
  cmd->add_option("--spacing")->description("Pixels between stacked slices (white; default 10)");
  cmd->add_option("--window")
      ->description(
          "Display window for the imagery: MIN,MAX, auto (0.5/99.5 percentiles), p:LO,HI "
          "(percentiles), minmax or full (the data type's range). "
          "Default: uint8 as is, other types clipped to [0, 255] as ImageryClient does");
  cmd->add_option("--tint")->description(
      "Colour of the imagery, as OMERO shows a channel (grey g drawn as g x COLOR / 255): COLOR "
      "or none (grey). Default: an OME-Zarr image's omero channel colour, else grey");
  cmd->add_flag("--rgb")->description(
      "Write RGB without alpha (a picture without imagery goes on black)");
  cmd->add_option("--png-level")
      ->description("zlib level 0-9 (9: smallest files, slowest; default 1)");
}

void add_publication_options(CLI::App* cmd) {
  cmd->add_option("--scale-bar")
      ->expected(0, 1)
      ->description(
          "[auto|LENGTH]: a scale bar exactly LENGTH long (500nm, 1um, 2\u00b5m); auto (the "
          "default value): 1, 2 or 5 x 10^k nm near 20 % of the width");
  cmd->add_option("--scale-bar-position")
      ->description("bottom-right (default), bottom-left, top-right or top-left");
  cmd->add_option("--scale-bar-color")
      ->description("COLOR of the bar and its text (default white)");
  cmd->add_option("--scale-bar-thickness")
      ->description("Bar thickness in pixels (default: 1 % of the height, at least 2)");
  cmd->add_flag("--no-scale-bar-label")->description("Draw the bar without its length");
  cmd->add_option("--label")->description("TEXT: the panel's letter, bold at the top-left");
  cmd->add_option("--title")->description("TEXT: a title above the picture");
  cmd->add_option("--inset")->expected(0, 1)->description(
      "[CORNER]: an overview of the whole section (coarse mip, same window) with the "
      "figure's box marked, at top-right (default), top-left, bottom-left or bottom-right");
  cmd->add_option("--points")
      ->description(
          "FILE: points to mark (CSV or JSON Lines: x,y,z in coordinate units; optional color, "
          "size, shape circle|cross|square, label; or a CAVE table export's *_position column)");
  cmd->add_option("--lines")->description(
      "FILE: lines to draw (x1,y1,z1,x2,y2,z2; optional color, size, label)");
  cmd->add_option("--boxes")->description(
      "FILE: boxes to draw (x1,y1,z1,x2,y2,z2; optional color, size, label)");
  cmd->add_option("--font-size")
      ->description("Text size in points at the physical size (default 8)");
  cmd->add_option("--dpi")->description(
      "N: dots per inch the pixels are printed at (PNG/TIFF resolution, SVG/PDF page; default "
      "300)");
  cmd->add_option("--width-mm")
      ->description(
          "W: the figure's printed width in mm (journals: 89 or 183); with --dpi, PNG/TIFF are "
          "resampled to that many pixels");
  cmd->add_option("--height-mm")->description("H: the printed height in mm instead");
  cmd->add_option("--simplify")
      ->description(
          "PX: SVG/PDF outlines and fills simplified by PX pixels (default 0: exact pixel edges)");
}

void add_figure_options(CLI::App* cmd) {
  cmd->add_option("--image")->description("Image volume: path, file://, http(s)://, gs://, s3://");
  cmd->add_option("--seg")->description(
      "Segmentation volume (same forms as --image, or "
      "graphene://https://HOST/segmentation/table/NAME)");
  cmd->add_option("--datastack")
      ->description(
          "NAME: a CAVE datastack; its image, segmentation and viewer resolution are used "
          "where --image, --seg and --resolution are not given");
  cmd->add_option("--cave-server")
      ->description(
          "URL of the CAVE info service (default: the datastack's entry in "
          "~/.cloudvolume/secrets/cave_datastack_to_server_map.json, else "
          "https://global.daf-apis.com)");
  cmd->add_option("--mat-version")
      ->description("V: read root ids as of the datastack's materialization version V");
  cmd->add_option("--timestamp")
      ->description(
          "T: read root ids of a graphene segmentation as of T: unix seconds or ISO 8601 (no "
          "zone: UTC). Default: the instant the command started");
  cmd->add_option("--t")->description(
      "T: the time point of sources with a time axis (OME-Zarr's t; default 0)");
  cmd->add_flag("--nearest")
      ->description(
          "With --image-mip/--seg-mip RX,RY,RZ: the nearest level when none has that pixel size");
  cmd->add_option("--state")->description(
      "STATE: draw a Neuroglancer state's cross-section as Neuroglancer does: a JSON file, - "
      "(stdin), a Neuroglancer link (#!{...} or #!URL of a JSON state), or a state's URL");
  cmd->add_option("--panel")->description(
      "xy, xz or yz: the cross-section of --state to draw (default: its layout's first)");
  cmd->add_option("--panel-size")
      ->description("W,H: the --state panel in pixels (default 1024,1024)");
  cmd->add_option("--position")
      ->description(
          "X,Y,Z: centre the --state view here (global coordinates, voxel centres at k+0.5)");
  cmd->add_option("--cross-section-scale")
      ->description(
          "Z: the --state zoom, in canonical voxels per pixel (Neuroglancer's crossSectionScale)");
  cmd->add_option("--segments")
      ->description("ID,ID,...: the selected segments of the --state's segmentation layers");
  cmd->add_option("--bounds")
      ->description("X0,Y0,Z0,X1,Y1,Z1: half-open box in coordinates (see --resolution)");
  cmd->add_option("--center")
      ->description("X,Y,Z: centre in coordinates, with --size or --image-size");
  cmd->add_option("--size")->description(
      "W,H[,D]: box size in coordinates around --center (odd sizes: extra unit high)");
  cmd->add_option("--image-size")
      ->description(
          "W,H[,D]: exact output size in pixels at the image mip (segmentation mip "
          "without --image) around --center");
  cmd->add_option("--resolution")
      ->description(
          "RX,RY,RZ: nm per coordinate unit (default: the image's default mip, as "
          "Neuroglancer shows coordinates)");
  cmd->add_option("--image-mip")
      ->description("Image mip index or resolution RX,RY,RZ (default: first non-placeholder)");
  cmd->add_option("--seg-mip")
      ->description(
          "Segmentation mip index or resolution (default: first "
          "non-placeholder)");
  cmd->add_flag("--bounded")->description("Refuse bounds outside the volumes (default: read 0)");
  cmd->add_flag("--no-fill-missing")
      ->description("A missing chunk is an error (default: it reads as 0)");
  add_overlay_options(cmd);
  add_publication_options(cmd);
  add_image_rendering_options(cmd);
}

void add_image_rendering_options(CLI::App* cmd) {
  cmd->add_option("--projection")
      ->description(
          "max, min, mean or sum: the imagery projected through the region's z range (or "
          "--z-range); each object drawn as its footprint through the slab");
  cmd->add_option("--z-range")->description("Z0,Z1: the slab to project, in coordinates");
  cmd->add_option("--channel")
      ->description(
          "I[:window=LO,HI][:color=COLOR][:invert] (repeatable, 0-based): the image channels "
          "drawn, COLOR a colour or grey, red, green, blue, cyan, magenta, yellow, fire, viridis")
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  cmd->add_option("--model")->description(
      "greyscale (the first active channel) or color (active channels and layers added)");
  cmd->add_option("--layer")
      ->description(
          "SOURCE[:window=LO,HI][:color=COLOR][:opacity=A] (repeatable): another image volume "
          "on the figure's grid, added in the colour model (a probability map in magenta)")
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
}

nlohmann::json given_options_json(const CLI::App* cmd) {
  nlohmann::json doc = nlohmann::json::object();
  for (const CLI::Option* opt : cmd->get_options()) {
    if (opt->count() == 0) continue;
    const std::string name = opt->get_single_name();
    const std::string key = figure::canonical_key(name);
    if (!figure::is_figure_key(key)) continue;
    const std::vector<std::string>& values = opt->results();
    if (opt->get_expected_min() == 0) {
      // A flag, or an option whose value may be left out (--scale-bar, --inset): given bare it
      // is true.
      if (opt->get_expected_max() >= 1 && !values.empty() && !values.back().empty())
        doc[key] = values.back();
      else
        doc[key] = true;
      continue;
    }
    if (opt->get_multi_option_policy() == CLI::MultiOptionPolicy::TakeAll)
      doc[key] = values;
    else
      doc[key] = values.empty() ? std::string() : values.back();
  }
  return doc;
}

}  // namespace imagery::cli
