#include "cli/render_job.hpp"

#include "cli/job_inputs.hpp"
#include "deliver/write_file.hpp"
#include "pipeline/inputs.hpp"
#include "pipeline/worker.hpp"

#include <cstdio>

namespace handout {

namespace {

void append(Diagnostics& to, Diagnostics from) {
    for (auto& d : from) {
        to.push_back(std::move(d));
    }
}

/// The bytes as they are, and nothing else, on standard output.
bool write_stdout(std::string_view bytes) {
    return std::fwrite(bytes.data(), 1, bytes.size(), stdout) == bytes.size() && std::fflush(stdout) == 0;
}

/// Writes the rendered outputs where `-o` says: standard output, one file, or one PNG file per
/// page (`PREFIX-1.png` …). Atomic (a failed run leaves the old file or none), not flushed: a
/// reader sees a whole file at once, and a flush would double the time of a one-document run.
ExitCode deliver(const RenderJob& job, const std::vector<std::string>& outputs, RenderOutcome& out) {
    auto write = [&](const std::string& path, std::string_view bytes) {
        if (auto error = write_atomically(path, bytes, Durability::deferred)) {
            out.diagnostics.push_back(Diagnostic{Severity::error, nullptr, 0, *error, {}});
            return false;
        }
        out.written.push_back(path);
        return true;
    };
    if (job.format == OutputFormat::png) {
        std::string prefix = job.output;
        if (prefix.size() > 4 && prefix.compare(prefix.size() - 4, 4, ".png") == 0) {
            prefix.resize(prefix.size() - 4);
        }
        for (std::size_t i = 0; i < outputs.size(); ++i) {
            if (!write(prefix + "-" + std::to_string(i + 1) + ".png", outputs[i])) {
                return ExitCode::failed;
            }
        }
        return ExitCode::ok;
    }
    const std::string& bytes = outputs.front();
    if (job.output == "-") {
        if (!write_stdout(bytes)) {
            out.diagnostics.push_back(Diagnostic{Severity::error, nullptr, 0, "cannot write to standard output", {}});
            return ExitCode::failed;
        }
        out.written.push_back("-");
        return ExitCode::ok;
    }
    return write(job.output, bytes) ? ExitCode::ok : ExitCode::failed;
}

}  // namespace

RenderOutcome run_render(const RenderJob& job) {
    RenderOutcome out;
    auto finish = [&](ExitCode code) {
        out.exit_code = code;
        return std::move(out);
    };
    if (job.output == "-" && job.format == OutputFormat::png) {
        out.diagnostics.push_back(Diagnostic{
            Severity::error, nullptr, 0,
            "PNG pages cannot go to standard output (`-o -`): each page is a file of its own",
            {"give a file prefix instead: `-o out/preview` writes out/preview-1.png, out/preview-2.png …"}});
        return finish(ExitCode::bad_input);
    }
    auto inputs = load_job_inputs(job.content_path, job.layout_path, job.data_path, job.vars, job.limits,
                                  out.diagnostics);
    if (!inputs) {
        return finish(ExitCode::bad_input);
    }
    auto worker = Worker::create(job.limits);
    append(out.diagnostics, std::move(worker.diagnostics));
    if (!worker.value) {
        return finish(ExitCode::bad_input);
    }
    RenderOptions options;
    options.format = job.format;
    options.engine = job.engine;
    options.dpi = job.dpi;
    RenderedRecord rendered = render_record(**worker.value, *inputs->content, *inputs->layout, inputs->vars, options);
    append(out.diagnostics, std::move(rendered.diagnostics));
    if (rendered.status != ExitCode::ok) {
        return finish(rendered.status);
    }
    return finish(deliver(job, rendered.outputs, out));
}

}  // namespace handout
