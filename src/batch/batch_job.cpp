#include "batch/batch_job.hpp"

#include "batch/batch_plan.hpp"
#include "batch/progress.hpp"
#include "core/stage_times.hpp"
#include "deliver/journal.hpp"
#include "deliver/write_file.hpp"
#include "pipeline/inputs.hpp"
#include "pipeline/render_record.hpp"
#include "pipeline/worker.hpp"
#include "render/cairo/render_cairo.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <thread>

#ifndef HANDOUT_VERSION
#define HANDOUT_VERSION "0"
#endif

namespace handout {

namespace fs = std::filesystem;

std::string engine_version() {
    return std::string("handout ") + HANDOUT_VERSION + "; " + cairo_engine_version();
}

namespace {

using Clock = std::chrono::steady_clock;

std::string without_final_newlines(std::string s) {
    while (!s.empty() && s.back() == '\n') {
        s.pop_back();
    }
    return s;
}

/// The first error, formatted; `quote` false leaves out the line of the file it points into (a
/// record's report and the log never show what a file named by a record holds: its position and
/// the message suffice).
std::string first_error(const Diagnostics& ds, bool quote = true) {
    for (const auto& d : ds) {
        if (d.severity == Severity::error) {
            Diagnostic shown = d;
            shown.quote_source = shown.quote_source && quote;
            return without_final_newlines(format_diagnostic(shown));
        }
    }
    return {};
}

std::vector<std::string> warnings_of(const Diagnostics& ds) {
    std::vector<std::string> out;
    for (const auto& d : ds) {
        if (d.severity == Severity::warning) {
            out.push_back(without_final_newlines(format_diagnostic(d)));
        }
    }
    return out;
}

// ---- shared inputs ----

/// What every worker reads and none changes: each content and layout file this shard uses,
/// parsed once, and the first error of the record-free checks per pair (empty: it passes).
struct SharedInputs {
    std::map<std::string, Result<std::shared_ptr<const ContentInput>>> contents;
    std::map<std::string, Result<std::shared_ptr<const LayoutInput>>> layouts;
    std::map<InputPair, std::string> template_errors;
};

/// The checks that do not depend on a record, once per content and layout: a sheet that fails
/// them fails for every record, and is reported once, here, not once per row.
void check_templates(const BatchPlan& plan, SharedInputs& inputs, Diagnostics& diagnostics) {
    auto checker = Worker::create();
    if (!checker.value) {
        return;  // every worker will fail the same way, and say so per record
    }
    for (std::size_t i : plan.mine) {
        const RecordPlan& p = plan.records[i];
        InputPair pair{p.content_path, p.layout_path};
        if (!p.error.empty() || inputs.template_errors.count(pair) != 0) {
            continue;
        }
        const auto& content = inputs.contents.at(p.content_path);
        const auto& layout = inputs.layouts.at(p.layout_path);
        std::string& first = inputs.template_errors[pair];
        if (!content.value || !layout.value) {
            continue;  // the record says which file cannot be used
        }
        for (const auto& d : (*checker.value)->check_template(**content.value, **layout.value).diagnostics) {
            if (d.severity == Severity::error) {
                diagnostics.push_back(d);
                if (first.empty()) {
                    first = p.content_path + " with " + p.layout_path + " fails its checks: " + d.message;
                }
            }
        }
    }
}

/// Parses the content and layout files this shard's records name. No value when the job's own
/// content or layout cannot be used: then no record could be, and it is the operator's input.
Result<SharedInputs> load_shared_inputs(const BatchJob& job, const BatchPlan& plan) {
    Result<SharedInputs> r;
    SharedInputs inputs;
    for (std::size_t i : plan.mine) {
        const RecordPlan& p = plan.records[i];
        if (!p.error.empty()) {
            continue;
        }
        if (inputs.contents.count(p.content_path) == 0) {
            inputs.contents.emplace(p.content_path, load_content(p.content_path));
        }
        if (inputs.layouts.count(p.layout_path) == 0) {
            inputs.layouts.emplace(p.layout_path, load_layout(p.layout_path));
        }
    }
    if (auto it = inputs.contents.find(job.content_path); it != inputs.contents.end() && !it->second.value) {
        r.diagnostics = it->second.diagnostics;
        return r;
    }
    if (auto it = inputs.layouts.find(plan.default_layout); it != inputs.layouts.end() && !it->second.value) {
        r.diagnostics = it->second.diagnostics;
        return r;
    }
    check_templates(plan, inputs, r.diagnostics);
    r.value = std::move(inputs);
    return r;
}

// ---- the records ----

/// Renders this shard's records on worker threads, each with a Worker of its own, taking records
/// in turn; writes each PDF atomically and notes it in the journal.
class RecordRunner {
public:
    RecordRunner(const BatchJob& job, const BatchPlan& plan, const SharedInputs& inputs, StateJournal& journal,
                 ProgressMeter& meter)
        : m_job(job), m_plan(plan), m_inputs(inputs), m_journal(journal), m_meter(meter),
          m_reports(plan.mine.size()) {}

    /// The reports, in the order of plan.mine (row order).
    std::vector<RecordReport> run(unsigned threads) {
        std::vector<std::thread> others;
        for (unsigned t = 1; t < threads; ++t) {
            others.emplace_back([this] { work(); });
        }
        work();
        for (auto& t : others) {
            t.join();
        }
        return std::move(m_reports);
    }

private:
    void work() {
        auto worker = Worker::create();
        if (!worker.value) {
            std::lock_guard<std::mutex> lock(m_setup_error_mutex);
            m_setup_error = first_error(worker.diagnostics);
        }
        for (std::size_t k = m_next++; k < m_plan.mine.size(); k = m_next++) {
            const auto started = Clock::now();
            RecordReport& report = m_reports[k];
            RecordStatus status = render(m_plan.mine[k], worker.value ? worker.value->get() : nullptr, report);
            report.status = status;
            report.ms = std::chrono::duration<double, std::milli>(Clock::now() - started).count();
            m_meter.record_done(status);
        }
    }

    RecordStatus render(std::size_t index, Worker* worker, RecordReport& report) {
        const RecordPlan& plan = m_plan.records[index];
        const Record& record = m_plan.manifest.records[index];
        report.row = record.row;
        report.id = id_of(record, m_plan.id_column);
        report.warnings = plan.warnings;
        auto fail = [&](std::string error) {
            report.error = std::move(error);
            return RecordStatus::failed;
        };
        if (!plan.error.empty()) {
            return fail(plan.error);
        }
        if (worker == nullptr) {
            std::lock_guard<std::mutex> lock(m_setup_error_mutex);
            return fail("no font system: " + m_setup_error);
        }
        const auto& content = m_inputs.contents.at(plan.content_path);
        const auto& layout = m_inputs.layouts.at(plan.layout_path);
        if (!content.value) {
            return fail("the content file cannot be used: " + first_error(content.diagnostics, false));
        }
        if (!layout.value) {
            return fail("the layout file cannot be used: " + first_error(layout.diagnostics, false));
        }
        const InputPair pair{plan.content_path, plan.layout_path};
        if (auto it = m_inputs.template_errors.find(pair); it != m_inputs.template_errors.end() && !it->second.empty()) {
            return fail(it->second);
        }
        const fs::path target = fs::path(m_job.out_dir) / plan.output;
        const std::string digest = record_digest(m_plan.base_digests.at(pair), record, plan.output);
        if (auto pages = m_job.force ? std::nullopt : m_journal.up_to_date(plan.output, target, digest)) {
            m_journal.keep(plan.output, digest, *pages);
            std::error_code ec;
            report.pages = *pages;
            report.output = target.string();
            report.bytes = static_cast<std::size_t>(fs::file_size(target, ec));
            return RecordStatus::skipped;
        }
        RenderOptions options;
        options.engine = m_job.engine;
        RenderedRecord rendered = render_record(*worker, **content.value, **layout.value, record.vars, options);
        for (auto& w : warnings_of(rendered.diagnostics)) {
            report.warnings.push_back(std::move(w));
        }
        if (rendered.status != ExitCode::ok) {
            return fail(first_error(rendered.diagnostics));
        }
        const std::string& pdf = rendered.outputs.front();
        // The PDF first, then its hash: a run killed in between renders it again.
        StageTimer write_time(Stage::write_file);
        if (auto error = write_atomically(target.string(), pdf, Durability::deferred)) {
            return fail(*error);
        }
        m_journal.record(plan.output, digest, rendered.pages);
        report.output = target.string();
        report.pages = rendered.pages;
        report.bytes = pdf.size();
        return RecordStatus::ok;
    }

    const BatchJob& m_job;
    const BatchPlan& m_plan;
    const SharedInputs& m_inputs;
    StateJournal& m_journal;
    ProgressMeter& m_meter;
    std::vector<RecordReport> m_reports;  ///< one per plan.mine; each written by one thread
    std::atomic<std::size_t> m_next{0};   ///< the next record to take, index into plan.mine
    std::mutex m_setup_error_mutex;
    std::string m_setup_error;            ///< why a worker has no font system
};

/// --jobs, or all cores; never more threads than records.
unsigned thread_count(const BatchJob& job, std::size_t records) {
    unsigned jobs = job.jobs > 0 ? job.jobs : std::max(1U, std::thread::hardware_concurrency());
    return static_cast<unsigned>(std::min<std::size_t>(jobs, std::max<std::size_t>(records, 1)));
}

std::string shard_suffix(const Shard& shard) {
    return std::to_string(shard.index) + "-of-" + std::to_string(shard.count);
}

// ---- the report ----

/// --report, else OUT/report.json (OUT/report-K-of-N.json for a shard).
std::string report_path(const BatchJob& job, const Shard& shard) {
    if (!job.report_path.empty()) {
        return job.report_path;
    }
    std::string name = shard.count > 1 ? "report-" + shard_suffix(shard) + ".json" : std::string("report.json");
    return (fs::path(job.out_dir) / name).string();
}

/// Writes the report and, with HANDOUT_TIMINGS, the time by stage; ok when every record is
/// done, failed when any failed or the report cannot be written.
ExitCode write_report(const BatchJob& job, const BatchPlan& plan, unsigned threads, Clock::time_point started,
                      BatchOutcome& out) {
    Report& report = out.report;
    report.manifest = job.manifest_path;
    report.shard = std::to_string(plan.shard.index) + "/" + std::to_string(plan.shard.count);
    report.shard_source = plan.shard.source;
    report.jobs = threads;
    report.manifest_records = plan.manifest.records.size();
    report.seconds = std::chrono::duration<double>(Clock::now() - started).count();
    const std::string path = report_path(job, plan.shard);
    if (auto error = write_atomically(path, report_json(report))) {
        out.diagnostics.push_back(Diagnostic{Severity::error, nullptr, 0, *error, {}});
        return ExitCode::failed;
    }
    out.report_written = path;
    auto count = [&](RecordStatus status) {
        return static_cast<std::size_t>(std::count_if(report.records.begin(), report.records.end(),
                                                      [&](const RecordReport& r) { return r.status == status; }));
    };
    if (stage_times_on()) {
        std::fprintf(stderr, "handout: timings: %s\n", stage_report(count(RecordStatus::ok)).c_str());
    }
    return count(RecordStatus::failed) > 0 ? ExitCode::failed : ExitCode::ok;
}

}  // namespace

BatchOutcome run_batch(const BatchJob& job) {
    BatchOutcome out;
    const auto started = Clock::now();
    auto finish = [&](ExitCode code) {
        out.exit_code = code;
        return std::move(out);
    };
    auto plan = plan_batch(job);
    out.diagnostics = std::move(plan.diagnostics);
    if (!plan.value) {
        return finish(ExitCode::bad_input);
    }
    auto inputs = load_shared_inputs(job, *plan.value);
    for (auto& d : inputs.diagnostics) {
        out.diagnostics.push_back(std::move(d));
    }
    if (!inputs.value) {
        return finish(ExitCode::bad_input);
    }
    std::error_code ec;
    fs::create_directories(job.out_dir, ec);
    if (ec) {
        out.diagnostics.push_back(Diagnostic{Severity::error, nullptr, 0, "cannot create `" + job.out_dir + "`: " + ec.message(), {}});
        return finish(ExitCode::bad_input);
    }
    remove_stale_temporaries(job.out_dir);

    const Shard& shard = plan.value->shard;
    StateJournal journal(job.out_dir, shard.count > 1 ? ".handout-state-" + shard_suffix(shard) : std::string(".handout-state"));
    const unsigned threads = thread_count(job, plan.value->mine.size());
    ProgressMeter meter(plan.value->mine.size(), job.progress);
    out.report.records = RecordRunner(job, *plan.value, *inputs.value, journal, meter).run(threads);
    meter.finish();
    journal.compact();
    sync_folder(job.out_dir);
    return finish(write_report(job, *plan.value, threads, started, out));
}

}  // namespace handout
