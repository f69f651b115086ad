// The extension module `imagery._native`: errors, arrays, volumes (this file), the overlay
// (overlay_bindings.cpp), the client, figures, layouts and renders (client_bindings.cpp). The
// pure-Python package `imagery` (python/imagery) gives them ImageryClient's names and shapes.
#include <pybind11/stl.h>

#include <chrono>
#include <cmath>
#include <cstring>
#include <utility>

#include "imagery/core/allocator.h"
#include "imagery/core/error.h"
#include "imagery/precomputed/internal/shard_cache.h"
#include "imagery/version.h"
#include "imagery/volume/open_volume.h"
#include "native.h"

namespace imagery::python {

io::Context& context() {
  return io::Context::default_context();
}

py::dtype numpy_dtype(DataType dtype) {
  switch (dtype) {
    case DataType::kUint8:
      return py::dtype::of<std::uint8_t>();
    case DataType::kInt8:
      return py::dtype::of<std::int8_t>();
    case DataType::kUint16:
      return py::dtype::of<std::uint16_t>();
    case DataType::kInt16:
      return py::dtype::of<std::int16_t>();
    case DataType::kUint32:
      return py::dtype::of<std::uint32_t>();
    case DataType::kInt32:
      return py::dtype::of<std::int32_t>();
    case DataType::kUint64:
      return py::dtype::of<std::uint64_t>();
    case DataType::kInt64:
      return py::dtype::of<std::int64_t>();
    case DataType::kFloat32:
      return py::dtype::of<float>();
    case DataType::kFloat64:
      return py::dtype::of<double>();
  }
  fail(ErrorCode::kInternal, "unknown data type");
}

DataType data_type_of(const py::dtype& dtype, const std::string& what) {
  // kind + itemsize, so that every spelling of a type (np.uint64, '<u8', np.ulonglong) matches.
  const char kind = dtype.kind();
  const auto size = static_cast<std::size_t>(dtype.itemsize());
  const std::pair<char, std::size_t> key{kind, size};
  static const std::pair<std::pair<char, std::size_t>, DataType> table[] = {
      {{'u', 1}, DataType::kUint8},   {{'i', 1}, DataType::kInt8},   {{'u', 2}, DataType::kUint16},
      {{'i', 2}, DataType::kInt16},   {{'u', 4}, DataType::kUint32}, {{'i', 4}, DataType::kInt32},
      {{'u', 8}, DataType::kUint64},  {{'i', 8}, DataType::kInt64},  {{'f', 4}, DataType::kFloat32},
      {{'f', 8}, DataType::kFloat64}, {{'b', 1}, DataType::kUint8}};
  for (const auto& [k, t] : table)
    if (k == key) return t;
  fail(ErrorCode::kInvalidArgument,
       what + ": unsupported dtype " + std::string(py::str(static_cast<const py::handle&>(dtype))) +
           " (expected an integer or float type)");
}

py::array to_numpy(Array&& array) {
  auto* owned = new Array(std::move(array));
  // The capsule deletes the Array when numpy releases the last view of its buffer.
  py::capsule owner(owned, [](void* p) { delete static_cast<Array*>(p); });
  const Shape4 s = owned->shape();
  const auto e = static_cast<py::ssize_t>(owned->element_size());
  std::vector<py::ssize_t> shape{s.x, s.y, s.z, s.c};
  std::vector<py::ssize_t> strides{e, e * s.x, e * s.x * s.y, e * s.x * s.y * s.z};
  return py::array(numpy_dtype(owned->dtype()), shape, strides, owned->bytes(), owner);
}

Array from_numpy(const py::array& input, const std::string& what) {
  const auto ndim = input.ndim();
  if (ndim < 2 || ndim > 4)
    fail(ErrorCode::kInvalidArgument, what +
                                          ": expected an array of 2 to 4 dimensions ([x, y], "
                                          "[x, y, z] or [x, y, z, c]), got " +
                                          std::to_string(ndim));
  const DataType dtype = data_type_of(input.dtype(), what);
  Shape4 shape{input.shape(0), input.shape(1), ndim > 2 ? input.shape(2) : 1,
               ndim > 3 ? input.shape(3) : 1};
  Array out(dtype, shape);
  if (out.size_bytes() == 0) return out;
  // One copy into x-fastest order; a Fortran-ordered input is a plain memcpy.
  py::array fortran = py::array::ensure(input, py::array::f_style);
  if (!fortran) throw py::error_already_set();
  std::memcpy(out.bytes(), fortran.data(), out.size_bytes());
  return out;
}

Vec3d vec3d_of(const py::handle& value, const std::string& what) {
  std::vector<double> v;
  try {
    v = py::cast<std::vector<double>>(value);
  } catch (const py::cast_error&) {
    fail(ErrorCode::kInvalidArgument, what + ": expected three numbers");
  }
  if (v.size() != 3)
    fail(ErrorCode::kInvalidArgument,
         what + ": expected three numbers, got " + std::to_string(v.size()));
  return {v[0], v[1], v[2]};
}

std::chrono::system_clock::time_point time_point_of(double unix_seconds) {
  if (!std::isfinite(unix_seconds))
    fail(ErrorCode::kInvalidArgument, "timestamp: expected a finite unix time in seconds");
  return std::chrono::system_clock::time_point(
      std::chrono::duration_cast<std::chrono::system_clock::duration>(
          std::chrono::duration<double>(unix_seconds)));
}

PythonProgress::PythonProgress(py::object callable) : callable_(std::move(callable)) {}

PythonProgress::~PythonProgress() {
  // An error never rethrown (the work failed first) still holds Python objects: drop it with the
  // GIL, which the owner of this object holds.
  error_ = nullptr;
}

volume::ProgressCallback PythonProgress::callback() {
  if (!callable_ || callable_.is_none()) return {};
  return [this](std::size_t done, std::size_t total, std::uint64_t bytes) {
    {
      std::lock_guard lock(mutex_);
      if (failed_) return;
    }
    py::gil_scoped_acquire gil;
    try {
      callable_(done, total, bytes);
    } catch (...) {
      std::lock_guard lock(mutex_);
      failed_ = true;
      error_ = std::current_exception();
    }
  };
}

void PythonProgress::rethrow() {
  std::exception_ptr e;
  {
    std::lock_guard lock(mutex_);
    e = std::exchange(error_, nullptr);
  }
  if (e) std::rethrow_exception(e);
}

namespace {

// What the user can do, in the words of the Python API (keyword arguments).
std::string remedy_in_python(Remedy remedy) {
  switch (remedy) {
    case Remedy::kNone:
      return "";
    case Remedy::kReadOutside:
      return " (pass bounded=False to read the outside as 0)";
    case Remedy::kFillMissing:
      return " (pass fill_missing=True to read missing chunks as 0)";
    case Remedy::kRaiseMemoryBudget:
      return " (pass a larger max_memory= in bytes)";
    case Remedy::kGiveToken:
      return " (pass auth_token= or set up a CAVE secret file)";
    case Remedy::kSkipTlsVerification:
      return " (set IMAGERY_INSECURE=1 to skip the certificate check, insecure)";
  }
  return "";
}

// The class in imagery.errors raised for each code.
const char* error_class_name(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument:
      return "InvalidArgumentError";
    case ErrorCode::kNotFound:
      return "NotFoundError";
    case ErrorCode::kUnavailable:
      return "UnavailableError";
    case ErrorCode::kDataLoss:
      return "DataLossError";
    case ErrorCode::kPermissionDenied:
      return "PermissionDeniedError";
    case ErrorCode::kResourceExhausted:
      return "ResourceExhaustedError";
    case ErrorCode::kIoError:
      return "IoError";
    case ErrorCode::kInternal:
      return "InternalError";
    case ErrorCode::kCancelled:
      return "CancelledError";
  }
  return "InternalError";
}

}  // namespace

void register_errors(py::module_& m) {
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const Error& e) {
      const std::string message = std::string(e.what()) + remedy_in_python(e.remedy());
      py::object cls = py::module_::import("imagery.errors").attr(error_class_name(e.code()));
      PyErr_SetString(cls.ptr(), message.c_str());
    }
  });
  m.def("error_class_name", [](const std::string& code) -> std::string {
    for (ErrorCode c :
         {ErrorCode::kInvalidArgument, ErrorCode::kNotFound, ErrorCode::kUnavailable,
          ErrorCode::kDataLoss, ErrorCode::kPermissionDenied, ErrorCode::kResourceExhausted,
          ErrorCode::kIoError, ErrorCode::kInternal, ErrorCode::kCancelled})
      if (error_code_name(c) == code) return error_class_name(c);
    fail(ErrorCode::kInvalidArgument, "unknown error code '" + code + "'");
  });
  // Raises the error of a code, for the tests of the mapping.
  m.def("_raise_error", [](const std::string& code, const std::string& message) {
    for (ErrorCode c :
         {ErrorCode::kInvalidArgument, ErrorCode::kNotFound, ErrorCode::kUnavailable,
          ErrorCode::kDataLoss, ErrorCode::kPermissionDenied, ErrorCode::kResourceExhausted,
          ErrorCode::kIoError, ErrorCode::kInternal, ErrorCode::kCancelled})
      if (error_code_name(c) == code) fail(c, message);
    fail(ErrorCode::kInvalidArgument, "unknown error code '" + code + "'");
  });
}

namespace {

py::dict scale_dict(const volume::ScaleInfo& s) {
  py::dict d;
  d["key"] = s.key;
  d["resolution"] = py::make_tuple(s.resolution.x, s.resolution.y, s.resolution.z);
  d["voxel_offset"] = py::make_tuple(s.bounds.min.x, s.bounds.min.y, s.bounds.min.z);
  d["size"] = py::make_tuple(s.bounds.max.x - s.bounds.min.x, s.bounds.max.y - s.bounds.min.y,
                             s.bounds.max.z - s.bounds.min.z);
  d["chunk_size"] = py::make_tuple(s.chunk_size.x, s.chunk_size.y, s.chunk_size.z);
  d["encoding"] = s.encoding;
  d["sharding"] = s.sharding;
  d["readable"] = s.readable;
  d["usable"] = s.usable;
  d["note"] = s.note;
  return d;
}

Vec3 vec3_of(const std::vector<std::int64_t>& v, const char* what) {
  if (v.size() != 3) fail(ErrorCode::kInvalidArgument, std::string(what) + ": expected 3 numbers");
  return {v[0], v[1], v[2]};
}

}  // namespace

void grant_token(const std::string& url, const std::string& token) {
  if (token.empty() || url.empty()) return;
  const std::string location = volume::fetch_location(url);
  if (!location.empty()) context().credentials().grant(location, token);
}

void register_volume(py::module_& m) {
  m.def(
      "open_volume",
      [](const std::string& url, const std::string& token) {
        grant_token(url, token);
        NativeVolume v;
        {
          py::gil_scoped_release release;
          v.volume = volume::open_volume(url, context());
        }
        return v;
      },
      py::arg("url"), py::arg("token") = "");
  m.def("grant_token", &grant_token, py::arg("url"), py::arg("token"));
  // glibc's allocator kept from mapping and unmapping large buffers on every use, as the imagery
  // program runs; process-wide, so only when the user asks (imagery.tune_allocator()).
  m.def("tune_allocator", [] { return tune_allocator_for_large_buffers(); });
  m.def("clear_caches", [] {
    context().memory_cache().clear();
    context().resource<precomputed::ShardCaches>().clear();
  });

  py::class_<NativeVolume>(m, "NativeVolume")
      .def_property_readonly("url", [](const NativeVolume& v) { return v.volume->url(); })
      .def_property_readonly("driver",
                             [](const NativeVolume& v) { return v.volume->metadata().driver; })
      .def_property_readonly(
          "dtype", [](const NativeVolume& v) { return numpy_dtype(v.volume->metadata().dtype); })
      .def_property_readonly("channels",
                             [](const NativeVolume& v) { return v.volume->metadata().channels; })
      .def_property_readonly("layer_type",
                             [](const NativeVolume& v) {
                               return v.volume->metadata().is_segmentation() ? "segmentation"
                                                                             : "image";
                             })
      .def_property_readonly("default_mip",
                             [](const NativeVolume& v) { return v.volume->metadata().default_mip; })
      .def_property_readonly("time_points",
                             [](const NativeVolume& v) { return v.volume->metadata().time_points; })
      .def_property_readonly("has_label_mapping",
                             [](const NativeVolume& v) { return v.volume->has_label_mapping(); })
      .def_property_readonly("scales",
                             [](const NativeVolume& v) {
                               py::list out;
                               for (const auto& s : v.volume->metadata().scales)
                                 out.append(scale_dict(s));
                               return out;
                             })
      .def_property_readonly("provenance",
                             [](const NativeVolume& v) { return v.volume->metadata().provenance; })
      .def("info_json", [](const NativeVolume& v) { return v.volume->native_metadata_json(); })
      .def(
          "read",
          [](const NativeVolume& v, const std::vector<std::int64_t>& lo,
             const std::vector<std::int64_t>& hi, int mip, bool fill_missing, bool bounded,
             bool mapped, std::optional<double> timestamp,
             std::optional<std::vector<std::uint64_t>> mapped_ids, py::object progress,
             std::optional<std::uint64_t> max_bytes, std::int64_t time_point) {
            volume::ReadOptions options;
            options.fill_missing = fill_missing;
            options.bounded = bounded;
            options.labels = mapped ? volume::ReadOptions::Labels::kMapped
                                    : volume::ReadOptions::Labels::kStored;
            if (timestamp) options.timestamp = time_point_of(*timestamp);
            options.mapped_ids = std::move(mapped_ids);
            if (max_bytes) options.max_output_bytes = *max_bytes;
            options.time_point = time_point;
            PythonProgress on_progress(std::move(progress));
            options.on_progress = on_progress.callback();
            const Bbox box{vec3_of(lo, "bbox min"), vec3_of(hi, "bbox max")};
            v.volume->metadata().scale(mip);  // kNotFound for a mip the volume lacks
            Array a;
            {
              py::gil_scoped_release release;
              a = v.volume->read(box, mip, options);
            }
            on_progress.rethrow();
            return to_numpy(std::move(a));
          },
          py::arg("lo"), py::arg("hi"), py::arg("mip"), py::arg("fill_missing") = false,
          py::arg("bounded") = true, py::arg("mapped") = false, py::arg("timestamp") = py::none(),
          py::arg("mapped_ids") = py::none(), py::arg("progress") = py::none(),
          py::arg("max_bytes") = py::none(), py::arg("time_point") = 0);
}

}  // namespace imagery::python

PYBIND11_MODULE(_native, m) {
  using namespace imagery::python;
  m.doc() = "imagery's native core: volumes, cutouts, overlays and figures in C++";
  m.attr("__version__") = std::string(IMAGERY_VERSION);
  register_errors(m);
  register_volume(m);
  register_overlay(m);
  register_client(m);
  register_figure(m);
  // Which context this process uses (a child made by fork() gets its own), for the tests.
  m.def("context_address", [] { return reinterpret_cast<std::uintptr_t>(&context()); });
}
