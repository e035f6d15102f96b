// bench: what both benches use — one process run with its output thrown away, measured as the
// benches report it, and plain prose of a given size.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace bench {

/// Wall and CPU seconds, peak RSS (wait4's: the process and what it waited for) and exit status
/// (128 + the signal when one ended it; -1 when it could not be started).
struct Child {
    double wall_s = 0, cpu_s = 0, rss_mib = 0;
    int status = -1;
};

/// Runs `args` (args[0] a path, no PATH search) in this process's environment with stdout to
/// /dev/null and stderr to `stderr_path` (created 0600), and waits for it.
Child run_quiet(std::vector<std::string> args, const std::string& stderr_path = "/dev/null");

/// `n` bytes or a little more of ordinary words with spaces and a full stop every eleven words,
/// on one line: one paragraph.
std::string prose_bytes(std::size_t n);

}  // namespace bench
