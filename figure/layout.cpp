#include "imagery/figure/layout.h"

#include <algorithm>
#include <cmath>
#include <future>
#include <map>
#include <memory>
#include <set>

#include "imagery/core/atomic_file.h"
#include "imagery/core/error.h"
#include "imagery/figure/figure_scene.h"
#include "imagery/figure/figure_spec_json.h"
#include "imagery/figure/overview.h"
#include "imagery/figure/scale_bar.h"
#include "imagery/overlay/display_window.h"
#include "imagery/version.h"

namespace imagery::figure {

namespace {

using nlohmann::json;
using nlohmann::ordered_json;

const std::set<std::string> kLayoutKeys = {
    "format", "defaults", "columns",   "spacing",   "labels", "window",  "output",
    "dpi",    "width_mm", "height_mm", "png_level", "panels", "rendered"};

[[noreturn]] void bad(const std::string& where, const std::string& what) {
  fail(ErrorCode::kInvalidArgument, where + ": " + what);
}

double number_of(const json& v, const std::string& where, const std::string& key) {
  if (v.is_number()) return v.get<double>();
  if (v.is_string()) {
    try {
      std::size_t used = 0;
      const double d = std::stod(v.get<std::string>(), &used);
      if (used == v.get<std::string>().size()) return d;
    } catch (const std::exception&) {
    }
  }
  bad(where, "'" + key + "': expected a number, got " + v.dump());
}

bool bool_of(const json& v, const std::string& where, const std::string& key) {
  if (v.is_boolean()) return v.get<bool>();
  bad(where, "'" + key + "': expected true or false, got " + v.dump());
}

std::string prefix_panel(std::size_t i) {
  return "panel " + std::to_string(i + 1);
}

// Rethrows an error of panel `i` with the panel named.
[[noreturn]] void rethrow_for_panel(std::size_t i, const Error& e) {
  throw Error(e.code(), prefix_panel(i) + ": " + e.what(), e.remedy());
}

}  // namespace

std::string panel_letter(std::size_t index) {
  std::string out;
  std::size_t n = index + 1;
  while (n > 0) {
    --n;
    out.insert(out.begin(), static_cast<char>('a' + n % 26));
    n /= 26;
  }
  return out;
}

LayoutSpec read_layout_spec(const json& doc, const std::string& where) {
  if (!doc.is_object()) bad(where, "expected a JSON object with \"panels\"");
  LayoutSpec spec;
  for (auto it = doc.begin(); it != doc.end(); ++it)
    if (!kLayoutKeys.count(canonical_key(it.key())))
      bad(where, "'" + it.key() +
                     "' is not a layout key (defaults, panels, columns, spacing, labels, window, "
                     "output, dpi, width_mm, height_mm, png_level)");
  if (doc.contains("format") &&
      (!doc["format"].is_string() || doc["format"].get<std::string>() != kLayoutFormat))
    bad(where, "'format': this reader knows " + std::string(kLayoutFormat) + ", not " +
                   doc["format"].dump());
  json defaults = json::object();
  if (doc.contains("defaults")) {
    if (!doc["defaults"].is_object()) bad(where, "'defaults': expected an object of figure keys");
    for (auto it = doc["defaults"].begin(); it != doc["defaults"].end(); ++it)
      defaults[canonical_key(it.key())] = it.value();
  }
  if (!doc.contains("panels") || !doc["panels"].is_array() || doc["panels"].empty())
    bad(where, "'panels': expected a list of at least one panel");
  if (doc["panels"].size() > 1000) bad(where, "'panels': more than 1000 panels");
  if (doc.contains("columns")) {
    const double c = number_of(doc["columns"], where, "columns");
    if (c != std::floor(c) || c < 1 || c > 1000) bad(where, "'columns' must be 1..1000");
    spec.columns = static_cast<int>(c);
  }
  if (doc.contains("spacing")) {
    spec.spacing = number_of(doc["spacing"], where, "spacing");
    if (!(spec.spacing >= 0 && spec.spacing <= 10000)) bad(where, "'spacing' must be 0..10000");
  }
  if (doc.contains("labels")) spec.labels = bool_of(doc["labels"], where, "labels");
  if (doc.contains("window") && !doc["window"].is_null()) {
    if (doc["window"] != "shared")
      bad(where, "'window': the layout's window is \"shared\" or null");
    spec.shared_window = true;
  }
  // The output keys read as a figure's.
  {
    FigureSpec output_only;
    json keys = json::object();
    for (const char* key : {"output", "dpi", "width_mm", "height_mm", "png_level"})
      if (doc.contains(key)) keys[key] = doc[key];
    apply_figure_json(keys, output_only, {{}, where, true});
    spec.output = output_only.output;
  }

  std::size_t i = 0;
  for (const json& p : doc["panels"]) {
    const std::string panel_where = where + ": " + prefix_panel(i);
    if (!p.is_object()) bad(panel_where, "expected an object of figure keys");
    json merged = defaults;
    // A panel's region keys displace the defaults' keys of another kind of region, as a batch
    // row's do (cli/batch_row.cpp): bounds against a centre and a size; a centre alone keeps the
    // defaults' size, a size alone their centre.
    std::set<std::string> given;
    for (auto it = p.begin(); it != p.end(); ++it)
      if (!it.value().is_null()) given.insert(canonical_key(it.key()));
    if (given.count("bounds"))
      for (const char* key : {"center", "size", "image_size"}) merged.erase(key);
    if (given.count("center")) merged.erase("bounds");
    if (given.count("size") || given.count("image_size"))
      for (const char* key : {"bounds", "size", "image_size"})
        if (!given.count(key)) merged.erase(key);
    LayoutPanel panel;
    for (auto it = p.begin(); it != p.end(); ++it) {
      const std::string key = canonical_key(it.key());
      if (key == "span") {
        const json& s = it.value();
        if (!s.is_array() || s.size() != 2 || !s[0].is_number_integer() ||
            !s[1].is_number_integer() || s[0].get<int>() < 1 || s[1].get<int>() < 1 ||
            s[0].get<int>() > 100 || s[1].get<int>() > 100)
          bad(panel_where, "'span': expected [rows, columns] of whole numbers 1..100");
        panel.rows = s[0].get<int>();
        panel.columns = s[1].get<int>();
      } else if (key == "label") {
        if (it.value().is_boolean()) {
          if (it.value().get<bool>())
            panel.label.reset();
          else
            panel.label = "";
        } else if (it.value().is_string()) {
          panel.label = it.value().get<std::string>();
        } else if (!it.value().is_null()) {
          bad(panel_where, "'label': expected text or false");
        }
      } else if (key == "output" || key == "rendered") {
        // A panel is drawn into the layout's picture; a sidecar's record is not an input.
      } else {
        merged[key] = it.value();
      }
    }
    merged.erase("label");
    merged["output"] = spec.output.path.empty() ? std::string("layout.png") : spec.output.path;
    panel.spec = read_figure_spec(merged, {{}, panel_where});
    spec.panels.push_back(std::move(panel));
    ++i;
  }
  if (spec.columns == 0)
    spec.columns = static_cast<int>(std::min<std::size_t>(3, spec.panels.size()));
  return spec;
}

LayoutGeometry layout_geometry(const std::vector<std::pair<double, double>>& sizes,
                               const std::vector<std::pair<int, int>>& spans, int columns,
                               double spacing) {
  LayoutGeometry g;
  const std::size_t n = sizes.size();
  const int cols = std::max(1, columns);
  // Occupancy, row by row: each panel takes the first free cells its span fits.
  std::vector<std::vector<bool>> taken;
  auto free_at = [&](int r, int c, int rs, int cs) {
    if (c + cs > cols) return false;
    for (int y = r; y < r + rs; ++y)
      for (int x = c; x < c + cs; ++x)
        if (y < static_cast<int>(taken.size()) &&
            taken[static_cast<std::size_t>(y)][static_cast<std::size_t>(x)])
          return false;
    return true;
  };
  g.cells.resize(n);
  int rows = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const int rs = spans[i].first;
    const int cs = std::min(spans[i].second, cols);
    for (int r = 0;; ++r) {
      int found = -1;
      for (int c = 0; c < cols && found < 0; ++c)
        if (free_at(r, c, rs, cs)) found = c;
      if (found < 0) continue;
      while (static_cast<int>(taken.size()) < r + rs)
        taken.emplace_back(static_cast<std::size_t>(cols), false);
      for (int y = r; y < r + rs; ++y)
        for (int x = found; x < found + cs; ++x)
          taken[static_cast<std::size_t>(y)][static_cast<std::size_t>(x)] = true;
      g.cells[i].row = r;
      g.cells[i].column = found;
      rows = std::max(rows, r + rs);
      break;
    }
  }
  // Track sizes: single-cell panels first, then spanning ones widen their last track if needed.
  g.column_widths.assign(static_cast<std::size_t>(cols), 0);
  g.row_heights.assign(static_cast<std::size_t>(rows), 0);
  for (std::size_t i = 0; i < n; ++i) {
    if (std::min(spans[i].second, cols) == 1)
      g.column_widths[static_cast<std::size_t>(g.cells[i].column)] =
          std::max(g.column_widths[static_cast<std::size_t>(g.cells[i].column)], sizes[i].first);
    if (spans[i].first == 1)
      g.row_heights[static_cast<std::size_t>(g.cells[i].row)] =
          std::max(g.row_heights[static_cast<std::size_t>(g.cells[i].row)], sizes[i].second);
  }
  for (std::size_t i = 0; i < n; ++i) {
    const int cs = std::min(spans[i].second, cols), rs = spans[i].first;
    if (cs > 1) {
      double have = spacing * (cs - 1);
      for (int c = g.cells[i].column; c < g.cells[i].column + cs; ++c)
        have += g.column_widths[static_cast<std::size_t>(c)];
      if (sizes[i].first > have)
        g.column_widths[static_cast<std::size_t>(g.cells[i].column + cs - 1)] +=
            sizes[i].first - have;
    }
    if (rs > 1) {
      double have = spacing * (rs - 1);
      for (int r = g.cells[i].row; r < g.cells[i].row + rs; ++r)
        have += g.row_heights[static_cast<std::size_t>(r)];
      if (sizes[i].second > have)
        g.row_heights[static_cast<std::size_t>(g.cells[i].row + rs - 1)] += sizes[i].second - have;
    }
  }
  // Columns no panel starts in (a last row shorter than the others) take no width.
  int used_columns = 0;
  for (std::size_t i = 0; i < n; ++i)
    used_columns = std::max(used_columns, g.cells[i].column + std::min(spans[i].second, cols));
  g.column_widths.resize(static_cast<std::size_t>(used_columns));
  std::vector<double> xs(g.column_widths.size() + 1, 0), ys(g.row_heights.size() + 1, 0);
  for (std::size_t c = 0; c < g.column_widths.size(); ++c)
    xs[c + 1] = xs[c] + g.column_widths[c] + spacing;
  for (std::size_t r = 0; r < g.row_heights.size(); ++r)
    ys[r + 1] = ys[r] + g.row_heights[r] + spacing;
  for (std::size_t i = 0; i < n; ++i) {
    g.cells[i].x = xs[static_cast<std::size_t>(g.cells[i].column)];
    g.cells[i].y = ys[static_cast<std::size_t>(g.cells[i].row)];
  }
  g.width = g.column_widths.empty() ? 0 : xs.back() - spacing;
  g.height = g.row_heights.empty() ? 0 : ys.back() - spacing;
  return g;
}

LayoutFiles make_layout(const LayoutSpec& layout, io::Context& context,
                        const MakeOptions& options) {
  if (layout.output.path.empty())
    fail(ErrorCode::kInvalidArgument, "the layout's output is missing (-o OUT.pdf or \"output\")");
  if (layout.output.path.find("{i}") != std::string::npos)
    fail(ErrorCode::kInvalidArgument,
         layout.output.path + ": a layout is one picture; {i} does not go with it");
  const std::unique_ptr<FigureWriter> writer = writer_for(layout.output.path);
  const std::size_t n = layout.panels.size();

  // The panels' specs as drawn: letters, the layout's output.
  std::vector<FigureSpec> specs;
  for (std::size_t i = 0; i < n; ++i) {
    FigureSpec s = layout.panels[i].spec;
    s.output.path = layout.output.path;
    if (layout.panels[i].label)
      s.elements.label = *layout.panels[i].label;
    else
      s.elements.label = layout.labels ? panel_letter(i) : "";
    try {
      check_figure_spec(s);
      if (s.per_slice_files() || s.style.stack)
        fail(ErrorCode::kInvalidArgument, "a layout panel is one section: no {i} or stack");
    } catch (const Error& e) {
      rethrow_for_panel(i, e);
    }
    specs.push_back(std::move(s));
  }

  // Annotation files first: a missing or broken one fails before anything is fetched.
  std::vector<MarkSet> marks(n);
  for (std::size_t i = 0; i < n; ++i) {
    try {
      marks[i] = read_mark_files(specs[i].elements);
    } catch (const Error& e) {
      rethrow_for_panel(i, e);
    }
  }

  AtomicFile picture(layout.output.path);
  AtomicFile sidecar(sidecar_path(layout.output.path));
  if (options.on_phase) options.on_phase("open", nullptr);

  // Plan and fetch every panel at once through the one context.
  std::vector<FigurePlan> plans(n);
  std::vector<RenderedFigure> figures(n);
  {
    std::vector<std::future<void>> work;
    for (std::size_t i = 0; i < n; ++i)
      work.push_back(std::async(std::launch::async, [&, i] {
        plans[i] = plan_figure(specs[i], context, options.render);
        if (plans[i].picture_count != 1)
          fail(ErrorCode::kInvalidArgument, "a layout panel is one section; this one makes " +
                                                std::to_string(plans[i].picture_count) +
                                                " pictures");
        figures[i] = render_planned(plans[i].spec, plans[i], context, options.render);
      }));
    std::optional<std::pair<std::size_t, Error>> first_error;
    for (std::size_t i = 0; i < n; ++i) {
      try {
        work[i].get();
      } catch (const Error& e) {
        if (!first_error) first_error.emplace(i, e);
      }
    }
    if (first_error) rethrow_for_panel(first_error->first, first_error->second);
  }

  // One window per image source, over all its panels.
  std::vector<std::optional<std::pair<double, double>>> windows(n);
  if (layout.shared_window) {
    std::map<std::string, std::vector<std::size_t>> by_source;
    for (std::size_t i = 0; i < n; ++i)
      if (plans[i].spec.image && figures[i].image.shape().count() > 0 && !plans[i].viewer_state)
        by_source[plans[i].spec.image->url].push_back(i);
    for (const auto& [source, members] : by_source) {
      std::vector<const Array*> arrays;
      for (std::size_t i : members) arrays.push_back(&figures[i].image);
      // The panels' own form when it is worked out from data (percentiles, minmax), else auto.
      overlay::DisplayWindow form = plans[members.front()].spec.style.window;
      if (!form.from_data()) form = {overlay::DisplayWindow::Mode::kAuto};
      const overlay::DisplayWindow shared = overlay::resolved_window(form, arrays);
      const double lo = shared.min, hi = shared.max;
      for (std::size_t i : members) {
        FigureSpec& s = plans[i].spec;
        s.style.window.mode = overlay::DisplayWindow::Mode::kRange;
        s.style.window.min = lo;
        s.style.window.max = hi;
        composite_panels(figures[i], s, plans[i], &context.pool());
        windows[i] = std::pair{lo, hi};
      }
    }
  }
  // The specs as planned (a datastack's sources filled in, a timestamp pinned), with their
  // letters.
  for (std::size_t i = 0; i < n; ++i) {
    const std::string label = specs[i].elements.label;
    specs[i] = plans[i].spec;
    specs[i].output.path = layout.output.path;
    specs[i].elements.label = label;
  }

  if (options.on_phase) options.on_phase("encode", nullptr);
  std::vector<std::optional<Overview>> overviews(n);
  for (std::size_t i = 0; i < n; ++i) {
    try {
      if (specs[i].elements.inset)
        overviews[i] = fetch_overview(specs[i], plans[i], figures[i], 0, context, options.render);
    } catch (const Error& e) {
      rethrow_for_panel(i, e);
    }
  }

  // Sizes: the title bands depend on the print size, which depends on the total size; the
  // second pass settles it (titles change the height by a few percent at most).
  std::vector<std::pair<int, int>> spans;
  for (const LayoutPanel& p : layout.panels) spans.emplace_back(p.rows, p.columns);
  PrintSize print = print_size(layout.output, 1, 1);
  LayoutGeometry geometry;
  std::vector<PanelFootprint> footprints(n);
  for (int pass = 0; pass < 2; ++pass) {
    std::vector<std::pair<double, double>> sizes;
    for (std::size_t i = 0; i < n; ++i) {
      footprints[i] = panel_footprint(specs[i], figures[i].panels[0], print);
      sizes.emplace_back(footprints[i].width, footprints[i].height);
    }
    geometry = layout_geometry(sizes, spans, layout.columns, layout.spacing);
    print = print_size(layout.output, geometry.width, geometry.height);
  }

  // Panels whose auto scale bars show pixels of one size share one length: the auto length of
  // the narrowest of them.
  std::map<double, double> common_bar;
  for (std::size_t i = 0; i < n; ++i) {
    const ScaleBarSpec& bar = specs[i].elements.scale_bar;
    if (!bar.enabled || bar.length_nm) continue;
    const Panel& p = figures[i].panels[0];
    const double length = auto_scale_bar_nm(p.picture.width, p.nm_per_pixel_x);
    auto [it, inserted] = common_bar.emplace(p.nm_per_pixel_x, length);
    if (!inserted) it->second = std::min(it->second, length);
  }

  graphics::Scene scene;
  scene.width = geometry.width;
  scene.height = geometry.height;
  scene.background = graphics::Color{255, 255, 255, 255};
  std::vector<ElementsRecord> records(n);
  for (std::size_t i = 0; i < n; ++i) {
    PanelDrawing drawing;
    drawing.vector = writer->draws_vectors();
    drawing.print = print;
    drawing.marks = &marks[i];
    drawing.pool = &context.pool();
    drawing.overview = overviews[i] ? &*overviews[i] : nullptr;
    const Panel& p = figures[i].panels[0];
    if (const auto it = common_bar.find(p.nm_per_pixel_x); it != common_bar.end())
      drawing.common_scale_bar_nm = it->second;
    try {
      records[i] = add_panel(scene, specs[i], figures[i], 0, geometry.cells[i].x,
                             geometry.cells[i].y, drawing);
    } catch (const Error& e) {
      rethrow_for_panel(i, e);
    }
  }
  EncodeOptions encode;
  encode.print = print;
  encode.record_dpi = layout.output.dpi || layout.output.width_mm || layout.output.height_mm;
  encode.png_level = layout.output.png_level;
  encode.pool = &context.pool();
  const std::vector<std::byte> bytes = writer->encode(scene, encode);

  if (options.on_phase) options.on_phase("write", nullptr);
  picture.write(std::span<const std::byte>(bytes));
  picture.commit();

  // The sidecar: the layout as run (each panel's spec pinned, as a figure sidecar pins it) and
  // what was drawn where.
  ordered_json doc = ordered_json::object();
  doc["format"] = std::string(kLayoutFormat);
  doc["columns"] = layout.columns;
  doc["spacing"] = layout.spacing;
  doc["labels"] = layout.labels;
  doc["window"] = layout.shared_window ? ordered_json("shared") : ordered_json(nullptr);
  doc["output"] = layout.output.path;
  if (layout.output.dpi) doc["dpi"] = *layout.output.dpi;
  if (layout.output.width_mm) doc["width_mm"] = *layout.output.width_mm;
  if (layout.output.height_mm) doc["height_mm"] = *layout.output.height_mm;
  doc["png_level"] = layout.output.png_level;
  ordered_json panels = ordered_json::array();
  ordered_json rendered_panels = ordered_json::array();
  for (std::size_t i = 0; i < n; ++i) {
    FigureFiles files;
    files.pictures = {layout.output.path};
    files.drawn = {PanelDrawn{std::string(writer->format()), print, records[i]}};
    ordered_json figure_doc = sidecar_json(plans[i].spec, figures[i], files);
    ordered_json rendered = figure_doc["rendered"];
    figure_doc.erase("rendered");
    figure_doc.erase("output");
    figure_doc.erase("label");
    if (layout.panels[i].rows != 1 || layout.panels[i].columns != 1)
      figure_doc["span"] = {layout.panels[i].rows, layout.panels[i].columns};
    if (layout.panels[i].label)
      figure_doc["label"] = layout.panels[i].label->empty() ? ordered_json(false)
                                                            : ordered_json(*layout.panels[i].label);
    panels.push_back(figure_doc);
    ordered_json r = {{"position", {geometry.cells[i].x, geometry.cells[i].y}},
                      {"size", {footprints[i].width, footprints[i].height}},
                      {"cell", {geometry.cells[i].row, geometry.cells[i].column}},
                      {"label", specs[i].elements.label}};
    if (windows[i]) r["window"] = {windows[i]->first, windows[i]->second};
    r["figure"] = rendered;
    rendered_panels.push_back(r);
  }
  doc["panels"] = panels;
  doc["rendered"] = {{"imagery_version", kVersion},
                     {"format", std::string(writer->format())},
                     {"size", {geometry.width, geometry.height}},
                     {"print",
                      {{"width_mm", print.size.width_mm},
                       {"height_mm", print.size.height_mm},
                       {"dpi", print.native_dpi},
                       {"raster_scale", print.raster_scale},
                       {"raster_dpi", print.raster_dpi}}},
                     {"panels", rendered_panels}};
  const std::string text = doc.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
  sidecar.write(text.data(), text.size());
  sidecar.commit();
  return {picture.path(), sidecar.path()};
}

}  // namespace imagery::figure
