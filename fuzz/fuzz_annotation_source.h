// fuzz_annotation_source: precomputed annotation sources (neuroglancer/annotation_source.h). The
// first byte picks what the rest of the input is:
//   0: an info document, parsed; one that parses is then read over its bounds and over a box
//      taken from the input, from a storage with no cells (every grid is walked, none is read);
//   1: an annotation list, decoded under a geometry type and up to 6 property types taken from the
//      next bytes, every annotation put through the box test;
//   2: the one shard file of a sharded spatial level (POINT, the properties of the test fixture
//      `points`), with hash, preshift, minishard bits, encodings and grid shape from the input.
#pragma once

#include <cstdint>
#include <limits>
#include <string>

#include "fuzz/fuzz_input.h"
#include "imagery/core/error.h"
#include "imagery/neuroglancer/annotation_source.h"
#include "imagery/precomputed/internal/shard_cache.h"

namespace imagery::fuzz {

inline void fuzz_annotation_source(const std::uint8_t* data, std::size_t size) {
  using namespace imagery::neuroglancer;
  InputReader in(data, size);
  const int mode = in.byte() % 3;
  // Small budgets: a fuzz input must not spend seconds listing cells.
  AnnotationReadOptions options;
  options.max_chunks = 512;
  options.max_annotations = 1 << 16;
  try {
    if (mode == 0) {
      std::array<double, 3> lo{}, hi{};
      for (int d = 0; d < 3; ++d) {
        lo[d] = static_cast<std::int8_t>(in.byte()) * 1e3;
        hi[d] = lo[d] + in.byte() * 10.0;
      }
      const auto rest = in.rest();
      const std::string text(reinterpret_cast<const char*>(rest.data()), rest.size());
      AnnotationSourceInfo info = parse_annotation_source_info(text, "fuzz");
      auto storage = std::make_shared<MemoryStorage>();
      const PrecomputedAnnotationSource source(storage, info, "fuzz", fuzz_context());
      try {
        source.read_all(options);
      } catch (const Error&) {
      }
      source.read_box(lo, hi, options);
      return;
    }
    static const char* const kTypes[] = {"rgb",   "float32", "int8",  "uint16", "rgba",
                                         "uint8", "int16",   "int32", "uint32"};
    AnnotationSourceInfo info;
    if (mode == 1) {
      info.type = static_cast<AnnotationType>(in.byte() % 4);
      const int properties = in.byte() % 7;
      for (int i = 0; i < properties; ++i)
        info.properties.push_back({"p" + std::to_string(i), kTypes[in.byte() % 9], ""});
      const auto list = decode_annotation_list(in.rest(), info, "fuzz");
      const std::array<double, 3> lo{0, 0, 0}, hi{64, 64, 8};
      for (const auto& a : list) annotation_meets_box(a, lo, hi);
      return;
    }
    info.type = AnnotationType::kPoint;
    for (int i = 0; i < 4; ++i) info.properties.push_back({"p" + std::to_string(i), kTypes[i], ""});
    info.upper_bound = {128, 128, 16};
    precomputed::ShardingSpec spec;
    spec.hash = in.byte() % 2 ? precomputed::ShardHash::kMurmurHash3_x86_128
                              : precomputed::ShardHash::kIdentity;
    spec.preshift_bits = in.range(0, 2);
    spec.minishard_bits = in.range(0, 3);
    spec.shard_bits = 0;  // one shard file: 0.shard
    spec.minishard_index_encoding =
        in.byte() % 2 ? precomputed::ShardEncoding::kGzip : precomputed::ShardEncoding::kRaw;
    spec.data_encoding =
        in.byte() % 2 ? precomputed::ShardEncoding::kGzip : precomputed::ShardEncoding::kRaw;
    AnnotationSpatialLevel level;
    level.key = "s";
    for (int d = 0; d < 3; ++d) {
      level.grid_shape[d] = 1 + in.byte() % 4;
      level.chunk_size[d] = info.upper_bound[d] / static_cast<double>(level.grid_shape[d]);
    }
    level.limit = 1;
    level.sharding = spec;
    info.spatial = {level};
    auto storage = std::make_shared<MemoryStorage>();
    storage->put("s/0.shard", in.rest());
    fuzz_context().resource<precomputed::ShardCaches>().clear();  // every input is a new file
    const PrecomputedAnnotationSource source(storage, info, "fuzz", fuzz_context());
    source.read_all(options);
  } catch (const Error&) {
  }
}

}  // namespace imagery::fuzz
