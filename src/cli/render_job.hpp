// cli: one `handout render` — reads inputs, runs parse → resolve → typeset → render, delivers the output.
#pragma once

#include "core/diagnostic.hpp"

#include <string>
#include <utility>
#include <vector>

namespace handout {

struct RenderJob {
    std::string content_path;
    std::string layout_path;                            ///< empty = the default layout
    std::vector<std::pair<std::string, std::string>> vars;  ///< --var k=v, in order
    std::string data_path;                              ///< --data FILE.json, optional
    std::string format = "pdf";                         ///< pdf | png | dump
    std::string engine = "handout";                     ///< handout (the tagged writer) | cairo
    double dpi = 96;
    std::string output;                                 ///< file, or prefix for PNG pages; "-" = stdout (dump)
};

struct RenderOutcome {
    int exit_code = 0;                  ///< 0 ok, 1 could not write or render, 2 bad input
    Diagnostics diagnostics;
    std::vector<std::string> written;   ///< paths of the files written
};

RenderOutcome run_render(const RenderJob& job);

}  // namespace handout
