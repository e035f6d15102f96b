// cli: the `handout` command — parses arguments, runs a job, maps its result to exit codes 0/1/2.
#include "batch/batch_job.hpp"
#include "batch/report.hpp"
#include "cli/check_job.hpp"
#include "cli/render_job.hpp"
#include "cli/send_command.hpp"
#include "deliver/write_file.hpp"
#include "pipeline/exit_code.hpp"
#include "pipeline/inputs.hpp"
#include "pipeline/render_record.hpp"

#include <CLI/CLI.hpp>

#include <iostream>

namespace {

using handout::ExitCode;

void print(const handout::Diagnostics& ds) {
    for (const auto& d : ds) {
        std::cerr << handout::format_diagnostic(d);
    }
}

int exit_with(ExitCode code) {
    return handout::exit_status(code);
}

/// An option whose value is one of an enum's names (as `name(E)` spells them), stored as the enum.
template <class E, std::size_t N>
CLI::Option* add_enum_option(CLI::App* app, const std::string& flags, E& target, const E (&all)[N],
                             const std::string& description) {
    std::vector<std::string> names;
    for (E e : all) {
        names.emplace_back(handout::name(e));
    }
    return app
        ->add_option_function<std::string>(
            flags,
            [&target, &all](const std::string& text) {
                for (E e : all) {
                    if (handout::name(e) == text) {
                        target = e;
                    }
                }
            },
            description)
        ->check(CLI::IsMember(names));
}

/// `--limit NAME=VALUE`, repeatable: changes one of `limits` (README, "Reliability").
void add_limit_option(CLI::App* app, handout::Limits& limits) {
    std::string names;
    for (const auto& info : handout::limit_infos()) {
        names += (names.empty() ? "" : ", ") + std::string(info.name) + " (" +
                 std::to_string(handout::limit_value(handout::Limits{}, info.name)) + " " + std::string(info.unit) + ")";
    }
    app->add_option_function<std::vector<std::string>>(
           "--limit",
           [&limits](const std::vector<std::string>& settings) {
               for (const auto& setting : settings) {
                   if (auto problem = handout::apply_limit(limits, setting)) {
                       throw CLI::ValidationError("--limit", *problem);
                   }
               }
           },
           "Change a limit, NAME=VALUE (repeatable): " + names)
        ->type_name("NAME=VALUE");
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
    add_enum_option(render, "--format", job.format, handout::all_output_formats, "pdf, png or dump");
    add_enum_option(render, "--engine", job.engine, handout::all_engines, "PDF engine: handout (tagged, the default), cairo, or haru (libharu; Latin-script and other unshaped text)");
    render->add_option("--dpi", job.dpi, "PNG resolution")->check(CLI::Range(18.0, 1200.0));
    render->add_option("-o,--output", job.output, "Output file, - for standard output (PNG: a prefix, pages get -1.png, -2.png …)")
        ->required();
    add_limit_option(render, job.limits);

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
    bsub->add_option("--allow-dir", batch.allow_dirs,
                     "A folder whose files a record's content or layout column may name (repeatable); "
                     "the folders of --content and --layout and handout's own are always allowed");
    bsub->add_option("--encoding", batch.encoding,
                     "The manifest's encoding when not UTF-8, e.g. WINDOWS-1252 or ISO-8859-1 (converted with iconv)");
    bsub->add_option_function<std::string>(
            "--mode",
            [&](const std::string& octal) {
                std::size_t used = 0;
                unsigned long m = 0;
                try {
                    m = std::stoul(octal, &used, 8);
                } catch (const std::exception&) {
                    used = 0;
                }
                if (used != octal.size() || octal.empty() || m > 0777) {
                    throw CLI::ValidationError("--mode", "`" + octal + "` is not an octal mode such as 0600 or 0640");
                }
                batch.mode = static_cast<unsigned>(m);
            },
            "Permissions of the PDFs, report and journal, octal (default 0600: patient data), under the umask");
    bsub->add_option("--record-time", batch.record_seconds, "Seconds a record may take before it fails (default 120)")
            ->check(CLI::Range(1U, 86400U));
    bsub->add_option("--record-memory", batch.record_memory_mb,
                     "Megabytes a record's renderer may use before it fails (default 2048)")
            ->check(CLI::Range(64U, 1048576U));
    add_limit_option(bsub, batch.limits);
    bsub->add_flag("--force", batch.force, "Render every record, even when its output is up to date");
    add_enum_option(bsub, "--engine", batch.engine, handout::all_engines, "PDF engine: handout (tagged, the default), cairo, or haru (libharu; Latin-script and other unshaped text)");
    bsub->add_flag("-q,--quiet", quiet, "No progress and no summary");
    bsub->add_flag("--protect", batch.protect, "Encrypt each PDF (AES-256) with the record's password (--password)");
    bsub->add_option("--password", batch.password_template,
                     "Each record's password, a template: e.g. '{{patient.dob|DDMMYYYY}}' (an ISO date as 8 digits)");
    bsub->add_option("--keep-unprotected", batch.keep_unprotected_dir,
                     "Also write each PDF unencrypted into this folder (the clinic's copy)");
    bsub->add_option("--email-template", batch.email_template_path,
                     "Make one message per record from this template (From, Subject, body; README, \"Sending to patients\")");
    bsub->add_option("--email-to", batch.email_to, "The recipient, a template (default '{{patient.email}}')");
    bsub->add_option("--outbox", batch.outbox_dir, "Folder of the messages (.eml), default OUT/outbox");
    std::string batch_smtp;
    bool batch_send = false;
    bool batch_insecure_local = false;
    bsub->add_option("--smtp", batch_smtp, "Send each message as the batch goes: smtp://host:587 (STARTTLS) or smtps://host");
    bsub->add_flag("--send", batch_send, "With --smtp: really send (without it, a dry run)");
    bsub->add_flag("--insecure-local", batch_insecure_local, "With --smtp: no TLS, to a server on this machine only");
    std::string batch_ca_file;
    bsub->add_option("--ca-file", batch_ca_file, "With --smtp: trust the certificates in this PEM file for the server")
            ->check(CLI::ExistingFile);
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
    add_limit_option(csub, check.limits);

    auto send = handout::add_send_command(app);

    std::vector<std::string> reports;
    std::string merged_path;
    auto* merge = app.add_subcommand("merge-reports", "Join the reports of a sharded batch into one");
    merge->add_option("reports", reports, "Report files")->required();
    merge->add_option("-o,--output", merged_path, "Merged report (default: stdout)");

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        return app.exit(e) == 0 ? exit_with(ExitCode::ok) : exit_with(ExitCode::bad_input);
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
            return exit_with(ExitCode::bad_input);
        }
        return exit_with(handout::run_check(check));
    }
    if (*render) {
        if (!split_vars(var_args, job.vars)) {
            return exit_with(ExitCode::bad_input);
        }
        handout::RenderOutcome outcome = handout::run_render(job);
        print(outcome.diagnostics);
        return exit_with(outcome.exit_code);
    }
    if (*bsub) {
        batch.progress = quiet ? handout::ProgressMode::quiet
                         : progress_lines ? handout::ProgressMode::lines
                                          : handout::ProgressMode::automatic;
        if (!batch_smtp.empty()) {
            handout::SendJob smtp;
            smtp.smtp_url = batch_smtp;
            smtp.send = batch_send;
            smtp.insecure_local = batch_insecure_local;
            smtp.ca_file = batch_ca_file;
            smtp.quiet = true;
            batch.smtp = smtp;
        } else if (batch_send || batch_insecure_local || !batch_ca_file.empty()) {
            std::cerr << "handout: error: --send, --insecure-local and --ca-file go with --smtp\n"
                      << "  hint: add --smtp smtp://HOST:587, or send the outbox later with `handout send`\n";
            return exit_with(ExitCode::bad_input);
        }
        handout::BatchOutcome outcome = handout::run_batch(batch);
        print(outcome.diagnostics);
        // Failed records by row and id only: the messages carry no record values. The report
        // has them all; the terminal gets the first few.
        const std::size_t shown = quiet ? 0 : outcome.report.records.size();
        for (std::size_t i = 0; i < shown; ++i) {
            const auto& r = outcome.report.records[i];
            std::cerr << "handout: row " << r.row << (r.id.empty() ? "" : " (id " + r.id + ")") << " failed: " << r.error
                      << "\n";
        }
        if (!quiet && outcome.failed_records > shown) {
            std::cerr << "handout: … and " << outcome.failed_records - shown << " more failed records (see the report)\n";
        }
        if (batch.smtp && !quiet) {
            if (batch.smtp->send) {
                std::cerr << "handout: sent " << outcome.sent << ", already sent " << outcome.already_sent << ", failed "
                          << outcome.send_failed << ", in doubt " << outcome.in_doubt << "\n";
            } else {
                std::cerr << "handout: dry run: " << outcome.would_send
                          << " messages would be sent (add --send; `handout send OUTBOX` lists them)\n";
            }
        }
        if (!outcome.report_written.empty() && !quiet) {
            std::cerr << "handout: report: " << outcome.report_written << "\n";
        }
        return exit_with(outcome.exit_code);
    }
    if (*send.app) {
        return handout::run_send_command(send);
    }
    if (*merge) {
        std::vector<std::pair<std::string, std::string>> inputs;
        for (const auto& path : reports) {
            auto src = handout::read_source(path, "report");
            if (!src.value) {
                print(src.diagnostics);
                return exit_with(ExitCode::bad_input);
            }
            inputs.emplace_back(path, (*src.value)->text);
        }
        handout::MergedReport merged = handout::merge_reports(inputs);
        if (!merged.error.empty()) {
            std::cerr << "handout: error: " << merged.error << "\n";
            return exit_with(ExitCode::bad_input);
        }
        if (merged_path.empty()) {
            std::cout << merged.json;
        } else if (auto err = handout::write_atomically(merged_path, merged.json, handout::Durability::immediate, 0600)) {  // patient ids: 0600
            std::cerr << "handout: error: " << *err << "\n";
            return exit_with(ExitCode::failed);
        }
        return exit_with(merged.failed > 0 ? ExitCode::failed : ExitCode::ok);
    }
    return exit_with(ExitCode::bad_input);
}
