// gzip transport compression (RFC 1952; raw zlib streams are accepted too),
// with an output cap so a hostile body cannot inflate without bound.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <vector>

#include "imagery/core/bytes.h"

namespace imagery::io {

// Bytes: core/bytes.h

// True when `bytes` starts with the gzip magic 1f 8b.
bool has_gzip_magic(std::span<const std::byte> bytes);

// Inflates every gzip member of `bytes` (or one zlib stream). `name` is the file or URL for error
// messages; `expected_size` (0 = unknown) only sizes the first allocation. Throws kDataLoss for a
// truncated or corrupt stream and kResourceExhausted past `max_output` bytes.
Bytes gunzip(std::span<const std::byte> bytes, const std::string& name,
             std::size_t expected_size = 0, std::size_t max_output = std::size_t{4} << 30);

// Compresses with gzip framing at `level` (used by the volume writer and tests).
Bytes gzip_compress(std::span<const std::byte> bytes, int level = 6);

}  // namespace imagery::io
