#include "imagery/precomputed/internal/crackle.h"

#include <algorithm>
#include <cstring>
#include <vector>

#include "imagery/core/crc32c.h"
#include "imagery/precomputed/internal/chunk_bytes.h"
#include "imagery/precomputed/internal/crack_codes.h"
#include "imagery/precomputed/internal/raster_components.h"

namespace imagery::precomputed {

namespace {

enum class LabelFormat { kFlat, kPins };

struct CrackleHeader {
  int version = 0;
  std::uint64_t header_bytes = 0;
  int width = 0, stored_width = 0;
  bool permissible = false;  // a crack joins (instead of separating) the pixels it lies between
  LabelFormat labels = LabelFormat::kFlat;
  bool is_signed = false;
  int markov_order = 0;
  std::int64_t sx = 0, sy = 0, sz = 0;
  std::uint64_t label_bytes = 0;
};

CrackleHeader read_crackle_header(const ChunkBytes& in, const ChunkTarget& t) {
  if (in.size() < 5) in.corrupt(std::to_string(in.size()) + " bytes, shorter than its header");
  const std::byte* p = in.data();
  if (std::memcmp(p, "crkl", 4) != 0) in.corrupt("it does not start with \"crkl\"");
  CrackleHeader h;
  h.version = static_cast<int>(load_le(p + 4, 1));
  check_version(in, h.version);
  h.header_bytes = h.version == 0 ? 24 : 29;
  if (in.size() < h.header_bytes)
    in.corrupt(std::to_string(in.size()) + " bytes, shorter than its " +
               std::to_string(h.header_bytes) + "-byte header");
  if (h.version == 1) {
    const std::uint8_t stored = static_cast<std::uint8_t>(load_le(p + 28, 1));
    if (crackle_crc8({p + 5, 23}) != stored) in.corrupt("its header CRC-8 does not match");
  }
  const auto format = static_cast<unsigned>(load_le(p + 5, 2));
  h.width = 1 << (format & 3);
  h.stored_width = 1 << (format >> 2 & 3);
  h.permissible = (format >> 4 & 1) != 0;
  const unsigned label_format = format >> 5 & 3;
  h.is_signed = (format >> 8 & 1) != 0;
  h.markov_order = static_cast<int>(format >> 9 & 15);
  h.sx = static_cast<std::int64_t>(load_le(p + 7, 4));
  h.sy = static_cast<std::int64_t>(load_le(p + 11, 4));
  h.sz = static_cast<std::int64_t>(load_le(p + 15, 4));
  const auto grid_log2 = static_cast<unsigned>(load_le(p + 19, 1));
  h.label_bytes = load_le(p + 20, h.version == 0 ? 4 : 8);
  if (label_format == 1 || label_format == 3)
    fail(ErrorCode::kDataLoss,
         in.name() + ": crackle label format " + std::to_string(label_format) +
             (label_format == 1 ? " (fixed-width pins)" : "") +
             " is not supported (imagery reads flat labels and condensed pins)");
  h.labels = label_format == 0 ? LabelFormat::kFlat : LabelFormat::kPins;
  check_fits_chunk(in, {h.sx, h.sy, h.sz}, h.width, t);
  // Writers make one grid per slice; smaller grids would split the component counts per grid.
  if (grid_log2 < 32 && (std::int64_t{1} << grid_log2) < std::max(h.sx, h.sy))
    fail(ErrorCode::kDataLoss, in.name() + ": crackle grid size 2^" + std::to_string(grid_log2) +
                                   " is smaller than the slice (not supported: no writer "
                                   "makes it)");
  return h;
}

// Where the sections are, all checked against the stream.
struct CrackleLayout {
  std::uint64_t index_at = 0, labels_at = 0, model_at = 0;
  std::vector<std::uint64_t> code_at;  // sz + 1: slice z's crack code is [code_at[z], code_at[z+1])
  std::uint64_t crc_at = 0;            // version 1: labels CRC, then the slices' CRCs
};

CrackleLayout lay_out_crackle(const CrackleHeader& h, const ChunkBytes& in) {
  CrackleLayout l;
  const auto sz = static_cast<std::uint64_t>(h.sz);
  l.index_at = h.header_bytes;
  const std::byte* index = in.range(l.index_at, sz, 4, "slice index");
  std::uint64_t at = l.index_at + 4 * sz;
  if (h.version == 1) {
    const std::uint64_t stored = in.uint(at, 4, "slice index CRC-32C");
    if (crc32c({index, static_cast<std::size_t>(4 * sz)}) != stored)
      in.corrupt("its slice index CRC-32C does not match");
    at += 4;
  }
  l.labels_at = at;
  in.range(l.labels_at, h.label_bytes, 1, "label section");
  l.model_at = l.labels_at + h.label_bytes;
  const std::uint64_t model_bytes = crack_markov_model_bytes(h.markov_order);
  in.range(l.model_at, model_bytes, 1, "Markov model");
  l.code_at.resize(static_cast<std::size_t>(sz + 1));
  l.code_at[0] = l.model_at + model_bytes;
  for (std::uint64_t z = 0; z < sz; ++z)
    l.code_at[z + 1] = l.code_at[z] + load_le(index + 4 * z, 4);  // below 2^64: 2^32 * 4 bytes
  const std::uint64_t codes_end = l.code_at[sz];
  const std::uint64_t tail = h.version == 1 ? 4 * (sz + 1) : 0;
  if (codes_end > in.size() || in.size() - codes_end < tail ||
      (h.version == 1 && in.size() - codes_end != tail))
    in.corrupt("its sections and crack codes take " + std::to_string(codes_end + tail) +
               " bytes, the stream has " + std::to_string(in.size()));
  l.crc_at = codes_end;
  if (h.version == 1) {
    const std::byte* labels = in.data() + l.labels_at;
    if (crc32c({labels, static_cast<std::size_t>(h.label_bytes)}) !=
        in.uint(l.crc_at, 4, "label CRC-32C"))
      in.corrupt("its label section CRC-32C does not match");
  }
  return l;
}

// What the label section says, read once per chunk: the unique labels, each slice's components
// and, per component of the chunk, a label (flat keys, or pins' listed components over the
// background) — pins painted per slice come on top.
template <class T>
struct Labels {
  std::vector<T> unique;
  std::vector<std::uint64_t> first_component;  // sz + 1, cumulative component counts
  // Flat: keys of every component; pins: the label of every component before pins.
  const std::byte* keys = nullptr;
  int key_width = 0;
  std::vector<T> listed;
  struct Pin {
    std::int64_t first, last;  // slices
    std::uint64_t pixel;       // y * sx + x
    std::uint64_t label;       // index into unique
  };
  std::vector<Pin> pins;  // by first slice
};

template <class T>
T stored_label(const std::byte* p, const CrackleHeader& h) {
  std::uint64_t v = load_le(p, h.stored_width);
  if (h.is_signed && h.stored_width < 8) {
    const unsigned bits = 8 * static_cast<unsigned>(h.stored_width);
    if (v >> (bits - 1) & 1) v |= ~std::uint64_t{0} << bits;  // sign-extend
  }
  return static_cast<T>(v);
}

template <class T>
Labels<T> read_labels(const CrackleHeader& h, const CrackleLayout& l, const ChunkBytes& in) {
  Labels<T> out;
  const auto sz = static_cast<std::uint64_t>(h.sz);
  const std::uint64_t sxy = static_cast<std::uint64_t>(h.sx) * static_cast<std::uint64_t>(h.sy);
  const std::uint64_t voxels = sxy * sz;
  const std::uint64_t end = l.labels_at + h.label_bytes;
  // The label section alone: reads past it are corrupt even if the stream goes on.
  const ChunkBytes section({in.data(), static_cast<std::size_t>(end)}, in.name(), "crackle");
  std::uint64_t at = l.labels_at;
  T background = 0;
  if (h.labels == LabelFormat::kPins) {
    background = stored_label<T>(
        section.range(at, 1, static_cast<std::uint64_t>(h.stored_width), "background label"), h);
    at += static_cast<std::uint64_t>(h.stored_width);
  }
  const std::uint64_t n = section.uint(at, 8, "label count");
  at += 8;
  if (n > voxels)
    in.corrupt(std::to_string(n) + " unique labels in " + std::to_string(voxels) + " voxels");
  const std::byte* unique =
      section.range(at, n, static_cast<std::uint64_t>(h.stored_width), "unique labels");
  out.unique.resize(static_cast<std::size_t>(n));
  for (std::uint64_t i = 0; i < n; ++i)
    out.unique[i] = stored_label<T>(unique + i * static_cast<std::uint64_t>(h.stored_width), h);
  at += n * static_cast<std::uint64_t>(h.stored_width);
  const int cw = crackle_byte_width(sxy);
  const std::byte* counts =
      section.range(at, sz, static_cast<std::uint64_t>(cw), "component counts");
  at += sz * static_cast<std::uint64_t>(cw);
  out.first_component.assign(static_cast<std::size_t>(sz + 1), 0);
  for (std::uint64_t z = 0; z < sz; ++z) {
    const std::uint64_t c = load_le(counts + z * static_cast<std::uint64_t>(cw), cw);
    if (c > sxy)
      in.corrupt("slice " + std::to_string(z) + " has " + std::to_string(c) + " components in " +
                 std::to_string(sxy) + " pixels");
    out.first_component[z + 1] = out.first_component[z] + c;
  }
  const std::uint64_t components = out.first_component[sz];
  if (h.labels == LabelFormat::kFlat) {
    out.key_width = crackle_byte_width(n);
    out.keys = section.range(at, components, static_cast<std::uint64_t>(out.key_width), "keys");
    return out;
  }
  // Pins.
  const auto widths = static_cast<unsigned>(section.uint(at, 1, "pin widths"));
  ++at;
  const int count_width = 1 << (widths & 3), depth_width = 1 << (widths >> 2 & 3),
            cc_width = 1 << (widths >> 4 & 3);
  const int index_width = crackle_byte_width(voxels);
  out.listed.assign(static_cast<std::size_t>(components), background);
  std::uint64_t painted = 0;  // slices covered by pins: at most the voxels
  for (std::uint64_t label = 0; label < n; ++label) {
    const std::uint64_t pins = section.uint(at, count_width, "pin count");
    at += static_cast<std::uint64_t>(count_width);
    const std::byte* index =
        section.range(at, pins, static_cast<std::uint64_t>(index_width), "pin indices");
    at += pins * static_cast<std::uint64_t>(index_width);
    const std::byte* depth =
        section.range(at, pins, static_cast<std::uint64_t>(depth_width), "pin depths");
    at += pins * static_cast<std::uint64_t>(depth_width);
    std::uint64_t voxel = 0;
    for (std::uint64_t k = 0; k < pins; ++k) {
      const std::uint64_t step =
          load_le(index + k * static_cast<std::uint64_t>(index_width), index_width);
      if (step > voxels - 1 - voxel)
        in.corrupt("a pin of label " + std::to_string(label) + " lies outside the chunk");
      voxel += step;
      const std::uint64_t d =
          load_le(depth + k * static_cast<std::uint64_t>(depth_width), depth_width);
      const std::uint64_t first = voxel / sxy;
      if (d >= sz - first)
        in.corrupt("a pin of label " + std::to_string(label) + " runs below the chunk");
      painted += d + 1;
      if (painted > voxels) in.corrupt("its pins cover more than the chunk's voxels");
      out.pins.push_back({static_cast<std::int64_t>(first), static_cast<std::int64_t>(first + d),
                          voxel % sxy, label});
    }
    const std::uint64_t listed = section.uint(at, count_width, "component count");
    at += static_cast<std::uint64_t>(count_width);
    const std::byte* cc =
        section.range(at, listed, static_cast<std::uint64_t>(cc_width), "component numbers");
    at += listed * static_cast<std::uint64_t>(cc_width);
    std::uint64_t component = 0;
    for (std::uint64_t k = 0; k < listed; ++k) {
      const std::uint64_t step = load_le(cc + k * static_cast<std::uint64_t>(cc_width), cc_width);
      if (step >= components - component)
        in.corrupt("label " + std::to_string(label) + " lists a component past the chunk's " +
                   std::to_string(components));
      component += step;
      out.listed[static_cast<std::size_t>(component)] = out.unique[static_cast<std::size_t>(label)];
    }
  }
  std::stable_sort(out.pins.begin(), out.pins.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  return out;
}

struct CrackleScratch {
  std::vector<std::uint8_t> joined_left, joined_up;
  std::vector<std::uint32_t> cc, final;
  SliceRuns runs;
  ProvisionalLabels uf;
};

template <class T>
void decode_crackle_typed(const CrackleHeader& h, const CrackleLayout& l, const ChunkBytes& in,
                          const ChunkTarget& t) {
  const Bbox o = t.overlap();
  if (o.empty()) return;
  const Labels<T> labels = read_labels<T>(h, l, in);
  const CrackMarkovModel model = read_crack_markov_model(in, l.model_at, h.markov_order);
  const std::int64_t sx = h.sx, sy = h.sy, sxy = sx * sy;
  const std::int64_t z0 = o.min.z - t.chunk_box.min.z, z1 = o.max.z - t.chunk_box.min.z;
  CrackleScratch s;
  s.joined_left.resize(static_cast<std::size_t>(sxy));
  s.joined_up.resize(static_cast<std::size_t>(sxy));
  s.cc.resize(static_cast<std::size_t>(sxy));
  std::vector<T> map;  // component -> label, for one slice
  std::vector<typename Labels<T>::Pin> active;
  std::size_t next_pin = 0;
  const std::uint8_t crack = h.permissible ? 1 : 0;
  const Shape4& os = t.out->shape();
  T* out = reinterpret_cast<T*>(t.out->bytes());
  for (std::int64_t z = z0; z < z1; ++z) {
    const auto zu = static_cast<std::size_t>(z);
    std::fill(s.joined_left.begin(), s.joined_left.end(), static_cast<std::uint8_t>(1 - crack));
    std::fill(s.joined_up.begin(), s.joined_up.end(), static_cast<std::uint8_t>(1 - crack));
    const std::byte* code = in.data() + l.code_at[zu];
    draw_crack_code({code, static_cast<std::size_t>(l.code_at[zu + 1] - l.code_at[zu])}, sx, sy,
                    model, crack, s.joined_left.data(), s.joined_up.data(), in, z);
    // Runs of pixels joined left to right, joined to the runs above where a pixel is.
    const std::uint8_t* jl = s.joined_left.data();
    const std::uint8_t* ju = s.joined_up.data();
    s.runs.clear();
    for (std::int64_t y = 0; y < sy; ++y) {
      const std::uint8_t* row = jl + y * sx;
      for (std::int64_t x = 0; x < sx;) {
        const std::int64_t end = find_byte(row, x + 1, sx, false);
        s.runs.add(x, end);
        x = end;
      }
      s.runs.end_row();
    }
    s.uf.clear();
    label_runs(s.runs, s.uf, [ju, sx](std::int64_t y, std::int64_t x0, std::int64_t x1) {
      return find_byte(ju + y * sx, x0, x1, true) < x1;
    });
    const std::uint32_t count = s.uf.number(0, s.final);
    const std::uint64_t first = labels.first_component[zu];
    if (count != labels.first_component[zu + 1] - first)
      in.corrupt("slice " + std::to_string(z) + " has " + std::to_string(count) +
                 " components, its label section says " +
                 std::to_string(labels.first_component[zu + 1] - first));
    const std::uint32_t* final = s.final.data();
    // The component image: its CRC (version 1), and pins look components up by pixel.
    std::uint32_t* cc = s.cc.data();
    const bool need_image = h.version == 1 || h.labels == LabelFormat::kPins;
    if (need_image)
      for (std::int64_t y = 0; y < sy; ++y)
        for (std::size_t r = s.runs.row_begin[static_cast<std::size_t>(y)];
             r < s.runs.row_begin[static_cast<std::size_t>(y) + 1]; ++r) {
          const Run& run = s.runs.runs[r];
          std::fill(cc + y * sx + run.begin, cc + y * sx + run.end, final[run.label]);
        }
    if (h.version == 1) {
      const std::uint64_t stored = load_le(in.data() + l.crc_at + 4 * (zu + 1), 4);
      if (crc32c({reinterpret_cast<const std::byte*>(cc), static_cast<std::size_t>(sxy) * 4}) !=
          stored)
        in.corrupt("the components of slice " + std::to_string(z) + " do not match their CRC-32C");
    }
    map.resize(count);
    if (h.labels == LabelFormat::kFlat) {
      const int kw = labels.key_width;
      const std::byte* keys = labels.keys + first * static_cast<std::uint64_t>(kw);
      for (std::uint32_t j = 0; j < count; ++j) {
        const std::uint64_t key =
            load_le(keys + std::uint64_t{j} * static_cast<std::uint64_t>(kw), kw);
        if (key >= labels.unique.size())
          in.corrupt("slice " + std::to_string(z) + " has key " + std::to_string(key) + " of " +
                     std::to_string(labels.unique.size()) + " labels");
        map[j] = labels.unique[static_cast<std::size_t>(key)];
      }
    } else {
      std::copy_n(labels.listed.begin() + static_cast<std::ptrdiff_t>(first), count, map.begin());
      while (next_pin < labels.pins.size() && labels.pins[next_pin].first <= z)
        active.push_back(labels.pins[next_pin++]);
      std::erase_if(active, [z](const auto& p) { return p.last < z; });
      for (const auto& p : active)
        map[cc[p.pixel]] = labels.unique[static_cast<std::size_t>(p.label)];
    }
    // The slice's rows inside the cutout, run by run.
    const std::int64_t x0 = o.min.x - t.chunk_box.min.x, x1 = o.max.x - t.chunk_box.min.x;
    for (std::int64_t y = o.min.y - t.chunk_box.min.y; y < o.max.y - t.chunk_box.min.y; ++y) {
      T* dst = out + (o.min.x - t.out_box.min.x) - x0 +
               os.x * ((y + t.chunk_box.min.y - t.out_box.min.y) +
                       os.y * (z + t.chunk_box.min.z - t.out_box.min.z));
      for (std::size_t r = s.runs.row_begin[static_cast<std::size_t>(y)];
           r < s.runs.row_begin[static_cast<std::size_t>(y) + 1]; ++r) {
        const Run& run = s.runs.runs[r];
        const std::int64_t b = std::max(run.begin, x0), e = std::min(run.end, x1);
        if (b < e) std::fill(dst + b, dst + e, map[final[run.label]]);
      }
    }
  }
}

}  // namespace

std::uint8_t crackle_crc8(std::span<const std::byte> bytes) {
  std::uint8_t crc = 0xff;
  for (const std::byte b : bytes) {
    crc ^= std::to_integer<std::uint8_t>(b);
    for (int k = 0; k < 8; ++k)
      crc = static_cast<std::uint8_t>(crc & 1 ? (crc >> 1) ^ 0xe7 : crc >> 1);
  }
  return crc;
}

void decode_crackle_chunk(std::span<const std::byte> bytes, const ChunkTarget& t,
                          const std::string& name) {
  const ChunkBytes in(bytes, name, "crackle");
  const CrackleHeader h = read_crackle_header(in, t);
  const CrackleLayout l = lay_out_crackle(h, in);
  with_label_type(h.width, [&](auto label) { decode_crackle_typed<decltype(label)>(h, l, in, t); });
}

}  // namespace imagery::precomputed
