// NumPy .npy files (format versions 1.0-3.0): reading any 1- to 4-D array of a
// supported dtype in C or Fortran order, and writing Fortran-ordered arrays so
// that numpy.load() gives exactly what CloudVolume returns.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <vector>

#include "imagery/core/array.h"

namespace imagery {

struct NpyArray {
  Array array;   // x fastest; the file's axes map to x, y, z, c in order, missing ones are 1
  int ndim = 0;  // number of axes in the file
};

// Throws kNotFound for a missing file and kInvalidArgument naming `path` for a malformed one.
NpyArray read_npy(const std::string& path);
NpyArray decode_npy(std::span<const std::byte> bytes, const std::string& name);

// The header (magic, version, length, dict, padding) for an array of `shape` (numpy axis order).
std::string npy_header(DataType dtype, const std::vector<std::int64_t>& shape, bool fortran_order);

// Writes `array` as a Fortran-ordered .npy with its first `ndim` axes (trailing axes must be 1),
// atomically. ndim = 4 gives shape (X, Y, Z, C).
void write_npy(const std::string& path, const Array& array, int ndim = 4);
// The same into an already opened AtomicFile (commits it), so callers can fail on an unwritable
// output before doing expensive work.
class AtomicFile;
void write_npy(AtomicFile& file, const Array& array, int ndim = 4);

}  // namespace imagery
