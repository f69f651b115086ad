#include "imagery/serve/server.h"

#include <httplib.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>

#include <nlohmann/json.hpp>

#include "imagery/rendering/volume_summary.h"
#include "imagery/serve/access_log.h"
#include "imagery/serve/admission.h"
#include "imagery/serve/etag.h"
#include "imagery/serve/figure_view.h"
#include "imagery/serve/http_error.h"
#include "imagery/serve/prefetcher.h"
#include "imagery/serve/source_registry.h"
#include "imagery/serve/source_views.h"
#include "imagery/serve/static_files.h"
#include "imagery/serve/tile_cache.h"
#include "imagery/serve/tile_geometry.h"
#include "imagery/serve/tile_renderer.h"

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace imagery::serve {

namespace {

// When the request this thread is serving began: cpp-httplib serves a request on one thread
// from routing to logging, so the pre-routing handler stamps it and the logger reads it.
thread_local Clock::time_point request_start;

// The pictures never change for a given URL of a configured source, but a day is long enough
// for a lab's volumes that are rewritten now and then; ETags revalidate after that.
constexpr const char* kImageCacheControl = "public, max-age=3600";

void send_json(httplib::Response& res, const nlohmann::ordered_json& doc, int status = 200) {
  res.status = status;
  res.set_header("Cache-Control", "no-cache");
  res.set_content(doc.dump(), "application/json");
}

void send_error(httplib::Response& res, const HttpError& e) {
  res.status = e.status;
  res.set_header("Cache-Control", "no-store");
  res.set_content(error_body(e), "application/json");
}

void send_image(const httplib::Request& req, httplib::Response& res, const EncodedImage& image,
                const char* cache) {
  res.set_header("ETag", image.etag);
  res.set_header("Cache-Control", kImageCacheControl);
  res.set_header("X-Cache", cache);
  if (req.has_header("If-None-Match") &&
      etag_matches(req.get_header_value("If-None-Match"), image.etag)) {
    res.status = 304;
    return;
  }
  res.status = 200;
  res.set_content(reinterpret_cast<const char*>(image.bytes.data()), image.bytes.size(),
                  image.content_type.c_str());
}

QueryParams query_of(const httplib::Request& req) {
  return QueryParams(req.params.begin(), req.params.end());
}

std::string target_of(const httplib::Request& req) {
  std::string target = req.path;
  if (!req.params.empty()) {
    target += '?';
    bool first = true;
    for (const auto& [key, value] : req.params) {
      if (!first) target += '&';
      first = false;
      target += key + "=" + value;
    }
  }
  return target;
}

}  // namespace

std::string default_web_dir() {
#ifdef IMAGERY_SERVE_SOURCE_WEB_DIR
  if (fs::exists(IMAGERY_SERVE_SOURCE_WEB_DIR)) return IMAGERY_SERVE_SOURCE_WEB_DIR;
#endif
#ifdef IMAGERY_SERVE_INSTALLED_WEB_DIR
  return IMAGERY_SERVE_INSTALLED_WEB_DIR;
#else
  return "web";
#endif
}

struct Server::Impl {
  ServerOptions options;
  io::Context& context;
  SourceRegistry registry;
  TileCache cache;
  Admission admission;
  DeadlineWatch deadlines;
  AccessLog log;
  httplib::Server http;
  std::unique_ptr<Prefetcher> prefetcher;
  int port = 0;

  Impl(const ServerOptions& o, io::Context& c)
      : options(o),
        context(c),
        registry(o.sources, o.allow_remote_sources, c),
        cache(o.tile_cache_mb << 20),
        admission(o.max_inflight),
        log(o.access_log) {
    if (options.web_dir.empty()) options.web_dir = default_web_dir();
    if (options.prefetch) {
      prefetcher = std::make_unique<Prefetcher>(
          admission, [this](const TileRequest& t, std::stop_token stop) { prefetch(t, stop); });
      admission.set_on_admit([this] { prefetcher->preempt(); });
    }
    // Threads beyond max_inflight, so that the request over the limit reaches admission and
    // gets its 503 at once instead of waiting in cpp-httplib's queue.
    const std::size_t threads = static_cast<std::size_t>(options.max_inflight) + 8;
    http.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
    http.set_payload_max_length(options.limits.max_body_bytes);
    http.set_keep_alive_timeout(5);
    http.set_pre_routing_handler([](const httplib::Request&, httplib::Response&) {
      request_start = Clock::now();
      return httplib::Server::HandlerResponse::Unhandled;
    });
    http.set_post_routing_handler([this](const httplib::Request&, httplib::Response& res) {
      if (!options.cors.empty()) {
        res.set_header("Access-Control-Allow-Origin", options.cors);
        res.set_header("Vary", "Origin");
        res.set_header("Access-Control-Expose-Headers", "ETag, X-Cache");
      }
    });
    http.set_error_handler([](const httplib::Request&, httplib::Response& res) {
      // Errors cpp-httplib answers itself (no route, a body over the limit, a bad request).
      if (!res.body.empty()) return;
      const int status = res.status;
      if (status == 404)
        send_error(res, {404, "not_found", "no such path"});
      else if (status == 413)
        send_error(res, {413, "too_large", "the request body is over the limit (max_body_bytes)"});
      else
        send_error(res, {status, "bad_request", "HTTP " + std::to_string(status)});
    });
    http.set_exception_handler(
        [](const httplib::Request&, httplib::Response& res, std::exception_ptr) {
          send_error(res, {500, "internal", "internal error"});
        });
    http.set_logger([this](const httplib::Request& req, const httplib::Response& res) {
      const double ms =
          std::chrono::duration<double, std::milli>(Clock::now() - request_start).count();
      const std::string cache_state =
          res.has_header("X-Cache") ? res.get_header_value("X-Cache") : "-";
      log.write(req.method, target_of(req), res.status, res.body.size(), ms, cache_state);
    });
    routes();
  }

  // A handler for an API route: admission (503 + Retry-After over max_inflight), a deadline
  // that cancels its reads, and errors as JSON.
  using ApiHandler =
      std::function<void(const httplib::Request&, httplib::Response&, std::stop_token)>;
  httplib::Server::Handler api(ApiHandler handler) {
    return [this, handler](const httplib::Request& req, httplib::Response& res) {
      std::optional<Admission::Ticket> ticket = admission.try_admit();
      if (!ticket) {
        res.set_header("Retry-After", "1");
        send_error(res, {503, "busy",
                         "more than " + std::to_string(options.max_inflight) +
                             " requests at once (--max-inflight); retry shortly"});
        return;
      }
      std::stop_source stop;
      const auto deadline =
          Clock::now() + std::chrono::milliseconds(options.limits.request_timeout_ms);
      const DeadlineWatch::Watched watched = deadlines.watch(stop, deadline);
      try {
        handler(req, res, stop.get_token());
      } catch (const HttpError& e) {
        send_error(res, e);
      } catch (const Error& e) {
        if (e.code() == ErrorCode::kCancelled && stop.stop_requested()) {
          res.set_header("Retry-After", "1");
          send_error(res, {503, "deadline_exceeded",
                           "the request ran over its time budget of " +
                               std::to_string(options.limits.request_timeout_ms) +
                               " ms and was cancelled"});
        } else {
          send_error(res, http_error_of(e));
        }
      } catch (const std::bad_alloc&) {
        send_error(res, {413, "too_large", "the request needs more memory than there is"});
      } catch (const std::exception& e) {
        send_error(res, {500, "internal", e.what()});
      }
    };
  }

  void serve_static(const fs::path& root, const std::string& relative, httplib::Response& res) {
    const auto file = resolve_static(root, relative);
    if (!file) {
      send_error(res, {404, "not_found", "no file '" + relative + "'"});
      return;
    }
    std::ifstream in(*file, std::ios::binary);
    std::string body((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    res.set_header("Cache-Control", "no-cache");
    const std::string etag =
        etag_of(std::span(reinterpret_cast<const std::byte*>(body.data()), body.size()));
    res.set_header("ETag", etag);
    res.set_content(std::move(body), static_media_type(*file).c_str());
  }

  // The cached picture of `key`, or one made by `make` and kept.
  template <class Make>
  void cached_image(const httplib::Request& req, httplib::Response& res, const std::string& key,
                    Make&& make) {
    if (auto hit = cache.get(key)) {
      send_image(req, res, *hit, "hit");
      return;
    }
    auto made = std::make_shared<const EncodedImage>(make());
    cache.put(key, made);
    send_image(req, res, *made, "miss");
  }

  void prefetch(const TileRequest& tile, std::stop_token stop) {
    const std::string key = tile_cache_key(tile);
    if (cache.contains(key)) return;
    const auto start = Clock::now();
    int status = 200;
    std::size_t bytes = 0;
    try {
      auto made = std::make_shared<const EncodedImage>(
          render_tile(tile, registry, context, options.limits, stop));
      bytes = made->bytes.size();
      cache.put(key, made);
    } catch (const HttpError& e) {
      status = e.status;
    } catch (const Error& e) {
      status = e.code() == ErrorCode::kCancelled ? 499 : http_error_of(e).status;
    } catch (const std::exception&) {
      status = 500;
    }
    // Tiles outside the grid are not worth a line.
    if (status == 404 || status == 400) return;
    const double ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
    const std::string query = canonical_query(tile.params);
    const std::string target = "/api/sources/" + tile.source + "/tiles/" +
                               std::to_string(tile.level) + "/" + std::to_string(tile.x) + "/" +
                               std::to_string(tile.y) + ".png?z=" + std::to_string(tile.z) +
                               (query.empty() ? "" : "&" + query);
    log.write("PREFETCH", target, status, bytes, ms, "miss");
  }

  void routes() {
    http.Get("/", [this](const httplib::Request&, httplib::Response& res) {
      serve_static(options.web_dir, "index.html", res);
    });
    http.Get(R"(/static/(.+))", [this](const httplib::Request& req, httplib::Response& res) {
      serve_static(options.web_dir, req.matches[1], res);
    });
    http.Get(R"(/leaflet/(.+))", [this](const httplib::Request& req, httplib::Response& res) {
      serve_static(options.leaflet_dir, req.matches[1], res);
    });
    http.Get("/api/sources",
             api([this](const httplib::Request&, httplib::Response& res, std::stop_token) {
               nlohmann::ordered_json list = nlohmann::ordered_json::array();
               for (const Source& s : registry.configured()) {
                 const volume::Metadata& m = s.volume->metadata();
                 list.push_back({{"name", s.name},
                                 {"type", m.is_segmentation() ? "segmentation" : "image"},
                                 {"driver", m.driver}});
               }
               send_json(res, {{"sources", list}});
             }));
    http.Get(R"(/api/sources/(.+?)/tiles/(\d+)/(\d+)/(\d+)\.png)",
             api([this](const httplib::Request& req, httplib::Response& res, std::stop_token stop) {
               TileRequest tile;
               tile.source = req.matches[1];
               try {
                 tile.level = std::stoi(req.matches[2]);
                 tile.x = std::stoll(req.matches[3]);
                 tile.y = std::stoll(req.matches[4]);
               } catch (const std::exception&) {
                 http_fail(404, "not_found", "no such tile");
               }
               tile.params = query_of(req);
               const auto z = integer_param(tile.params, "z");
               if (!z) http_fail(400, "invalid_argument", "z (the mip-0 section) is required");
               tile.z = *z;
               tile.params.erase("z");
               cached_image(req, res, tile_cache_key(tile), [&] {
                 return render_tile(tile, registry, context, options.limits, stop);
               });
               if (prefetcher)
                 prefetcher->after_request(tile, [this](const TileRequest& t) {
                   return cache.contains(tile_cache_key(t));
                 });
             }));
    const auto source_view = [this](const char* suffix, auto view) {
      http.Get(std::string(R"(/api/sources/(.+?)/)") + suffix,
               api([this, suffix, view](const httplib::Request& req, httplib::Response& res,
                                        std::stop_token stop) {
                 const Source source = registry.resolve(req.matches[1]);
                 view(req, res, source, ViewContext{registry, context, options.limits, stop},
                      std::string(suffix));
               }));
    };
    const auto image_view = [this](auto render) {
      return
          [this, render](const httplib::Request& req, httplib::Response& res, const Source& source,
                         const ViewContext& view, const std::string& suffix) {
            const QueryParams params = query_of(req);
            cached_image(req, res, source.name + "/" + suffix + "?" + canonical_query(params),
                         [&] { return render(source, params, view); });
          };
    };
    source_view(R"(region\.png)", image_view(render_region));
    source_view(R"(thumbnail\.png)", image_view(render_thumbnail_view));
    source_view("histogram", [](const httplib::Request& req, httplib::Response& res,
                                const Source& source, const ViewContext& view, const std::string&) {
      send_json(res, histogram_view(source, query_of(req), view));
    });
    source_view("value", [](const httplib::Request& req, httplib::Response& res,
                            const Source& source, const ViewContext& view, const std::string&) {
      send_json(res, value_view(source, query_of(req), view));
    });
    http.Get(R"(/api/sources/(.+))",
             api([this](const httplib::Request& req, httplib::Response& res, std::stop_token) {
               const Source source = registry.resolve(req.matches[1]);
               const volume::Metadata& m = source.volume->metadata();
               nlohmann::ordered_json doc;
               doc["name"] = source.name;
               doc["type"] = m.is_segmentation() ? "segmentation" : "image";
               const nlohmann::ordered_json summary = rendering::volume_summary(m);
               for (const auto& [key, value] : summary.items()) doc[key] = value;
               doc["tiles"] = tile_grid_json(tile_grid(m));
               send_json(res, doc);
             }));
    http.Get(R"(/api/figure\.(png|svg|pdf|tif|tiff))",
             api([this](const httplib::Request& req, httplib::Response& res, std::stop_token stop) {
               const std::string extension = "." + std::string(req.matches[1]);
               const QueryParams params = query_of(req);
               cached_image(req, res, "figure" + extension + "?" + canonical_query(params), [&] {
                 return render_figure_view(figure_json_of_query(params), extension, registry,
                                           context, options.limits, stop);
               });
             }));
    http.Post(
        R"(/api/figure(?:\.(png|svg|pdf|tif|tiff))?)",
        api([this](const httplib::Request& req, httplib::Response& res, std::stop_token stop) {
          std::string format = req.matches[1];
          if (format.empty()) format = param(query_of(req), "format").value_or("png");
          if (format != "png" && format != "svg" && format != "pdf" && format != "tif" &&
              format != "tiff")
            http_fail(400, "invalid_argument",
                      "format: expected png, svg, pdf or tif, got '" + format + "'");
          nlohmann::json doc;
          try {
            doc = nlohmann::json::parse(req.body);
          } catch (const nlohmann::json::parse_error& e) {
            http_fail(400, "invalid_argument", std::string("the body is not JSON: ") + e.what());
          }
          const EncodedImage image =
              render_figure_view(doc, "." + format, registry, context, options.limits, stop);
          send_image(req, res, image, "miss");
        }));
    if (!options.cors.empty())
      http.Options(R"(/api/.*)", [](const httplib::Request&, httplib::Response& res) {
        res.status = 204;
        res.set_header("Access-Control-Allow-Methods", "GET, POST, OPTIONS");
        res.set_header("Access-Control-Allow-Headers", "Content-Type, If-None-Match");
        res.set_header("Access-Control-Max-Age", "600");
      });
  }
};

Server::Server(const ServerOptions& options, io::Context& context)
    : impl_(std::make_unique<Impl>(options, context)) {}

Server::~Server() = default;

int Server::bind() {
  if (impl_->options.port == 0) {
    impl_->port = impl_->http.bind_to_any_port(impl_->options.bind);
  } else {
    impl_->port = impl_->http.bind_to_port(impl_->options.bind, impl_->options.port)
                      ? impl_->options.port
                      : -1;
  }
  if (impl_->port <= 0)
    fail(ErrorCode::kUnavailable, "cannot listen on " + impl_->options.bind + ":" +
                                      std::to_string(impl_->options.port) +
                                      " (in use, or not an address of this machine)");
  return impl_->port;
}

void Server::serve() {
  impl_->http.listen_after_bind();
}

void Server::stop() {
  impl_->http.stop();
}

void Server::cancel_inflight() {
  impl_->deadlines.stop_all();
}

std::string Server::url() const {
  const std::string& host = impl_->options.bind;
  const bool v6 = host.find(':') != std::string::npos;
  return "http://" + (v6 ? "[" + host + "]" : host) + ":" + std::to_string(impl_->port);
}

}  // namespace imagery::serve
