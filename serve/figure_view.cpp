#include "imagery/serve/figure_view.h"

#include <stdlib.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "imagery/figure/figure_spec_json.h"
#include "imagery/figure/make_figure.h"
#include "imagery/figure/render.h"
#include "imagery/serve/etag.h"
#include "imagery/serve/http_error.h"

namespace fs = std::filesystem;

namespace imagery::serve {

namespace {

// A folder of its own for one figure, removed with everything in it when done.
class ScratchFolder {
 public:
  ScratchFolder() {
    std::string pattern = (fs::temp_directory_path() / "imagery-serve-XXXXXX").string();
    if (!::mkdtemp(pattern.data()))
      http_fail(500, "internal",
                "cannot make a scratch folder under " + fs::temp_directory_path().string());
    path_ = pattern;
  }
  ~ScratchFolder() {
    std::error_code ignored;
    fs::remove_all(path_, ignored);
  }
  ScratchFolder(const ScratchFolder&) = delete;
  ScratchFolder& operator=(const ScratchFolder&) = delete;
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

std::vector<std::byte> read_bytes(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::vector<char> chars((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::vector<std::byte> out(chars.size());
  std::transform(chars.begin(), chars.end(), out.begin(), [](char c) { return std::byte(c); });
  return out;
}

}  // namespace

nlohmann::json figure_json_of_query(const QueryParams& p) {
  nlohmann::json doc = nlohmann::json::object();
  for (auto it = p.begin(); it != p.end(); it = p.upper_bound(it->first)) {
    if (!it->first.empty() && it->first[0] == '_') continue;
    const std::vector<std::string> values = params(p, it->first);
    if (values.size() == 1)
      doc[it->first] = values[0];
    else
      doc[it->first] = values;
  }
  return doc;
}

std::string media_type_of_extension(const std::string& e) {
  if (e == ".png") return "image/png";
  if (e == ".svg") return "image/svg+xml";
  if (e == ".pdf") return "application/pdf";
  if (e == ".tif" || e == ".tiff") return "image/tiff";
  return "application/octet-stream";
}

EncodedImage render_figure_view(const nlohmann::json& given, const std::string& extension,
                                SourceRegistry& registry, io::Context& context,
                                const RequestLimits& limits, std::stop_token stop) {
  if (!given.is_object()) http_fail(400, "invalid_argument", "a figure spec is a JSON object");
  nlohmann::json doc = given;
  for (const char* key : {"output", "save_arrays", "state", "datastack", "cave_server", "points",
                          "lines", "boxes", "neuroglancer", "mat_version"}) {
    for (const std::string& spelling : {std::string(key), figure::canonical_key(key)}) {
      std::string dashed = spelling;
      std::replace(dashed.begin(), dashed.end(), '_', '-');
      if (doc.contains(spelling) || doc.contains(dashed))
        http_fail(400, "forbidden_key",
                  std::string("'") + key +
                      "' cannot be given to the server (it decides where "
                      "files go and which sources are read)");
    }
  }
  // Sources by name: the configured URL goes into the spec, as `imagery figure` would be given it.
  for (const char* key : {"image", "seg"})
    if (doc.contains(key) && doc[key].is_string())
      doc[key] = registry.resolve(doc[key].get<std::string>()).url;

  figure::FigureSpec spec;
  try {
    figure::apply_figure_json(doc, spec, {{}, "figure"});
  } catch (const Error& e) {
    http_fail(400, "invalid_argument", e.what());
  }
  ScratchFolder scratch;
  spec.output.path = (scratch.path() / ("figure" + extension)).string();
  spec.output.save_arrays.clear();
  spec.output.arrays_beside_output = false;

  figure::MakeOptions options;
  options.render.open = [&registry](const std::string& url) { return registry.open_url(url); };
  options.render.stop = stop;
  options.render.max_memory_bytes = std::size_t{2} << 30;
  const figure::FigurePlan plan = figure::plan_figure(spec, context, options.render);
  if (plan.picture_count != 1)
    http_fail(400, "invalid_argument",
              "the figure makes " + std::to_string(plan.picture_count) +
                  " pictures; the server draws one (a one-section region, a projection or stack)");
  const Vec3 size = plan.grid_voxels.size();
  const std::int64_t pixels = size.x * size.y * (plan.three_d && !plan.projected ? size.z : 1);
  if (pixels > limits.max_output_pixels)
    http_fail(413, "too_large",
              "the figure has " + std::to_string(pixels) + " pixels; the limit is " +
                  std::to_string(limits.max_output_pixels));
  const figure::FigureFiles files = figure::make_figure(spec, context, options);
  if (files.pictures.size() != 1)
    http_fail(500, "internal",
              "the figure wrote " + std::to_string(files.pictures.size()) + " pictures");
  EncodedImage out;
  out.bytes = read_bytes(files.pictures[0]);
  out.content_type = media_type_of_extension(extension);
  out.etag = etag_of(out.bytes);
  return out;
}

}  // namespace imagery::serve
