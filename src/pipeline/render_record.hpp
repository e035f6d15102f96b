// pipeline: one record, start to finish in memory — a worker typesets the shared content and
// layout with the record's values and renders the pages as a PDF (any engine), PNG pages or
// the text dump. `handout render` and every record of `handout batch` go through it.
#pragma once

#include "core/diagnostic.hpp"
#include "pipeline/exit_code.hpp"
#include "pipeline/inputs.hpp"
#include "resolve/resolve.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace handout {

class Worker;

/// Which writer makes the PDF. Spelled as `--engine` and the up-to-date hash spell it.
enum class Engine { handout, cairo, haru };
inline constexpr Engine all_engines[] = {Engine::handout, Engine::cairo, Engine::haru};
std::string_view name(Engine engine);
std::optional<Engine> parse_engine(std::string_view name);

/// What `handout render` writes. Spelled as `--format` spells it.
enum class OutputFormat { pdf, png, dump };
inline constexpr OutputFormat all_output_formats[] = {OutputFormat::pdf, OutputFormat::png, OutputFormat::dump};
std::string_view name(OutputFormat format);
std::optional<OutputFormat> parse_output_format(std::string_view name);

struct RenderOptions {
    OutputFormat format = OutputFormat::pdf;
    Engine engine = Engine::handout;  ///< for a PDF; PNG pages are always Cairo's
    double dpi = 96;                  ///< PNG only
};

struct RenderedRecord {
    /// ok; bad_input when the record cannot be typeset (a font family missing, a check error, a
    /// variable without a value); failed when the pages could not be rendered.
    ExitCode status = ExitCode::ok;
    std::vector<std::string> outputs;  ///< the bytes: one PDF or dump, or one PNG per page
    int pages = 0;
    Diagnostics diagnostics;           ///< warnings, and the errors that stopped it
};

/// Typesets `content` in `layout` with `vars` on `worker` and renders the pages as `options` say.
RenderedRecord render_record(Worker& worker, const ContentInput& content, const LayoutInput& layout, const Vars& vars,
                             const RenderOptions& options);

}  // namespace handout
