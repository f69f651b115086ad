// The named cutouts of tests/data/cloudvolume/MANIFEST.md (made with CloudVolume)
// and the SHA-256 of whole mips (truth_sha256.txt), shared by the disk and HTTP tests.
#pragma once

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "imagery/core/array.h"
#include "imagery/core/bbox.h"
#include "support/test_support.h"

namespace imagery::testing {

struct NamedCutout {
  const char* name;
  const char* volume;
  int mip;
  Bbox mip0_bounds;
  Shape4 shape;
  DataType dtype;
  const char* sha256;
  bool fill_missing;
};

inline std::vector<NamedCutout> named_cutouts(bool sharded) {
  const char* seg_edge = "47e9e511d1ccb3c2dd4b803698a2a64101b133b0a34a3062836a0841ee0e9b0d";
  const char* seg_mip1 = "d463d4ef083178777f4f19e15348f5d2f0957bdd8a442c1ae16a3057cf967128";
  if (sharded)
    return {
        {"seg_mip0_edge murmur",
         "seg_sharded_murmur",
         0,
         {{60, 30, 12}, {200, 153, 49}},
         {140, 123, 37, 1},
         DataType::kUint64,
         seg_edge,
         false},
        {"seg_mip0_edge identity",
         "seg_sharded_identity",
         0,
         {{60, 30, 12}, {200, 153, 49}},
         {140, 123, 37, 1},
         DataType::kUint64,
         seg_edge,
         false},
        {"seg_mip1_sharded murmur",
         "seg_sharded_murmur",
         1,
         {{50, 18, 20}, {200, 153, 36}},
         {75, 68, 16, 1},
         DataType::kUint64,
         seg_mip1,
         false},
        {"seg_mip1_sharded identity",
         "seg_sharded_identity",
         1,
         {{50, 18, 20}, {200, 153, 36}},
         {75, 68, 16, 1},
         DataType::kUint64,
         seg_mip1,
         false},
    };
  return {
      {"img_raw_mip0_unaligned",
       "image_raw",
       0,
       {{130, 60, 15}, {399, 301, 40}},
       {269, 241, 25, 1},
       DataType::kUint8,
       "a4e38871b83e16b0c00e7630bd683ba35d18e0e66a27c007da6639f0fa2eecb1",
       false},
      {"img_jpeg_mip1",
       "image_jpeg",
       1,
       {{140, 40, 20}, {380, 300, 30}},
       {120, 130, 10, 1},
       DataType::kUint8,
       "fb9750d9aafce5e7ec3a9110cb1f005e0c2716c1dd46567e3aa4b1079ecae930",
       false},
      {"seg_mip0_edge",
       "seg_cseg",
       0,
       {{60, 30, 12}, {200, 153, 49}},
       {140, 123, 37, 1},
       DataType::kUint64,
       seg_edge,
       false},
      {"seg_mip1_sharded",
       "seg_cseg",
       1,
       {{50, 18, 20}, {200, 153, 36}},
       {75, 68, 16, 1},
       DataType::kUint64,
       seg_mip1,
       false},
      {"missing_chunk_fill",
       "missing_chunk",
       0,
       {{40, 40, 8}, {140, 140, 37}},
       {100, 100, 29, 1},
       DataType::kUint16,
       "1096d94645dbd6f03b4aef2ded145bb81740c82005946fc942e129cd901b9070",
       true},
  };
}

struct TruthMip {
  std::string volume;
  int mip;
  Shape4 shape;
  std::string dtype, sha256;
};

inline std::vector<TruthMip> truth_mips() {
  std::ifstream in(data_path("cloudvolume/truth_sha256.txt"));
  std::vector<TruthMip> rows;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream ss(line);
    TruthMip t;
    ss >> t.volume >> t.mip >> t.shape.x >> t.shape.y >> t.shape.z >> t.shape.c >> t.dtype >>
        t.sha256;
    rows.push_back(t);
  }
  return rows;
}

}  // namespace imagery::testing
