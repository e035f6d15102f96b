// cli: one `handout render` — reads inputs, runs parse → resolve → typeset → render, delivers the output.
#pragma once

#include "core/diagnostic.hpp"
#include "core/limits.hpp"
#include "pipeline/exit_code.hpp"
#include "pipeline/render_record.hpp"

#include <string>
#include <utility>
#include <vector>

namespace handout {

struct RenderJob {
    std::string content_path;
    std::string layout_path;                            ///< empty = the default layout
    std::vector<std::pair<std::string, std::string>> vars;  ///< --var k=v, in order
    std::string data_path;                              ///< --data FILE.json, optional
    OutputFormat format = OutputFormat::pdf;
    Engine engine = Engine::handout;
    double dpi = 96;
    std::string output;  ///< file, or prefix for PNG pages; "-" = standard output (PDF and dump; PNG refuses it)
    Limits limits;       ///< --limit NAME=VALUE
};

struct RenderOutcome {
    ExitCode exit_code = ExitCode::ok;  ///< failed: could not render or write; bad_input: the input is unusable
    Diagnostics diagnostics;
    std::vector<std::string> written;   ///< paths of the files written ("-" for standard output)
};

RenderOutcome run_render(const RenderJob& job);

}  // namespace handout
