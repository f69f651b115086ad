#include "imagery/io/internal/http_storage.h"

#include <curl/curl.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstring>
#include <deque>
#include <memory>
#include <mutex>
#include <random>
#include <thread>

#include "imagery/core/error.h"
#include "imagery/core/task_group.h"
#include "imagery/io/internal/storage_key.h"

namespace imagery::io {

namespace {

using Clock = std::chrono::steady_clock;

std::atomic<std::uint64_t> g_requests{0};
std::atomic<std::uint64_t> g_bytes{0};

// Connections, DNS answers and TLS sessions shared by every transfer of the process.
class CurlShare {
 public:
  static CurlShare& get() {
    static CurlShare instance;
    return instance;
  }
  CURLSH* handle() const { return share_; }

  CURL* acquire_easy() {
    {
      std::lock_guard lock(pool_mutex_);
      if (!idle_.empty()) {
        CURL* e = idle_.back();
        idle_.pop_back();
        return e;
      }
    }
    CURL* e = curl_easy_init();
    if (!e) fail(ErrorCode::kInternal, "cannot create a libcurl handle");
    return e;
  }
  void release_easy(CURL* e) {
    curl_easy_reset(e);
    std::lock_guard lock(pool_mutex_);
    idle_.push_back(e);
  }

 private:
  CurlShare() {
    curl_global_init(CURL_GLOBAL_DEFAULT);
    share_ = curl_share_init();
    curl_share_setopt(share_, CURLSHOPT_LOCKFUNC, &CurlShare::lock);
    curl_share_setopt(share_, CURLSHOPT_UNLOCKFUNC, &CurlShare::unlock);
    curl_share_setopt(share_, CURLSHOPT_USERDATA, this);
    curl_share_setopt(share_, CURLSHOPT_SHARE, CURL_LOCK_DATA_CONNECT);
    curl_share_setopt(share_, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);
    curl_share_setopt(share_, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION);
  }
  // Runs at exit, when no batch is running any more (batches finish before their callers return).
  ~CurlShare() {
    std::lock_guard lock(pool_mutex_);
    for (CURL* e : idle_) curl_easy_cleanup(e);
    idle_.clear();
    curl_share_cleanup(share_);
    curl_global_cleanup();
  }

  static void lock(CURL*, curl_lock_data data, curl_lock_access, void* self) {
    static_cast<CurlShare*>(self)->locks_[static_cast<std::size_t>(data) % kLocks].lock();
  }
  static void unlock(CURL*, curl_lock_data data, void* self) {
    static_cast<CurlShare*>(self)->locks_[static_cast<std::size_t>(data) % kLocks].unlock();
  }

  static constexpr std::size_t kLocks = 16;
  CURLSH* share_ = nullptr;
  std::mutex locks_[kLocks];
  std::mutex pool_mutex_;
  std::vector<CURL*> idle_;
};

bool iequals_prefix(const char* line, std::size_t n, const char* prefix) {
  const std::size_t m = std::strlen(prefix);
  if (n < m) return false;
  for (std::size_t i = 0; i < m; ++i)
    if (std::tolower(static_cast<unsigned char>(line[i])) != prefix[i]) return false;
  return true;
}

struct Transfer {
  std::size_t index = 0;
  std::string url;
  bool ranged = false;
  std::uint64_t offset = 0, length = 0;
  std::uint64_t max_bytes = 0;

  CURL* easy = nullptr;
  curl_slist* headers = nullptr;
  Bytes body;
  long status = 0;             // of the response being received (after redirects)
  std::uint64_t received = 0;  // body bytes of that response, kept or not
  bool gzip = false;
  bool too_big = false;    // beyond max_bytes (declared or received)
  bool overlong = false;   // a 206 with more bytes than the range asked for
  bool enough = false;     // a 200 to a range request stopped once the range was in
  bool cut_short = false;  // an error response's body stopped early (it is never used)
  int attempts = 0;
  Clock::time_point not_before{};
  std::string last_problem;  // for the final error message
  long long retry_after_ms = -1;
  char error[CURL_ERROR_SIZE] = {0};

  void reset_response() {
    body.clear();
    status = 0;
    received = 0;
    gzip = false;
    too_big = overlong = enough = cut_short = false;
    error[0] = 0;
  }
  // Whether the write callback stopped the transfer on purpose, with what it needs in hand.
  bool stopped_deliberately() const { return enough || cut_short; }
};

// Bodies of error responses are read this far and dropped (an endless 503 must still end).
constexpr std::uint64_t kMaxErrorBody = 64 << 10;

std::size_t on_body(char* data, std::size_t size, std::size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  const std::size_t n = size * count;
  const auto* bytes = reinterpret_cast<const std::byte*>(data);
  const std::uint64_t before = t->received;
  t->received += n;
  if (t->status != 200 && t->status != 206) {
    if (t->received <= kMaxErrorBody) return n;
    t->cut_short = true;
    return 0;  // aborts the transfer; classify() goes by the status
  }
  if (t->ranged && t->status == 206) {
    if (t->received > t->length) {
      t->overlong = true;
      return 0;
    }
  } else if (t->ranged) {
    // The server ignored Range and sends the whole object: keep only the range, stop after it.
    const std::uint64_t end = t->offset + t->length;
    if (end > t->max_bytes) {
      t->too_big = true;
      return 0;
    }
    const std::uint64_t from = std::max(before, t->offset), to = std::min(t->received, end);
    if (from < to) t->body.insert(t->body.end(), bytes + (from - before), bytes + (to - before));
    if (t->received >= end) {
      t->enough = true;
      return 0;
    }
    return n;
  }
  if (t->received > t->max_bytes) {
    t->too_big = true;
    return 0;  // aborts the transfer
  }
  t->body.insert(t->body.end(), bytes, bytes + n);
  return n;
}

std::size_t on_header(char* line, std::size_t size, std::size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  const std::size_t n = size * count;
  if (iequals_prefix(line, n, "http/")) {
    // A new response (after a redirect or a 100-continue): "HTTP/1.1 200 OK".
    t->gzip = false;
    const std::string status_line(line, n);
    const std::size_t space = status_line.find(' ');
    t->status =
        space == std::string::npos ? 0 : std::strtol(status_line.c_str() + space, nullptr, 10);
  } else if (iequals_prefix(line, n, "content-encoding:")) {
    std::string value(line + 17, n - 17);
    std::transform(value.begin(), value.end(), value.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    t->gzip = value.find("gzip") != std::string::npos;
  } else if (iequals_prefix(line, n, "content-length:")) {
    const std::uint64_t len = std::strtoull(std::string(line + 15, n - 15).c_str(), nullptr, 10);
    // A whole body declared beyond the limit is refused before any of it arrives.
    if (t->status == 200 && !t->ranged && len > t->max_bytes) {
      t->too_big = true;
      return 0;
    }
    const std::uint64_t want = t->ranged ? t->length : len;
    if (len > 0 && want <= t->max_bytes && (t->status == 200 || t->status == 206))
      t->body.reserve(static_cast<std::size_t>(std::min(len, want)));
  }
  return n;
}

std::string escape_key(const std::string& key) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : key) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~' || c == '/') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

std::string scheme_of(const std::string& url) {
  return url.substr(0, url.find("://"));
}

enum class Outcome { kSuccess, kMissing, kRetry, kFatal };

// One batch of requests driven to completion on the calling thread; bodies are handed to
// `deliver` on the worker pool as they arrive.
class Batch {
 public:
  Batch(const HttpOptions& options, std::vector<Transfer> transfers,
        std::function<void(Transfer&, bool missing)> deliver)
      : options_(options), transfers_(std::move(transfers)), deliver_(std::move(deliver)) {}

  void run() {
    CURLM* multi = curl_multi_init();
    if (!multi) fail(ErrorCode::kInternal, "cannot create a libcurl multi handle");
    curl_multi_setopt(multi, CURLMOPT_PIPELINING, CURLPIPE_MULTIPLEX);
    // No CURLMOPT_MAX_HOST_CONNECTIONS: the connection cache is shared by every multi handle of
    // the process, and a transfer queued for a connection that another thread's handle frees is
    // never woken. The cap on transfers in flight below bounds connections instead.
    std::deque<std::size_t> ready;
    for (std::size_t i = 0; i < transfers_.size(); ++i) ready.push_back(i);
    std::vector<std::size_t> waiting;
    int active = 0;
    std::exception_ptr error;
    std::mt19937_64 rng(std::random_device{}());

    while (!error && (active > 0 || !ready.empty() || !waiting.empty())) {
      const auto now = Clock::now();
      for (auto it = waiting.begin(); it != waiting.end();) {
        if (transfers_[*it].not_before <= now) {
          ready.push_back(*it);
          it = waiting.erase(it);
        } else {
          ++it;
        }
      }
      while (active < std::max(1, options_.max_in_flight) && !ready.empty()) {
        start(multi, transfers_[ready.front()]);
        ready.pop_front();
        ++active;
      }
      int running = 0;
      curl_multi_perform(multi, &running);
      int queued = 0;
      while (CURLMsg* msg = curl_multi_info_read(multi, &queued)) {
        if (msg->msg != CURLMSG_DONE) continue;
        Transfer* t = nullptr;
        curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, reinterpret_cast<char**>(&t));
        const CURLcode rc = msg->data.result;
        curl_multi_remove_handle(multi, t->easy);
        --active;
        try {
          const Outcome outcome = classify(*t, rc);
          if (outcome == Outcome::kRetry) {
            if (t->attempts >= options_.max_attempts)
              fail(ErrorCode::kUnavailable, "GET " + t->url + ": " + t->last_problem + " after " +
                                                std::to_string(t->attempts) + " attempt" +
                                                (t->attempts == 1 ? "" : "s"));
            t->not_before = Clock::now() + backoff(*t, rng);
            finish_easy(*t);
            waiting.push_back(t->index);
            continue;
          }
          finish_easy(*t);
          if (outcome == Outcome::kSuccess || outcome == Outcome::kMissing) {
            const bool missing = outcome == Outcome::kMissing;
            Transfer* done = t;
            group_.run([this, done, missing] { deliver_(*done, missing); });
          }
        } catch (...) {
          finish_easy(*t);
          if (!error) error = std::current_exception();
        }
      }
      if (group_.failed()) break;
      if (error) break;
      if (active == 0 && ready.empty() && waiting.empty()) break;  // all done: nothing to wait for
      // Finished transfers freed slots: start the next ones before waiting on the sockets.
      if (!ready.empty() && active < std::max(1, options_.max_in_flight)) continue;
      int timeout = 100;
      if (!waiting.empty() && active == 0 && ready.empty()) {
        auto next = Clock::now() + std::chrono::hours(1);
        for (auto i : waiting) next = std::min(next, transfers_[i].not_before);
        timeout = static_cast<int>(std::clamp<long long>(
            std::chrono::duration_cast<std::chrono::milliseconds>(next - Clock::now()).count(), 0,
            100));
      }
      curl_multi_poll(multi, nullptr, 0, timeout, nullptr);
    }
    // Abandon whatever is still in flight after a failure.
    for (auto& t : transfers_) {
      if (t.easy) {
        curl_multi_remove_handle(multi, t.easy);
        finish_easy(t);
      }
    }
    curl_multi_cleanup(multi);
    if (error) {
      try {
        group_.wait();
      } catch (...) {
      }
      std::rethrow_exception(error);
    }
    group_.wait();
  }

 private:
  void start(CURLM* multi, Transfer& t) {
    t.reset_response();
    t.easy = CurlShare::get().acquire_easy();
    CURL* e = t.easy;
    ++t.attempts;
    g_requests.fetch_add(1, std::memory_order_relaxed);
    curl_easy_setopt(e, CURLOPT_URL, t.url.c_str());
    curl_easy_setopt(e, CURLOPT_SHARE, CurlShare::get().handle());
    curl_easy_setopt(e, CURLOPT_PRIVATE, &t);
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, &t);
    curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(e, CURLOPT_HEADERDATA, &t);
    curl_easy_setopt(e, CURLOPT_ERRORBUFFER, t.error);
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 1L);
    curl_easy_setopt(e, CURLOPT_MAXREDIRS, 5L);
    const std::string scheme = scheme_of(t.url);
    curl_easy_setopt(e, CURLOPT_REDIR_PROTOCOLS_STR, scheme.c_str());  // no scheme changes
    curl_easy_setopt(e, CURLOPT_HTTP_VERSION, CURL_HTTP_VERSION_2TLS);
    curl_easy_setopt(e, CURLOPT_PIPEWAIT, scheme == "https" ? 1L : 0L);  // only TLS can multiplex
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
    curl_easy_setopt(e, CURLOPT_USERAGENT, "imagery/0.1");
    // We undo gzip ourselves, on the worker pool; ranges must see the stored bytes.
    t.headers = curl_slist_append(nullptr,
                                  t.ranged ? "Accept-Encoding: identity" : "Accept-Encoding: gzip");
    if (t.ranged) {
      const std::string range = "Range: bytes=" + std::to_string(t.offset) + "-" +
                                std::to_string(t.offset + t.length - 1);
      t.headers = curl_slist_append(t.headers, range.c_str());
    }
    if (!options_.token.empty()) {
      const std::string auth = "Authorization: Bearer " + options_.token;
      t.headers = curl_slist_append(t.headers, auth.c_str());
    }
    curl_easy_setopt(e, CURLOPT_HTTPHEADER, t.headers);
    curl_multi_add_handle(multi, e);
  }

  void finish_easy(Transfer& t) {
    if (t.headers) curl_slist_free_all(t.headers);
    t.headers = nullptr;
    if (t.easy) CurlShare::get().release_easy(t.easy);
    t.easy = nullptr;
  }

  Outcome classify(Transfer& t, CURLcode rc) {
    long status = 0;
    curl_easy_getinfo(t.easy, CURLINFO_RESPONSE_CODE, &status);
    curl_off_t retry_after = 0;
    curl_easy_getinfo(t.easy, CURLINFO_RETRY_AFTER, &retry_after);
    t.retry_after_ms = retry_after > 0 ? static_cast<long long>(retry_after) * 1000 : -1;
    g_bytes.fetch_add(t.body.size(), std::memory_order_relaxed);
    if (t.too_big)
      fail(ErrorCode::kResourceExhausted, "GET " + t.url + ": the body exceeds the limit of " +
                                              std::to_string(t.max_bytes) + " bytes");
    if (t.overlong)
      fail(ErrorCode::kDataLoss, "GET " + t.url + ": HTTP 206 with more than the " +
                                     std::to_string(t.length) + " bytes of range " +
                                     std::to_string(t.offset) + "+" + std::to_string(t.length));
    if (rc == CURLE_WRITE_ERROR && t.stopped_deliberately()) rc = CURLE_OK;
    if (rc != CURLE_OK) {
      const std::string what = t.error[0] ? t.error : curl_easy_strerror(rc);
      switch (rc) {
        case CURLE_COULDNT_CONNECT:
        case CURLE_COULDNT_RESOLVE_HOST:
        case CURLE_OPERATION_TIMEDOUT:
        case CURLE_PARTIAL_FILE:
        case CURLE_RECV_ERROR:
        case CURLE_SEND_ERROR:
        case CURLE_GOT_NOTHING:
        case CURLE_SSL_CONNECT_ERROR:
        case CURLE_HTTP2:
        case CURLE_HTTP2_STREAM:
          t.last_problem = what;
          return Outcome::kRetry;
        case CURLE_PEER_FAILED_VERIFICATION:
          fail(ErrorCode::kUnavailable,
               "GET " + t.url + ": " + what +
                   " (the server's TLS certificate is not trusted; --insecure skips the check)");
        case CURLE_UNSUPPORTED_PROTOCOL:
          fail(ErrorCode::kPermissionDenied,
               "GET " + t.url + ": refused a redirect to another scheme (" + what + ")");
        default:
          fail(ErrorCode::kUnavailable, "GET " + t.url + ": " + what);
      }
    }
    if (status == 200 || status == 206) {
      if (!t.ranged) return Outcome::kSuccess;
      if (t.gzip)
        fail(
            ErrorCode::kDataLoss,
            "GET " + t.url + ": served with Content-Encoding gzip, so byte ranges are meaningless");
      if (status == 200 && t.body.size() != t.length)  // ignored Range (on_body kept the range)
        fail(ErrorCode::kDataLoss, "GET " + t.url + ": object has " + std::to_string(t.received) +
                                       " bytes, range " + std::to_string(t.offset) + "+" +
                                       std::to_string(t.length) + " is past its end");
      if (t.body.size() != t.length)
        fail(ErrorCode::kDataLoss, "GET " + t.url + ": range " + std::to_string(t.offset) + "+" +
                                       std::to_string(t.length) + " returned " +
                                       std::to_string(t.body.size()) + " bytes");
      return Outcome::kSuccess;
    }
    if (status == 404 || status == 410) return Outcome::kMissing;
    if (status == 401 || status == 403)
      fail(ErrorCode::kPermissionDenied, "GET " + t.url + ": HTTP " + std::to_string(status) +
                                             " (access denied; pass a token with --token or the "
                                             "IMAGERY_TOKEN environment variable)");
    if (status == 416)
      fail(ErrorCode::kDataLoss, "GET " + t.url + ": HTTP 416, range " + std::to_string(t.offset) +
                                     "+" + std::to_string(t.length) +
                                     " is past the end of the object");
    if (status == 408 || status == 429 || (status >= 500 && status <= 599)) {
      t.last_problem = "HTTP " + std::to_string(status);
      return Outcome::kRetry;
    }
    fail(ErrorCode::kUnavailable, "GET " + t.url + ": HTTP " + std::to_string(status));
  }

  std::chrono::milliseconds backoff(const Transfer& t, std::mt19937_64& rng) const {
    if (t.retry_after_ms >= 0)
      return std::chrono::milliseconds(
          std::min<long long>(t.retry_after_ms, options_.retry_after_max_ms));
    const long long cap = std::min<long long>(options_.backoff_max_ms,
                                              static_cast<long long>(options_.backoff_base_ms)
                                                  << std::min(t.attempts - 1, 20));
    std::uniform_int_distribution<long long> jitter(cap / 2, std::max<long long>(cap / 2, cap));
    return std::chrono::milliseconds(jitter(rng));
  }

  const HttpOptions& options_;
  std::vector<Transfer> transfers_;
  std::function<void(Transfer&, bool)> deliver_;
  TaskGroup group_;
};

}  // namespace

HttpStorage::HttpStorage(std::string base_url, HttpOptions options)
    : base_url_(std::move(base_url)), options_(std::move(options)) {
  while (!base_url_.empty() && base_url_.back() == '/') base_url_.pop_back();
  CurlShare::get();
}

std::string HttpStorage::describe(const std::string& key) const {
  return base_url_ + "/" + escape_key(key);
}

void HttpStorage::read_many(const std::vector<std::string>& keys, const ObjectCallback& on_done) {
  for (const auto& key : keys) check_storage_key(key, describe(""));
  std::vector<Transfer> transfers(keys.size());
  for (std::size_t i = 0; i < keys.size(); ++i) {
    transfers[i].index = i;
    transfers[i].url = describe(keys[i]);
    transfers[i].max_bytes = options_.max_object_bytes;
  }
  Batch batch(options_, std::move(transfers), [&on_done](Transfer& t, bool missing) {
    if (missing || t.body.empty()) {  // CloudVolume treats an empty object as missing, too
      on_done(t.index, std::nullopt);
      return;
    }
    on_done(t.index, StoredObject{std::move(t.body), t.gzip, t.url});
  });
  batch.run();
}

void HttpStorage::read_ranges(const std::vector<RangeRequest>& requests,
                              const RangeCallback& on_done) {
  for (const auto& r : requests) {
    check_storage_key(r.key, describe(""));
    if (r.length == 0) fail(ErrorCode::kInvalidArgument, "read_ranges: empty range of " + r.key);
  }
  std::vector<Transfer> transfers(requests.size());
  for (std::size_t i = 0; i < requests.size(); ++i) {
    auto& t = transfers[i];
    t.index = i;
    t.url = describe(requests[i].key);
    t.ranged = true;
    t.offset = requests[i].offset;
    t.length = requests[i].length;
    // A server that ignores Range sends the whole object.
    t.max_bytes = options_.max_object_bytes;
  }
  Batch batch(options_, std::move(transfers), [&on_done](Transfer& t, bool missing) {
    if (missing) {
      on_done(t.index, std::nullopt);
      return;
    }
    on_done(t.index, std::move(t.body));
  });
  batch.run();
}

std::optional<StoredObject> HttpStorage::read(const std::string& key) {
  return read_one(key);
}

std::optional<Bytes> HttpStorage::read_range(const std::string& key, std::uint64_t offset,
                                             std::uint64_t length) {
  return read_one_range(key, offset, length);
}

HttpStats http_stats() {
  return {g_requests.load(), g_bytes.load()};
}

}  // namespace imagery::io
