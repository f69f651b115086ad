// What graphene reads should give, worked out without the code under test: the example
// watershed read straight from its folder, and each supervoxel mapped through the fake CAVE's
// own model of the graph (CaveGraph::root_at), for comparing voxel by voxel.
#pragma once

#include <catch2/catch.hpp>

#include <cstring>
#include <set>

#include "imagery/precomputed/volume.h"
#include "support/fake_cave.h"
#include "support/test_context.h"

namespace imagery::testing {

// The supervoxels of examples/graphene/watershed in `box` at `mip`.
inline Array example_supervoxels(const Bbox& box, int mip = 0) {
  auto ctx = make_context();
  return precomputed::Volume::open(examples_path("graphene/watershed"), *ctx).download(box, mip);
}

// Each supervoxel of `stored` replaced by its root at `ts` in the server's graph.
inline Array roots_in_graph(const FakeCave& cave, const Array& stored, double ts) {
  Array labels(stored.dtype(), stored.shape());
  if (stored.size_bytes()) std::memcpy(labels.bytes(), stored.bytes(), stored.size_bytes());
  std::uint64_t* p = labels.data<std::uint64_t>();
  for (std::int64_t i = 0; i < labels.shape().count(); ++i)
    p[i] = p[i] == 0 ? 0 : cave.graph().root_at(p[i], ts);
  return labels;
}

// Voxels where two uint64 arrays of one shape differ.
inline std::size_t differing_voxels(const Array& a, const Array& b) {
  REQUIRE(a.shape() == b.shape());
  std::size_t n = 0;
  for (std::int64_t i = 0; i < a.shape().count(); ++i)
    n += a.data<std::uint64_t>()[i] != b.data<std::uint64_t>()[i];
  return n;
}

inline std::set<std::uint64_t> distinct_labels(const Array& a) {
  return {a.data<std::uint64_t>(), a.data<std::uint64_t>() + a.shape().count()};
}

}  // namespace imagery::testing
