// Publication figures benchmark (issue 15): a 2 x 3 layout of 1024 x 1024 outlined panels (jpeg
// image at 4 nm + compressed_segmentation at 8 nm on the image grid, six sections of the
// benchmark volumes read from local files) written as PNG, SVG, PDF and TIFF. The six figures are
// fetched and composited once; what is timed per format is what writing adds: building the
// layout's scene (for SVG and PDF that includes tracing every object's outline into polygons)
// and encoding it (for PNG and TIFF that includes drawing the scene into pixels). Then the whole
// `imagery layout` command per format, in a fresh process.
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "bench/common/bench_context.h"
#include "bench/common/bench_volumes.h"
#include "imagery/figure/figure_scene.h"
#include "imagery/figure/layout.h"
#include "imagery/figure/make_figure.h"
#include "imagery/figure/render.h"
#include "imagery/figure/writer.h"
#include "imagery/io/context.h"

using namespace imagery;
using Clock = std::chrono::steady_clock;

namespace {

constexpr int kPanels = 6;

figure::FigureSpec panel_spec(const std::string& data, int i) {
  figure::FigureSpec spec;
  spec.image = figure::SourceSpec{data + "/image_jpeg", {}};
  spec.segmentation = figure::SourceSpec{data + "/seg_cseg", {}};
  const std::int64_t x = 256 + 256 * (i % 3), z = 8 + 8 * i;
  spec.region = figure::RegionSpec::corners(
      {static_cast<double>(x), 512, static_cast<double>(z)},
      {static_cast<double>(x + 1024), 1536, static_cast<double>(z + 1)});
  spec.style.composite.outline = true;
  spec.style.composite.width = 2;
  spec.style.composite.alpha = 1;
  spec.style.composite.merge_outline = false;
  spec.elements.scale_bar.enabled = true;
  spec.elements.label = figure::panel_letter(static_cast<std::size_t>(i));
  spec.output.path = "layout.png";
  return spec;
}

struct Written {
  double ms = 0, scene_ms = 0;
  std::size_t bytes = 0;
};

Written write_layout(const std::vector<figure::FigureSpec>& specs,
                     const std::vector<figure::RenderedFigure>& figures, const std::string& ext,
                     io::Context& context) {
  const auto t0 = Clock::now();
  const auto writer = figure::writer_for("layout" + ext);
  std::vector<std::pair<double, double>> sizes;
  for (const auto& f : figures)
    sizes.emplace_back(f.panels[0].picture.width, f.panels[0].picture.height);
  const std::vector<std::pair<int, int>> spans(figures.size(), {1, 1});
  const figure::LayoutGeometry g = figure::layout_geometry(sizes, spans, 3, 10);
  figure::OutputSpec output;
  output.width_mm = 183;
  const figure::PrintSize print = figure::print_size(output, g.width, g.height);
  graphics::Scene scene;
  scene.width = g.width;
  scene.height = g.height;
  scene.background = graphics::Color{255, 255, 255, 255};
  for (std::size_t i = 0; i < figures.size(); ++i) {
    figure::PanelDrawing drawing;
    drawing.vector = writer->draws_vectors();
    drawing.print = print;
    drawing.pool = &context.pool();
    figure::add_panel(scene, specs[i], figures[i], 0, g.cells[i].x, g.cells[i].y, drawing);
  }
  const double scene_ms = bench::ms_since(t0);
  figure::EncodeOptions encode;
  encode.print = print;
  encode.pool = &context.pool();
  const std::vector<std::byte> bytes = writer->encode(scene, encode);
  return {bench::ms_since(t0), scene_ms, bytes.size()};
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 4) {
    std::fprintf(stderr, "usage: %s DATA_DIR IMAGERY_BINARY OUT_DIR [REPEATS]\n", argv[0]);
    return 2;
  }
  const std::string data = argv[1], cli = argv[2], out = argv[3];
  const int repeats = argc > 4 ? std::atoi(argv[4]) : 5;
  bench::ensure_bench_volumes(data);
  bench::print_bench_context("publication");
  std::printf(
      "2x3 layout of 1024x1024 outlined panels (image_jpeg 4 nm + seg_cseg 8 nm, local files), "
      "scale bars and letters, 183 mm wide; %u hardware threads; median of %d runs\n",
      std::thread::hardware_concurrency(), repeats);

  io::Context context;
  std::vector<figure::FigureSpec> specs;
  std::vector<figure::RenderedFigure> figures;
  for (int i = 0; i < kPanels; ++i) {
    specs.push_back(panel_spec(data, i));
    figures.push_back(figure::render_figure(specs.back(), context));
  }

  std::printf("%-6s %14s %12s %12s %10s\n", "format", "write ms", "(scene ms)", "MB", "vs PNG");
  double png_ms = 0;
  for (const char* ext : {".png", ".svg", ".pdf", ".tif"}) {
    std::vector<double> ms, scene_ms;
    std::size_t bytes = 0;
    for (int r = 0; r < repeats; ++r) {
      const Written w = write_layout(specs, figures, ext, context);
      ms.push_back(w.ms);
      scene_ms.push_back(w.scene_ms);
      bytes = w.bytes;
    }
    const double m = bench::median(ms);
    if (std::string(ext) == ".png") png_ms = m;
    std::printf("%-6s %14.1f %12.1f %12.2f %10.2f\n", ext + 1, m, bench::median(scene_ms),
                static_cast<double>(bytes) / 1e6, m / png_ms);
  }

  // The whole command, a fresh process per run (fetch, composite, draw, write).
  // (Not publication_layout.json: that is the sidecar of publication_layout.pdf.)
  const std::string layout_path = out + "/publication_layout_spec.json";
  {
    nlohmann::json doc;
    doc["columns"] = 3;
    doc["width_mm"] = 183;
    doc["panels"] = nlohmann::json::array();
    for (int i = 0; i < kPanels; ++i) {
      const std::int64_t x = 256 + 256 * (i % 3), z = 8 + 8 * i;
      doc["panels"].push_back({{"image", data + "/image_jpeg"},
                               {"seg", data + "/seg_cseg"},
                               {"bounds", {x, 512, z, x + 1024, 1536, z + 1}},
                               {"outline", true},
                               {"width", 2},
                               {"alpha", 1},
                               {"no_merge_outline", true},
                               {"scale_bar", "auto"}});
    }
    std::ofstream(layout_path) << doc.dump(2);
  }
  std::printf("%-6s %14s %12s\n", "format", "CLI ms", "CPU s");
  for (const char* ext : {".png", ".svg", ".pdf", ".tif"}) {
    std::vector<double> ms, cpu;
    for (int r = 0; r < repeats; ++r) {
      const bench::CommandRun run = bench::run_command(
          {cli, "--quiet", "layout", layout_path, "-o", out + "/publication_layout" + ext});
      if (run.exit_code != 0) std::fprintf(stderr, "imagery layout %s failed\n", ext);
      ms.push_back(run.ms);
      cpu.push_back(run.cpu_s);
    }
    std::printf("%-6s %14.1f %12.2f\n", ext + 1, bench::median(ms), bench::median(cpu));
  }
  return 0;
}
