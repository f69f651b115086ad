#include "imagery/zarr/chunk_codec.h"

#include <algorithm>
#include <bit>

#include "imagery/core/error.h"
#include "imagery/zarr/compressors.h"

namespace imagery::zarr {

namespace {

void byte_swap(Bytes& data, std::size_t element) {
  if (element == 1) return;
  for (std::size_t i = 0; i + element <= data.size(); i += element)
    std::reverse(data.begin() + static_cast<std::ptrdiff_t>(i),
                 data.begin() + static_cast<std::ptrdiff_t>(i + element));
}

std::vector<std::int64_t> c_strides(const std::vector<std::int64_t>& shape) {
  std::vector<std::int64_t> s(shape.size());
  std::int64_t n = 1;
  for (std::size_t d = shape.size(); d-- > 0;) {
    s[d] = n;
    n *= shape[d];
  }
  return s;
}

std::uint64_t element_count(const std::vector<std::int64_t>& shape) {
  std::uint64_t n = 1;
  for (std::int64_t s : shape) n *= static_cast<std::uint64_t>(s);
  return n;
}

}  // namespace

DecodedChunk decode_chunk(std::span<const std::byte> stored, const std::vector<Codec>& codecs,
                          const std::vector<std::int64_t>& shape, DataType dtype,
                          const std::string& name) {
  const std::size_t element = dtype_size(dtype);
  const std::size_t decoded_size = static_cast<std::size_t>(element_count(shape)) * element;
  // Where the array -> bytes codec sits; bytes -> bytes codecs follow it.
  std::size_t ab = 0;
  while (ab < codecs.size() && codecs[ab].kind == Codec::Kind::kTranspose) ++ab;
  if (ab == codecs.size() || codecs[ab].kind != Codec::Kind::kBytes)
    fail(ErrorCode::kInternal, name + ": no bytes codec in the pipeline");
  Bytes data;
  bool owned = false;
  std::span<const std::byte> current = stored;
  for (std::size_t i = codecs.size(); i-- > ab + 1;) {
    // Checksums add 4 bytes each after the codecs they follow.
    std::size_t cap = decoded_size + 64;
    for (std::size_t j = ab + 1; j < i; ++j)
      if (codecs[j].kind == Codec::Kind::kCrc32c)
        cap += 4;
      else
        cap += cap / 8 + 1024;  // a compressor's worst case on incompressible data
    data = undo_bytes_codec(codecs[i], current, cap, name);
    owned = true;
    current = data;
  }
  if (current.size() != decoded_size)
    fail(ErrorCode::kDataLoss, name + ": decodes to " + std::to_string(current.size()) +
                                   " bytes, but a chunk of this shape holds " +
                                   std::to_string(decoded_size));
  if (!owned) data.assign(current.begin(), current.end());
  if (codecs[ab].big_endian == (std::endian::native == std::endian::little))
    byte_swap(data, element);
  // The bytes are the C-order elements of the encoded shape: the decoded shape permuted by every
  // transpose, applied in order.
  std::vector<int> axes(shape.size());  // encoded dimension i is decoded dimension axes[i]
  for (std::size_t d = 0; d < axes.size(); ++d) axes[d] = static_cast<int>(d);
  for (std::size_t t = 0; t < ab; ++t) {
    std::vector<int> next(axes.size());
    for (std::size_t i = 0; i < axes.size(); ++i) next[i] = axes[codecs[t].order[i]];
    axes = next;
  }
  std::vector<std::int64_t> encoded_shape(shape.size());
  for (std::size_t i = 0; i < axes.size(); ++i) encoded_shape[i] = shape[axes[i]];
  const auto es = c_strides(encoded_shape);
  DecodedChunk out;
  out.strides.resize(shape.size());
  for (std::size_t i = 0; i < axes.size(); ++i) out.strides[axes[i]] = es[i];
  out.data = std::move(data);
  return out;
}

Bytes encode_chunk(std::span<const std::byte> elements, const std::vector<Codec>& codecs,
                   const std::vector<std::int64_t>& shape, DataType dtype,
                   const CompressOptions& options) {
  const std::size_t element = dtype_size(dtype);
  std::vector<int> axes(shape.size());
  for (std::size_t d = 0; d < axes.size(); ++d) axes[d] = static_cast<int>(d);
  std::size_t ab = 0;
  for (; ab < codecs.size() && codecs[ab].kind == Codec::Kind::kTranspose; ++ab) {
    std::vector<int> next(axes.size());
    for (std::size_t i = 0; i < axes.size(); ++i) next[i] = axes[codecs[ab].order[i]];
    axes = next;
  }
  // Gather the elements in the encoded order.
  const auto src_strides = c_strides(shape);
  std::vector<std::int64_t> encoded_shape(shape.size());
  for (std::size_t i = 0; i < axes.size(); ++i) encoded_shape[i] = shape[axes[i]];
  const std::uint64_t n = element_count(shape);
  Bytes data(n * element);
  std::vector<std::int64_t> index(shape.size(), 0);
  for (std::uint64_t k = 0; k < n; ++k) {
    std::int64_t src = 0;
    for (std::size_t i = 0; i < axes.size(); ++i) src += index[i] * src_strides[axes[i]];
    std::copy_n(elements.data() + src * static_cast<std::int64_t>(element), element,
                data.data() + k * element);
    for (std::size_t i = index.size(); i-- > 0;) {
      if (++index[i] < encoded_shape[i]) break;
      index[i] = 0;
    }
  }
  if (ab < codecs.size() && codecs[ab].big_endian == (std::endian::native == std::endian::little))
    byte_swap(data, element);
  for (std::size_t i = ab + 1; i < codecs.size(); ++i) {
    CompressOptions o = options;
    o.typesize = element;
    data = apply_bytes_codec(codecs[i].kind, data, o);
  }
  return data;
}

}  // namespace imagery::zarr
