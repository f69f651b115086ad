// What the translation units of the Python extension module `imagery._native` share: numpy
// arrays to and from imagery::Array (x-fastest arrays become Fortran-ordered numpy views that own
// the C++ buffer, no copy), Python progress callbacks called from the library's worker threads,
// the process's context (a fresh one in a child made by fork()), and the registration function of
// each part of the module.
#pragma once

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <exception>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "imagery/core/array.h"
#include "imagery/core/vec3.h"
#include "imagery/io/context.h"
#include "imagery/overlay/image.h"
#include "imagery/volume/volume.h"

namespace imagery::python {

namespace py = pybind11;

// The context every call runs in: io::Context::default_context(), which is made anew on first use
// in a child process after fork(), so a forked worker never touches its parent's threads.
io::Context& context();

// The numpy dtype of a DataType and back (kInvalidArgument naming `what` for other dtypes).
py::dtype numpy_dtype(DataType dtype);
DataType data_type_of(const py::dtype& dtype, const std::string& what);

// `array` as a numpy array of shape (X, Y, Z, C), Fortran order, owning the C++ buffer through a
// capsule: no byte is copied.
py::array to_numpy(Array&& array);

// A picture (rows top to bottom, channels interleaved) as a numpy array (height, width,
// channels) uint8 owning its pixels.
py::array picture_to_numpy(overlay::Image&& image);

// A volume opened in this process's context. The Python class imagery.Volume holds one and opens
// its URL again in a child process after fork().
struct NativeVolume {
  std::shared_ptr<const volume::Volume> volume;
};

// Requests to the origin `url` is fetched from carry `token` (nothing for "" or local paths).
void grant_token(const std::string& url, const std::string& token);

// A numpy array of 2 to 4 dimensions ([x, y], [x, y, z] or [x, y, z, c]) copied into an Array
// (X, Y, Z, C); `what` names it in messages.
Array from_numpy(const py::array& array, const std::string& what);

// Three numbers from a Python sequence (kInvalidArgument naming `what` otherwise).
Vec3d vec3d_of(const py::handle& value, const std::string& what);

// A unix time in seconds (float) to a time point.
std::chrono::system_clock::time_point time_point_of(double unix_seconds);

// A Python progress callable fn(done, total, bytes), called from worker threads with the GIL
// taken. An exception it raises stops further calls and is raised again by rethrow() once the
// work is over (call that with the GIL held).
class PythonProgress {
 public:
  explicit PythonProgress(py::object callable);
  ~PythonProgress();
  PythonProgress(const PythonProgress&) = delete;
  PythonProgress& operator=(const PythonProgress&) = delete;
  // Empty when there is no callable.
  volume::ProgressCallback callback();
  void rethrow();

 private:
  py::object callable_;
  std::mutex mutex_;
  std::exception_ptr error_;
  bool failed_ = false;
};

void register_errors(py::module_& m);
void register_volume(py::module_& m);
void register_overlay(py::module_& m);
void register_client(py::module_& m);
void register_figure(py::module_& m);

}  // namespace imagery::python
