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

/// Permissions of an ordinary output (a single `render`, caches): 0644 under the umask. Patient
/// outputs of a batch are written with the job's mode instead (BatchJob::mode, 0600).
inline constexpr unsigned default_file_mode = 0644;

/// Temporary files are `.handout-<name>.tmp-<host>-<pid>-<random>` (deliver/temporary.hpp): a
/// name of handout's own, so the clean-up after a killed run (remove_stale_temporaries) never
/// takes a file of the user's, and never one of a process that still runs.
inline constexpr std::string_view temporary_prefix = ".handout-";
inline constexpr std::string_view temporary_infix = ".tmp-";

/// Writes `bytes` to `path` so that readers see either the old file or the whole new one.
/// Creates missing parent folders. The file gets `mode` under the process's umask (as open(2)
/// applies it), from the moment its temporary is created — never readable by more people, not
/// even for an instant — and never more than an existing file at `path` allowed: replacing a
/// 0600 file keeps it 0600. The temporary is made in `temp_dir` when given (on the same file
/// system: a batch keeps all its temporaries at the top of --out), else beside `path`.
/// Returns an error message, or nullopt on success.
std::optional<std::string> write_atomically(const std::string& path, std::string_view bytes,
                                            Durability durability = Durability::immediate,
                                            unsigned mode = default_file_mode, const std::string& temp_dir = {});

/// Flushes the file system holding `dir` (syncfs).
void sync_folder(const std::string& dir);

/// A file written a piece at a time that readers see either as it was or whole, like
/// write_atomically: a temporary (`.handout-NAME.tmp-…`, created with `mode` under the umask,
/// never more than a file it replaces allowed) in `temp_dir` when that is on the target's file
/// system (a batch keeps its temporaries at the top of --out, where a killed run's are cleaned
/// up), else beside the target; renamed over the target by commit(). Holds 64 KB at most.
class AtomicFileWriter {
public:
    AtomicFileWriter(std::string path, unsigned mode, Durability durability, const std::string& temp_dir = {});
    ~AtomicFileWriter();  ///< removes the temporary unless committed
    AtomicFileWriter(const AtomicFileWriter&) = delete;
    AtomicFileWriter& operator=(const AtomicFileWriter&) = delete;

    void write(std::string_view bytes);
    /// Flushes (to disk with Durability::immediate) and renames into place; an error message
    /// (the first one met since the start), or nullopt.
    std::optional<std::string> commit();

private:
    void flush();
    std::string m_path;
    std::string m_temporary;
    Durability m_durability;
    int m_fd = -1;
    std::string m_buffer;
    std::optional<std::string> m_error;
};

}  // namespace handout
