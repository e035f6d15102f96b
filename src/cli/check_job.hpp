// cli: one `handout check` — every guardrail on a content file with a layout, as text or JSON.
#pragma once

#include "core/limits.hpp"
#include "pipeline/exit_code.hpp"

#include <string>
#include <utility>
#include <vector>

namespace handout {

struct CheckJob {
    std::string content_path;
    std::string layout_path;                                ///< empty = the default layout
    std::vector<std::pair<std::string, std::string>> vars;  ///< when given, every variable must resolve
    std::string data_path;
    bool json = false;
    bool strict = false;                                    ///< warnings fail too
    Limits limits;                                          ///< --limit NAME=VALUE
};

/// Prints the findings (stderr for text, stdout for JSON); returns ok when clean, failed for
/// errors (or warnings with --strict), bad_input for unusable input.
ExitCode run_check(const CheckJob& job);

}  // namespace handout
