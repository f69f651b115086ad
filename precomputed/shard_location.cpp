#include "imagery/precomputed/internal/shard_location.h"

#include <cstdio>

#include "imagery/precomputed/internal/murmurhash3.h"

namespace imagery::precomputed {

std::uint64_t low_bits_mask(int bits) {
  return bits >= 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << bits) - 1;
}

std::uint64_t hashed_chunk_id(std::uint64_t chunk_id, const ShardingSpec& spec) {
  const std::uint64_t input = spec.preshift_bits >= 64 ? 0 : chunk_id >> spec.preshift_bits;
  return spec.hash == ShardHash::kIdentity ? input : murmurhash3_x86_128_low64(input);
}

ShardLocation locate_chunk(std::uint64_t chunk_id, const ShardingSpec& spec) {
  const std::uint64_t h = hashed_chunk_id(chunk_id, spec);
  const std::uint64_t above = spec.minishard_bits >= 64 ? 0 : h >> spec.minishard_bits;
  return {above & low_bits_mask(spec.shard_bits), h & low_bits_mask(spec.minishard_bits)};
}

std::string shard_file_name(std::uint64_t shard, int shard_bits) {
  char hex[32];
  const int digits = (shard_bits + 3) / 4;
  std::snprintf(hex, sizeof hex, "%0*llx", digits, static_cast<unsigned long long>(shard));
  return std::string(hex) + ".shard";
}

}  // namespace imagery::precomputed
