#include "imagery/precomputed/internal/compresso.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <vector>

#include "imagery/precomputed/internal/chunk_bytes.h"
#include "imagery/precomputed/internal/raster_components.h"

namespace imagery::precomputed {

namespace {

constexpr std::uint64_t kHeaderBytes = 36;

struct Header {
  int version = 0;
  int width = 0;  // label bytes
  std::int64_t sx = 0, sy = 0, sz = 0;
  std::int64_t xs = 0, ys = 0, zs = 0;
  std::uint64_t ids = 0, values = 0, locations = 0;
  int connectivity = 0;

  int window_width() const {
    const std::int64_t p = xs * ys * zs;
    return p <= 8 ? 1 : p <= 16 ? 2 : p <= 32 ? 4 : 8;
  }
  int tail_width() const {
    const std::uint64_t w = 2 * static_cast<std::uint64_t>(sx) * static_cast<std::uint64_t>(sy);
    return w < 0xffu ? 1 : w < 0xffffu ? 2 : w < 0xffffffffu ? 4 : 8;
  }
};

Header read_header(const ChunkBytes& in, const ChunkTarget& t) {
  if (in.size() < kHeaderBytes)
    in.corrupt(std::to_string(in.size()) + " bytes, shorter than the 36-byte header");
  const std::byte* p = in.data();
  if (std::memcmp(p, "cpso", 4) != 0) in.corrupt("it does not start with \"cpso\"");
  Header h;
  h.version = static_cast<int>(load_le(p + 4, 1));
  check_version(in, h.version);
  h.width = static_cast<int>(load_le(p + 5, 1));
  h.sx = static_cast<std::int64_t>(load_le(p + 6, 2));
  h.sy = static_cast<std::int64_t>(load_le(p + 8, 2));
  h.sz = static_cast<std::int64_t>(load_le(p + 10, 2));
  h.xs = static_cast<std::int64_t>(load_le(p + 12, 1));
  h.ys = static_cast<std::int64_t>(load_le(p + 13, 1));
  h.zs = static_cast<std::int64_t>(load_le(p + 14, 1));
  h.ids = load_le(p + 15, 8);
  h.values = load_le(p + 23, 4);
  h.locations = load_le(p + 27, 8);
  h.connectivity = static_cast<int>(load_le(p + 35, 1));
  if (h.width != 1 && h.width != 2 && h.width != 4 && h.width != 8)
    in.corrupt("label width " + std::to_string(h.width) + " (expected 1, 2, 4 or 8 bytes)");
  if (h.connectivity != 4 && h.connectivity != 6)
    in.corrupt("connectivity " + std::to_string(h.connectivity) + " (expected 4 or 6)");
  const std::int64_t p_steps = h.xs * h.ys * h.zs;
  if (p_steps < 1 || p_steps > 64)
    in.corrupt("window steps " + std::to_string(h.xs) + "x" + std::to_string(h.ys) + "x" +
               std::to_string(h.zs) + " (each at least 1, at most 64 voxels a window)");
  check_fits_chunk(in, {h.sx, h.sy, h.sz}, h.width, t);
  return h;
}

// byte k of kExpand[b] is bit k of b: eight boundary flags at a time.
constexpr std::array<std::uint64_t, 256> make_expand() {
  std::array<std::uint64_t, 256> t{};
  for (unsigned b = 0; b < 256; ++b)
    for (unsigned k = 0; k < 8; ++k)
      if (b >> k & 1) t[b] |= std::uint64_t{1} << (8 * k);
  return t;
}
constexpr std::array<std::uint64_t, 256> kExpand = make_expand();

// Where the sections are, all checked against the stream.
struct Layout {
  std::uint64_t ids_at = 0, values_at = 0, locations_at = 0, windows_at = 0, windows = 0;
  std::uint64_t tail_at = 0;
  std::uint64_t nx = 0, ny = 0, nz = 0, nblocks = 0;
};

Layout lay_out(const Header& h, const ChunkBytes& in) {
  Layout l;
  const int ww = h.window_width();
  l.nx = static_cast<std::uint64_t>((h.sx + h.xs - 1) / h.xs);
  l.ny = static_cast<std::uint64_t>((h.sy + h.ys - 1) / h.ys);
  l.nz = static_cast<std::uint64_t>((h.sz + h.zs - 1) / h.zs);
  l.nblocks = l.nx * l.ny * l.nz;  // at most the voxel count: the dimensions are 16-bit
  const std::uint64_t voxels = static_cast<std::uint64_t>(h.sx * h.sy * h.sz);
  // Each component has a voxel, each window value a window, each boundary voxel at most two
  // locations: larger counts are corrupt whatever the stream's length.
  if (h.ids > voxels)
    in.corrupt(std::to_string(h.ids) + " components in " + std::to_string(voxels) + " voxels");
  if (h.values > l.nblocks)
    in.corrupt(std::to_string(h.values) + " window values for " + std::to_string(l.nblocks) +
               " windows");
  if (h.locations > 2 * voxels)
    in.corrupt(std::to_string(h.locations) + " locations for " + std::to_string(voxels) +
               " voxels");
  l.ids_at = kHeaderBytes;
  l.values_at = l.ids_at + h.ids * static_cast<std::uint64_t>(h.width);
  l.locations_at = l.values_at + h.values * static_cast<std::uint64_t>(ww);
  const std::uint64_t sections_end =
      l.locations_at + h.locations * static_cast<std::uint64_t>(h.width);
  const std::uint64_t tail = h.version == 1 ? 2 * static_cast<std::uint64_t>(h.sz) *
                                                  static_cast<std::uint64_t>(h.tail_width())
                                            : 0;
  if (sections_end + tail > in.size())
    in.corrupt("its " + std::to_string(h.ids) + " ids, " + std::to_string(h.values) +
               " window values and " + std::to_string(h.locations) + " locations" +
               (tail ? " and its slice index" : "") + " need " +
               std::to_string(sections_end + tail) + " bytes, the stream has " +
               std::to_string(in.size()));
  l.windows_at = sections_end;
  l.tail_at = in.size() - tail;
  const std::uint64_t window_bytes = l.tail_at - l.windows_at;
  if (window_bytes % static_cast<std::uint64_t>(ww) != 0)
    in.corrupt("its windows take " + std::to_string(window_bytes) + " bytes, not a multiple of " +
               std::to_string(ww));
  l.windows = window_bytes / static_cast<std::uint64_t>(ww);
  return l;
}

// The version 1 slice index: where each slice's components and locations start.
struct SliceIndex {
  std::vector<std::uint64_t> first_component;  // sz + 1 entries, cumulative
  std::vector<std::uint64_t> first_location;   // sz + 1 entries, cumulative
};

SliceIndex read_slice_index(const Header& h, const Layout& l, const ChunkBytes& in) {
  SliceIndex s;
  const int iw = h.tail_width();
  const auto sz = static_cast<std::uint64_t>(h.sz);
  s.first_component.assign(sz + 1, 0);
  s.first_location.assign(sz + 1, 0);
  const std::byte* counts = in.range(l.tail_at, sz, static_cast<std::uint64_t>(iw), "slice index");
  // Entry z of the second half is the location count of slice z - 1; entry 0 is 0.
  const std::byte* shifted = counts + sz * static_cast<std::uint64_t>(iw);
  auto entry = [iw](const std::byte* table, std::uint64_t z) {
    return load_le(table + z * static_cast<std::uint64_t>(iw), iw);
  };
  if (entry(shifted, 0) != 0) in.corrupt("its slice index does not start at location 0");
  for (std::uint64_t z = 0; z < sz; ++z) {
    const std::uint64_t components = entry(counts, z);
    if (components > h.ids - s.first_component[z])
      in.corrupt("its slice index lists more components than its " + std::to_string(h.ids) +
                 " ids");
    s.first_component[z + 1] = s.first_component[z] + components;
    if (z + 1 == sz) break;
    const std::uint64_t locations = entry(shifted, z + 1);
    if (locations > h.locations - s.first_location[z])
      in.corrupt("its slice index lists more locations than its " + std::to_string(h.locations));
    s.first_location[z + 1] = s.first_location[z] + locations;
  }
  if (s.first_component[sz] != h.ids)
    in.corrupt("its slice index lists " + std::to_string(s.first_component[sz]) +
               " components, the header " + std::to_string(h.ids));
  s.first_location[sz] = h.locations;
  return s;
}

// Window values of the window-slices [bz0, bz1): `blocks` gets one boundary pattern per window.
void decode_windows(const Header& h, const Layout& l, const ChunkBytes& in, std::uint64_t bz0,
                    std::uint64_t bz1, std::vector<std::uint64_t>& blocks) {
  const int ww = h.window_width();
  const std::byte* values =
      in.range(l.values_at, h.values, static_cast<std::uint64_t>(ww), "window values");
  auto value = [&](std::uint64_t k) {
    return load_le(values + k * static_cast<std::uint64_t>(ww), ww);
  };
  const std::uint64_t lo = bz0 * l.nx * l.ny, hi = bz1 * l.nx * l.ny;
  blocks.assign(hi - lo, h.values ? value(0) : 0);
  const std::byte* w = in.range(l.windows_at, l.windows, static_cast<std::uint64_t>(ww), "windows");
  std::uint64_t at = 0;
  for (std::uint64_t e = 0; e < l.windows && at < hi; ++e) {
    const std::uint64_t v = load_le(w + e * static_cast<std::uint64_t>(ww), ww);
    if (v & 1) {
      if ((v >> 1) > l.nblocks - at)
        in.corrupt("its windows run past the " + std::to_string(l.nblocks) + " of the chunk");
      at += v >> 1;
    } else {
      if ((v >> 1) >= h.values)
        in.corrupt("window value " + std::to_string(v >> 1) + " of " + std::to_string(h.values));
      if (at >= l.nblocks)
        in.corrupt("its windows run past the " + std::to_string(l.nblocks) + " of the chunk");
      if (at >= lo) blocks[at - lo] = value(v >> 1);
      ++at;
    }
  }
}

// The decoding of the slices [z0, z1) as one slab (the whole chunk, or one slice of a version 1
// stream), into lab (label width bytes per voxel of the slab).
struct Slab {
  std::int64_t z0 = 0, z1 = 0;
  std::uint64_t first_component = 0;                   // components before the slab
  std::uint64_t first_location = 0;                    // locations before the slab
  std::uint64_t end_location = 0;                      // where the slab's locations must end
  const std::vector<std::uint64_t>* counts = nullptr;  // per-slice counts to match, if any
};

struct Scratch {
  std::vector<std::uint64_t> blocks;
  std::vector<std::uint8_t> boundary;
  std::vector<std::uint32_t> prov, final;
  std::vector<std::byte> labels;
  SliceRuns runs;
  ProvisionalLabels uf;
};

template <class T>
class SlabDecoder {
 public:
  SlabDecoder(const Header& h, const Layout& l, const ChunkBytes& in, std::uint64_t block_z0,
              Scratch& s)
      : h_(h), l_(l), in_(in), block_z0_(block_z0), s_(s) {}

  // Decodes the slab into s_.labels (x fastest, slab_z slices).
  void decode(const Slab& slab) {
    const std::int64_t sx = h_.sx, sxy = h_.sx * h_.sy;
    const std::int64_t d = slab.z1 - slab.z0;
    const auto n = static_cast<std::size_t>(sxy * d);
    s_.boundary.resize(n);
    s_.labels.resize(n * sizeof(T));
    for (std::int64_t z = slab.z0; z < slab.z1; ++z)
      expand_boundary(z, s_.boundary.data() + (z - slab.z0) * sxy);
    T* lab = reinterpret_cast<T*>(s_.labels.data());
    const std::uint8_t* bnd = s_.boundary.data();
    std::uint64_t component = slab.first_component;
    if (h_.connectivity == 6) {
      s_.prov.resize(n);
      s_.uf.clear();
      provisional_labels_3d(
          h_.sx, h_.sy, d, [bnd](std::int64_t i) { return bnd[i] == 0; }, s_.prov.data(), s_.uf);
      const std::uint32_t count = number(component);
      const std::uint32_t* prov = s_.prov.data();
      for (std::size_t i = 0; i < n; ++i) lab[i] = value_of_[prov[i]];
      component += count;
    } else {
      // Per slice: runs of non-boundary voxels, joined to the runs above they touch.
      for (std::int64_t z = 0; z < d; ++z) {
        const std::uint8_t* slice = bnd + z * sxy;
        T* out = lab + z * sxy;
        s_.runs.clear();
        for (std::int64_t y = 0; y < h_.sy; ++y) {
          const std::uint8_t* row = slice + y * sx;
          for (std::int64_t x = 0;;) {
            const std::int64_t begin = find_byte(row, x, sx, false);
            if (begin == sx) break;
            x = find_byte(row, begin, sx, true);
            s_.runs.add(begin, x);
          }
          s_.runs.end_row();
        }
        s_.uf.clear();
        label_runs(s_.runs, s_.uf, [](std::int64_t, std::int64_t, std::int64_t) { return true; });
        const std::uint32_t count = number(component);
        const auto zu = static_cast<std::size_t>(slab.z0 + z);
        if (slab.counts && count != (*slab.counts)[zu])
          in_.corrupt("slice " + std::to_string(zu) + " has " + std::to_string(count) +
                      " components, its index says " + std::to_string((*slab.counts)[zu]));
        component += count;
        // Boundary voxels hold 0 until resolved.
        std::fill(out, out + sxy, T{0});
        for (std::int64_t y = 0; y < h_.sy; ++y)
          for (std::size_t r = s_.runs.row_begin[static_cast<std::size_t>(y)];
               r < s_.runs.row_begin[static_cast<std::size_t>(y) + 1]; ++r) {
            const Run& run = s_.runs.runs[r];
            std::fill(out + y * sx + run.begin, out + y * sx + run.end, value_of_[run.label]);
          }
      }
    }
    if (slab.z0 == 0 && slab.z1 == h_.sz && component != h_.ids)
      in_.corrupt("it has " + std::to_string(component) + " components, its header says " +
                  std::to_string(h_.ids));
    resolve_boundaries(slab, lab);
  }

 private:
  // Boundary flags of slice z (0 or 1 per voxel) from its windows.
  void expand_boundary(std::int64_t z, std::uint8_t* out) const {
    const auto bz = static_cast<std::uint64_t>(z / h_.zs) - block_z0_;
    const std::int64_t zo = z % h_.zs;
    for (std::int64_t y = 0; y < h_.sy; ++y) {
      const std::uint64_t* row =
          s_.blocks.data() + (bz * l_.ny + static_cast<std::uint64_t>(y / h_.ys)) * l_.nx;
      const auto shift = static_cast<unsigned>(h_.xs * ((y % h_.ys) + h_.ys * zo));
      std::uint8_t* o = out + y * h_.sx;
      for (std::uint64_t bx = 0; bx < l_.nx; ++bx) {
        std::uint64_t bits = row[bx] >> shift;
        std::int64_t left =
            std::min<std::int64_t>(h_.xs, h_.sx - static_cast<std::int64_t>(bx) * h_.xs);
        std::uint8_t* p = o + static_cast<std::int64_t>(bx) * h_.xs;
        while (left > 0) {
          const std::uint64_t flags = kExpand[bits & 0xff];
          std::memcpy(p, &flags, static_cast<std::size_t>(std::min<std::int64_t>(left, 8)));
          bits >>= 8;
          p += 8;
          left -= 8;
        }
      }
    }
  }

  // Numbers the provisional labels from `component` + 1 on; value_of_[p] becomes the id of
  // provisional label p (0 for none). Returns the number of components.
  std::uint32_t number(std::uint64_t component) {
    const std::uint32_t count = s_.uf.number(1, s_.final);
    if (count > h_.ids - component)
      in_.corrupt("it has more components than its " + std::to_string(h_.ids) + " ids");
    value_of_.resize(s_.final.size());
    value_of_[0] = 0;
    const std::byte* ids = in_.data() + l_.ids_at;
    for (std::size_t p = 1; p < s_.final.size(); ++p)
      value_of_[p] = static_cast<T>(
          load_le(ids + (component + s_.final[p] - 1) * sizeof(T), static_cast<int>(sizeof(T))));
    return count;
  }

  void resolve_boundaries(const Slab& slab, T* lab) {
    const std::int64_t sx = h_.sx, sy = h_.sy, sxy = sx * sy, d = slab.z1 - slab.z0;
    const std::uint8_t* bnd = s_.boundary.data();
    const std::byte* locations = in_.data() + l_.locations_at;
    std::uint64_t next = slab.first_location;
    const std::uint64_t end = slab.end_location;
    auto take = [&](std::int64_t x, std::int64_t y, std::int64_t z) -> std::uint64_t {
      if (next >= end)
        in_.corrupt("boundary voxel (" + std::to_string(x) + ", " + std::to_string(y) + ", " +
                    std::to_string(slab.z0 + z) + ") has no location left");
      return load_le(locations + next++ * sizeof(T), static_cast<int>(sizeof(T)));
    };
    for (std::int64_t z = 0; z < d; ++z)
      for (std::int64_t y = 0; y < sy; ++y) {
        const std::int64_t row = z * sxy + y * sx;
        // Jump from boundary voxel to boundary voxel.
        for (std::int64_t x = find_byte(bnd + row, 0, sx, true); x < sx;
             x = find_byte(bnd + row, x + 1, sx, true)) {
          const std::int64_t i = row + x;
          if (x > 0 && !bnd[i - 1]) {
            lab[i] = lab[i - 1];
          } else if (y > 0 && !bnd[i - sx]) {
            lab[i] = lab[i - sx];
          } else if (h_.connectivity == 6 && z > 0 && !bnd[i - sxy]) {
            lab[i] = lab[i - sxy];
          } else {
            const std::uint64_t code = take(x, y, z);
            bool ok = true;
            switch (code) {
              case 0:
                ok = x > 0;
                if (ok) lab[i] = lab[i - 1];
                break;
              case 1:
                ok = x + 1 < sx;
                if (ok) lab[i] = lab[i + 1];
                break;
              case 2:
                ok = y > 0;
                if (ok) lab[i] = lab[i - sx];
                break;
              case 3:
                ok = y + 1 < sy;
                if (ok) lab[i] = lab[i + sx];
                break;
              case 4:
                ok = z > 0;
                if (ok) lab[i] = lab[i - sxy];
                break;
              case 5:
                ok = z + 1 < d;
                if (ok) lab[i] = lab[i + sxy];
                break;
              case 6:
                lab[i] = static_cast<T>(take(x, y, z));
                break;
              default:
                lab[i] = static_cast<T>(code - 7);
                break;
            }
            if (!ok)
              in_.corrupt("boundary voxel (" + std::to_string(x) + ", " + std::to_string(y) + ", " +
                          std::to_string(slab.z0 + z) + ") copies a neighbour (code " +
                          std::to_string(code) + ") outside " +
                          (code >= 4 ? "what decodes with it" : "the chunk"));
          }
        }
      }
    if (next != end)
      in_.corrupt("slices " + std::to_string(slab.z0) + " to " + std::to_string(slab.z1 - 1) +
                  " use " + std::to_string(next - slab.first_location) + " locations, " +
                  std::to_string(end - slab.first_location) + " are stored for them");
  }

  const Header& h_;
  const Layout& l_;
  const ChunkBytes& in_;
  std::uint64_t block_z0_;
  Scratch& s_;
  std::vector<T> value_of_;  // id of each provisional label
};

template <class T>
void decode_typed(const Header& h, const Layout& l, const ChunkBytes& in, const ChunkTarget& t) {
  const Bbox o = t.overlap();
  if (o.empty()) return;
  // Version 1 with per-slice components decodes the slices the cutout needs; the others depend
  // on their neighbours and decode whole.
  const bool per_slice = h.version == 1 && h.connectivity == 4;
  const std::int64_t z0 = per_slice ? o.min.z - t.chunk_box.min.z : 0;
  const std::int64_t z1 = per_slice ? o.max.z - t.chunk_box.min.z : h.sz;
  Scratch s;
  const auto bz0 = static_cast<std::uint64_t>(z0 / h.zs);
  const auto bz1 = static_cast<std::uint64_t>((z1 - 1) / h.zs + 1);
  decode_windows(h, l, in, bz0, bz1, s.blocks);
  in.range(l.ids_at, h.ids, static_cast<std::uint64_t>(h.width), "ids");
  SlabDecoder<T> decoder(h, l, in, bz0, s);
  auto write = [&](std::int64_t from, std::int64_t to) {
    Bbox slab_box = t.chunk_box;
    slab_box.min.z = t.chunk_box.min.z + from;
    slab_box.max.z = t.chunk_box.min.z + to;
    copy_chunk_region(s.labels.data(), 1, ChunkTarget{t.out, t.out_box, slab_box});
  };
  if (h.version == 1) {
    const SliceIndex index = read_slice_index(h, l, in);
    std::vector<std::uint64_t> counts(static_cast<std::size_t>(h.sz));
    for (std::size_t z = 0; z < counts.size(); ++z)
      counts[z] = index.first_component[z + 1] - index.first_component[z];
    if (per_slice) {
      for (std::int64_t z = z0; z < z1; ++z) {
        const auto zu = static_cast<std::size_t>(z);
        decoder.decode({z, z + 1, index.first_component[zu], index.first_location[zu],
                        index.first_location[zu + 1], &counts});
        write(z, z + 1);
      }
      return;
    }
    decoder.decode({0, h.sz, 0, 0, h.locations, nullptr});
  } else {
    decoder.decode({0, h.sz, 0, 0, h.locations, nullptr});
  }
  write(0, h.sz);
}

}  // namespace

void decode_compresso_chunk(std::span<const std::byte> bytes, const ChunkTarget& t,
                            const std::string& name) {
  const ChunkBytes in(bytes, name, "compresso");
  const Header h = read_header(in, t);
  const Layout l = lay_out(h, in);
  with_label_type(h.width, [&](auto label) { decode_typed<decltype(label)>(h, l, in, t); });
}

}  // namespace imagery::precomputed
