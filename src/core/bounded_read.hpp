// core: reading a whole input file under a size limit, refusing what is not a regular file (a
// FIFO would hang the run, /dev/zero would fill memory), with messages that never quote the file.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace handout {

struct ReadRule {
    std::uintmax_t max_bytes = 0;  ///< a larger file is refused before it is read
    bool regular_only = true;      ///< refuse FIFOs, devices, sockets and folders
    std::string_view limit_name;   ///< the `--limit` that sets max_bytes, for the hint ("text-size")
};

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
