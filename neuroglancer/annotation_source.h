// Neuroglancer precomputed annotation sources (`precomputed://URL` of a directory whose `info` has
// "@type": "neuroglancer_annotations_v1"): the info, the binary encoding of annotation lists, and
// reads of every annotation that intersects a box through the multi-level spatial index.
// docs/neuroglancer-annotation-sources.md lists the format facts relied on and their sources.
//
//   auto source = PrecomputedAnnotationSource::open("precomputed://gs://bucket/synapses", ctx);
//   std::vector<Annotation> near = source.read_box({0, 0, 100}, {4096, 4096, 101});
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <stop_token>
#include <string>
#include <string_view>
#include <vector>

#include "imagery/io/context.h"
#include "imagery/io/storage.h"
#include "imagery/neuroglancer/annotation.h"
#include "imagery/precomputed/info.h"

namespace imagery::neuroglancer {

// One level of the spatial index (info `spatial[i]`); levels are listed coarse to fine.
struct AnnotationSpatialLevel {
  // The level's sub-directory relative to the source's directory, with "." and "dir/.." segments
  // resolved (a key that would leave the directory is refused when the info is parsed).
  std::string key;
  std::array<std::int64_t, 3> grid_shape{};           // cells per dimension, each >= 1
  std::array<double, 3> chunk_size{};                 // cell size in source units, each > 0
  std::int64_t limit = 0;                             // the writer's cap on annotations per cell
  std::optional<precomputed::ShardingSpec> sharding;  // keyed by compressed Morton code
};

// An id index: `by_id`, or one relationship's index of annotations by related segment id.
struct AnnotationIdIndex {
  std::string key;  // normalised like AnnotationSpatialLevel::key
  std::optional<precomputed::ShardingSpec> sharding;
};

struct AnnotationRelationship {
  std::string id;  // the name Neuroglancer shows
  AnnotationIdIndex index;
};

struct AnnotationSourceInfo {
  AnnotationType type = AnnotationType::kPoint;
  // Dimension names in info order and metres per unit (every dimension must be a length).
  AnnotationSpace space;
  std::array<std::string, 3> units;  // as written ("nm", "m", "um", ...)
  std::array<double, 3> lower_bound{}, upper_bound{};
  // In info order; Annotation::properties follows this order (not the stored order).
  std::vector<AnnotationProperty> properties;
  std::vector<AnnotationRelationship> relationships;
  std::optional<AnnotationIdIndex> by_id;
  std::vector<AnnotationSpatialLevel> spatial;

  // Bytes of one annotation in the stored encoding: float32 geometry, properties (4-byte types
  // first, then 2-byte, then 1-byte), zero padding to a multiple of 4. Ids are not included.
  std::size_t record_bytes() const;
};

// Parses and validates an info document. `source` names the file or URL in every message, with the
// field at fault: "annotation info SOURCE: spatial[1].grid_shape[0]: ...". A malformed document
// throws kDataLoss; a well-formed one imagery cannot use (another "@type", a rank other than 3,
// non-length units, POLYLINE) throws kInvalidArgument.
AnnotationSourceInfo parse_annotation_source_info(std::string_view json_text,
                                                  const std::string& source);

// Decodes one annotation list in the multiple-annotation encoding of the spatial and relationship
// indices: uint64le count, `count` records, `count` uint64le ids. Ids become decimal strings;
// property values are numbers (rgb packed as r | g << 8 | b << 16, rgba with a << 24 added, as
// Neuroglancer packs colours). `segments` stay empty: these lists do not carry relationships.
// Throws kDataLoss naming `name` unless the length is exactly what the count implies.
std::vector<Annotation> decode_annotation_list(std::span<const std::byte> bytes,
                                               const AnnotationSourceInfo& info,
                                               const std::string& name);

// Whether the geometry of `a` meets the box [lo, hi): points inside it; lines, boxes and
// ellipsoids (centre `a`, radii `b`) with a point in common with it, boundaries included. NaN
// coordinates meet nothing.
bool annotation_meets_box(const Annotation& a, const std::array<double, 3>& lo,
                          const std::array<double, 3>& hi);

struct AnnotationReadOptions {
  // A box touching more spatial-index cells than this (summed over levels) is refused with
  // kResourceExhausted before anything is read.
  std::uint64_t max_chunks = std::uint64_t{1} << 16;
  // The chunks read may hold at most this many annotations in total (before the box filter and
  // deduplication); beyond it the read fails with kResourceExhausted instead of using gigabytes.
  std::uint64_t max_annotations = std::uint64_t{4} << 20;
  // Also fill Annotation::segments from each annotation's `by_id` entry (the spatial index does
  // not carry them): the related ids of every relationship, in info order. One small read per
  // annotation found (byte ranges of shard files when by_id is sharded); an annotation without
  // an entry keeps no segments. Ignored when the info has no by_id or no relationships.
  bool related_segments = false;
  // Keep every copy the cells hold (an annotation meeting several cells is stored in each, and
  // may be stored at several levels) instead of one per id: Neuroglancer draws each chunk's
  // copy, so a figure drawn as Neuroglancer draws it needs them all. Then the result is in
  // level order, cells in z, y, x order within a level, each cell's list in stored order.
  bool every_copy = false;
  // When requested, outstanding reads end and read_box throws kCancelled.
  std::stop_token stop;
};

class PrecomputedAnnotationSource {
 public:
  // `url`: a storage URL (path, file://, http(s)://, gs://, s3://), optionally behind
  // precomputed://. Reads and parses URL/info: kNotFound when there is none, and the errors of
  // parse_annotation_source_info.
  static PrecomputedAnnotationSource open(const std::string& url, io::Context& context);
  static PrecomputedAnnotationSource open(const std::string& url);  // the default context

  // A source over storage already opened (tests, fuzzing). `source` names it in messages.
  PrecomputedAnnotationSource(std::shared_ptr<io::Storage> storage, AnnotationSourceInfo info,
                              std::string source, io::Context& context);

  const AnnotationSourceInfo& info() const { return *info_; }
  const std::string& source() const { return source_; }

  // Every annotation whose geometry meets the box [lo, hi) in source coordinates (see
  // annotation_meets_box), found in the spatial-index cells the box touches at every level (the
  // writer puts each annotation in the cells of one level or a few, subsampled by `limit`), each
  // id once, sorted by numeric id. Missing cells are empty. A box with lo == hi in some dimension
  // is empty; hi < lo or a non-finite bound is kInvalidArgument. Corrupt cells are kDataLoss naming
  // the file (or shard file and chunk id).
  std::vector<Annotation> read_box(const std::array<double, 3>& lo, const std::array<double, 3>& hi,
                                   const AnnotationReadOptions& options = {}) const;
  // Every annotation of the spatial index: every cell of every level, no box test. (Not read_box
  // over the info's bounds: Neuroglancer's writer sets upper_bound to the largest coordinate, which
  // the exclusive bound would leave out.)
  std::vector<Annotation> read_all(const AnnotationReadOptions& options = {}) const;

 private:
  // read_box (a box) and read_all (none).
  std::vector<Annotation> read(const std::optional<std::array<std::array<double, 3>, 2>>& box,
                               const AnnotationReadOptions& options) const;
  // Fills out[i].segments from the by_id entry of ids[i].
  void read_related_segments(std::vector<Annotation>& out, const std::vector<std::uint64_t>& ids,
                             const AnnotationReadOptions& options) const;

  std::shared_ptr<io::Storage> storage_;
  std::shared_ptr<const AnnotationSourceInfo> info_;
  std::string source_;
  io::Context* context_;
};

}  // namespace imagery::neuroglancer
