#include "cli/job_inputs.hpp"

namespace handout {

namespace {

void append(Diagnostics& to, Diagnostics from) {
    for (auto& d : from) {
        to.push_back(std::move(d));
    }
}

}  // namespace

std::optional<JobInputs> load_job_inputs(const std::string& content_path, const std::string& layout_path,
                                         const std::string& data_path,
                                         const std::vector<std::pair<std::string, std::string>>& vars,
                                         const Limits& limits, Diagnostics& diagnostics) {
    auto content = load_content(content_path, limits);
    append(diagnostics, std::move(content.diagnostics));
    auto layout = load_layout(layout_path.empty() ? default_layout_path() : layout_path, limits);
    append(diagnostics, std::move(layout.diagnostics));
    JobInputs inputs;
    if (!data_path.empty()) {
        auto data = read_source(data_path, "data file");
        append(diagnostics, std::move(data.diagnostics));
        if (data.value) {
            auto from_json = vars_from_json(*data.value);
            append(diagnostics, std::move(from_json.diagnostics));
            if (from_json.value) {
                inputs.vars = std::move(*from_json.value);
            }
        }
    }
    for (const auto& [name, value] : vars) {
        inputs.vars[name] = value;
    }
    if (!content.value || !layout.value || has_errors(diagnostics)) {
        return std::nullopt;
    }
    inputs.content = std::move(*content.value);
    inputs.layout = std::move(*layout.value);
    return inputs;
}

}  // namespace handout
