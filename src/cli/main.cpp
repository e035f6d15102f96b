// cli: the `handout` command — parses arguments, runs a job, maps its result to exit codes 0/1/2.
#include "batch/batch_job.hpp"
#include "batch/report.hpp"
#include "cli/check_job.hpp"
#include "cli/render_job.hpp"
#include "deliver/write_file.hpp"
#include "pipeline/inputs.hpp"

#include <CLI/CLI.hpp>

#include <iostream>

namespace {

int print(const handout::Diagnostics& ds) {
    for (const auto& d : ds) {
        std::cerr << handout::format_diagnostic(d);
    }
    return 0;
}

}  // namespace

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
    render->add_option("--engine", job.engine, "PDF engine: handout (tagged, the default) or cairo")
        ->check(CLI::IsMember({"handout", "cairo"}));
    render->add_option("--dpi", job.dpi, "PNG resolution")->check(CLI::Range(18.0, 1200.0));
    render->add_option("-o,--output", job.output, "Output file (PNG: prefix, pages get -1.png, -2.png …; dump: - for stdout)")
        ->required();

    handout::BatchJob batch;
    bool quiet = false;
    bool progress_lines = false;
    auto* bsub = app.add_subcommand("batch", "Render one personalised PDF per record of a CSV or JSON Lines manifest");
    bsub->add_option("manifest", batch.manifest_path, "Manifest: .csv, or .jsonl (one JSON object per line)")->required();
    bsub->add_option("-c,--content", batch.content_path, "Content file; a record's `content` column overrides it")->required();
    bsub->add_option("-l,--layout", batch.layout_path, "Layout file; a record's `layout` column overrides it");
    bsub->add_option("--out", batch.out_dir, "Output folder")->required();
    bsub->add_option("--name", batch.name_template, "Output name template, e.g. '{{patient.id}}-{{lang}}.pdf'");
    bsub->add_option("--report", batch.report_path, "Report file (JSON); default: OUT/report.json");
    bsub->add_option("-j,--jobs", batch.jobs, "Worker threads (default: all cores)")->check(CLI::Range(1U, 256U));
    bsub->add_option("--shard", batch.shard, "Render part K of N (1-based), e.g. 3/8");
    bsub->add_option("--shard-count", batch.shard_count, "N for schedulers that give only an index (Kubernetes, AWS Batch)");
    bsub->add_option("--id-column", batch.id_column, "Column that names a record in messages (default: patient.id or id)");
    bsub->add_flag("--force", batch.force, "Render every record, even when its output is up to date");
    bsub->add_option("--engine", batch.engine, "PDF engine: handout (tagged, the default) or cairo")
        ->check(CLI::IsMember({"handout", "cairo"}));
    bsub->add_flag("-q,--quiet", quiet, "No progress and no summary");
    bsub->add_flag("--progress-lines", progress_lines, "Plain progress lines even on a terminal");

    handout::CheckJob check;
    std::vector<std::string> check_vars;
    auto* csub = app.add_subcommand("check", "Hold a content file to its kind's rules and the layout's, without writing anything");
    csub->add_option("content", check.content_path, "Content file")->required();
    csub->add_option("-l,--layout", check.layout_path, "Layout file; default: layouts/letter.toml");
    csub->add_option("--var", check_vars, "A variable, NAME=VALUE (repeatable): then every variable must have a value");
    csub->add_option("--data", check.data_path, "A JSON object file with the variables");
    csub->add_flag("--json", check.json, "Findings as JSON on stdout");
    csub->add_flag("--strict", check.strict, "Warnings fail too (exit 1)");

    std::vector<std::string> reports;
    std::string merged_path;
    auto* merge = app.add_subcommand("merge-reports", "Join the reports of a sharded batch into one");
    merge->add_option("reports", reports, "Report files")->required();
    merge->add_option("-o,--output", merged_path, "Merged report (default: stdout)");

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        int rc = app.exit(e);
        return rc == 0 ? 0 : 2;
    }

    auto split_vars = [](const std::vector<std::string>& args, std::vector<std::pair<std::string, std::string>>& out) {
        for (const auto& v : args) {
            auto eq = v.find('=');
            if (eq == std::string::npos || eq == 0) {
                std::cerr << "handout: error: --var `" << v.substr(0, v.find('=')) << "` needs the form NAME=VALUE\n"
                          << "  hint: e.g. --var patient.name=\"Ana Ruiz\"\n";
                return false;
            }
            out.emplace_back(v.substr(0, eq), v.substr(eq + 1));
        }
        return true;
    };
    if (*csub) {
        if (!split_vars(check_vars, check.vars)) {
            return 2;
        }
        return handout::run_check(check);
    }
    if (*render) {
        if (!split_vars(var_args, job.vars)) {
            return 2;
        }
        handout::RenderOutcome outcome = handout::run_render(job);
        print(outcome.diagnostics);
        return outcome.exit_code;
    }
    if (*bsub) {
        batch.progress = quiet ? handout::BatchJob::Progress::quiet
                         : progress_lines ? handout::BatchJob::Progress::lines
                                          : handout::BatchJob::Progress::automatic;
        handout::BatchOutcome outcome = handout::run_batch(batch);
        print(outcome.diagnostics);
        // Failed records by row and id only: the messages carry no record values. The report
        // has them all; the terminal gets the first few.
        std::size_t failed = 0;
        for (const auto& r : outcome.report.records) {
            if (r.status != "failed" || quiet) {
                continue;
            }
            if (++failed <= 20) {
                std::cerr << "handout: row " << r.row << (r.id.empty() ? "" : " (id " + r.id + ")") << " failed: " << r.error
                          << "\n";
            }
        }
        if (failed > 20) {
            std::cerr << "handout: … and " << failed - 20 << " more failed records (see the report)\n";
        }
        if (!outcome.report_written.empty() && !quiet) {
            std::cerr << "handout: report: " << outcome.report_written << "\n";
        }
        return outcome.exit_code;
    }
    if (*merge) {
        std::vector<std::pair<std::string, std::string>> inputs;
        for (const auto& path : reports) {
            auto src = handout::read_source(path, "report");
            if (!src.value) {
                print(src.diagnostics);
                return 2;
            }
            inputs.emplace_back(path, (*src.value)->text);
        }
        handout::MergedReport merged = handout::merge_reports(inputs);
        if (!merged.error.empty()) {
            std::cerr << "handout: error: " << merged.error << "\n";
            return 2;
        }
        if (merged_path.empty()) {
            std::cout << merged.json;
        } else if (auto err = handout::write_atomically(merged_path, merged.json)) {
            std::cerr << "handout: error: " << *err << "\n";
            return 1;
        }
        return merged.failed > 0 ? 1 : 0;
    }
    return 2;
}
