// cli: what `render` and `check` read for one document — the content, the layout, and the
// variables from --data and --var — with every error of every input at once.
#pragma once

#include "core/diagnostic.hpp"
#include "core/limits.hpp"
#include "pipeline/inputs.hpp"
#include "resolve/resolve.hpp"

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace handout {

struct JobInputs {
    std::shared_ptr<const ContentInput> content;
    std::shared_ptr<const LayoutInput> layout;
    Vars vars;  ///< --data's, then each --var over them
};

/// No value when any input is unusable; `diagnostics` says why (and carries warnings either way).
/// The content and layout are read under `limits`.
std::optional<JobInputs> load_job_inputs(const std::string& content_path, const std::string& layout_path,
                                         const std::string& data_path,
                                         const std::vector<std::pair<std::string, std::string>>& vars,
                                         const Limits& limits, Diagnostics& diagnostics);

}  // namespace handout
