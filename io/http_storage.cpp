#include "imagery/io/internal/http_storage.h"

#include <condition_variable>
#include <mutex>

#include "imagery/core/error.h"
#include "imagery/core/task_group.h"
#include "imagery/io/internal/storage_key.h"

namespace imagery::io {

std::string escape_url_path(const std::string& key) {
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

namespace {

enum class Meaning { kBody, kMissing };

// What a final status means for an object of a volume; throws for the errors.
Meaning interpret(const HttpRequest& request, const HttpResponse& r) {
  const std::string what = request.method + " " + r.url;
  if (r.status == 200 || r.status == 206) return Meaning::kBody;
  if (r.status == 404 || r.status == 410) return Meaning::kMissing;
  if (r.status == 401 || r.status == 403)
    fail(ErrorCode::kPermissionDenied,
         what + ": HTTP " + std::to_string(r.status) + " (access denied; a token may be needed)",
         Remedy::kGiveToken);
  if (r.status == 416 && request.range)
    fail(ErrorCode::kDataLoss, what + ": HTTP 416, range " + std::to_string(request.range->first) +
                                   "+" + std::to_string(request.range->second) +
                                   " is past the end of the object");
  fail(ErrorCode::kUnavailable, what + ": HTTP " + std::to_string(r.status));
}

bool is_cancellation(const std::exception_ptr& e) {
  try {
    std::rethrow_exception(e);
  } catch (const Error& error) {
    return error.code() == ErrorCode::kCancelled;
  } catch (...) {
    return false;
  }
}

}  // namespace

HttpStorage::HttpStorage(std::string base_url, HttpTransport& transport, ThreadPool& pool)
    : Storage(pool), base_url_(std::move(base_url)), transport_(transport) {
  while (!base_url_.empty() && base_url_.back() == '/') base_url_.pop_back();
}

std::string HttpStorage::describe(const std::string& key) const {
  return base_url_ + "/" + escape_url_path(key);
}

void HttpStorage::fetch_all(std::vector<HttpRequest> requests,
                            const std::function<void(std::size_t, HttpResponse&)>& deliver,
                            std::stop_token caller_stop) {
  if (requests.empty()) return;
  // One failure abandons the rest of the batch; so does the caller's stop.
  struct Batch {
    std::mutex mutex;
    std::condition_variable cv;
    std::size_t pending = 0;
    std::exception_ptr error;      // the first real failure
    std::exception_ptr cancelled;  // a cancellation, reported only when nothing else failed
    std::stop_source stop;
  };
  auto batch = std::make_shared<Batch>();
  std::stop_callback forward(caller_stop, [batch] { batch->stop.request_stop(); });
  TaskGroup group(pool());
  auto record = [batch](std::exception_ptr e) {
    std::lock_guard lock(batch->mutex);
    if (is_cancellation(e)) {
      if (!batch->cancelled) batch->cancelled = e;
    } else if (!batch->error) {
      batch->error = e;
    }
  };
  for (std::size_t i = 0; i < requests.size(); ++i) {
    if (batch->stop.stop_requested()) break;  // an earlier request failed: send no more
    requests[i].stop = batch->stop.get_token();
    HttpRequest copy_for_messages;  // what error messages need: no body, no headers
    copy_for_messages.method = requests[i].method;
    copy_for_messages.url = requests[i].url;
    copy_for_messages.range = requests[i].range;
    {
      std::lock_guard lock(batch->mutex);
      ++batch->pending;
    }
    auto done = [batch, i, &group, &deliver, record, copy_for_messages](HttpResult result) {
      // On the I/O thread: interpret the status, hand the body to the pool.
      try {
        if (result.error) std::rethrow_exception(result.error);
        auto response = std::make_shared<HttpResponse>(std::move(*result.response));
        interpret(copy_for_messages, *response);
        if (!group.failed() && !batch->stop.stop_requested())
          group.run([i, response, &deliver] { deliver(i, *response); });
      } catch (...) {
        record(std::current_exception());
        batch->stop.request_stop();
      }
      if (group.failed()) batch->stop.request_stop();
      std::lock_guard lock(batch->mutex);
      if (--batch->pending == 0) batch->cv.notify_all();
    };
    try {
      transport_.submit(std::move(requests[i]), std::move(done));
    } catch (...) {
      // Not submitted (the transport is shutting down): stop the rest, wait for what was.
      record(std::current_exception());
      batch->stop.request_stop();
      std::lock_guard lock(batch->mutex);
      --batch->pending;
      break;
    }
  }
  {
    std::unique_lock lock(batch->mutex);
    batch->cv.wait(lock, [&] { return batch->pending == 0; });
  }
  std::exception_ptr deliver_error;
  try {
    group.wait();
  } catch (...) {
    deliver_error = std::current_exception();
  }
  if (batch->error) std::rethrow_exception(batch->error);
  if (deliver_error) std::rethrow_exception(deliver_error);
  if (batch->cancelled) std::rethrow_exception(batch->cancelled);
}

void HttpStorage::do_read_many(const std::vector<std::string>& keys, const ObjectCallback& on_done,
                               std::stop_token stop) {
  for (const auto& key : keys) check_storage_key(key, describe(""));
  std::vector<HttpRequest> requests(keys.size());
  for (std::size_t i = 0; i < keys.size(); ++i) requests[i].url = describe(keys[i]);
  fetch_all(
      std::move(requests),
      [&on_done](std::size_t i, HttpResponse& r) {
        // CloudVolume treats an empty object as missing, too.
        if (r.status == 404 || r.status == 410 || r.body.empty()) {
          on_done(i, std::nullopt);
          return;
        }
        on_done(i, StoredObject{SharedBytes(std::move(r.body)), r.gzip_encoded, r.url});
      },
      stop);
}

void HttpStorage::do_read_ranges(const std::vector<RangeRequest>& ranges,
                                 const RangeCallback& on_done, std::stop_token stop) {
  std::vector<HttpRequest> requests(ranges.size());
  for (std::size_t i = 0; i < ranges.size(); ++i) {
    const RangeRequest& r = ranges[i];
    check_storage_key(r.key, describe(""));
    if (r.length == 0) fail(ErrorCode::kInvalidArgument, "read_ranges: empty range of " + r.key);
    requests[i].url = describe(r.key);
    requests[i].range = std::make_pair(r.offset, r.length);
  }
  fetch_all(
      std::move(requests),
      [&on_done](std::size_t i, HttpResponse& r) {
        if (r.status == 404 || r.status == 410) {
          on_done(i, std::nullopt);
          return;
        }
        on_done(i, SharedBytes(std::move(r.body)));
      },
      stop);
}

std::optional<StoredObject> HttpStorage::read(const std::string& key) {
  return read_one(key);
}

std::optional<SharedBytes> HttpStorage::read_range(const std::string& key, std::uint64_t offset,
                                                   std::uint64_t length) {
  return read_one_range(key, offset, length);
}

}  // namespace imagery::io
