// Connected components of a raster, numbered as compresso and crackle streams number them: in the
// raster order (x fastest, then y, then z) of each component's first pixel. Both formats store
// one label per component in that order, so a decoder has to reproduce the numbering exactly.
//
// One raster pass gives every pixel a provisional label (a new one where it joins no earlier
// neighbour) and records which provisional labels meet; union-find keeps the smallest label of a
// set as its root. A set's smallest provisional label was made at the set's first pixel in raster
// order, so numbering the sets in the order of their roots is numbering them by first pixel.
#pragma once

#include <cstdint>
#include <vector>

namespace imagery::precomputed {

// Union-find over provisional labels 1..count() (0 means "no component"); reused from slice to
// slice so that decoding allocates once per thread.
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

// Provisional labels of a w x h slice into prov[0 .. w*h): pixels with member(i) false get 0.
// For a member pixel i, joins_left(i) (x > 0) and joins_up(i) (y > 0) say whether it is joined to
// pixel i - 1 and i - w; they are asked only when that neighbour is a member too.
template <class Member, class JoinsLeft, class JoinsUp>
void provisional_labels_2d(std::int64_t w, std::int64_t h, Member member, JoinsLeft joins_left,
                           JoinsUp joins_up, std::uint32_t* prov, ProvisionalLabels& uf) {
  for (std::int64_t y = 0; y < h; ++y) {
    const std::int64_t row = y * w;
    for (std::int64_t x = 0; x < w; ++x) {
      const std::int64_t i = row + x;
      if (!member(i)) {
        prov[i] = 0;
        continue;
      }
      const std::uint32_t left = x > 0 && prov[i - 1] && joins_left(i) ? prov[i - 1] : 0;
      const std::uint32_t up = y > 0 && prov[i - w] && joins_up(i) ? prov[i - w] : 0;
      if (left) {
        prov[i] = left;
        if (up && up != left) uf.unite(left, up);
      } else {
        prov[i] = up ? up : uf.make();
      }
    }
  }
}

// The same over a w x h x d block, with joins_back(i) (z > 0) for pixel i - w*h.
template <class Member, class JoinsLeft, class JoinsUp, class JoinsBack>
void provisional_labels_3d(std::int64_t w, std::int64_t h, std::int64_t d, Member member,
                           JoinsLeft joins_left, JoinsUp joins_up, JoinsBack joins_back,
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
        std::uint32_t label = x > 0 && prov[i - 1] && joins_left(i) ? prov[i - 1] : 0;
        for (const std::uint32_t other :
             {y > 0 && prov[i - w] && joins_up(i) ? prov[i - w] : 0u,
              z > 0 && prov[i - wh] && joins_back(i) ? prov[i - wh] : 0u}) {
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
