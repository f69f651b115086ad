#include "imagery/io/http_transport.h"

#include <curl/curl.h>
#include <strings.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <future>
#include <map>
#include <mutex>
#include <random>
#include <thread>
#include <unordered_map>

#include "imagery/core/error.h"
#include "imagery/io/internal/retry_policy.h"

namespace imagery::io {

namespace {

using Clock = std::chrono::steady_clock;

// Bodies of error responses are kept up to this size (services explain themselves there: a CAVE
// 403 names the terms of service to accept); the rest is not read (an endless 503 must end).
constexpr std::uint64_t kMaxErrorBody = 64 << 10;

bool iequals_prefix(const char* line, std::size_t n, const char* prefix) {
  const std::size_t m = std::strlen(prefix);
  if (n < m) return false;
  for (std::size_t i = 0; i < m; ++i)
    if (std::tolower(static_cast<unsigned char>(line[i])) != prefix[i]) return false;
  return true;
}

std::string trimmed_value(const char* line, std::size_t n, std::size_t skip) {
  std::string v(line + skip, n - skip);
  const auto b = v.find_first_not_of(" \t");
  const auto e = v.find_last_not_of(" \t\r\n");
  return b == std::string::npos ? "" : v.substr(b, e - b + 1);
}

std::string scheme_of(const std::string& url) {
  const auto p = url.find("://");
  if (p == std::string::npos) return "";
  std::string s = url.substr(0, p);
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

// libcurl needs its global set-up once per process before any handle exists; it is never torn
// down (other libraries of the process may use libcurl too).
void init_curl_once() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

}  // namespace

// One request from submission to completion. Touched by the I/O thread only, except `id` and
// the stop callback (which only records the id as cancelled).
struct Transfer {
  std::uint64_t id = 0;
  HttpRequest request;
  HttpTransport::Completion done;
  std::string url;  // of the current hop
  std::uint64_t max_bytes = 0;
  int attempts = 0;      // attempts of the current request, all hops
  int redirects = 0;     // hops followed
  bool queued = false;   // in the loop's queue, waiting for a slot
  bool waiting = false;  // waiting out a back-off before its next attempt
  std::string last_problem;
  Clock::time_point not_before{};
  std::unique_ptr<std::stop_callback<std::function<void()>>> stop_callback;

  // The attempt in flight.
  CURL* easy = nullptr;
  curl_slist* headers = nullptr;
  Bytes body;
  long status = 0;             // of the response being received
  std::uint64_t received = 0;  // body bytes of that response, kept or not
  bool gzip = false;
  std::string content_type;
  bool too_big = false;               // beyond max_bytes (declared or received)
  bool overlong = false;              // a 206 with more bytes than the range asked for
  bool enough = false;                // a 200 to a range request stopped once the range was in
  bool cut_short = false;             // an error response's body stopped early (it is never used)
  std::exception_ptr callback_error;  // thrown inside a libcurl callback (caught there)
  char error[CURL_ERROR_SIZE] = {0};

  bool ranged() const { return request.range.has_value(); }
  std::uint64_t range_offset() const { return request.range ? request.range->first : 0; }
  std::uint64_t range_length() const { return request.range ? request.range->second : 0; }
  void reset_response() {
    body.clear();
    status = 0;
    received = 0;
    gzip = false;
    content_type.clear();
    too_big = overlong = enough = cut_short = false;
    callback_error = nullptr;
    error[0] = 0;
  }
  // Whether a write callback stopped the transfer on purpose, with what it needs in hand.
  bool stopped_deliberately() const { return enough || cut_short; }
  std::string what() const { return request.method + " " + url; }
};

namespace {

// libcurl calls these from inside curl_multi_perform; an exception must never unwind through C
// frames, so every one is caught, kept, and the transfer aborted (returning a short count).
std::size_t on_body(char* data, std::size_t size, std::size_t count, void* user) noexcept {
  auto* t = static_cast<Transfer*>(user);
  const std::size_t n = size * count;
  try {
    const auto* bytes = reinterpret_cast<const std::byte*>(data);
    const std::uint64_t before = t->received;
    t->received += n;
    if (t->status < 200 || t->status > 299) {
      if (t->received <= kMaxErrorBody) {
        t->body.insert(t->body.end(), bytes, bytes + n);
        return n;
      }
      t->cut_short = true;
      return 0;  // aborts the transfer; the status decides what happens
    }
    if (t->ranged() && t->status == 206) {
      if (t->received > t->range_length()) {
        t->overlong = true;
        return 0;
      }
    } else if (t->ranged()) {
      // The server ignored Range and sends the whole object: keep only the range, stop after it.
      const std::uint64_t end = t->range_offset() + t->range_length();
      if (end > t->max_bytes) {
        t->too_big = true;
        return 0;
      }
      const std::uint64_t from = std::max(before, t->range_offset());
      const std::uint64_t to = std::min(t->received, end);
      if (from < to) t->body.insert(t->body.end(), bytes + (from - before), bytes + (to - before));
      if (t->received >= end) {
        t->enough = true;
        return 0;
      }
      return n;
    }
    if (t->received > t->max_bytes) {
      t->too_big = true;
      return 0;
    }
    t->body.insert(t->body.end(), bytes, bytes + n);
    return n;
  } catch (...) {
    t->callback_error = std::current_exception();
    return 0;
  }
}

std::size_t on_header(char* line, std::size_t size, std::size_t count, void* user) noexcept {
  auto* t = static_cast<Transfer*>(user);
  const std::size_t n = size * count;
  try {
    if (iequals_prefix(line, n, "http/")) {
      // A new response (after a 100-continue): "HTTP/1.1 200 OK".
      t->gzip = false;
      t->content_type.clear();
      const std::string status_line(line, n);
      const std::size_t space = status_line.find(' ');
      t->status =
          space == std::string::npos ? 0 : std::strtol(status_line.c_str() + space, nullptr, 10);
    } else if (iequals_prefix(line, n, "content-encoding:")) {
      std::string value = trimmed_value(line, n, 17);
      std::transform(value.begin(), value.end(), value.begin(),
                     [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
      t->gzip = value.find("gzip") != std::string::npos;
    } else if (iequals_prefix(line, n, "content-type:")) {
      t->content_type = trimmed_value(line, n, 13);
    } else if (iequals_prefix(line, n, "content-length:")) {
      const std::uint64_t len = std::strtoull(trimmed_value(line, n, 15).c_str(), nullptr, 10);
      const bool success = t->status >= 200 && t->status <= 299;
      // A whole body declared beyond the limit is refused before any of it arrives.
      if (success && !t->ranged() && len > t->max_bytes) {
        t->too_big = true;
        return 0;
      }
      const std::uint64_t want = t->ranged() ? t->range_length() : len;
      if (success && len > 0 && want <= t->max_bytes)
        t->body.reserve(static_cast<std::size_t>(std::min(len, want)));
    }
    return n;
  } catch (...) {
    t->callback_error = std::current_exception();
    return 0;
  }
}

}  // namespace

class HttpTransport::Loop {
 public:
  Loop(const HttpOptions& options, std::shared_ptr<const Credentials> credentials)
      : options_(options), credentials_(std::move(credentials)) {
    init_curl_once();
    multi_ = curl_multi_init();
    share_ = curl_share_init();
    if (!multi_ || !share_) fail(ErrorCode::kInternal, "cannot create libcurl handles");
    // Only the I/O thread uses these handles: no locks are needed for the share.
    curl_share_setopt(share_, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);
    curl_share_setopt(share_, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION);
    curl_multi_setopt(multi_, CURLMOPT_PIPELINING, CURLPIPE_MULTIPLEX);
    curl_multi_setopt(multi_, CURLMOPT_MAX_HOST_CONNECTIONS,
                      static_cast<long>(std::max(1, options_.max_connections_per_host)));
    curl_multi_setopt(multi_, CURLMOPT_MAXCONNECTS,
                      static_cast<long>(std::max(64, 2 * options_.max_connections_per_host)));
    thread_ = std::thread([this] { run(); });
  }

  ~Loop() {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    curl_multi_wakeup(multi_);
    thread_.join();
    for (CURL* e : idle_easy_) curl_easy_cleanup(e);
    curl_multi_cleanup(multi_);
    curl_share_cleanup(share_);
  }

  void submit(HttpRequest request, Completion done) {
    auto t = std::make_unique<Transfer>();
    t->url = request.url;
    t->max_bytes = request.max_body_bytes ? request.max_body_bytes : options_.max_object_bytes;
    t->request = std::move(request);
    t->done = std::move(done);
    // Once queued the transfer belongs to the I/O thread (it may finish and be freed at once):
    // keep what is needed here.
    const std::stop_token stop = t->request.stop;
    std::uint64_t id = 0;
    {
      std::lock_guard lock(mutex_);
      if (stopping_) fail(ErrorCode::kCancelled, t->what() + ": the HTTP transport shut down");
      id = t->id = ++next_id_;
      incoming_.push_back(std::move(t));
    }
    // Registered after the transfer is queued: a token already stopped cancels it at once.
    if (stop.stop_possible()) {
      auto cb = std::make_unique<std::stop_callback<std::function<void()>>>(
          stop, std::function<void()>([this, id] { cancel(id); }));
      std::lock_guard lock(mutex_);
      // The loop may already have finished the transfer (and freed it): only attach while live.
      if (auto it = pending_callbacks_.find(id); it == pending_callbacks_.end())
        pending_callbacks_.emplace(id, std::move(cb));
    }
    curl_multi_wakeup(multi_);
  }

  HttpStats stats() const {
    HttpStats s;
    s.requests = requests_.load();
    s.bytes = bytes_.load();
    s.retries = retries_.load();
    s.redirects = redirects_.load();
    s.peak_in_flight = peak_in_flight_.load();
    return s;
  }

 private:
  void cancel(std::uint64_t id) {
    {
      std::lock_guard lock(mutex_);
      cancelled_.push_back(id);
    }
    curl_multi_wakeup(multi_);
  }

  // The I/O thread.
  void run() {
    std::mt19937_64 rng(std::random_device{}());
    for (;;) {
      bool stopping = false;
      std::deque<std::unique_ptr<Transfer>> arrived;
      std::vector<std::uint64_t> cancelled;
      {
        std::lock_guard lock(mutex_);
        stopping = stopping_;
        arrived.swap(incoming_);
        cancelled.swap(cancelled_);
      }
      for (auto& t : arrived) {
        t->queued = true;
        queue_.push_back(t.get());
        live_.emplace(t->id, std::move(t));
      }
      if (stopping) {
        shut_down();
        return;
      }
      for (std::uint64_t id : cancelled) {
        auto it = live_.find(id);
        if (it == live_.end()) continue;  // finished meanwhile
        Transfer* t = it->second.get();
        fail_transfer(
            t, std::make_exception_ptr(Error(ErrorCode::kCancelled, t->what() + ": cancelled")));
      }
      // Retries whose wait is over go back to the front of the queue.
      const auto now = Clock::now();
      while (!waiting_.empty() && waiting_.begin()->first <= now) {
        Transfer* t = waiting_.begin()->second;
        waiting_.erase(waiting_.begin());
        t->waiting = false;
        t->queued = true;
        queue_.push_front(t);
      }
      start_queued();
      int running = 0;
      curl_multi_perform(multi_, &running);
      int left = 0;
      while (CURLMsg* msg = curl_multi_info_read(multi_, &left)) {
        if (msg->msg != CURLMSG_DONE) continue;
        Transfer* t = nullptr;
        curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, reinterpret_cast<char**>(&t));
        finished(t, msg->data.result, rng);
      }
      start_queued();
      int timeout_ms = 1000;
      if (!waiting_.empty()) {
        const auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(
                              waiting_.begin()->first - Clock::now())
                              .count();
        timeout_ms = static_cast<int>(std::clamp<long long>(wait, 0, 1000));
      }
      curl_multi_poll(multi_, nullptr, 0, timeout_ms, nullptr);
    }
  }

  void start_queued() {
    while (in_flight_ < std::max(1, options_.max_in_flight) && !queue_.empty()) {
      Transfer* t = queue_.front();
      queue_.pop_front();
      t->queued = false;
      start(t);
    }
  }

  CURL* acquire_easy() {
    if (!idle_easy_.empty()) {
      CURL* e = idle_easy_.back();
      idle_easy_.pop_back();
      return e;
    }
    CURL* e = curl_easy_init();
    if (!e) fail(ErrorCode::kInternal, "cannot create a libcurl handle");
    return e;
  }

  void release_easy(Transfer* t) {
    if (t->headers) curl_slist_free_all(t->headers);
    t->headers = nullptr;
    if (t->easy) {
      curl_multi_remove_handle(multi_, t->easy);
      curl_easy_reset(t->easy);
      idle_easy_.push_back(t->easy);
      t->easy = nullptr;
      --in_flight_;
    }
  }

  void start(Transfer* t) {
    // submit() queues a transfer before it registers the stop callback, so a token stopped
    // already may not have reported its cancellation yet: never send such a request.
    if (t->request.stop.stop_requested())
      return fail_transfer(
          t, std::make_exception_ptr(Error(ErrorCode::kCancelled, t->what() + ": cancelled")));
    t->reset_response();
    CURL* e = acquire_easy();
    t->easy = e;
    ++t->attempts;
    ++in_flight_;
    requests_.fetch_add(1, std::memory_order_relaxed);
    int peak = peak_in_flight_.load();
    while (in_flight_ > peak && !peak_in_flight_.compare_exchange_weak(peak, in_flight_)) {
    }
    const HttpRequest& r = t->request;
    curl_easy_setopt(e, CURLOPT_URL, t->url.c_str());
    curl_easy_setopt(e, CURLOPT_SHARE, share_);
    curl_easy_setopt(e, CURLOPT_PRIVATE, t);
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, t);
    curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(e, CURLOPT_HEADERDATA, t);
    curl_easy_setopt(e, CURLOPT_ERRORBUFFER, t->error);
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
    // Redirects are followed here, hop by hop, so each hop gets its own credentials.
    curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(e, CURLOPT_HTTP_VERSION, CURL_HTTP_VERSION_2TLS);
    // Over TLS, wait for a connection that can multiplex rather than opening another.
    curl_easy_setopt(e, CURLOPT_PIPEWAIT, scheme_of(t->url) == "https" ? 1L : 0L);
    curl_easy_setopt(e, CURLOPT_TCP_KEEPALIVE, 1L);
    curl_easy_setopt(e, CURLOPT_BUFFERSIZE, 512L * 1024);
    curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, options_.connect_timeout_ms);
    curl_easy_setopt(e, CURLOPT_LOW_SPEED_LIMIT, 1L);
    curl_easy_setopt(e, CURLOPT_LOW_SPEED_TIME,
                     std::max(1L, (options_.stall_timeout_ms + 999) / 1000));
    if (options_.request_timeout_ms > 0)
      curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, options_.request_timeout_ms);
    curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, options_.verify_tls ? 1L : 0L);
    curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, options_.verify_tls ? 2L : 0L);
    curl_easy_setopt(e, CURLOPT_USERAGENT, options_.user_agent.c_str());
    if (r.method == "GET") {
      curl_easy_setopt(e, CURLOPT_HTTPGET, 1L);
    } else if (r.method == "HEAD") {
      curl_easy_setopt(e, CURLOPT_NOBODY, 1L);
    } else {
      if (r.method == "POST") {
        curl_easy_setopt(e, CURLOPT_POST, 1L);
      } else {
        curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, r.method.c_str());
        if (!r.body.empty()) curl_easy_setopt(e, CURLOPT_POST, 1L);
      }
      curl_easy_setopt(e, CURLOPT_POSTFIELDS, reinterpret_cast<const char*>(r.body.data()));
      curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(r.body.size()));
    }
    curl_slist* h = nullptr;
    // Decompression is the reader's job (on the worker pool); ranges must see the stored bytes.
    h = curl_slist_append(
        h, t->ranged() || !r.accept_gzip ? "Accept-Encoding: identity" : "Accept-Encoding: gzip");
    if (t->ranged()) {
      const std::string range =
          "Range: bytes=" + std::to_string(t->range_offset()) + "-" +
          std::to_string(t->range_offset() + std::max<std::uint64_t>(t->range_length(), 1) - 1);
      h = curl_slist_append(h, range.c_str());
    }
    // POST bodies go at once: no "Expect: 100-continue" round trip.
    if (r.method != "GET" && r.method != "HEAD") {
      h = curl_slist_append(h, "Expect:");
      // libcurl would label a POST body a form (application/x-www-form-urlencoded), which a
      // server may then parse as one: bodies go unlabelled unless the caller names a type.
      bool typed = false;
      for (const auto& [name, value] : r.headers)
        typed = typed || strcasecmp(name.c_str(), "Content-Type") == 0;
      if (!typed) h = curl_slist_append(h, "Content-Type:");
    }
    for (const auto& [name, value] : r.headers) {
      const std::string line = name + ": " + value;
      h = curl_slist_append(h, line.c_str());
    }
    const std::string token = credentials_ ? credentials_->token_for(t->url) : std::string();
    if (!token.empty()) {
      const std::string auth = "Authorization: Bearer " + token;
      h = curl_slist_append(h, auth.c_str());
    }
    t->headers = h;
    curl_easy_setopt(e, CURLOPT_HTTPHEADER, h);
    curl_multi_add_handle(multi_, e);
  }

  // The end of one attempt: complete, retry, follow a redirect or fail.
  void finished(Transfer* t, CURLcode rc, std::mt19937_64& rng) {
    long status = 0;
    curl_easy_getinfo(t->easy, CURLINFO_RESPONSE_CODE, &status);
    if (status != 0) t->status = status;
    // Seconds; 0 when the reply had no Retry-After (a "Retry-After: 0" backs off as usual).
    curl_off_t retry_after = 0;
    if (curl_easy_getinfo(t->easy, CURLINFO_RETRY_AFTER, &retry_after) != CURLE_OK) retry_after = 0;
    const char* location = nullptr;
    curl_easy_getinfo(t->easy, CURLINFO_REDIRECT_URL, &location);
    const std::string redirect = location ? location : "";
    const char* curl_text = t->error[0] ? t->error : curl_easy_strerror(rc);
    const std::string problem = curl_text;
    release_easy(t);
    bytes_.fetch_add(t->body.size(), std::memory_order_relaxed);
    try {
      if (t->callback_error) std::rethrow_exception(t->callback_error);
    } catch (const std::bad_alloc&) {
      return fail_transfer(t, std::make_exception_ptr(
                                  Error(ErrorCode::kResourceExhausted,
                                        t->what() + ": out of memory holding the response body")));
    } catch (const std::length_error&) {
      return fail_transfer(t, std::make_exception_ptr(Error(
                                  ErrorCode::kResourceExhausted,
                                  t->what() + ": the response body cannot be held in memory")));
    } catch (...) {
      return fail_transfer(t, std::current_exception());
    }
    try {
      if (t->too_big)
        fail(ErrorCode::kResourceExhausted, t->what() + ": the body exceeds the limit of " +
                                                std::to_string(t->max_bytes) + " bytes");
      if (t->overlong)
        fail(ErrorCode::kDataLoss, t->what() + ": HTTP 206 with more than the " +
                                       std::to_string(t->range_length()) + " bytes of range " +
                                       std::to_string(t->range_offset()) + "+" +
                                       std::to_string(t->range_length()));
      if (rc == CURLE_WRITE_ERROR && t->stopped_deliberately()) rc = CURLE_OK;
      if (rc != CURLE_OK) {
        if (is_retryable_curl_code(rc)) return retry(t, problem, -1, rng);
        if (rc == CURLE_PEER_FAILED_VERIFICATION)
          fail(ErrorCode::kUnavailable,
               t->what() + ": " + problem + " (the server's TLS certificate is not trusted)",
               Remedy::kSkipTlsVerification);
        if (rc == CURLE_UNSUPPORTED_PROTOCOL)
          fail(ErrorCode::kPermissionDenied,
               t->what() + ": unsupported protocol (" + problem + ")");
        fail(ErrorCode::kUnavailable, t->what() + ": " + problem);
      }
      if (is_redirect_status(t->status) && !redirect.empty()) return follow(t, redirect);
      if (is_retryable_status(t->status))
        return retry(t, "HTTP " + std::to_string(t->status),
                     retry_after > 0 ? static_cast<long long>(retry_after) * 1000 : -1, rng);
      if (t->status >= 200 && t->status <= 299 && t->ranged()) {
        if (t->gzip)
          fail(ErrorCode::kDataLoss,
               t->what() + ": served with Content-Encoding gzip, so byte ranges are meaningless");
        if (t->status == 200 && t->body.size() != t->range_length())
          fail(ErrorCode::kDataLoss, t->what() + ": object has " + std::to_string(t->received) +
                                         " bytes, range " + std::to_string(t->range_offset()) +
                                         "+" + std::to_string(t->range_length()) +
                                         " is past its end");
        if (t->body.size() != t->range_length())
          fail(ErrorCode::kDataLoss, t->what() + ": range " + std::to_string(t->range_offset()) +
                                         "+" + std::to_string(t->range_length()) + " returned " +
                                         std::to_string(t->body.size()) + " bytes");
      }
    } catch (...) {
      return fail_transfer(t, std::current_exception());
    }
    HttpResponse response;
    response.status = t->status;
    response.body = std::move(t->body);
    response.gzip_encoded = t->gzip;
    response.url = t->url;
    response.content_type = t->content_type;
    response.attempts = t->attempts;
    complete(t, HttpResult{std::move(response), nullptr});
  }

  void retry(Transfer* t, const std::string& problem, long long retry_after_ms,
             std::mt19937_64& rng) {
    t->last_problem = problem;
    if (t->attempts >= std::max(1, options_.max_attempts))
      return fail_transfer(
          t, std::make_exception_ptr(
                 Error(ErrorCode::kUnavailable, t->what() + ": " + problem + " after " +
                                                    std::to_string(t->attempts) + " attempt" +
                                                    (t->attempts == 1 ? "" : "s"))));
    retries_.fetch_add(1, std::memory_order_relaxed);
    t->not_before = Clock::now() + backoff_delay(t->attempts, retry_after_ms, options_, rng());
    t->waiting = true;
    waiting_.emplace(t->not_before, t);
  }

  void follow(Transfer* t, const std::string& target) {
    try {
      if (t->redirects >= options_.max_redirects)
        fail(ErrorCode::kUnavailable,
             t->what() + ": more than " + std::to_string(options_.max_redirects) + " redirects");
      if (scheme_of(target) != scheme_of(t->url))
        fail(ErrorCode::kPermissionDenied,
             t->what() + ": refused a redirect to another scheme (" + target + ")");
      if (redirect_becomes_get(t->status, t->request.method == "POST")) {
        t->request.method = "GET";
        t->request.body.clear();
      }
    } catch (...) {
      return fail_transfer(t, std::current_exception());
    }
    ++t->redirects;
    redirects_.fetch_add(1, std::memory_order_relaxed);
    t->url = target;
    t->queued = true;
    queue_.push_front(t);
  }

  void fail_transfer(Transfer* t, std::exception_ptr error) {
    complete(t, HttpResult{std::nullopt, std::move(error)});
  }

  // Hands the result over and forgets the transfer (wherever it was: in flight, queued, waiting).
  void complete(Transfer* t, HttpResult result) {
    release_easy(t);
    // Only a cancelled (or shut down) transfer can still be queued or waiting.
    if (t->queued) queue_.erase(std::remove(queue_.begin(), queue_.end(), t), queue_.end());
    if (t->waiting)
      for (auto it = waiting_.begin(); it != waiting_.end();)
        it = it->second == t ? waiting_.erase(it) : std::next(it);
    t->queued = t->waiting = false;
    // Detach the stop callback first: once it is gone it cannot run for a freed transfer.
    std::unique_ptr<std::stop_callback<std::function<void()>>> callback;
    {
      std::lock_guard lock(mutex_);
      if (auto it = pending_callbacks_.find(t->id); it != pending_callbacks_.end()) {
        callback = std::move(it->second);
        pending_callbacks_.erase(it);
      } else {
        pending_callbacks_.emplace(t->id, nullptr);  // tells a late submit() not to attach one
        finished_ids_.push_back(t->id);
      }
    }
    callback.reset();
    auto owned = std::move(live_.at(t->id));
    live_.erase(t->id);
    try {
      owned->done(std::move(result));
    } catch (...) {
      // Completions must not throw; one that does must not take the I/O thread down.
    }
    forget_finished_ids();
  }

  // Tombstones left for submit() are dropped once no submit() can still be between queuing a
  // transfer and attaching its callback (that window is short; keep the newest few thousand).
  void forget_finished_ids() {
    std::lock_guard lock(mutex_);
    while (finished_ids_.size() > 4096) {
      auto it = pending_callbacks_.find(finished_ids_.front());
      if (it != pending_callbacks_.end() && !it->second) pending_callbacks_.erase(it);
      finished_ids_.pop_front();
    }
  }

  void shut_down() {
    std::vector<Transfer*> all;
    for (auto& [id, t] : live_) all.push_back(t.get());
    for (Transfer* t : all)
      fail_transfer(t, std::make_exception_ptr(Error(
                           ErrorCode::kCancelled, t->what() + ": the HTTP transport shut down")));
  }

  HttpOptions options_;
  std::shared_ptr<const Credentials> credentials_;
  CURLM* multi_ = nullptr;
  CURLSH* share_ = nullptr;
  std::thread thread_;

  std::mutex mutex_;  // guards the members up to the I/O thread's own
  bool stopping_ = false;
  std::uint64_t next_id_ = 0;
  std::deque<std::unique_ptr<Transfer>> incoming_;
  std::vector<std::uint64_t> cancelled_;
  std::unordered_map<std::uint64_t, std::unique_ptr<std::stop_callback<std::function<void()>>>>
      pending_callbacks_;
  std::deque<std::uint64_t> finished_ids_;

  // The I/O thread's own.
  std::unordered_map<std::uint64_t, std::unique_ptr<Transfer>> live_;
  std::deque<Transfer*> queue_;
  std::multimap<Clock::time_point, Transfer*> waiting_;
  std::vector<CURL*> idle_easy_;
  int in_flight_ = 0;

  std::atomic<std::uint64_t> requests_{0}, bytes_{0}, retries_{0}, redirects_{0};
  std::atomic<int> peak_in_flight_{0};
};

HttpTransport::HttpTransport(HttpOptions options, std::shared_ptr<const Credentials> credentials)
    : options_(std::move(options)),
      loop_(std::make_unique<Loop>(options_, std::move(credentials))) {}

HttpTransport::~HttpTransport() = default;

void HttpTransport::submit(HttpRequest request, Completion done) {
  loop_->submit(std::move(request), std::move(done));
}

HttpResponse HttpTransport::fetch(HttpRequest request) {
  std::promise<HttpResult> promise;
  auto future = promise.get_future();
  submit(std::move(request), [&promise](HttpResult r) { promise.set_value(std::move(r)); });
  HttpResult r = future.get();
  if (r.error) std::rethrow_exception(r.error);
  return std::move(*r.response);
}

HttpStats HttpTransport::stats() const {
  return loop_->stats();
}

}  // namespace imagery::io
