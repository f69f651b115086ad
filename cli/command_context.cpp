#include "imagery/cli/command_context.h"

#include <cstdlib>
#include <filesystem>

#include "imagery/cave/datastack.h"
#include "imagery/cave/pinned_time.h"
#include "imagery/neuroglancer/render_state.h"
#include "imagery/neuroglancer/state_input.h"
#include "imagery/volume/open_volume.h"

namespace imagery::cli {

namespace {
// GB (or MB) from the command line as bytes, clamped so that 1e30 does not overflow the cast.
std::uint64_t bytes_of(double amount, double unit) {
  const double bytes = amount * unit;
  if (!(bytes < 1.8e19)) return UINT64_MAX;
  return static_cast<std::uint64_t>(bytes);
}
}  // namespace

std::unique_ptr<io::Context> make_context(const GlobalOptions& global,
                                          double default_decoded_cache_mb) {
  io::ContextOptions o;
  o.http.max_in_flight = global.max_requests;
  o.http.verify_tls = !global.insecure;
  o.disk_cache_dir = global.cache_dir;
  o.disk_cache_bytes = bytes_of(global.cache_size_gb, 1e9);
  o.memory_cache_bytes = static_cast<std::size_t>(bytes_of(global.cache_mem_mb, 1048576.0));
  const double decoded_mb =
      global.decoded_cache_mb < 0 ? default_decoded_cache_mb : global.decoded_cache_mb;
  o.decoded_cache_bytes = static_cast<std::size_t>(bytes_of(decoded_mb, 1048576.0));
  auto context = std::make_unique<io::Context>(std::move(o));
  cave::pinned_now(*context);
  return context;
}

std::string given_token(const GlobalOptions& global) {
  if (!global.token.empty()) return global.token;
  if (const char* env = std::getenv("IMAGERY_TOKEN")) return env;
  return "";
}

void grant_token(io::Context& context, const GlobalOptions& global, const std::string& source) {
  const std::string token = given_token(global);
  if (token.empty() || source.empty()) return;
  const std::string location = volume::fetch_location(source);
  if (!location.empty()) context.credentials().grant(location, token);
}

void load_state_of_spec(io::Context& context, const GlobalOptions& global, figure::FigureSpec& spec,
                        std::map<std::string, nlohmann::json>* cache) {
  if (!spec.state || !spec.state->state.is_string()) return;
  const std::string reference = spec.state->state.get<std::string>();
  // OUT.png's sidecar is OUT.json: never let it replace the state file it was drawn from.
  if (!spec.output.path.empty() && reference.find("://") == std::string::npos) {
    std::error_code ec;
    const std::string sidecar = figure::sidecar_path(spec.output.path);
    if (std::filesystem::exists(reference, ec) &&
        std::filesystem::equivalent(reference, sidecar, ec))
      fail(ErrorCode::kInvalidArgument,
           "-o " + spec.output.path + ": its sidecar " + sidecar +
               " would overwrite the state it draws; choose another output name");
  }
  if (cache) {
    if (auto it = cache->find(reference); it != cache->end()) {
      spec.state->state = it->second;
      return;
    }
  }
  // The state's own host, when it is fetched ("#!gs://...", "?json_url=https://...").
  std::string url = reference;
  if (const auto bang = url.find("#!"); bang != std::string::npos)
    url = neuroglancer::percent_decode(url.substr(bang + 2));
  else if (const auto q = url.find("json_url="); q != std::string::npos)
    url = neuroglancer::percent_decode(url.substr(q + 9, url.find_first_of("&#", q) - q - 9));
  if (url.rfind("middleauth+", 0) == 0) url = url.substr(11);
  if (!neuroglancer::is_inline_state(url) && url.find("://") != std::string::npos)
    grant_token(context, global, url.substr(0, url.find_last_of('/')));
  spec.state->state = neuroglancer::load_state(reference, context);
  if (cache) (*cache)[reference] = spec.state->state;
}

void grant_token_for_spec(io::Context& context, const GlobalOptions& global,
                          const figure::FigureSpec& spec) {
  if (spec.state && spec.state->state.is_object() && spec.state->state.contains("layers")) {
    const nlohmann::json& layers = spec.state->state["layers"];
    auto grant_layer = [&](const nlohmann::json& layer) {
      if (!layer.is_object() || !layer.contains("source")) return;
      const nlohmann::json& sources = layer["source"];
      auto one = [&](const nlohmann::json& s) {
        const nlohmann::json& u = s.is_object() && s.contains("url") ? s["url"] : s;
        if (!u.is_string()) return;
        try {
          grant_token(context, global, neuroglancer::volume_url(u.get<std::string>()));
        } catch (const Error&) {
          // A source that cannot be opened gets no token; drawing it says why.
        }
      };
      if (sources.is_array())
        for (const auto& s : sources) one(s);
      else
        one(sources);
    };
    if (layers.is_array())
      for (const auto& layer : layers) grant_layer(layer);
    else if (layers.is_object())
      for (const auto& [name, layer] : layers.items()) grant_layer(layer);
  }
  if (spec.image) grant_token(context, global, spec.image->url);
  if (spec.segmentation) grant_token(context, global, spec.segmentation->url);
  if (!spec.datastack.empty()) {
    const std::string token = given_token(global);
    if (!token.empty())
      context.credentials().grant(cave::datastack_server(spec.datastack, spec.cave_server), token);
  }
}

std::string remedy_hint(std::string_view command, Remedy remedy) {
  const bool batch = command == "batch";
  const bool figure = command == "figure" || batch;
  switch (remedy) {
    case Remedy::kNone:
      return "";
    case Remedy::kReadOutside:
      if (batch) return " (leave out 'bounded' to read outside as 0)";
      if (figure) return " (leave out --bounded to read outside as 0)";
      return " (pass --unbounded to read outside as 0)";
    case Remedy::kFillMissing:
      if (batch) return " (leave out 'no_fill_missing' to read missing chunks as 0)";
      if (figure) return " (leave out --no-fill-missing to read missing chunks as 0)";
      return " (pass --fill-missing to read missing chunks as 0)";
    case Remedy::kRaiseMemoryBudget:
      return " (raise it with --max-memory)";
    case Remedy::kGiveToken:
      return " (pass a token with --token or the IMAGERY_TOKEN environment variable)";
    case Remedy::kSkipTlsVerification:
      return " (--insecure skips the check)";
  }
  return "";
}

std::string message_with_hint(std::string_view command, const Error& error) {
  return std::string(error.what()) + remedy_hint(command, error.remedy());
}

}  // namespace imagery::cli
