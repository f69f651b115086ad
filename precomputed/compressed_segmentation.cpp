#include "imagery/precomputed/internal/compressed_segmentation.h"

#include <algorithm>
#include <cstring>
#include <unordered_map>

namespace imagery::precomputed {

namespace {

inline std::uint32_t load_word(const std::byte* base, std::size_t word) {
  std::uint32_t v;
  std::memcpy(&v, base + word * 4, 4);
  return v;
}

template <class Label>
void decode_channel(const std::byte* channel, std::size_t channel_words, const ChunkTarget& t,
                    std::int64_t c, const Vec3& block, const std::string& name) {
  constexpr std::size_t kLabelWords = sizeof(Label) / 4;
  const Vec3 cs = t.chunk_box.size();
  const Vec3 grid{ceil_div(cs.x, block.x), ceil_div(cs.y, block.y), ceil_div(cs.z, block.z)};
  const std::size_t header_words = static_cast<std::size_t>(grid.volume()) * 2;
  if (header_words > channel_words)
    fail(ErrorCode::kDataLoss, name + ": compressed_segmentation channel " + std::to_string(c) +
                                   " is shorter than its block headers");
  const Bbox o = t.overlap();
  if (o.empty()) return;
  // The overlap in chunk-local voxels.
  const Vec3 lo = o.min - t.chunk_box.min, hi = o.max - t.chunk_box.min;
  const Shape4& os = t.out->shape();
  Label* out = reinterpret_cast<Label*>(t.out->bytes());
  const std::size_t block_voxels = static_cast<std::size_t>(block.volume());

  for (std::int64_t gz = lo.z / block.z; gz <= (hi.z - 1) / block.z; ++gz)
    for (std::int64_t gy = lo.y / block.y; gy <= (hi.y - 1) / block.y; ++gy)
      for (std::int64_t gx = lo.x / block.x; gx <= (hi.x - 1) / block.x; ++gx) {
        const std::size_t h = static_cast<std::size_t>(gx + grid.x * (gy + grid.y * gz)) * 2;
        const std::uint32_t w0 = load_word(channel, h), w1 = load_word(channel, h + 1);
        const std::size_t table_offset = w0 & 0xffffffu;
        const unsigned bits = w0 >> 24;
        const std::size_t values_offset = w1;
        if (bits != 0 && bits != 1 && bits != 2 && bits != 4 && bits != 8 && bits != 16 &&
            bits != 32)
          fail(ErrorCode::kDataLoss,
               name + ": compressed_segmentation block has invalid encoded_bits " +
                   std::to_string(bits));
        if (table_offset >= channel_words || (channel_words - table_offset) < kLabelWords)
          fail(ErrorCode::kDataLoss, name + ": compressed_segmentation lookup table offset " +
                                         std::to_string(table_offset) + " is past the data");
        const std::size_t table_size = (channel_words - table_offset) / kLabelWords;
        const std::size_t value_words = (bits * block_voxels + 31) / 32;
        if (values_offset > channel_words || channel_words - values_offset < value_words)
          fail(ErrorCode::kDataLoss, name + ": compressed_segmentation encoded values at word " +
                                         std::to_string(values_offset) + " run past the data");
        const std::byte* table = channel + table_offset * 4;
        const std::byte* values = channel + values_offset * 4;
        auto label_at = [&](std::size_t index) {
          Label v;
          std::memcpy(&v, table + index * sizeof(Label), sizeof(Label));
          return v;
        };
        // This block's voxels that lie in the overlap, chunk-local.
        const Vec3 b0{gx * block.x, gy * block.y, gz * block.z};
        const Vec3 from{std::max(lo.x, b0.x), std::max(lo.y, b0.y), std::max(lo.z, b0.z)};
        const Vec3 to{std::min(hi.x, b0.x + block.x), std::min(hi.y, b0.y + block.y),
                      std::min(hi.z, b0.z + block.z)};
        const std::uint32_t mask = bits == 32 ? 0xffffffffu : (1u << bits) - 1u;
        // Indices below 2^bits cannot pass the table when it is at least that long.
        const bool check_index = (std::uint64_t{1} << bits) > table_size;
        for (std::int64_t z = from.z; z < to.z; ++z)
          for (std::int64_t y = from.y; y < to.y; ++y) {
            const std::int64_t base =
                (from.x + t.chunk_box.min.x - t.out_box.min.x) +
                os.x * ((y + t.chunk_box.min.y - t.out_box.min.y) +
                        os.y * ((z + t.chunk_box.min.z - t.out_box.min.z) + os.z * c));
            Label* row = out + base;  // output voxel of chunk-local x = from.x
            if (bits == 0) {
              std::fill(row, row + (to.x - from.x), label_at(0));
              continue;
            }
            // Stream the packed indices of this row word by word.
            const std::int64_t p0 =
                (y - b0.y) * block.x + (z - b0.z) * block.x * block.y + (from.x - b0.x);
            const std::size_t first_bit = static_cast<std::size_t>(p0) * bits;
            const std::byte* word_ptr = values + (first_bit >> 5) * 4;
            unsigned shift = static_cast<unsigned>(first_bit & 31);
            std::uint32_t word = load_word(word_ptr, 0);
            const std::int64_t n = to.x - from.x;
            for (std::int64_t x = 0; x < n; ++x) {
              const std::uint32_t index = (word >> shift) & mask;
              if (check_index && index >= table_size)
                fail(ErrorCode::kDataLoss, name + ": compressed_segmentation index " +
                                               std::to_string(index) + " is past its lookup table");
              row[x] = label_at(index);
              shift += bits;
              if (shift == 32 && x + 1 < n) {
                shift = 0;
                word_ptr += 4;
                word = load_word(word_ptr, 0);
              }
            }
          }
      }
}

template <class Label>
void encode_channel(const Label* voxels, const Vec3& shape, const Vec3& block,
                    std::vector<std::uint32_t>& words, std::size_t channel_start) {
  const Vec3 grid{ceil_div(shape.x, block.x), ceil_div(shape.y, block.y),
                  ceil_div(shape.z, block.z)};
  const std::size_t header = words.size();
  words.resize(header + static_cast<std::size_t>(grid.volume()) * 2);
  const std::size_t block_voxels = static_cast<std::size_t>(block.volume());
  std::vector<Label> values(block_voxels);
  for (std::int64_t gz = 0; gz < grid.z; ++gz)
    for (std::int64_t gy = 0; gy < grid.y; ++gy)
      for (std::int64_t gx = 0; gx < grid.x; ++gx) {
        // Gather the block; padding positions repeat the block's first voxel.
        const Vec3 b0{gx * block.x, gy * block.y, gz * block.z};
        const Label first = voxels[b0.x + shape.x * (b0.y + shape.y * b0.z)];
        for (std::int64_t z = 0; z < block.z; ++z)
          for (std::int64_t y = 0; y < block.y; ++y)
            for (std::int64_t x = 0; x < block.x; ++x) {
              const Vec3 v{b0.x + x, b0.y + y, b0.z + z};
              const bool inside = v.x < shape.x && v.y < shape.y && v.z < shape.z;
              values[x + block.x * (y + block.y * z)] =
                  inside ? voxels[v.x + shape.x * (v.y + shape.y * v.z)] : first;
            }
        std::vector<Label> table(values);
        std::sort(table.begin(), table.end());
        table.erase(std::unique(table.begin(), table.end()), table.end());
        unsigned bits = 0;
        if (table.size() > 1) {
          bits = 1;
          while ((std::size_t{1} << bits) < table.size()) bits *= 2;
        }
        const std::size_t h =
            header + static_cast<std::size_t>(gx + grid.x * (gy + grid.y * gz)) * 2;
        const std::size_t values_offset = words.size() - channel_start;
        if (bits > 0) {
          std::unordered_map<Label, std::uint32_t> index;
          for (std::size_t i = 0; i < table.size(); ++i)
            index[table[i]] = static_cast<std::uint32_t>(i);
          std::vector<std::uint32_t> packed((bits * block_voxels + 31) / 32, 0);
          for (std::size_t p = 0; p < block_voxels; ++p) {
            std::size_t bit = p * bits;
            packed[bit >> 5] |= index[values[p]] << (bit & 31);
          }
          words.insert(words.end(), packed.begin(), packed.end());
        }
        const std::size_t table_offset = words.size() - channel_start;
        for (Label v : table) {
          words.push_back(static_cast<std::uint32_t>(v));
          if constexpr (sizeof(Label) == 8) words.push_back(static_cast<std::uint32_t>(v >> 32));
        }
        words[h] = static_cast<std::uint32_t>(table_offset) | (bits << 24);
        words[h + 1] = static_cast<std::uint32_t>(values_offset);
      }
}

}  // namespace

void decode_compressed_segmentation_chunk(std::span<const std::byte> bytes, const ChunkTarget& t,
                                          int channels, const Vec3& block,
                                          const std::string& name) {
  if (bytes.size() % 4 != 0)
    fail(ErrorCode::kDataLoss, name + ": compressed_segmentation data has " +
                                   std::to_string(bytes.size()) + " bytes, not a multiple of 4");
  // Values are addressed in 32-bit words, so no block can hold more than 2^32 voxels; the same
  // bound keeps every bit offset below far from overflowing.
  std::uint64_t block_voxels = 1;
  for (std::int64_t n : {block.x, block.y, block.z})
    if (n < 1 ||
        __builtin_mul_overflow(block_voxels, static_cast<std::uint64_t>(n), &block_voxels) ||
        block_voxels > (std::uint64_t{1} << 32))
      fail(ErrorCode::kDataLoss, name + ": compressed_segmentation block size " +
                                     block.to_string() +
                                     " is unusable (each axis at least 1, at most 2^32 voxels)");
  const std::size_t words = bytes.size() / 4;
  if (words < static_cast<std::size_t>(channels))
    fail(ErrorCode::kDataLoss,
         name + ": compressed_segmentation data is shorter than its channel offsets");
  for (int c = 0; c < channels; ++c) {
    const std::size_t start = load_word(bytes.data(), static_cast<std::size_t>(c));
    const std::size_t end =
        c + 1 < channels ? load_word(bytes.data(), static_cast<std::size_t>(c) + 1) : words;
    if (start < static_cast<std::size_t>(channels) || start > end || end > words)
      fail(ErrorCode::kDataLoss, name + ": compressed_segmentation channel " + std::to_string(c) +
                                     " offset " + std::to_string(start) + " is out of range");
    const std::byte* channel = bytes.data() + start * 4;
    if (t.out->dtype() == DataType::kUint32)
      decode_channel<std::uint32_t>(channel, end - start, t, c, block, name);
    else if (t.out->dtype() == DataType::kUint64)
      decode_channel<std::uint64_t>(channel, end - start, t, c, block, name);
    else
      fail(ErrorCode::kInvalidArgument,
           name + ": compressed_segmentation needs uint32 or uint64 labels");
  }
}

std::vector<std::byte> encode_compressed_segmentation(const std::byte* voxels, DataType dtype,
                                                      const Vec3& shape, int channels,
                                                      const Vec3& block) {
  std::vector<std::uint32_t> words(static_cast<std::size_t>(channels), 0);
  const std::size_t n = static_cast<std::size_t>(shape.volume());
  for (int c = 0; c < channels; ++c) {
    const std::size_t start = words.size();
    words[static_cast<std::size_t>(c)] = static_cast<std::uint32_t>(start);
    if (dtype == DataType::kUint32)
      encode_channel(reinterpret_cast<const std::uint32_t*>(voxels) + n * c, shape, block, words,
                     start);
    else if (dtype == DataType::kUint64)
      encode_channel(reinterpret_cast<const std::uint64_t*>(voxels) + n * c, shape, block, words,
                     start);
    else
      fail(ErrorCode::kInvalidArgument, "compressed_segmentation needs uint32 or uint64 labels");
  }
  std::vector<std::byte> out(words.size() * 4);
  std::memcpy(out.data(), words.data(), out.size());
  return out;
}

}  // namespace imagery::precomputed
