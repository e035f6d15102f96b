// cli: the `handout` command — parses arguments, runs a job, maps its result to exit codes 0/1/2.
#include "cli/render_job.hpp"

#include <CLI/CLI.hpp>

#include <iostream>

int main(int argc, char** argv) {
    CLI::App app{"handout — print-ready, accessible patient handouts from Markdown and TOML"};
    app.require_subcommand(1);

    handout::RenderJob job;
    std::vector<std::string> var_args;
    auto* render = app.add_subcommand("render", "Lay out one content file and write a PDF, PNG pages or a dump");
    render->add_option("content", job.content_path, "Content file (Markdown with YAML front matter)")->required();
    render->add_option("-l,--layout", job.layout_path, "Layout file (TOML); default: layouts/letter.toml");
    render->add_option("--var", var_args, "A variable, NAME=VALUE (repeatable); the value is taken literally");
    render->add_option("--data", job.data_path, "A JSON object file with the variables");
    render->add_option("--format", job.format, "pdf, png or dump")->check(CLI::IsMember({"pdf", "png", "dump"}));
    render->add_option("--engine", job.engine, "PDF engine")->check(CLI::IsMember({"cairo"}));
    render->add_option("--dpi", job.dpi, "PNG resolution")->check(CLI::Range(18.0, 1200.0));
    render->add_option("-o,--output", job.output, "Output file (PNG: prefix, pages get -1.png, -2.png …; dump: - for stdout)")
        ->required();

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        int rc = app.exit(e);
        return rc == 0 ? 0 : 2;
    }
    for (const auto& v : var_args) {
        auto eq = v.find('=');
        if (eq == std::string::npos || eq == 0) {
            std::cerr << "handout: error: --var `" << v.substr(0, v.find('=')) << "` needs the form NAME=VALUE\n"
                      << "  hint: e.g. --var patient.name=\"Ana Ruiz\"\n";
            return 2;
        }
        job.vars.emplace_back(v.substr(0, eq), v.substr(eq + 1));
    }
    handout::RenderOutcome outcome = handout::run_render(job);
    for (const auto& d : outcome.diagnostics) {
        std::cerr << handout::format_diagnostic(d);
    }
    return outcome.exit_code;
}
