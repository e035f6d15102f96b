#include "pipeline/render_record.hpp"

#include "core/stage_times.hpp"
#include "pipeline/worker.hpp"
#include "render/cairo/render_cairo.hpp"
#include "render/haru/render_haru.hpp"
#include "render/pdf/render_pdf.hpp"

namespace handout {

namespace {

template <class E, std::size_t N>
std::optional<E> parse_among(const E (&all)[N], std::string_view text) {
    for (E e : all) {
        if (name(e) == text) {
            return e;
        }
    }
    return std::nullopt;
}

void append(Diagnostics& to, Diagnostics from) {
    for (auto& d : from) {
        to.push_back(std::move(d));
    }
}

}  // namespace

std::string_view name(Engine engine) {
    switch (engine) {
        case Engine::handout: return "handout";
        case Engine::cairo: return "cairo";
        case Engine::haru: return "haru";
    }
    return "handout";
}

std::optional<Engine> parse_engine(std::string_view text) { return parse_among(all_engines, text); }

std::string_view name(OutputFormat format) {
    switch (format) {
        case OutputFormat::pdf: return "pdf";
        case OutputFormat::png: return "png";
        case OutputFormat::dump: return "dump";
    }
    return "pdf";
}

std::optional<OutputFormat> parse_output_format(std::string_view text) { return parse_among(all_output_formats, text); }

RenderedRecord render_record(Worker& worker, const ContentInput& content, const LayoutInput& layout, const Vars& vars,
                             const RenderOptions& options) {
    RenderedRecord out;
    auto stop = [&](ExitCode status) {
        out.status = status;
        out.outputs.clear();
        return std::move(out);
    };
    append(out.diagnostics, worker.check_families(layout));
    if (has_errors(out.diagnostics)) {
        return stop(ExitCode::bad_input);
    }
    StageTimer typeset_time(Stage::typeset);
    auto pages = worker.typeset_record(content, layout, vars);
    typeset_time.stop();
    append(out.diagnostics, std::move(pages.diagnostics));
    if (!pages.value || has_errors(out.diagnostics)) {
        return stop(ExitCode::bad_input);
    }
    out.pages = static_cast<int>(pages.value->pages.size());

    Result<std::vector<std::string>> rendered;
    switch (options.format) {
        case OutputFormat::dump:
            rendered.value = std::vector<std::string>{dump_pages(*pages.value)};
            break;
        case OutputFormat::png:
            rendered = render_png_cairo(*pages.value, options.dpi, &worker.cairo());
            break;
        case OutputFormat::pdf: {
            // The tagged writer times its own stages; Cairo's and libharu's are one each.
            StageTimer engine_time(options.engine == Engine::cairo  ? Stage::cairo
                                   : options.engine == Engine::haru ? Stage::haru
                                                                    : Stage::count);
            Result<std::string> pdf;
            switch (options.engine) {
                case Engine::handout: pdf = render_pdf_tagged(*pages.value, &worker.pdf()); break;
                case Engine::cairo: pdf = render_pdf_cairo(*pages.value, &worker.cairo()); break;
                case Engine::haru: pdf = render_pdf_haru(*pages.value, &worker.haru(), content.doc.source); break;
            }
            rendered.diagnostics = std::move(pdf.diagnostics);
            if (pdf.value) {
                rendered.value = std::vector<std::string>{std::move(*pdf.value)};
            }
            break;
        }
    }
    append(out.diagnostics, std::move(rendered.diagnostics));
    if (!rendered.value || has_errors(out.diagnostics)) {
        return stop(ExitCode::failed);
    }
    out.outputs = std::move(*rendered.value);
    return out;
}

}  // namespace handout
