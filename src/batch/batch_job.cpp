#include "batch/batch_job.hpp"

#include "batch/batch_plan.hpp"
#include "batch/child_pool.hpp"
#include "batch/progress.hpp"
#include "batch/record_delivery.hpp"
#include "core/stage_times.hpp"
#include "deliver/journal.hpp"
#include "deliver/out_lock.hpp"
#include "deliver/write_file.hpp"
#include "pipeline/inputs.hpp"
#include "pipeline/render_record.hpp"
#include "pipeline/worker.hpp"
#include "render/cairo/render_cairo.hpp"
#include "render/haru/render_haru.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <numeric>
#include <set>
#include <optional>
#include <thread>

#include <sys/resource.h>
#include <unistd.h>

#ifndef HANDOUT_VERSION
#define HANDOUT_VERSION "0"
#endif

namespace handout {

namespace fs = std::filesystem;

std::string engine_version() {
    return std::string("handout ") + HANDOUT_VERSION + "; " + cairo_engine_version() + "; " + haru_engine_version();
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

/// A test seam (README, "Reliability"): HANDOUT_FAULT_INJECTION=KEY:KIND[,KEY:KIND…], where KEY
/// is a row number (its rendering) or a file name (its parsing) and KIND is crash, abort, hang or
/// oom (allocating past --record-memory), so tests can show that one record's or one file's
/// fault ends that record, or the records naming that file, alone.
void inject_fault(std::string_view key, std::size_t memory_bytes) {
    const char* spec = std::getenv("HANDOUT_FAULT_INJECTION");
    std::string_view rest = spec != nullptr ? spec : "";
    while (!rest.empty()) {
        const std::string_view entry = rest.substr(0, rest.find(','));
        rest.remove_prefix(std::min(rest.size(), entry.size() + 1));
        const auto colon = entry.rfind(':');
        if (colon == std::string_view::npos || entry.substr(0, colon) != key) {
            continue;
        }
        const std::string_view kind = entry.substr(colon + 1);
        if (kind == "crash") {
            std::raise(SIGSEGV);
        } else if (kind == "abort") {
            std::abort();
        } else if (kind == "hang") {
            for (;;) {
                ::pause();
            }
        } else if (kind == "oom") {
            const std::size_t n = memory_bytes + (std::size_t{1} << 20);
            std::unique_ptr<char[]> hog(new char[n]);  // std::bad_alloc past the limit
            static_cast<volatile char*>(hog.get())[n - 1] = 1;
        }
    }
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
    for (const InputPair& pair : plan.pairs) {
        const auto& content = inputs.contents.at(pair.first);
        const auto& layout = inputs.layouts.at(pair.second);
        std::string& first = inputs.template_errors[pair];
        if (!content.value || !layout.value) {
            continue;  // the record says which file cannot be used
        }
        for (const auto& d : (*checker.value)->check_template(**content.value, **layout.value).diagnostics) {
            if (d.severity == Severity::error) {
                diagnostics.push_back(d);
                if (first.empty()) {
                    first = pair.first + " with " + pair.second + " fails its checks: " + d.message;
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
    // Each file is parsed in a child first: one that crashes or hangs the parser (whatever it
    // holds) fails the records that name it, and only files that parse safely are parsed here.
    std::vector<std::pair<std::string, bool>> files;  // path, is a layout
    std::set<std::pair<std::string, bool>> seen;
    for (const InputPair& pair : plan.pairs) {
        for (auto f : {std::pair{pair.first, false}, std::pair{pair.second, true}}) {
            if (seen.insert(f).second) {
                files.push_back(f);
            }
        }
    }
    std::vector<std::size_t> tasks(files.size());
    std::iota(tasks.begin(), tasks.end(), std::size_t{0});
    std::map<std::size_t, std::string> unsafe;  // file → why its parser did not come back
    ChildLimits limits;
    limits.time = std::chrono::seconds(job.record_seconds);
    limits.memory_bytes = static_cast<std::size_t>(job.record_memory_mb) << 20;
    ChildPool(std::min<std::size_t>(2, files.size()), limits)
            .run(
                    tasks,
                    [&](std::size_t t) {
                        inject_fault(fs::path(files[t].first).filename().string(), limits.memory_bytes);
                        if (files[t].second) {
                            (void)load_layout(files[t].first, job.limits);
                        } else {
                            (void)load_content(files[t].first, job.limits);
                        }
                        return std::string("parsed");
                    },
                    {}, [&](std::size_t t, const TaskEnd& end) {
                        if (!end.reply) {
                            unsafe[t] = end.failure;
                        }
                    },
                    {});
    for (std::size_t t = 0; t < files.size(); ++t) {
        const auto& [path, is_layout] = files[t];
        auto it = unsafe.find(t);
        if (it != unsafe.end()) {
            const std::string what = is_layout ? "layout file" : "content file";
            Diagnostic d{Severity::error, nullptr, 0, what + " `" + path + "`: reading it " + it->second,
                         {"check the file; it cannot be read as a " + what}};
            if (is_layout) {
                inputs.layouts[path].diagnostics.push_back(std::move(d));
            } else {
                inputs.contents[path].diagnostics.push_back(std::move(d));
            }
        } else if (is_layout) {
            inputs.layouts.emplace(path, load_layout(path, job.limits));
        } else {
            inputs.contents.emplace(path, load_content(path, job.limits));
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

/// The records read, settled and rendered together, then reported and let go: at most this
/// many, and no more once their values pass window_value_bytes. Each window forks its own child
/// processes, which see its records as they were read (a few milliseconds a window: a child
/// makes its font system at its first record).
constexpr std::size_t window_records = 4096;
constexpr std::size_t window_value_bytes = std::size_t{16} << 20;

/// Failed records the outcome keeps whole (the CLI prints the first ones); later ones by row only.
constexpr std::size_t failures_kept_whole = 20;

/// One record of the window being run.
struct Slot {
    Record record;
    RecordPlan plan;
    RecordReport report;
    std::string digest;   ///< the up-to-date hash of its output, once settle() made it
    std::string message_id;  ///< with --email-template: the hash its Message-ID is made of
};

/// Renders this shard's records in child processes (batch/child_pool), each with a Worker of its
/// own: a record that crashes, hangs or runs out of memory fails alone. The parent reads the
/// records a window at a time, decides what needs no rendering (a record that cannot be planned,
/// an unusable file, an up-to-date output), keeps the journal and writes the report as the
/// window ends; a child renders and writes the PDF atomically. Nothing is kept per record after
/// its window, but the failures the outcome shows.
class RecordRunner {
public:
    RecordRunner(const BatchJob& job, const BatchPlan& plan, const SharedInputs& inputs, const Delivery& delivery,
                 StateJournal& journal, ProgressMeter& meter, ReportWriter& report, BatchOutcome& outcome)
        : m_job(job), m_plan(plan), m_inputs(inputs), m_delivery(delivery), m_journal(journal), m_meter(meter),
          m_report(report), m_outcome(outcome), m_engine_digest(engine_digest_text(job.engine)) {}

    /// Every record of this shard, in row order, through the report. An error when the manifest
    /// could not be read to its end as it was planned.
    std::optional<std::string> run(unsigned processes) {
        PlannedRecords records(m_plan);
        ChildLimits limits;
        limits.time = std::chrono::seconds(m_job.record_seconds);
        limits.memory_bytes = static_cast<std::size_t>(m_job.record_memory_mb) << 20;
        for (bool more = true; more;) {
            m_window.clear();
            std::vector<std::size_t> tasks;  // indices into m_window to render
            std::size_t value_bytes = 0;
            while (m_window.size() < window_records && value_bytes < window_value_bytes) {
                Slot slot;
                if (!records.next(slot.record, slot.plan)) {
                    more = false;
                    break;
                }
                for (const auto& [key, value] : slot.record.vars) {
                    value_bytes += key.size() + value.size();
                }
                m_window.push_back(std::move(slot));
                Slot& s = m_window.back();
                if (auto status = settle(s)) {
                    s.report.status = *status;
                    m_meter.record_done(*status);
                } else {
                    tasks.push_back(m_window.size() - 1);
                }
            }
            ChildPool(processes, limits, [this] { m_meter.tick(); })
                    .run(
                            tasks, [this](std::size_t k) { return serve(k); },
                            [] { return stage_times_on() ? stage_totals() : std::string(); },
                            [this](std::size_t k, const TaskEnd& end) { take(k, end); },
                            [](const std::string& times) { add_stage_totals(times); });
            send_window();
            for (Slot& s : m_window) {
                publish(std::move(s.report));
            }
        }
        m_window.clear();
        m_window.shrink_to_fit();
        return records.error();
    }

private:
    /// In the parent: the status of a record that needs no rendering, else nothing.
    std::optional<RecordStatus> settle(Slot& slot) {
        const RecordPlan& plan = slot.plan;
        const Record& record = slot.record;
        RecordReport& report = slot.report;
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
        const std::string& files = m_plan.base_digests.at(pair);
        slot.digest = record_digest(m_engine_digest + files + m_delivery.fingerprint, record, plan.output);
        if (m_delivery.email) {
            // What the message carries, and nothing about how it was made: a new engine, another
            // --outbox spelling or an added --keep-unprotected renders again, but the message
            // keeps its Message-ID, so the sent-log does not send it twice.
            slot.message_id = record_digest("message\n" + files + m_delivery.message_fingerprint, record, plan.output);
        }
        auto pages = m_job.force ? std::nullopt : m_journal.up_to_date(plan.output, target, slot.digest);
        if (pages && !delivered_files_exist(m_job, plan.output)) {
            pages = std::nullopt;  // its copy or its message is missing: made again
        }
        if (pages) {
            m_journal.keep(plan.output, slot.digest, *pages);
            std::error_code ec;
            report.pages = *pages;
            report.output = target.string();
            report.bytes = static_cast<std::size_t>(fs::file_size(target, ec));
            return RecordStatus::skipped;
        }
        return std::nullopt;
    }

    /// In a child: renders the window's record k and writes its PDF; the reply is JSON
    /// ({"ok", "pages", "bytes", "error", "warnings"}), never a record's values.
    std::string serve(std::size_t k) {
        nlohmann::json reply;
        std::vector<std::string> warnings;
        auto answer = [&](bool ok, std::string error, int pages = 0, std::size_t bytes = 0) {
            reply["ok"] = ok;
            reply["error"] = std::move(error);
            reply["pages"] = pages;
            reply["bytes"] = bytes;
            reply["warnings"] = warnings;
            return reply.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
        };
        try {
            if (!m_worker) {
                auto worker = Worker::create(m_job.limits);
                if (!worker.value) {
                    return answer(false, "no font system: " + first_error(worker.diagnostics));
                }
                m_worker = std::move(*worker.value);
            }
            const Slot& slot = m_window[k];
            const RecordPlan& plan = slot.plan;
            inject_fault(std::to_string(slot.record.row), static_cast<std::size_t>(m_job.record_memory_mb) << 20);
            RenderOptions options;
            options.engine = m_job.engine;
            RenderedRecord rendered = render_record(*m_worker, **m_inputs.contents.at(plan.content_path).value,
                                                    **m_inputs.layouts.at(plan.layout_path).value, slot.record.vars, options);
            warnings = warnings_of(rendered.diagnostics);
            if (rendered.status != ExitCode::ok) {
                return answer(false, first_error(rendered.diagnostics));
            }
            std::size_t bytes = 0;
            if (auto error = deliver_record(m_job, m_delivery, slot.record.vars, plan.output, plan.content_path,
                                            slot.message_id, rendered.outputs.front(), bytes)) {
                return answer(false, *error);
            }
            // The PDF first, then its line in the journal, from this process at once (the
            // journal's file is shared with the parent, each line one append): a run killed in
            // between renders it again, and one killed after keeps it.
            m_journal.record(plan.output, slot.digest, rendered.pages);
            return answer(true, std::string(), rendered.pages, bytes);
        } catch (const std::bad_alloc&) {
            return answer(false, "ran out of memory (--record-memory " + std::to_string(m_job.record_memory_mb) + " MB)");
        }
    }

    /// In the parent: the end of the window's record k's rendering. (A PDF written has its
    /// journal line already: the child wrote it.)
    void take(std::size_t k, const TaskEnd& end) {
        Slot& slot = m_window[k];
        RecordReport& report = slot.report;
        report.ms = end.ms;
        report.status = RecordStatus::failed;
        if (!end.reply) {
            report.error = end.timed_out ? end.failure : "the renderer " + end.failure;
        } else {
            const auto reply = nlohmann::json::parse(*end.reply, nullptr, false);
            if (reply.is_discarded() || !reply.is_object()) {
                report.error = "the renderer's reply could not be read";
            } else {
                for (const auto& w : reply.value("warnings", nlohmann::json::array())) {
                    report.warnings.push_back(w.get<std::string>());
                }
                if (reply.value("ok", false)) {
                    report.status = RecordStatus::ok;
                    report.pages = reply.value("pages", 0);
                    report.bytes = reply.value("bytes", std::size_t{0});
                    report.output = (fs::path(m_job.out_dir) / slot.plan.output).string();
                } else {
                    report.error = reply.value("error", std::string("failed"));
                }
            }
        }
        m_meter.record_done(report.status);
    }

    /// In the parent, with --smtp: the window's messages (of records rendered now or up to date)
    /// are sent, or listed by a dry run, through the outbox's sent-log.
    void send_window() {
        if (!m_job.smtp || m_send_stopped) {
            return;
        }
        std::vector<std::string> files;
        for (const Slot& s : m_window) {
            if (s.report.status == RecordStatus::ok || s.report.status == RecordStatus::skipped) {
                files.push_back(message_file_name(s.plan.output));
            }
        }
        if (files.empty()) {
            return;
        }
        const SendOutcome sent = run_send(*m_job.smtp, files);
        m_outcome.sent += sent.sent;
        m_outcome.already_sent += sent.already_sent;
        m_outcome.in_doubt += sent.in_doubt;
        m_outcome.send_failed += sent.failed + sent.stopped;
        m_outcome.would_send += sent.would_send;
        for (const auto& d : sent.diagnostics) {
            m_outcome.diagnostics.push_back(d);
        }
        // Each message that did not go, by its file (the quiet send prints none of them).
        for (const SendResult& result : sent.results) {
            if (result.status == SendResult::Status::failed || result.status == SendResult::Status::in_doubt) {
                const bool doubt = result.status == SendResult::Status::in_doubt;
                std::vector<std::string> hints;
                hints.emplace_back(doubt ? "it may have arrived; `handout send OUTBOX --resend-in-doubt` sends it again"
                                         : "a re-run, or `handout send OUTBOX`, tries it again");
                m_outcome.diagnostics.push_back(Diagnostic{
                        Severity::error, nullptr, 0,
                        "message `" + result.file + "` " + (doubt ? "is in doubt" : "was not sent") +
                                (result.error.empty() ? std::string() : ": " + result.error),
                        std::move(hints)});
            }
        }
        // The job cannot send (bad URL, no TLS, login refused, server gone, the outbox in use):
        // the later windows' messages stay in the outbox for `handout send`, and the error is
        // said once.
        m_send_stopped = sent.bad_input || sent.stopped > 0 || has_errors(sent.diagnostics);
    }

    /// In the parent: a record's entry goes to the report; a failure is counted, and the first
    /// few go to the outcome too (the CLI shows them).
    void publish(RecordReport report) {
        m_report.add(report);
        if (report.status != RecordStatus::failed) {
            return;
        }
        ++m_outcome.failed_records;
        if (m_outcome.report.records.size() < failures_kept_whole) {
            m_outcome.report.records.push_back(std::move(report));
        }
    }

    const BatchJob& m_job;
    const BatchPlan& m_plan;
    const SharedInputs& m_inputs;
    const Delivery& m_delivery;
    StateJournal& m_journal;
    ProgressMeter& m_meter;
    ReportWriter& m_report;
    BatchOutcome& m_outcome;
    std::vector<Slot> m_window;          ///< the records being run, in row order
    std::unique_ptr<Worker> m_worker;    ///< a child's own, made at its first record
    bool m_send_stopped = false;         ///< --smtp: sending stopped for this run
    const std::string m_engine_digest;   ///< engine_digest_text(job.engine), once a run
};

/// --jobs, or all cores; never more processes than records.
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

/// Peak resident memory in KiB of this process and of its children (the largest of those waited
/// for: the record and parser processes), for HANDOUT_TIMINGS and the bench. This process's own
/// is VmHWM, the high-water mark of its own memory since it started: getrusage's ru_maxrss
/// would also count what the process that started it held (Linux carries the old memory's peak
/// across execve, and posix_spawn runs in the spawner's memory until then).
std::pair<long, long> peak_rss_kib() {
    long self = -1;
    std::ifstream status("/proc/self/status");
    for (std::string line; std::getline(status, line);) {
        if (line.rfind("VmHWM:", 0) == 0) {
            self = std::strtol(line.c_str() + 6, nullptr, 10);  // "VmHWM:    19876 kB"
        }
    }
    rusage children{};
    ::getrusage(RUSAGE_CHILDREN, &children);
    return {self, children.ru_maxrss};
}

}  // namespace

BatchOutcome run_batch(const BatchJob& given) {
    BatchOutcome out;
    BatchJob job = given;
    if (!job.email_template_path.empty() && job.outbox_dir.empty()) {
        job.outbox_dir = (fs::path(job.out_dir) / "outbox").string();
    }
    if (job.smtp) {
        job.smtp->outbox = job.outbox_dir;
    }
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
    auto delivery = load_delivery(job);
    for (auto& d : delivery.diagnostics) {
        out.diagnostics.push_back(std::move(d));
    }
    if (!delivery.value) {
        return finish(ExitCode::bad_input);
    }
    if (delivery.value->email && !job.name_template.empty()) {
        // Message files and the sent-log are named after the outputs: say so when those names
        // hold more than an id.
        std::vector<std::string> names;
        (void)fill_template(job.name_template, [](std::string_view) { return nullptr; }, &names);
        for (const std::string& n : names) {
            if (n != plan.value->id_column && n != "row" && n != "lang") {
                out.diagnostics.push_back(Diagnostic{
                        Severity::warning, nullptr, 0,
                        "--name uses `" + n + "`: the outbox's message files and its sent-log are named after the "
                        "outputs, so they would carry each record's `" + n + "`",
                        {"name the outputs by the id column, e.g. --name '{{" +
                         (plan.value->id_column.empty() ? std::string("row") : plan.value->id_column) + "}}.pdf'"}});
                break;
            }
        }
    }
    std::error_code ec;
    fs::create_directories(job.out_dir, ec);
    if (ec) {
        out.diagnostics.push_back(Diagnostic{Severity::error, nullptr, 0, "cannot create `" + job.out_dir + "`: " + ec.message(), {}});
        return finish(ExitCode::bad_input);
    }
    const Shard& shard = plan.value->shard;
    // One batch at a time per --out and shard: a second would clean up the first's temporary
    // files and interleave its journal.
    std::string lock_error;
    std::optional<OutLock> lock = OutLock::acquire(job.out_dir, shard.index, shard.count, lock_error);
    if (!lock) {
        out.diagnostics.push_back(Diagnostic{Severity::error, nullptr, 0, lock_error, {}});
        return finish(ExitCode::bad_input);
    }
    remove_stale_temporaries(job.out_dir);
    // A record process killed mid-write leaves its temporary beside the copy or the message.
    for (const std::string& dir : {job.keep_unprotected_dir, job.outbox_dir}) {
        if (!dir.empty() && fs::is_directory(dir, ec)) {
            remove_stale_temporaries(dir);
        }
    }

    StateJournal journal(job.out_dir, shard.count > 1 ? ".handout-state-" + shard_suffix(shard) : std::string(".handout-state"),
                         job.mode);
    const unsigned threads = thread_count(job, plan.value->mine);
    Report& header = out.report;
    header.manifest = job.manifest_path;
    header.shard = std::to_string(shard.index) + "/" + std::to_string(shard.count);
    header.shard_source = shard.source;
    header.jobs = threads;
    header.manifest_records = plan.value->manifest_records;
    const std::string path = report_path(job, shard);
    ReportWriter report(header, path, job.mode, job.out_dir);
    ProgressMeter meter(plan.value->mine, job.progress);
    auto stopped = RecordRunner(job, *plan.value, *inputs.value, *delivery.value, journal, meter, report, out).run(threads);
    meter.finish();
    journal.compact();
    sync_folder(job.out_dir);
    ExitCode code = report.count(RecordStatus::failed) > 0 || out.send_failed > 0 || out.in_doubt > 0 ||
                            has_errors(out.diagnostics)
                    ? ExitCode::failed
                    : ExitCode::ok;
    if (stopped) {
        out.diagnostics.push_back(Diagnostic{Severity::error, nullptr, 0, *stopped, {}});
        code = ExitCode::failed;
    }
    header.seconds = std::chrono::duration<double>(Clock::now() - started).count();
    if (auto error = report.commit(header.seconds)) {
        out.diagnostics.push_back(Diagnostic{Severity::error, nullptr, 0, *error, {}});
        code = ExitCode::failed;
    } else {
        out.report_written = path;
    }
    if (stage_times_on()) {
        std::fprintf(stderr, "handout: timings: %s\n", stage_report(report.count(RecordStatus::ok)).c_str());
        const auto [self, children] = peak_rss_kib();
        std::fprintf(stderr, "handout: peak RSS: parent %ld KiB, children %ld KiB\n", self, children);
    }
    return finish(code);
}

}  // namespace handout
