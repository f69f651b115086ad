// Every fuzz target by name, for tests/fuzz_regressions_test.cpp to replay the inputs each one
// crashed on through exactly the code the fuzzer ran.
#pragma once

#include <cstdint>
#include <string_view>

#include "fuzz/fuzz_annotation_source.h"
#include "fuzz/fuzz_cave.h"
#include "fuzz/fuzz_chunk.h"
#include "fuzz/fuzz_compressed_segmentation.h"
#include "fuzz/fuzz_compresso.h"
#include "fuzz/fuzz_crackle.h"
#include "fuzz/fuzz_figure_spec.h"
#include "fuzz/fuzz_gzip.h"
#include "fuzz/fuzz_info.h"
#include "fuzz/fuzz_jxl.h"
#include "fuzz/fuzz_manifest.h"
#include "fuzz/fuzz_annotation_file.h"
#include "fuzz/fuzz_neuroglancer_state.h"
#include "fuzz/fuzz_npy.h"
#include "fuzz/fuzz_png.h"
#include "fuzz/fuzz_shard.h"
#include "fuzz/fuzz_shard_index.h"
#include "fuzz/fuzz_text.h"
#include "fuzz/fuzz_truetype.h"
#include "fuzz/fuzz_zarr_chunk.h"
#include "fuzz/fuzz_zarr_metadata.h"

namespace imagery::fuzz {

struct Target {
  std::string_view name;
  void (*run)(const std::uint8_t* data, std::size_t size);
};

inline constexpr Target kTargets[] = {
    {"fuzz_info", fuzz_info},
    {"fuzz_cave", fuzz_cave},
    {"fuzz_annotation_source", fuzz_annotation_source},
    {"fuzz_chunk", fuzz_chunk},
    {"fuzz_compressed_segmentation", fuzz_compressed_segmentation},
    {"fuzz_compresso", fuzz_compresso},
    {"fuzz_crackle", fuzz_crackle},
    {"fuzz_jxl", fuzz_jxl},
    {"fuzz_gzip", fuzz_gzip},
    {"fuzz_shard", fuzz_shard},
    {"fuzz_shard_index", fuzz_shard_index},
    {"fuzz_npy", fuzz_npy},
    {"fuzz_png", fuzz_png},
    {"fuzz_text", fuzz_text},
    {"fuzz_manifest", fuzz_manifest},
    {"fuzz_figure_spec", fuzz_figure_spec},
    {"fuzz_neuroglancer_state", fuzz_neuroglancer_state},
    {"fuzz_annotation_file", fuzz_annotation_file},
    {"fuzz_truetype", fuzz_truetype},
    {"fuzz_zarr_metadata", fuzz_zarr_metadata},
    {"fuzz_zarr_chunk", fuzz_zarr_chunk},
};

}  // namespace imagery::fuzz
