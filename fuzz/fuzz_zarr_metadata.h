// fuzz_zarr_metadata: the Zarr and NGFF documents a server hands over: `.zarray`, an array's
// `zarr.json` (codecs, sharding), a group's attributes (multiscales, axes, transforms, omero,
// image-label) and a labels list, chosen by the first byte; what parses is used as a reader uses
// it (chunk keys, codec summaries, units).
#pragma once

#include <cstdint>
#include <string>

#include "fuzz/fuzz_input.h"
#include "imagery/core/error.h"
#include "imagery/zarr/array_metadata.h"
#include "imagery/zarr/ngff.h"

namespace imagery::fuzz {

inline void fuzz_zarr_metadata(const std::uint8_t* data, std::size_t size) {
  InputReader in(data, size);
  const int kind = in.range(0, 3);
  const auto rest = in.rest();
  const std::string text(reinterpret_cast<const char*>(rest.data()), rest.size());
  try {
    if (kind <= 1) {
      const zarr::ArrayMetadata m = kind == 0 ? zarr::parse_zarray(text, "fuzz/.zarray")
                                              : zarr::parse_zarr_json_array(text, "fuzz/zarr.json");
      m.codec_summary();
      if (m.fill_value.size() != dtype_size(m.dtype)) __builtin_trap();
      std::vector<std::int64_t> cell(m.rank(), 1);
      zarr::chunk_key(m, cell);
      if (const auto* s = m.sharding())
        if (s->chunk_shape.size() != m.rank()) __builtin_trap();
    } else {
      const int format = kind == 2 ? 2 : 3;
      const std::string attributes =
          format == 3 ? zarr::ngff_attributes(text, 3, "fuzz/zarr.json") : text;
      zarr::parse_label_list(attributes, format);
      const zarr::ImageMetadata m = zarr::parse_ngff(attributes, format, "fuzz/.zattrs");
      for (const auto& d : m.datasets)
        if (d.scale.size() != m.axes.size() || d.translation.size() != m.axes.size())
          __builtin_trap();
      for (const auto& a : m.axes) zarr::nanometers_per_unit(a.unit);
    }
  } catch (const Error&) {
  }
}

}  // namespace imagery::fuzz
