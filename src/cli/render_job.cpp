#include "cli/render_job.hpp"

#include "deliver/write_file.hpp"
#include "pipeline/inputs.hpp"
#include "pipeline/worker.hpp"
#include "render/cairo/render_cairo.hpp"

#include <iostream>

namespace handout {

namespace {

void append(Diagnostics& to, Diagnostics from) {
    for (auto& d : from) {
        to.push_back(std::move(d));
    }
}

}  // namespace

RenderOutcome run_render(const RenderJob& job) {
    RenderOutcome out;
    auto fail = [&](int code) {
        out.exit_code = code;
        return out;
    };
    // ---- read and parse ----
    auto content = load_content(job.content_path);
    append(out.diagnostics, std::move(content.diagnostics));
    auto layout = load_layout(job.layout_path.empty() ? default_layout_path() : job.layout_path);
    append(out.diagnostics, std::move(layout.diagnostics));
    Vars vars;
    if (!job.data_path.empty()) {
        auto data_src = read_source(job.data_path, "data file");
        append(out.diagnostics, std::move(data_src.diagnostics));
        if (data_src.value) {
            auto v = vars_from_json(*data_src.value);
            append(out.diagnostics, std::move(v.diagnostics));
            if (v.value) {
                vars = std::move(*v.value);
            }
        }
    }
    for (const auto& [k, v] : job.vars) {
        vars[k] = v;
    }
    if (!content.value || !layout.value || has_errors(out.diagnostics)) {
        return fail(2);
    }

    // ---- typeset ----
    auto worker = Worker::create();
    append(out.diagnostics, std::move(worker.diagnostics));
    if (!worker.value) {
        return fail(2);
    }
    append(out.diagnostics, (*worker.value)->check_families((*layout.value)->layout));
    if (has_errors(out.diagnostics)) {
        return fail(2);
    }
    auto pages = (*worker.value)->typeset_record(**content.value, **layout.value, vars);
    append(out.diagnostics, std::move(pages.diagnostics));
    if (!pages.value || has_errors(out.diagnostics)) {
        return fail(2);
    }

    // ---- render and deliver ----
    auto deliver = [&](const std::string& path, std::string_view bytes) {
        // Atomic (a failed run leaves the old file or none), not flushed: a reader sees a whole
        // file at once, and a flush would double the time of a one-document run.
        if (auto err = write_atomically(path, bytes, Durability::deferred)) {
            out.diagnostics.push_back(Diagnostic{Severity::error, nullptr, 0, *err, {}});
            return false;
        }
        out.written.push_back(path);
        return true;
    };
    if (job.format == "dump") {
        std::string text = dump_pages(*pages.value);
        if (job.output == "-") {
            std::cout << text;
            return out;
        }
        return deliver(job.output, text) ? out : fail(1);
    }
    if (job.format == "png") {
        auto pngs = render_png_cairo(*pages.value, job.dpi, &(*worker.value)->cairo());
        append(out.diagnostics, std::move(pngs.diagnostics));
        if (!pngs.value || has_errors(out.diagnostics)) {
            return fail(1);
        }
        std::string prefix = job.output;
        if (prefix.size() > 4 && prefix.compare(prefix.size() - 4, 4, ".png") == 0) {
            prefix.resize(prefix.size() - 4);
        }
        for (std::size_t i = 0; i < pngs.value->size(); ++i) {
            if (!deliver(prefix + "-" + std::to_string(i + 1) + ".png", (*pngs.value)[i])) {
                return fail(1);
            }
        }
        return out;
    }
    auto pdf = job.engine == "cairo" ? render_pdf_cairo(*pages.value, &(*worker.value)->cairo())
                                     : render_pdf_tagged(*pages.value, &(*worker.value)->pdf());
    append(out.diagnostics, std::move(pdf.diagnostics));
    if (!pdf.value || has_errors(out.diagnostics)) {
        return fail(1);
    }
    return deliver(job.output, *pdf.value) ? out : fail(1);
}

}  // namespace handout
