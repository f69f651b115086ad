// One array of a NumPy .npz file (a zip archive of .npy files, stored or deflated), for tests
// whose expected arrays come as .npz fixtures.
#pragma once

#include <string>

#include "imagery/core/npy.h"

namespace imagery::testing {

// The entry `name` (e.g. "data.npy") of the archive at `path`, decoded as .npy. Throws
// std::runtime_error when the archive has no such entry or it cannot be read.
NpyArray read_npz_array(const std::string& path, const std::string& name);

}  // namespace imagery::testing
