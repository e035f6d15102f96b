// deliver: takes bytes and a path, writes them atomically (temp file in the same folder, fsync, rename).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace handout {

/// Writes `bytes` to `path` so that readers see either the old file or the whole new one.
/// Creates missing parent folders. Returns an error message, or nullopt on success.
std::optional<std::string> write_atomically(const std::string& path, std::string_view bytes);

}  // namespace handout
