// open_volume: a URL to a Volume through a registry of drivers chosen by the URL's scheme
// prefix ("precomputed://", "graphene://", "zarr://", ...); a URL without a format prefix (a
// path, file://, http(s)://, gs://, s3://) goes to the default driver, precomputed. Drivers may
// be added at run time (register_driver), e.g. by a program with a format of its own.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "imagery/io/context.h"
#include "imagery/volume/volume.h"

namespace imagery::volume {

// Opens `url` in `context` (reading its metadata). Throws kInvalidArgument for a scheme no
// driver takes, and what the driver throws (kNotFound, kDataLoss, ...).
std::shared_ptr<const Volume> open_volume(const std::string& url, io::Context& context);

using DriverFactory =
    std::function<std::shared_ptr<const Volume>(const std::string& url, io::Context& context)>;

// Registers a driver for URLs starting with `prefix` (e.g. "myformat://"); the URL is handed
// over whole. A later registration of the same prefix replaces the earlier one. Thread-safe.
void register_driver(const std::string& prefix, DriverFactory factory);
// The registered prefixes, for messages and `imagery --help`.
std::vector<std::string> driver_prefixes();

// Where the bytes of a source URL are fetched from, for credentials: the http(s) URL behind
// its format prefix ("precomputed://gs://b/x" -> "https://storage.googleapis.com/b/x"), "" for
// local paths. Throws kInvalidArgument like open_volume for URLs it cannot read.
std::string fetch_location(const std::string& url);

}  // namespace imagery::volume
