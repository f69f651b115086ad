// Helpers for the fuzz targets: parameters taken from the front of the input,
// and an in-memory Storage so whole reads run without touching the disk.
// Each target lives in fuzz/<target>.h as imagery::fuzz::<target>(data, size), so
// that tests/fuzz_regressions_test.cpp replays crashes through the same code.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <map>
#include <set>
#include <span>
#include <string>

#include "imagery/core/error.h"
#include "imagery/io/context.h"
#include "imagery/io/storage.h"

namespace imagery::fuzz {

class InputReader {
 public:
  InputReader(const std::uint8_t* data, std::size_t size) : data_(data), size_(size) {}
  std::uint8_t byte() { return pos_ < size_ ? data_[pos_++] : 0; }
  // An integer in [lo, hi].
  int range(int lo, int hi) { return lo + byte() % (hi - lo + 1); }
  std::span<const std::byte> rest() const {
    return {reinterpret_cast<const std::byte*>(data_ + pos_), size_ - std::min(pos_, size_)};
  }

 private:
  const std::uint8_t* data_;
  std::size_t size_;
  std::size_t pos_ = 0;
};

// The context every fuzz target reads in: one worker (inputs run one at a time), no warnings
// (an all-missing cutout is an ordinary input here).
inline io::Context& fuzz_context() {
  static io::Context* context = [] {
    io::ContextOptions options;
    options.threads = 1;
    auto* c = new io::Context(options);
    c->set_warning_sink([](const std::string&) {});
    return c;
  }();
  return *context;
}

// Objects held in memory, keyed like a volume's files.
class MemoryStorage : public io::Storage {
 public:
  MemoryStorage() : io::Storage(fuzz_context().pool()) {}
  // `gzip`: the object reads as stored with transport gzip (NAME.gz, Content-Encoding: gzip).
  void put(const std::string& key, std::span<const std::byte> bytes, bool gzip = false) {
    objects_[key] = Bytes(bytes.begin(), bytes.end());
    if (gzip) gzipped_.insert(key);
  }
  std::optional<io::StoredObject> read(const std::string& key) override {
    auto it = objects_.find(key);
    if (it == objects_.end() || it->second.empty()) return std::nullopt;
    return io::StoredObject{SharedBytes(it->second), gzipped_.count(key) > 0, "mem://" + key};
  }
  std::optional<SharedBytes> read_range(const std::string& key, std::uint64_t offset,
                                        std::uint64_t length) override {
    auto it = objects_.find(key);
    if (it == objects_.end()) return std::nullopt;
    if (offset > it->second.size() || length > it->second.size() - offset)
      fail(ErrorCode::kDataLoss, "mem://" + key + ": range past the end");
    return SharedBytes(Bytes(it->second.begin() + static_cast<std::ptrdiff_t>(offset),
                             it->second.begin() + static_cast<std::ptrdiff_t>(offset + length)));
  }
  std::string describe(const std::string& key) const override { return "mem://" + key; }

 private:
  std::map<std::string, Bytes> objects_;
  std::set<std::string> gzipped_;
};

}  // namespace imagery::fuzz
