// Precomputed source URLs as users write them (spec section 6): a storage URL (io/url.h),
// optionally behind precomputed:// or followed by Neuroglancer's "|neuroglancer-precomputed:".
#pragma once

#include <string>

#include "imagery/io/url.h"

namespace imagery::precomputed {

// Throws kInvalidArgument naming the source for other formats, unsupported schemes or empty
// locations.
io::StorageUrl parse_source_url(const std::string& source);

}  // namespace imagery::precomputed
