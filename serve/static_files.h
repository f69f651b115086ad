// The files the server hands out as they are (the viewer page, its scripts, Leaflet), from a
// folder that no request may leave: a path with "..", a backslash, a NUL, an absolute path or
// one whose real location (symbolic links followed) lies outside the folder is refused.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

namespace imagery::serve {

// The file `relative` (as decoded from the URL, without its leading '/') names inside `root`,
// or nullopt when it is not a regular file inside `root`.
std::optional<std::filesystem::path> resolve_static(const std::filesystem::path& root,
                                                    const std::string& relative);

// The media type of a file by its extension ("text/html; charset=utf-8", "text/javascript", ...).
std::string static_media_type(const std::filesystem::path& file);

}  // namespace imagery::serve
