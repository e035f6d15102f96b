// core: reading a whole input file under a size limit, refusing what is not a regular file (a
// FIFO would hang the run, /dev/zero would fill memory), with messages that never quote the file.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace handout {

struct ReadRule {
    std::uintmax_t max_bytes = 0;  ///< a larger file is refused before it is read
    bool regular_only = true;      ///< refuse FIFOs, devices, sockets and folders
};

/// Limits for the files a content file or a record may name (README, "Reliability").
inline constexpr std::uintmax_t max_text_bytes = 8u << 20;      ///< content, layout and kind files
inline constexpr std::uintmax_t max_picture_bytes = 32u << 20;  ///< pictures and logos

struct ReadOutcome {
    std::optional<std::string> bytes;  ///< the file, when it could be read
    std::string problem;               ///< else what is wrong, e.g. "is a FIFO, not a regular file"
    std::string hint;                  ///< and what to do

    /// "cannot read content file `a.md`: No such file or directory", "content file `a.md` is a
    /// FIFO, not a regular file": the file named as `what`, never quoted.
    std::string message(const std::string& what, const std::string& path) const;
};

/// The whole of `path` under `rule`.
ReadOutcome read_whole_file(const std::string& path, const ReadRule& rule);

}  // namespace handout
