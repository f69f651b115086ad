// Connected components of a raster, numbered as compresso and crackle streams number them: in the
// raster order (x fastest, then y, then z) of each component's first pixel. Both formats store
// one label per component in that order, so a decoder has to reproduce the numbering exactly.
//
// Slices are labelled by runs: each row is cut into runs of pixels joined left to right, and a
// run joins the runs of the row above that it touches where a pixel of it is joined upwards.
// Segmentation rows hold a few long runs, so this does a few steps per run instead of several per
// pixel. A run that joins nothing above gets a new provisional label; union-find keeps the
// smallest label of a set as its root. A set's smallest provisional label was made at the set's
// first pixel in raster order (the run holding it cannot join upwards), so numbering the sets in
// the order of their roots is numbering them by first pixel.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <vector>

namespace imagery::precomputed {

// Union-find over provisional labels 1..count() (0 means "no component"); reused from slice to
// slice so that decoding allocates once per chunk.
class ProvisionalLabels {
 public:
  void clear() {
    parent_.clear();
    parent_.push_back(0);
  }
  std::uint32_t make() {
    const auto label = static_cast<std::uint32_t>(parent_.size());
    parent_.push_back(label);
    return label;
  }
  std::uint32_t find(std::uint32_t a) {
    while (parent_[a] != a) {
      parent_[a] = parent_[parent_[a]];  // path halving
      a = parent_[a];
    }
    return a;
  }
  void unite(std::uint32_t a, std::uint32_t b) {
    a = find(a);
    b = find(b);
    if (a < b)
      parent_[b] = a;
    else if (b < a)
      parent_[a] = b;
  }
  std::uint32_t count() const { return static_cast<std::uint32_t>(parent_.size() - 1); }

  // final[p] = first + the number of p's component (0, 1, ... by first pixel), final[0] = 0.
  // Returns the number of components.
  std::uint32_t number(std::uint32_t first, std::vector<std::uint32_t>& final) {
    final.resize(parent_.size());
    final[0] = 0;
    std::uint32_t next = 0;
    for (std::uint32_t p = 1; p < parent_.size(); ++p) {
      const std::uint32_t root = find(p);
      final[p] = root == p ? first + next++ : final[root];
    }
    return next;
  }

 private:
  std::vector<std::uint32_t> parent_{0};
};

// The first index i in [from, n) with (p[i] != 0) == nonzero, or n: eight bytes at a time.
inline std::int64_t find_byte(const std::uint8_t* p, std::int64_t from, std::int64_t n,
                              bool nonzero) {
  if (!nonzero) {
    const void* hit =
        from < n ? std::memchr(p + from, 0, static_cast<std::size_t>(n - from)) : nullptr;
    return hit ? static_cast<const std::uint8_t*>(hit) - p : n;
  }
  std::int64_t i = from;
  for (; i + 8 <= n; i += 8) {
    std::uint64_t word;
    std::memcpy(&word, p + i, 8);
    if (word) return i + __builtin_ctzll(word) / 8;  // little-endian: the lowest byte first
  }
  for (; i < n; ++i)
    if (p[i]) return i;
  return n;
}

// A run of pixels [begin, end) of one row, and its provisional label.
struct Run {
  std::int64_t begin = 0, end = 0;
  std::uint32_t label = 0;
};

// The runs of one slice, row after row: row y's runs are runs[row_begin[y] .. row_begin[y + 1]).
struct SliceRuns {
  std::vector<Run> runs;
  std::vector<std::size_t> row_begin;

  void clear() {
    runs.clear();
    row_begin.assign(1, 0);
  }
  void add(std::int64_t begin, std::int64_t end) { runs.push_back({begin, end, 0}); }
  void end_row() { row_begin.push_back(runs.size()); }
  std::int64_t rows() const { return static_cast<std::int64_t>(row_begin.size()) - 1; }
};

// Gives every run its provisional label. joins_up(y, x0, x1) (y >= 1) says whether some pixel
// of [x0, x1) in row y is joined to the pixel above; it is asked for the overlap of a run with
// each run above it.
template <class JoinsUp>
void label_runs(SliceRuns& s, ProvisionalLabels& uf, JoinsUp joins_up) {
  for (std::int64_t y = 0; y < s.rows(); ++y) {
    const std::size_t cur_begin = s.row_begin[static_cast<std::size_t>(y)],
                      cur_end = s.row_begin[static_cast<std::size_t>(y) + 1];
    std::size_t above = y > 0 ? s.row_begin[static_cast<std::size_t>(y) - 1] : cur_begin;
    const std::size_t above_end = cur_begin;
    for (std::size_t r = cur_begin; r < cur_end; ++r) {
      Run& run = s.runs[r];
      while (above < above_end && s.runs[above].end <= run.begin) ++above;
      std::uint32_t label = 0;
      for (std::size_t a = above; a < above_end && s.runs[a].begin < run.end; ++a) {
        const Run& up = s.runs[a];
        if (up.label == label ||
            !joins_up(y, std::max(up.begin, run.begin), std::min(up.end, run.end)))
          continue;
        if (!label)
          label = up.label;
        else
          uf.unite(label, up.label);
      }
      run.label = label ? label : uf.make();
    }
  }
}

// Provisional labels of every pixel of a w x h x d block, 6-connected, into prov[]: pixels with
// member(i) false get 0, member pixels next to each other are joined. (Compresso's rare 3-D
// connectivity; slices use runs.)
template <class Member>
void provisional_labels_3d(std::int64_t w, std::int64_t h, std::int64_t d, Member member,
                           std::uint32_t* prov, ProvisionalLabels& uf) {
  const std::int64_t wh = w * h;
  for (std::int64_t z = 0; z < d; ++z)
    for (std::int64_t y = 0; y < h; ++y) {
      const std::int64_t row = z * wh + y * w;
      for (std::int64_t x = 0; x < w; ++x) {
        const std::int64_t i = row + x;
        if (!member(i)) {
          prov[i] = 0;
          continue;
        }
        std::uint32_t label = x > 0 ? prov[i - 1] : 0;
        for (const std::uint32_t other : {y > 0 ? prov[i - w] : 0u, z > 0 ? prov[i - wh] : 0u}) {
          if (!other) continue;
          if (!label)
            label = other;
          else if (other != label)
            uf.unite(label, other);
        }
        prov[i] = label ? label : uf.make();
      }
    }
}

}  // namespace imagery::precomputed
