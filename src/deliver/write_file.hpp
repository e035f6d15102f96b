// deliver: takes bytes and a path, writes them atomically (temp file in the same folder, fsync, rename).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace handout {

/// `immediate` flushes each file to disk before it is renamed into place; `deferred` leaves the
/// flush to one sync_folder() at the end of a batch (a killed process still leaves only whole
/// files: the rename is atomic either way; only a power cut needs the flush).
enum class Durability { immediate, deferred };

/// Writes `bytes` to `path` so that readers see either the old file or the whole new one.
/// Creates missing parent folders. Returns an error message, or nullopt on success.
std::optional<std::string> write_atomically(const std::string& path, std::string_view bytes,
                                            Durability durability = Durability::immediate);

/// Flushes the file system holding `dir` (syncfs).
void sync_folder(const std::string& dir);

}  // namespace handout
