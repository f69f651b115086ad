#include "imagery/precomputed/internal/crack_codes.h"

#include <algorithm>
#include <array>
#include <string>

namespace imagery::precomputed {

namespace {

enum Move : std::uint8_t { kUp = 0, kRight = 1, kDown = 2, kLeft = 3, kNone = 255 };

// The 24 orderings of {0, 1, 2, 3} in lexicographic order, code r at bits 2r.
constexpr std::array<std::uint8_t, 24> make_orderings() {
  std::array<std::uint8_t, 24> out{};
  std::array<int, 4> p{0, 1, 2, 3};
  for (auto& o : out) {
    o = static_cast<std::uint8_t>(p[0] | p[1] << 2 | p[2] << 4 | p[3] << 6);
    std::next_permutation(p.begin(), p.end());
  }
  return out;
}
constexpr std::array<std::uint8_t, 24> kOrderings = make_orderings();

// The slice's codes as differences, one at a time.
class CodeReader {
 public:
  CodeReader(const std::byte* bytes, std::size_t size, const CrackMarkovModel& model)
      : bytes_(bytes), bits_(static_cast<std::uint64_t>(size) * 8), model_(model) {}

  bool next(std::uint8_t& code) {
    if (pos_ >= bits_) return false;
    if (model_.order == 0 || pos_ == 0) {
      code = static_cast<std::uint8_t>(bit(pos_) | bit(pos_ + 1) << 1);
      pos_ += 2;
    } else {
      int rank = 0;
      if (bit(pos_)) {
        rank = bit(pos_ + 1) ? (bit(pos_ + 2) ? 3 : 2) : 1;
        pos_ += rank == 1 ? 2 : 3;
      } else {
        pos_ += 1;
      }
      code = (model_.rows[row_] >> (2 * rank)) & 3;
    }
    if (model_.order > 0)
      row_ = (row_ >> 2) | static_cast<std::size_t>(code) << (2 * (model_.order - 1));
    return true;
  }

 private:
  // Bits past the end read as 0 (a code may straddle the end of the padding).
  unsigned bit(std::uint64_t i) const {
    if (i >= bits_) return 0;
    return std::to_integer<unsigned>(bytes_[i >> 3]) >> (i & 7) & 1;
  }

  const std::byte* bytes_;
  std::uint64_t bits_;
  std::uint64_t pos_ = 0;
  const CrackMarkovModel& model_;
  std::size_t row_ = 0;
};

}  // namespace

std::uint64_t crack_markov_model_bytes(int order) {
  if (order == 0) return 0;
  return ((std::uint64_t{1} << (2 * order)) * 5 + 7) / 8;
}

CrackMarkovModel read_crack_markov_model(const ChunkBytes& in, std::uint64_t offset, int order) {
  CrackMarkovModel m;
  m.order = order;
  if (order == 0) return m;
  const std::uint64_t bytes = crack_markov_model_bytes(order);
  const std::byte* p = in.range(offset, bytes, 1, "Markov model");
  const std::uint64_t rows = std::uint64_t{1} << (2 * order);
  m.rows.resize(static_cast<std::size_t>(rows));
  for (std::uint64_t r = 0; r < rows; ++r) {
    const std::uint64_t bit = 5 * r;
    unsigned v = std::to_integer<unsigned>(p[bit >> 3]);
    if ((bit >> 3) + 1 < bytes) v |= std::to_integer<unsigned>(p[(bit >> 3) + 1]) << 8;
    v = (v >> (bit & 7)) & 31;
    if (v >= kOrderings.size())
      in.corrupt("Markov model row " + std::to_string(r) + " names ordering " + std::to_string(v) +
                 " of 24");
    m.rows[static_cast<std::size_t>(r)] = kOrderings[v];
  }
  return m;
}

void draw_crack_code(std::span<const std::byte> code, std::int64_t sx, std::int64_t sy,
                     const CrackMarkovModel& model, std::uint8_t value, std::uint8_t* joined_left,
                     std::uint8_t* joined_up, const ChunkBytes& in, std::int64_t z) {
  auto corrupt = [&](const std::string& what) {
    in.corrupt("the crack code of slice " + std::to_string(z) + " " + what);
  };
  if (code.size() < 4) corrupt("is shorter than its index length");
  const std::uint64_t index_size = load_le(code.data(), 4);
  if (index_size > code.size() - 4) corrupt("has an index longer than the code");
  // The chain-start vertices.
  const std::byte* index = code.data() + 4;
  std::uint64_t at = 0;
  auto read = [&](int width) {
    if (static_cast<std::uint64_t>(width) > index_size - at) corrupt("has a truncated index");
    const std::uint64_t v = load_le(index + at, width);
    at += static_cast<std::uint64_t>(width);
    return v;
  };
  const auto usx = static_cast<std::uint64_t>(sx), usy = static_cast<std::uint64_t>(sy);
  const int yw = crackle_byte_width(usy + 1), xw = crackle_byte_width(usx + 1);
  std::vector<std::uint64_t> starts;
  const std::uint64_t rows = read(yw);
  std::uint64_t y = 0;
  for (std::uint64_t r = 0; r < rows; ++r) {
    const std::uint64_t dy = read(yw);
    if (dy > usy - y) corrupt("starts a chain below the slice");
    y += dy;
    const std::uint64_t count = read(xw);
    if (count > (index_size - at) / static_cast<std::uint64_t>(xw))
      corrupt("has a truncated index");
    std::uint64_t x = 0;
    for (std::uint64_t k = 0; k < count; ++k) {
      const std::uint64_t dx = read(xw);
      if (dx > usx - x) corrupt("starts a chain right of the slice");
      x += dx;
      starts.push_back(x + (usx + 1) * y);
    }
  }

  CodeReader codes(code.data() + 4 + index_size, code.size() - 4 - index_size, model);
  std::vector<std::uint64_t> branches;  // positions of the open branches of the chain
  std::size_t next_start = 0;
  std::uint64_t open = 0;
  std::int64_t px = 0, py = 0;
  std::uint8_t last = 0, pending = kNone;
  auto draw = [&](std::uint8_t move) {
    switch (move) {
      case kUp:
        if (py == 0) corrupt("moves above the slice");
        --py;
        if (px > 0 && px < sx) joined_left[py * sx + px] = value;
        break;
      case kRight:
        if (px == sx) corrupt("moves right of the slice");
        if (py > 0 && py < sy) joined_up[py * sx + px] = value;
        ++px;
        break;
      case kDown:
        if (py == sy) corrupt("moves below the slice");
        if (px > 0 && px < sx) joined_left[py * sx + px] = value;
        ++py;
        break;
      default:
        if (px == 0) corrupt("moves left of the slice");
        --px;
        if (py > 0 && py < sy) joined_up[py * sx + px] = value;
        break;
    }
  };
  std::uint8_t c = 0;
  for (;;) {
    if (open == 0) {
      if (next_start == starts.size()) break;  // what follows is padding
      const std::uint64_t v = starts[next_start++];
      px = static_cast<std::int64_t>(v % (usx + 1));
      py = static_cast<std::int64_t>(v / (usx + 1));
      open = 1;
      branches.clear();
    }
    if (!codes.next(c)) break;
    const auto move = static_cast<std::uint8_t>((c + last) & 3);
    last = move;
    if (pending != kNone && (move ^ pending) == 2) {
      if (pending == kDown || pending == kRight) {  // (DOWN, UP) or (RIGHT, LEFT): close
        --open;
        if (!branches.empty()) {
          px = static_cast<std::int64_t>(branches.back() % (usx + 1));
          py = static_cast<std::int64_t>(branches.back() / (usx + 1));
          branches.pop_back();
        }
      } else {  // (UP, DOWN) or (LEFT, RIGHT): open
        ++open;
        branches.push_back(static_cast<std::uint64_t>(px) +
                           (usx + 1) * static_cast<std::uint64_t>(py));
      }
      pending = kNone;
    } else {
      if (pending != kNone) draw(pending);
      pending = move;
    }
  }
  if (open > 0) corrupt("ends inside a chain");
}

}  // namespace imagery::precomputed
