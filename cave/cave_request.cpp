#include "imagery/cave/internal/cave_request.h"

#include <cctype>
#include <future>

#include "imagery/core/error.h"
#include "imagery/io/gzip.h"

namespace imagery::cave {

namespace {

// Error bodies are bounded by the transport (64 KB); a message shown to a user is one short line.
std::string one_line(std::string s) {
  for (char& c : s)
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  std::string out;
  for (char c : s)
    if (std::isprint(static_cast<unsigned char>(c))) out += c;
  while (!out.empty() && out.back() == ' ') out.pop_back();
  while (!out.empty() && out.front() == ' ') out.erase(0, 1);
  if (out.size() > 200) out = out.substr(0, 197) + "...";
  return out;
}

std::string text_of(const Bytes& body) {
  return std::string(reinterpret_cast<const char*>(body.data()), body.size());
}

// What a CAVE error body says: MAC and PyChunkedGraph send JSON with "error"/"code" and
// "message"; older servers plain text.
struct ErrorBody {
  std::string error;    // "missing_tos", "invalid_table_id", ... ("" when not given)
  std::string message;  // one line
  nlohmann::json data;
};

ErrorBody read_error_body(const Bytes& body) {
  ErrorBody e;
  const auto doc = nlohmann::json::parse(text_of(body), nullptr, false);
  if (doc.is_object()) {
    if (doc.contains("error") && doc["error"].is_string()) e.error = doc["error"];
    if (doc.contains("message") && doc["message"].is_string()) e.message = one_line(doc["message"]);
    if (doc.contains("data")) e.data = doc["data"];
  } else if (doc.is_string()) {
    e.message = one_line(doc.get<std::string>());
  } else {
    e.message = one_line(text_of(body));
  }
  return e;
}

// Only a declared Content-Encoding counts: a roots_binary answer is raw uint64s, and an id whose
// low bytes happen to be 1f 8b must not be taken for a gzip stream.
Bytes inflated(io::HttpResponse& r) {
  if (r.gzip_encoded) return io::gunzip(r.body, r.url);
  return std::move(r.body);
}

}  // namespace

Error cave_status_error(long status, const Bytes& body, const std::string& method,
                        const std::string& url, const std::string& source) {
  const ErrorBody e = read_error_body(body);
  const std::string what = source + ": " + method + " " + url + ": HTTP " + std::to_string(status);
  const std::string said = e.message.empty() ? "" : " (" + e.message + ")";
  if (status == 403 && e.error == "missing_tos") {
    std::string tos_url, tos_name;
    if (e.data.is_object()) {
      if (e.data.contains("tos_form_url") && e.data["tos_form_url"].is_string())
        tos_url = one_line(e.data["tos_form_url"]);
      if (e.data.contains("tos_name") && e.data["tos_name"].is_string())
        tos_name = one_line(e.data["tos_name"]);
    }
    return Error(ErrorCode::kPermissionDenied,
                 what + ": the terms of service" + (tos_name.empty() ? "" : " '" + tos_name + "'") +
                     " must be accepted first" +
                     (tos_url.empty() ? std::string(said) : ": open " + tos_url));
  }
  if (status == 401)
    return Error(ErrorCode::kPermissionDenied,
                 what + ", the token was refused (missing, invalid or expired)" + said,
                 Remedy::kGiveToken);
  if (status == 403) return Error(ErrorCode::kPermissionDenied, what + ", no permission" + said);
  if (status == 404 || (status == 400 && (e.error == "invalid_table_id" ||
                                          e.message.find("invalid_table_id") != std::string::npos)))
    return Error(ErrorCode::kNotFound, what + ", not found" + said);
  if (status >= 400 && status < 500) return Error(ErrorCode::kInvalidArgument, what + said);
  return Error(ErrorCode::kUnavailable, what + said);
}

std::vector<Bytes> cave_fetch_all(io::Context& context, std::vector<io::HttpRequest> requests,
                                  const std::string& source, std::stop_token stop) {
  std::vector<std::promise<io::HttpResult>> promises(requests.size());
  std::vector<std::future<io::HttpResult>> futures;
  std::vector<std::pair<std::string, std::string>> what;  // method, url
  for (auto& p : promises) futures.push_back(p.get_future());
  io::HttpTransport& transport = context.transport();
  for (std::size_t i = 0; i < requests.size(); ++i) {
    requests[i].stop = stop;
    what.emplace_back(requests[i].method, requests[i].url);
    try {
      transport.submit(std::move(requests[i]), [&promise = promises[i]](io::HttpResult r) {
        promise.set_value(std::move(r));
      });
    } catch (...) {
      promises[i].set_value(io::HttpResult{std::nullopt, std::current_exception()});
    }
  }
  std::vector<Bytes> bodies(futures.size());
  std::exception_ptr first;
  for (std::size_t i = 0; i < futures.size(); ++i) {
    io::HttpResult r = futures[i].get();  // every one is waited for: promises live on this stack
    if (first) continue;
    try {
      if (r.error) std::rethrow_exception(r.error);
      io::HttpResponse& response = *r.response;
      if (response.status < 200 || response.status > 299)
        throw cave_status_error(response.status, response.body, what[i].first, what[i].second,
                                source);
      bodies[i] = inflated(response);
    } catch (const Error& e) {
      // Transport errors name the request but not the source the user gave.
      const std::string message = e.what();
      first = message.rfind(source, 0) == 0
                  ? std::current_exception()
                  : std::make_exception_ptr(Error(e.code(), source + ": " + message, e.remedy()));
    } catch (...) {
      first = std::current_exception();
    }
  }
  if (first) std::rethrow_exception(first);
  return bodies;
}

Bytes cave_fetch(io::Context& context, io::HttpRequest request, const std::string& source,
                 std::stop_token stop) {
  std::vector<io::HttpRequest> one;
  one.push_back(std::move(request));
  return std::move(cave_fetch_all(context, std::move(one), source, stop)[0]);
}

nlohmann::json parse_cave_json(const Bytes& body, const std::string& what) {
  auto doc = nlohmann::json::parse(text_of(body), nullptr, false);
  if (doc.is_discarded()) fail(ErrorCode::kDataLoss, what + ": the answer is not JSON");
  return doc;
}

nlohmann::json cave_get_json(io::Context& context, const std::string& url,
                             const std::string& source, std::stop_token stop) {
  io::HttpRequest request;
  request.url = url;
  return parse_cave_json(cave_fetch(context, std::move(request), source, stop),
                         source + ": " + url);
}

}  // namespace imagery::cave
