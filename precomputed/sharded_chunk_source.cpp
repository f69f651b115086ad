#include "imagery/precomputed/internal/sharded_chunk_source.h"

#include "imagery/io/gzip.h"

#include <algorithm>
#include <exception>
#include <map>
#include <mutex>

#include "imagery/core/error.h"
#include "imagery/precomputed/internal/chunk_grid.h"
#include "imagery/precomputed/internal/morton_code.h"

namespace imagery::precomputed {

namespace {

// A minishard index longer than this is taken as corrupt rather than allocated: at 24 bytes per
// chunk it would list over ten million chunks.
constexpr std::uint64_t kMaxMinishardIndexBytes = std::uint64_t{256} << 20;

// Runs one batch of range reads. Exceptions from `on_done` are set aside, so that whatever
// read_ranges itself throws is known to come from the storage and can be told apart: those get
// `context` in front (the storage's message already names the file and the range).
void read_batch(io::Storage& storage, const std::vector<io::RangeRequest>& requests,
                const io::RangeCallback& on_done, const std::string& context,
                const std::stop_token& stop) {
  if (requests.empty()) return;
  std::mutex mutex;
  std::exception_ptr callback_error;
  try {
    storage.read_ranges(
        requests,
        [&](std::size_t i, std::optional<SharedBytes> bytes) {
          try {
            on_done(i, std::move(bytes));
          } catch (...) {
            std::lock_guard lock(mutex);
            if (!callback_error) callback_error = std::current_exception();
          }
        },
        stop);
  } catch (const Error& e) {
    if (callback_error) std::rethrow_exception(callback_error);
    fail(e.code(), context + ": " + e.what(), e.remedy());
  }
  if (callback_error) std::rethrow_exception(callback_error);
}

std::string range_text(const ByteRange& r) {
  return "bytes " + std::to_string(r.begin) + "-" + std::to_string(r.end);
}

// Byte ranges of one file that one request fetches together; item is the caller's index.
struct Part {
  ByteRange bytes;
  std::size_t item = 0;
};
struct CoalescedRead {
  io::RangeRequest request;
  std::vector<Part> parts;
};

// Appends requests covering `parts` (all of file `key`) to `out`: parts closer than max_gap_bytes
// share a request as long as it stays within max_request_bytes.
void coalesce(const std::string& key, std::vector<Part> parts, const ShardReadOptions& options,
              std::vector<CoalescedRead>& out) {
  std::sort(parts.begin(), parts.end(),
            [](const Part& a, const Part& b) { return a.bytes.begin < b.bytes.begin; });
  ByteRange span;
  bool open = false;
  for (const Part& p : parts) {
    if (open && (p.bytes.begin <= span.end || p.bytes.begin - span.end <= options.max_gap_bytes) &&
        std::max(span.end, p.bytes.end) - span.begin <= options.max_request_bytes) {
      span.end = std::max(span.end, p.bytes.end);
      out.back().request.length = span.size();
      out.back().parts.push_back(p);
      continue;
    }
    span = p.bytes;
    open = true;
    out.push_back({{key, span.begin, span.size()}, {p}});
  }
}

// The bytes of `part` out of what its request returned (a view: nothing is copied).
SharedBytes slice(const SharedBytes& fetched, const CoalescedRead& read, const Part& part,
                  const std::string& file) {
  // Storage promises exactly the bytes asked for; a back end that breaks that promise must not
  // turn into reads outside the buffer.
  if (fetched.size() != read.request.length)
    fail(ErrorCode::kDataLoss, file + ": asked for " + std::to_string(read.request.length) +
                                   " bytes at " + std::to_string(read.request.offset) + ", got " +
                                   std::to_string(fetched.size()));
  const std::uint64_t from = part.bytes.begin - read.request.offset;
  return fetched.slice(static_cast<std::size_t>(from), static_cast<std::size_t>(part.bytes.size()));
}

std::vector<io::RangeRequest> requests_of(const std::vector<CoalescedRead>& reads) {
  std::vector<io::RangeRequest> requests;
  requests.reserve(reads.size());
  for (const auto& r : reads) requests.push_back(r.request);
  return requests;
}

}  // namespace

struct ShardedChunkSource::Wanted {
  std::size_t cell_index = 0;
  std::uint64_t chunk_id = 0;
  ShardLocation location;
  std::shared_ptr<const ShardIndexTable> shard_index;
  std::shared_ptr<const MinishardIndex> minishard_index;
};

ShardedChunkSource::ShardedChunkSource(std::shared_ptr<io::Storage> storage, const Scale& scale,
                                       ShardCaches& caches, ShardReadOptions options)
    : storage_(std::move(storage)),
      scale_(scale),
      grid_(ChunkGrid(scale).shape()),
      caches_(caches),
      options_(options) {
  if (!scale.sharding) fail(ErrorCode::kInvalidArgument, "scale " + scale.key + " is not sharded");
  spec_ = *scale.sharding;
  index_size_ = shard_index_size(spec_.minishard_bits);
  whole_index_ = index_size_ <= options_.max_whole_index_bytes;
  // Generous for every encoding (4 bytes per voxel for 8 channels of uint32, say, plus headers);
  // only a corrupt minishard index claims more, and that must not turn into a huge allocation.
  max_chunk_bytes_ =
      (std::uint64_t{64} << 20) + 32 * static_cast<std::uint64_t>(scale.chunk_size().volume());
}

std::uint64_t ShardedChunkSource::chunk_id(const Vec3& cell) const {
  return compressed_morton_code(cell, grid_);
}

ShardLocation ShardedChunkSource::locate(const Vec3& cell) const {
  return locate_chunk(chunk_id(cell), spec_);
}

std::string ShardedChunkSource::shard_key(std::uint64_t shard) const {
  return scale_.key + "/" + shard_file_name(shard, spec_.shard_bits);
}

std::string ShardedChunkSource::describe(const Vec3& cell) const {
  const std::uint64_t id = chunk_id(cell);
  return storage_->describe(shard_key(locate_chunk(id, spec_).shard)) + " (chunk id " +
         std::to_string(id) + ")";
}

// Keys name the file as the storage describes it (a full path or URL), so volumes opened twice
// share entries, plus the layout parameters the decoded value depends on.
std::string ShardedChunkSource::shard_cache_key(std::uint64_t shard,
                                                std::uint64_t first_minishard) const {
  std::string key = storage_->describe(shard_key(shard)) + "|I" + std::to_string(index_size_);
  if (!whole_index_) key += "|m" + std::to_string(first_minishard);
  return key;
}

std::string ShardedChunkSource::minishard_cache_key(std::uint64_t shard,
                                                    std::uint64_t minishard) const {
  return storage_->describe(shard_key(shard)) + "|I" + std::to_string(index_size_) +
         (spec_.minishard_index_encoding == ShardEncoding::kGzip ? "|gz" : "|raw") + "|m" +
         std::to_string(minishard);
}

void ShardedChunkSource::read_shard_indices(std::vector<Wanted>& wanted,
                                            const std::stop_token& stop) {
  // (shard, first minishard of the bytes read): the whole index, or one entry of it.
  using TableKey = std::pair<std::uint64_t, std::uint64_t>;
  auto table_key = [&](const Wanted& w) {
    return TableKey{w.location.shard, whole_index_ ? 0 : w.location.minishard};
  };
  std::map<TableKey, std::shared_ptr<const ShardIndexTable>> tables;
  for (const auto& w : wanted) tables.emplace(table_key(w), nullptr);

  std::vector<TableKey> requested;
  std::map<std::uint64_t, std::vector<Part>> by_shard;
  for (auto& [key, table] : tables) {
    table = caches_.shard_indices.get(shard_cache_key(key.first, key.second));
    if (table) continue;
    const ByteRange range =
        whole_index_ ? ByteRange{0, index_size_} : ByteRange{16 * key.second, 16 * key.second + 16};
    by_shard[key.first].push_back({range, requested.size()});
    requested.push_back(key);
  }
  // Entries of neighbouring minishards (when read one by one) share requests.
  std::vector<CoalescedRead> reads;
  for (auto& [shard, parts] : by_shard)
    coalesce(shard_key(shard), std::move(parts), options_, reads);
  std::vector<std::shared_ptr<const ShardIndexTable>> read(requested.size());
  read_batch(
      *storage_, requests_of(reads),
      [&](std::size_t r, std::optional<SharedBytes> bytes) {
        for (const Part& part : reads[r].parts) {
          auto table = std::make_shared<ShardIndexTable>();
          const TableKey key = requested[part.item];
          table->missing = !bytes;
          table->first_minishard = key.second;
          if (bytes)
            table->table = slice(*bytes, reads[r], part, storage_->describe(reads[r].request.key));
          caches_.shard_indices.put(shard_cache_key(key.first, key.second), table,
                                    table->size_bytes());
          read[part.item] = std::move(table);
        }
      },
      "sharded scale " + scale_.key + ": cannot read a shard index (" +
          std::to_string(whole_index_ ? index_size_ : 16) + " bytes)",
      stop);
  for (std::size_t i = 0; i < requested.size(); ++i) tables[requested[i]] = read[i];
  for (auto& w : wanted) w.shard_index = tables.at(table_key(w));
}

void ShardedChunkSource::read_minishard_indices(std::vector<Wanted>& wanted,
                                                const std::stop_token& stop) {
  using MinishardId = std::pair<std::uint64_t, std::uint64_t>;  // (shard, minishard)
  std::map<MinishardId, std::shared_ptr<const MinishardIndex>> indices;
  std::map<MinishardId, const ShardIndexTable*> tables;
  for (const auto& w : wanted)
    if (!w.shard_index->missing) {
      indices.emplace(MinishardId{w.location.shard, w.location.minishard}, nullptr);
      tables.emplace(MinishardId{w.location.shard, w.location.minishard}, w.shard_index.get());
    }

  // CloudVolume stores the minishard indices of a shard next to each other, so the indices of one
  // shard usually arrive with a single request.
  std::vector<MinishardId> requested;
  std::map<std::uint64_t, std::vector<Part>> by_shard;
  for (auto& [id, index] : indices) {
    const std::string cache_key = minishard_cache_key(id.first, id.second);
    index = caches_.minishard_indices.get(cache_key);
    if (index) continue;
    const ShardIndexTable& table = *tables.at(id);
    const std::string shard = storage_->describe(shard_key(id.first));
    const ByteRange range =
        minishard_index_range(table.table, table.first_minishard, id.second, index_size_, shard);
    if (range.size() == 0) {  // an empty minishard: nothing to read
      index = std::make_shared<const MinishardIndex>();
      caches_.minishard_indices.put(cache_key, index, index->size_bytes());
      continue;
    }
    if (range.size() > kMaxMinishardIndexBytes)
      fail(ErrorCode::kDataLoss, "corrupt shard index of " + shard + ": minishard " +
                                     std::to_string(id.second) + " index claims " +
                                     std::to_string(range.size()) + " bytes (" + range_text(range) +
                                     ")");
    by_shard[id.first].push_back({range, requested.size()});
    requested.push_back(id);
  }
  std::vector<CoalescedRead> reads;
  for (auto& [shard, parts] : by_shard)
    coalesce(shard_key(shard), std::move(parts), options_, reads);
  std::vector<std::shared_ptr<const MinishardIndex>> read(requested.size());
  read_batch(
      *storage_, requests_of(reads),
      [&](std::size_t r, std::optional<SharedBytes> bytes) {
        const std::string shard = storage_->describe(reads[r].request.key);
        if (!bytes)
          fail(ErrorCode::kNotFound,
               "shard file " + shard + " disappeared after its shard index was read");
        for (const Part& part : reads[r].parts) {
          const auto [shard_number, minishard] = requested[part.item];
          const std::string what = "minishard " + std::to_string(minishard) + " index of " + shard;
          const SharedBytes stored = slice(*bytes, reads[r], part, shard);
          Bytes inflated;
          std::span<const std::byte> index_bytes = stored.span();
          if (spec_.minishard_index_encoding == ShardEncoding::kGzip) {
            inflated = io::gunzip(stored.span(), what, 0, kMaxMinishardIndexBytes);
            index_bytes = inflated;
          }
          auto index = std::make_shared<const MinishardIndex>(
              decode_minishard_index(index_bytes, index_size_, what));
          caches_.minishard_indices.put(minishard_cache_key(shard_number, minishard), index,
                                        index->size_bytes());
          read[part.item] = std::move(index);
        }
      },
      "sharded scale " + scale_.key + ": cannot read a minishard index", stop);
  for (std::size_t i = 0; i < requested.size(); ++i) indices[requested[i]] = read[i];
  for (auto& w : wanted)
    if (!w.shard_index->missing)
      w.minishard_index = indices.at({w.location.shard, w.location.minishard});
}

void ShardedChunkSource::read_chunks(const std::vector<Wanted>& wanted,
                                     const io::ObjectCallback& on_chunk,
                                     const std::stop_token& stop) {
  std::map<std::uint64_t, std::vector<Part>> by_shard;
  std::vector<std::size_t> missing;
  for (std::size_t k = 0; k < wanted.size(); ++k) {
    const Wanted& w = wanted[k];
    std::optional<ByteRange> range;
    if (w.minishard_index) range = w.minishard_index->find(w.chunk_id);
    // A zero-length chunk is missing, as a zero-length chunk file is for CloudVolume.
    if (!range || range->size() == 0) {
      missing.push_back(k);
      continue;
    }
    if (range->size() > max_chunk_bytes_)
      fail(ErrorCode::kDataLoss,
           "corrupt minishard index of " + storage_->describe(shard_key(w.location.shard)) +
               ": chunk id " + std::to_string(w.chunk_id) + " claims " +
               std::to_string(range->size()) + " bytes (" + range_text(*range) + ")");
    by_shard[w.location.shard].push_back({*range, k});
  }
  // Missing chunks first, before any chunk bytes are requested: when the caller rejects them
  // (no fill_missing) the cutout fails without downloading the rest.
  for (std::size_t k : missing) on_chunk(wanted[k].cell_index, std::nullopt);

  std::vector<CoalescedRead> reads;
  for (auto& [shard, parts] : by_shard)
    coalesce(shard_key(shard), std::move(parts), options_, reads);
  const bool gzip = spec_.data_encoding == ShardEncoding::kGzip;
  read_batch(
      *storage_, requests_of(reads),
      [&](std::size_t r, std::optional<SharedBytes> bytes) {
        const std::string shard = storage_->describe(reads[r].request.key);
        if (!bytes)
          fail(ErrorCode::kNotFound,
               "shard file " + shard + " disappeared after its indices were read");
        for (const Part& part : reads[r].parts) {
          const Wanted& w = wanted[part.item];
          io::StoredObject object;
          object.gzip_encoded = gzip;
          object.location = shard + " (chunk id " + std::to_string(w.chunk_id) + ", " +
                            range_text(part.bytes) + ")";
          object.bytes = slice(*bytes, reads[r], part, shard);
          on_chunk(w.cell_index, std::move(object));
        }
      },
      "sharded scale " + scale_.key + ": cannot read chunk data", stop);
}

void ShardedChunkSource::fetch(const std::vector<Vec3>& cells, const io::ObjectCallback& on_chunk,
                               std::stop_token stop) {
  std::vector<Wanted> wanted(cells.size());
  for (std::size_t i = 0; i < cells.size(); ++i) {
    wanted[i].cell_index = i;
    wanted[i].chunk_id = chunk_id(cells[i]);
    wanted[i].location = locate_chunk(wanted[i].chunk_id, spec_);
  }
  read_shard_indices(wanted, stop);
  read_minishard_indices(wanted, stop);
  read_chunks(wanted, on_chunk, stop);
}

}  // namespace imagery::precomputed
