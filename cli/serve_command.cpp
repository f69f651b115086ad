// `imagery serve [--bind 127.0.0.1] [--port 8080] --source NAME=URL ... [--config FILE.json]
// [--tile-cache-mb 512] [--max-inflight N] [--allow-remote-sources] [--cors ORIGIN]
// [--access-log FILE] [--web-dir DIR]`: the sources over HTTP (serve/server.h, docs/serve.md),
// "listening on http://HOST:PORT" on stdout once ready, exit 0 after SIGTERM's drain.
#include <chrono>
#include <iostream>
#include <memory>

#include "imagery/cli/command_context.h"
#include "imagery/cli/commands.h"
#include "imagery/core/error.h"
#include "imagery/serve/server.h"
#include "imagery/serve/server_options.h"
#include "imagery/serve/shutdown.h"

namespace imagery::cli {

namespace {

// The decoded-chunk cache of `serve` unless --decoded-cache-mb says otherwise: a few thousand
// 64^3 uint8 chunks, a few hundred of uint64 labels.
constexpr double kServeDecodedCacheMb = 256;

struct ServeArgs {
  serve::ServerOptions flags;
  std::vector<std::string> sources;
  std::string config;
};

}  // namespace

CommandRunner add_serve_command(CLI::App& app, const GlobalOptions& global) {
  auto a = std::make_shared<ServeArgs>();
  auto* cmd = app.add_subcommand(
      "serve",
      "Serve named volumes over HTTP: tiles, regions, thumbnails, histograms, voxel values, "
      "figures and a viewer page (docs/serve.md)");
  serve::ServerOptions& f = a->flags;
  auto* bind = cmd->add_option("--bind", f.bind,
                               "ADDRESS to listen on (default 127.0.0.1: this machine only)");
  auto* port = cmd->add_option("--port", f.port, "PORT (default 8080; 0: any free port)");
  cmd->add_option("--source", a->sources,
                  "NAME=URL (repeatable): a volume the server may read (path, file://, http(s)://, "
                  "gs://, s3://, graphene://, zarr://), asked for by NAME");
  cmd->add_option("--config", a->config,
                  "FILE.json: {\"sources\": {\"NAME\": \"URL\"}, \"limits\": {...}, and any flag "
                  "as a key}; flags override it");
  auto* cache = cmd->add_option("--tile-cache-mb", f.tile_cache_mb,
                                "MB of rendered tiles kept in memory (default 512)");
  auto* inflight =
      cmd->add_option("--max-inflight", f.max_inflight,
                      "N requests at once; more get 503 with Retry-After (default 64)");
  auto* remote = cmd->add_flag("--allow-remote-sources", f.allow_remote_sources,
                               "Requests may also name http(s) URLs (never file://)");
  auto* cors = cmd->add_option(
      "--cors", f.cors, "ORIGIN allowed to call the API from a page elsewhere (default none)");
  auto* log = cmd->add_option("--access-log", f.access_log,
                              "FILE (or -) for one line per request: status, bytes, ms, cache");
  auto* web = cmd->add_option("--web-dir", f.web_dir,
                              "DIR of the viewer page (default: the installed one)");
  return [a, &global, bind, port, cache, inflight, remote, cors, log, web] {
    // Before any thread starts, so that only the waiting thread receives SIGTERM.
    serve::block_shutdown_signals();
    serve::ServerOptions o;
    if (!a->config.empty()) serve::apply_config_file(a->config, o);
    const serve::ServerOptions& given = a->flags;
    if (bind->count()) o.bind = given.bind;
    if (port->count()) o.port = given.port;
    if (cache->count()) o.tile_cache_mb = given.tile_cache_mb;
    if (inflight->count()) o.max_inflight = given.max_inflight;
    if (remote->count()) o.allow_remote_sources = true;
    if (cors->count()) o.cors = given.cors;
    if (log->count()) o.access_log = given.access_log;
    if (web->count()) o.web_dir = given.web_dir;
    std::vector<std::pair<std::string, std::string>> sources;
    for (const std::string& s : a->sources) sources.push_back(serve::parse_source_flag(s));
    sources.insert(sources.end(), o.sources.begin(), o.sources.end());
    o.sources = std::move(sources);
    serve::check_server_options(o);

    // Tiles, their neighbours and the z +- 1 prefetches read the same chunks again and again.
    auto context = make_context(global, kServeDecodedCacheMb);
    for (const auto& [name, url] : o.sources) grant_token(*context, global, url);
    serve::Server server(o, *context);
    server.bind();
    std::cout << "listening on " << server.url() << std::endl;
    serve::serve_until_signal(server, std::chrono::milliseconds(o.limits.drain_timeout_ms));
    return 0;
  };
}

}  // namespace imagery::cli
