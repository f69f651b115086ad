#include "crackle_encoder.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <map>

#include "imagery/core/crc32c.h"
#include "imagery/core/error.h"
#include "imagery/precomputed/internal/chunk_bytes.h"

namespace imagery::testing {

namespace {

enum : std::uint8_t { kUp = 0, kRight = 1, kDown = 2, kLeft = 3 };

int byte_width(std::uint64_t v) {
  return v <= 0xffu ? 1 : v <= 0xffffu ? 2 : v <= 0xffffffffu ? 4 : 8;
}
int log2_of(int width) {
  return width == 1 ? 0 : width == 2 ? 1 : width == 4 ? 2 : 3;
}

void put(std::vector<std::byte>& out, std::uint64_t v, int width) {
  for (int i = 0; i < width; ++i)
    out.push_back(std::byte(static_cast<unsigned>(v >> (8 * i)) & 0xff));
}

// Bits written low bit first.
struct BitWriter {
  std::vector<std::byte> bytes;
  int used = 8;  // bits used in the last byte
  void bit(unsigned b) {
    if (used == 8) {
      bytes.push_back(std::byte{0});
      used = 0;
    }
    if (b) bytes.back() |= std::byte(1u << used);
    ++used;
  }
};

// One slice: its 4-connected components (same label), numbered from 0 by first pixel.
struct Components {
  std::vector<std::uint32_t> cc;          // per pixel
  std::vector<std::int64_t> first_pixel;  // per component
  std::vector<std::uint64_t> label;       // per component
};

Components components(const std::uint64_t* l, std::int64_t sx, std::int64_t sy) {
  Components c;
  const std::int64_t n = sx * sy;
  constexpr std::uint32_t kNone = 0xffffffffu;
  c.cc.assign(static_cast<std::size_t>(n), kNone);
  std::vector<std::int64_t> stack;
  for (std::int64_t i = 0; i < n; ++i) {
    if (c.cc[i] != kNone) continue;
    const auto id = static_cast<std::uint32_t>(c.first_pixel.size());
    c.first_pixel.push_back(i);
    c.label.push_back(l[i]);
    c.cc[i] = id;
    stack.assign(1, i);
    while (!stack.empty()) {
      const std::int64_t j = stack.back();
      stack.pop_back();
      const std::int64_t x = j % sx, y = j / sx;
      for (const auto& [inside, k] : {std::pair{x > 0, j - 1}, std::pair{x + 1 < sx, j + 1},
                                      std::pair{y > 0, j - sx}, std::pair{y + 1 < sy, j + sx}})
        if (inside && c.cc[k] == kNone && l[k] == l[i]) {
          c.cc[k] = id;
          stack.push_back(k);
        }
    }
  }
  return c;
}

// The crack code of a slice before packing: chain starts and absolute moves (pairs included).
struct Chains {
  std::vector<std::uint64_t> starts;  // vertex ids, ascending
  std::vector<std::uint8_t> moves;
};

Chains walk_cracks(const std::uint64_t* l, std::int64_t sx, std::int64_t sy, bool permissible) {
  const std::int64_t sxe = sx + 1;
  // down[v]: the edge from vertex v to the one below; right[v]: to the one on the right.
  std::vector<std::uint8_t> down(static_cast<std::size_t>(sxe * (sy + 1)), 0),
      right(static_cast<std::size_t>(sxe * (sy + 1)), 0);
  auto crack = [&](std::uint64_t a, std::uint64_t b) { return (a == b) == permissible; };
  for (std::int64_t y = 0; y < sy; ++y)
    for (std::int64_t x = 1; x < sx; ++x)
      down[x + sxe * y] = crack(l[(x - 1) + sx * y], l[x + sx * y]);
  for (std::int64_t y = 1; y < sy; ++y)
    for (std::int64_t x = 0; x < sx; ++x)
      right[x + sxe * y] = crack(l[x + sx * (y - 1)], l[x + sx * y]);
  // The edges at a vertex, in the order the walk takes them: right, left, down, up.
  auto edge = [&](std::int64_t v, int d) -> std::uint8_t& {
    switch (d) {
      case kRight:
        return right[v];
      case kLeft:
        return right[v - 1];
      case kDown:
        return down[v];
      default:
        return down[v - sxe];
    }
  };
  auto has = [&](std::int64_t v, int d) {
    const std::int64_t x = v % sxe, y = v / sxe;
    if ((d == kRight && x == sx) || (d == kLeft && x == 0) || (d == kDown && y == sy) ||
        (d == kUp && y == 0))
      return false;
    return edge(v, d) != 0;
  };
  auto degree = [&](std::int64_t v) {
    return has(v, kRight) + has(v, kLeft) + has(v, kDown) + has(v, kUp);
  };
  Chains out;
  std::vector<std::int64_t> stack;
  auto push_pair = [&](bool branch) {
    const std::uint8_t prev = out.moves.empty() ? 255 : out.moves.back();
    if (branch) {
      if (prev == kDown)
        out.moves.insert(out.moves.end(), {kLeft, kRight});
      else
        out.moves.insert(out.moves.end(), {kUp, kDown});
    } else {
      if (prev == kUp)
        out.moves.insert(out.moves.end(), {kRight, kLeft});
      else
        out.moves.insert(out.moves.end(), {kDown, kUp});
    }
  };
  for (std::int64_t v = 0; v < sxe * (sy + 1); ++v) {
    if (degree(v) == 0) continue;
    out.starts.push_back(static_cast<std::uint64_t>(v));
    std::int64_t cur = v;
    stack.clear();
    for (;;) {
      const int deg = degree(cur);
      if (deg == 0) {
        push_pair(false);
        if (stack.empty()) break;
        cur = stack.back();
        stack.pop_back();
        continue;
      }
      if (deg > 1) {
        push_pair(true);
        stack.push_back(cur);
      }
      for (const int d : {kRight, kLeft, kDown, kUp})
        if (has(cur, d)) {
          edge(cur, d) = 0;
          out.moves.push_back(static_cast<std::uint8_t>(d));
          cur += d == kRight ? 1 : d == kLeft ? -1 : d == kDown ? sxe : -sxe;
          break;
        }
    }
  }
  return out;
}

std::vector<std::uint8_t> differences(const std::vector<std::uint8_t>& moves) {
  std::vector<std::uint8_t> codes;
  std::uint8_t last = 0;
  for (const std::uint8_t m : moves) {
    codes.push_back(static_cast<std::uint8_t>((m - last) & 3));
    last = m;
  }
  return codes;
}

std::vector<std::byte> start_index(const std::vector<std::uint64_t>& starts, std::int64_t sx,
                                   std::int64_t sy) {
  const auto sxe = static_cast<std::uint64_t>(sx + 1);
  const int yw = byte_width(static_cast<std::uint64_t>(sy + 1)),
            xw = byte_width(static_cast<std::uint64_t>(sx + 1));
  std::map<std::uint64_t, std::vector<std::uint64_t>> rows;
  for (const std::uint64_t v : starts) rows[v / sxe].push_back(v % sxe);
  std::vector<std::byte> body;
  put(body, rows.size(), yw);
  std::uint64_t last_y = 0;
  for (const auto& [y, xs] : rows) {
    put(body, y - last_y, yw);
    last_y = y;
    put(body, xs.size(), xw);
    std::uint64_t last_x = 0;
    for (const std::uint64_t x : xs) {
      put(body, x - last_x, xw);
      last_x = x;
    }
  }
  std::vector<std::byte> out;
  put(out, body.size(), 4);
  out.insert(out.end(), body.begin(), body.end());
  return out;
}

// The orderings of {0, 1, 2, 3} in lexicographic order.
std::array<std::array<int, 4>, 24> orderings() {
  std::array<std::array<int, 4>, 24> out{};
  std::array<int, 4> p{0, 1, 2, 3};
  for (auto& o : out) {
    o = p;
    std::next_permutation(p.begin(), p.end());
  }
  return out;
}

struct Model {
  int order = 0;
  std::vector<std::array<int, 4>> rank_of;  // per row: rank of each code
  std::vector<int> ordering;                // per row: its ordering's number
};

std::size_t next_row(std::size_t row, std::uint8_t code, int order) {
  return (row >> 2) | static_cast<std::size_t>(code) << (2 * (order - 1));
}

Model make_model(const std::vector<std::vector<std::uint8_t>>& slices, int order) {
  const std::size_t rows = std::size_t{1} << (2 * order);
  std::vector<std::array<std::uint64_t, 4>> stats(rows, {0, 0, 0, 0});
  for (const auto& codes : slices) {
    std::size_t row = 0;
    for (std::size_t i = 0; i < codes.size(); ++i) {
      if (i > 0) ++stats[row][codes[i]];
      row = next_row(row, codes[i], order);
    }
  }
  const auto all = orderings();
  Model m;
  m.order = order;
  for (std::size_t r = 0; r < rows; ++r) {
    std::array<int, 4> by_rank{0, 1, 2, 3};
    std::stable_sort(by_rank.begin(), by_rank.end(),
                     [&](int a, int b) { return stats[r][a] > stats[r][b]; });
    const int number = static_cast<int>(std::find(all.begin(), all.end(), by_rank) - all.begin());
    std::array<int, 4> rank{};
    for (int k = 0; k < 4; ++k) rank[by_rank[k]] = k;
    m.rank_of.push_back(rank);
    m.ordering.push_back(number);
  }
  return m;
}

std::vector<std::byte> pack(const std::vector<std::uint8_t>& codes, const Model* model) {
  BitWriter w;
  std::size_t row = 0;
  for (std::size_t i = 0; i < codes.size(); ++i) {
    const std::uint8_t c = codes[i];
    if (!model || i == 0) {
      w.bit(c & 1);
      w.bit(c >> 1);
    } else {
      const int rank = model->rank_of[row][c];
      w.bit(rank > 0);
      if (rank > 0) w.bit(rank > 1);
      if (rank > 1) w.bit(rank > 2);
    }
    if (model) row = next_row(row, c, model->order);
  }
  return w.bytes;
}

template <class T>
std::vector<std::byte> encode(const T* data, std::int64_t sx, std::int64_t sy, std::int64_t sz,
                              bool is_signed, const CrackleOptions& o) {
  const std::int64_t sxy = sx * sy, n = sxy * sz;
  std::vector<std::uint64_t> l(static_cast<std::size_t>(n));
  std::uint64_t largest = 0;
  for (std::int64_t i = 0; i < n; ++i) {
    l[i] = static_cast<std::uint64_t>(data[i]);
    largest = std::max(largest, l[i]);
  }
  bool permissible = false;
  if (o.permissible) {
    permissible = *o.permissible;
  } else {
    std::int64_t pairs = 0;
    for (std::int64_t i = 1; i < n; ++i) pairs += l[i] == l[i - 1];
    permissible = pairs < n / 2;
  }
  const int width = static_cast<int>(sizeof(T));
  const int stored = o.stored_width ? o.stored_width : is_signed ? width : byte_width(largest);
  const bool pins = o.pins && sz > 1;

  std::vector<Components> comps;
  std::vector<std::vector<std::uint8_t>> codes;
  std::vector<std::vector<std::uint64_t>> starts;
  bool any_crack = false;
  for (std::int64_t z = 0; z < sz; ++z) {
    comps.push_back(components(l.data() + z * sxy, sx, sy));
    Chains c = walk_cracks(l.data() + z * sxy, sx, sy, permissible);
    any_crack = any_crack || !c.moves.empty();
    codes.push_back(differences(c.moves));
    starts.push_back(std::move(c.starts));
  }
  const int order = any_crack ? o.markov_order : 0;
  Model model;
  if (order > 0) model = make_model(codes, order);

  // Labels.
  std::vector<std::uint64_t> first_component{0};
  for (const auto& c : comps) first_component.push_back(first_component.back() + c.label.size());
  const int cw = byte_width(static_cast<std::uint64_t>(sxy));
  std::vector<std::byte> section;
  if (!pins) {
    std::vector<std::uint64_t> uniq;
    for (const auto& c : comps) uniq.insert(uniq.end(), c.label.begin(), c.label.end());
    std::sort(uniq.begin(), uniq.end());
    uniq.erase(std::unique(uniq.begin(), uniq.end()), uniq.end());
    put(section, uniq.size(), 8);
    for (const std::uint64_t v : uniq) put(section, v, stored);
    for (const auto& c : comps) put(section, c.label.size(), cw);
    const int kw = byte_width(uniq.size());
    for (const auto& c : comps)
      for (const std::uint64_t v : c.label)
        put(section,
            static_cast<std::uint64_t>(std::lower_bound(uniq.begin(), uniq.end(), v) -
                                       uniq.begin()),
            kw);
  } else {
    std::map<std::uint64_t, std::uint64_t> per_label;  // label -> components
    for (const auto& c : comps)
      for (const std::uint64_t v : c.label) ++per_label[v];
    std::uint64_t bg = 0, most = 0;
    for (const auto& [v, count] : per_label)
      if (count > most) {
        bg = v;
        most = count;
      }
    std::vector<std::uint64_t> uniq;
    for (const auto& [v, count] : per_label)
      if (v != bg) uniq.push_back(v);
    struct Entry {
      std::vector<std::uint64_t> pin_index, pin_depth, listed;
    };
    std::vector<Entry> entries(uniq.size());
    std::vector<std::vector<std::uint8_t>> covered;
    for (const auto& c : comps) covered.emplace_back(c.label.size(), 0);
    std::uint64_t max_count = 0, max_depth = 0;
    for (std::size_t u = 0; u < uniq.size(); ++u) {
      Entry& e = entries[u];
      for (std::int64_t z = 0; z < sz; ++z) {
        const Components& c = comps[static_cast<std::size_t>(z)];
        for (std::size_t j = 0; j < c.label.size(); ++j) {
          if (c.label[j] != uniq[u] || covered[static_cast<std::size_t>(z)][j]) continue;
          const std::int64_t p = c.first_pixel[j];
          std::int64_t d = 0;
          while (z + d + 1 < sz && l[(z + d + 1) * sxy + p] == uniq[u]) ++d;
          for (std::int64_t t = 0; t <= d; ++t)
            covered[static_cast<std::size_t>(z + t)]
                   [comps[static_cast<std::size_t>(z + t)].cc[static_cast<std::size_t>(p)]] = 1;
          if (d > 0) {
            e.pin_index.push_back(static_cast<std::uint64_t>(z * sxy + p));
            e.pin_depth.push_back(static_cast<std::uint64_t>(d));
            max_depth = std::max(max_depth, static_cast<std::uint64_t>(d));
          } else {
            e.listed.push_back(first_component[static_cast<std::size_t>(z)] + j);
          }
        }
      }
      max_count = std::max({max_count, static_cast<std::uint64_t>(e.pin_index.size()),
                            static_cast<std::uint64_t>(e.listed.size())});
    }
    const int count_width = byte_width(max_count), depth_width = byte_width(max_depth),
              cc_width = byte_width(first_component.back()),
              index_width = byte_width(static_cast<std::uint64_t>(n));
    put(section, bg, stored);
    put(section, uniq.size(), 8);
    for (const std::uint64_t v : uniq) put(section, v, stored);
    for (const auto& c : comps) put(section, c.label.size(), cw);
    put(section,
        static_cast<std::uint64_t>(log2_of(count_width) | log2_of(depth_width) << 2 |
                                   log2_of(cc_width) << 4),
        1);
    for (const Entry& e : entries) {
      put(section, e.pin_index.size(), count_width);
      for (std::size_t k = 0; k < e.pin_index.size(); ++k)
        put(section, e.pin_index[k] - (k ? e.pin_index[k - 1] : 0), index_width);
      for (const std::uint64_t d : e.pin_depth) put(section, d, depth_width);
      put(section, e.listed.size(), count_width);
      for (std::size_t k = 0; k < e.listed.size(); ++k)
        put(section, e.listed[k] - (k ? e.listed[k - 1] : 0), cc_width);
    }
  }

  // Crack codes.
  std::vector<std::vector<std::byte>> packed;
  for (std::size_t z = 0; z < codes.size(); ++z) {
    std::vector<std::byte> code = start_index(starts[z], sx, sy);
    const std::vector<std::byte> bits = pack(codes[z], order ? &model : nullptr);
    code.insert(code.end(), bits.begin(), bits.end());
    packed.push_back(std::move(code));
  }

  std::vector<std::byte> out;
  for (const char c : {'c', 'r', 'k', 'l'}) out.push_back(std::byte(c));
  put(out, static_cast<std::uint64_t>(o.version), 1);
  const unsigned format =
      static_cast<unsigned>(log2_of(width)) | static_cast<unsigned>(log2_of(stored)) << 2 |
      static_cast<unsigned>(permissible) << 4 | (pins ? 2u : 0u) << 5 | 1u << 7 |
      static_cast<unsigned>(is_signed) << 8 | static_cast<unsigned>(order) << 9;
  put(out, format, 2);
  put(out, static_cast<std::uint64_t>(sx), 4);
  put(out, static_cast<std::uint64_t>(sy), 4);
  put(out, static_cast<std::uint64_t>(sz), 4);
  put(out, 31, 1);
  put(out, section.size(), o.version == 0 ? 4 : 8);
  if (o.version == 1) {
    std::uint8_t crc = 0xff;
    for (std::size_t i = 5; i < out.size(); ++i) {
      crc ^= std::to_integer<std::uint8_t>(out[i]);
      for (int k = 0; k < 8; ++k)
        crc = static_cast<std::uint8_t>(crc & 1 ? (crc >> 1) ^ 0xe7 : crc >> 1);
    }
    put(out, crc, 1);
  }
  const std::size_t index_at = out.size();
  for (const auto& c : packed) put(out, c.size(), 4);
  if (o.version == 1) put(out, crc32c({out.data() + index_at, out.size() - index_at}), 4);
  out.insert(out.end(), section.begin(), section.end());
  if (order > 0) {
    BitWriter w;
    for (const int number : model.ordering)
      for (int b = 0; b < 5; ++b) w.bit(static_cast<unsigned>(number >> b) & 1);
    out.insert(out.end(), w.bytes.begin(), w.bytes.end());
  }
  for (const auto& c : packed) out.insert(out.end(), c.begin(), c.end());
  if (o.version == 1) {
    put(out, crc32c(section), 4);
    for (const auto& c : comps)
      put(out, crc32c(std::as_bytes(std::span(c.cc.data(), c.cc.size()))), 4);
  }
  return out;
}

}  // namespace

std::vector<std::byte> encode_crackle(const Array& labels, const CrackleOptions& options) {
  const Shape4& s = labels.shape();
  if (!dtype_is_integer(labels.dtype()) || s.c != 1)
    fail(ErrorCode::kInvalidArgument, "crackle encodes integer labels of one channel");
  const bool is_signed = dtype_is_signed(labels.dtype());
  const std::byte* b = labels.bytes();
  std::vector<std::byte> out;
  precomputed::with_label_type(static_cast<int>(labels.element_size()), [&](auto label) {
    out = encode(reinterpret_cast<const decltype(label)*>(b), s.x, s.y, s.z, is_signed, options);
  });
  return out;
}

}  // namespace imagery::testing
