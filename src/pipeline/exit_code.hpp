// pipeline: what a run of `handout` comes to, as the process's exit status — the one set of
// codes `render`, `check`, `batch` and `merge-reports` return (README: "Exit codes").
#pragma once

namespace handout {

enum class ExitCode {
    ok = 0,         ///< done (warnings allowed)
    failed = 1,     ///< the output could not be rendered or written; a batch record failed; check found errors
    bad_input = 2,  ///< the input cannot be used: the message names `file:line:col` and the fix
};

constexpr int exit_status(ExitCode code) { return static_cast<int>(code); }

}  // namespace handout
