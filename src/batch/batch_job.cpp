#include "batch/batch_job.hpp"

#include "batch/manifest.hpp"
#include "batch/output_name.hpp"
#include "batch/progress.hpp"
#include "batch/shard.hpp"
#include "deliver/journal.hpp"
#include "deliver/write_file.hpp"
#include "pipeline/inputs.hpp"
#include "pipeline/worker.hpp"
#include "core/stage_times.hpp"
#include "render/cairo/render_cairo.hpp"
#include "render/pdf/render_pdf.hpp"

#include <glib.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <optional>
#include <sstream>
#include <thread>

#include <fcntl.h>
#include <unistd.h>

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

/// What one record needs, decided before any worker starts.
struct Plan {
    std::size_t index = 0;        ///< into the manifest's records
    std::string content_path;
    std::string layout_path;
    std::string output;           ///< relative to --out
    std::vector<std::string> warnings;
    std::string error;
};

std::string id_of(const Record& r, const std::string& column) {
    if (column.empty()) {
        return {};
    }
    auto it = r.vars.find(column);
    return it == r.vars.end() ? std::string() : it->second;
}

std::string value_or(const Vars& v, const char* key) {
    auto it = v.find(key);
    return it == v.end() ? std::string() : it->second;
}

/// The part of the up-to-date hash that every record shares: engine, content, layout.
std::string base_digest_input(const std::string& content_path, const std::string& layout_path, const std::string& engine) {
    std::string s = engine_version() + "; engine " + engine;
    for (const auto& p : {content_path, layout_path}) {
        std::ifstream f(p, std::ios::binary);
        std::ostringstream ss;
        ss << f.rdbuf();
        s += '\0';
        s += p;
        s += '\0';
        s += ss.str();
    }
    return s;
}

std::string record_digest(const std::string& base, const Record& r, const std::string& output) {
    GChecksum* sum = g_checksum_new(G_CHECKSUM_SHA256);
    g_checksum_update(sum, reinterpret_cast<const guchar*>(base.data()), static_cast<gssize>(base.size()));
    auto add = [&](const std::string& s) {
        g_checksum_update(sum, reinterpret_cast<const guchar*>(s.data()), static_cast<gssize>(s.size()));
        g_checksum_update(sum, reinterpret_cast<const guchar*>("\0"), 1);
    };
    for (const auto& [k, v] : r.vars) {  // std::map: sorted, so the same record gives the same hash
        add(k);
        add(v);
    }
    add(output);
    if (const char* sde = std::getenv("SOURCE_DATE_EPOCH")) {
        add(sde);
    }
    std::string hex = g_checksum_get_string(sum);
    g_checksum_free(sum);
    return hex;
}


std::string first_error(const Diagnostics& ds) {
    std::string out;
    for (const auto& d : ds) {
        if (d.severity == Severity::error) {
            out = format_diagnostic(d);
            break;
        }
    }
    while (!out.empty() && out.back() == '\n') {
        out.pop_back();
    }
    return out;
}

std::vector<std::string> warnings_of(const Diagnostics& ds) {
    std::vector<std::string> out;
    for (const auto& d : ds) {
        if (d.severity == Severity::warning) {
            std::string w = format_diagnostic(d);
            while (!w.empty() && w.back() == '\n') {
                w.pop_back();
            }
            out.push_back(std::move(w));
        }
    }
    return out;
}

}  // namespace

BatchOutcome run_batch(const BatchJob& job) {
    BatchOutcome out;
    const auto started = Clock::now();
    auto fail = [&](int code) {
        out.exit_code = code;
        return out;
    };

    // ---- manifest, shard, plan ----
    auto src = read_source(job.manifest_path, "manifest");
    out.diagnostics = std::move(src.diagnostics);
    if (!src.value) {
        return fail(2);
    }
    auto manifest = parse_manifest(*src.value);
    for (auto& d : manifest.diagnostics) {
        out.diagnostics.push_back(std::move(d));
    }
    if (!manifest.value) {
        return fail(2);
    }
    const Manifest& m = *manifest.value;
    ShardChoice shard = choose_shard(job.shard, job.shard_count, [](const char* n) { return std::getenv(n); });
    if (!shard.shard) {
        out.diagnostics.push_back(Diagnostic{Severity::error, nullptr, 0, shard.error,
                                             {"--shard K/N picks part K of N; see the README's section on clusters"}});
        return fail(2);
    }
    const std::string id_column = pick_id_column(m, job.id_column);
    std::string name_template = job.name_template;
    if (name_template.empty()) {
        name_template = id_column.empty() ? "record-{{row}}.pdf" : "{{" + id_column + "}}.pdf";
    }
    const std::string default_layout = job.layout_path.empty() ? default_layout_path() : job.layout_path;

    // Names are decided over the whole manifest, so every shard sees the same collisions.
    std::vector<Plan> plans(m.records.size());
    std::map<std::string, std::vector<std::size_t>> by_name;
    for (std::size_t i = 0; i < m.records.size(); ++i) {
        const Record& rec = m.records[i];
        Plan& p = plans[i];
        p.index = i;
        if (!rec.error.empty()) {
            p.error = "row " + std::to_string(rec.row) + " (line " + std::to_string(rec.line) + ") " + rec.error;
            continue;
        }
        OutputName name = output_name(name_template, rec.vars, rec.row);
        if (!name.error.empty()) {
            p.error = name.error;
            continue;
        }
        p.output = name.path;
        by_name[name.path].push_back(i);
        std::string content = value_or(rec.vars, "content");
        p.content_path = content.empty() ? job.content_path : content;
        std::string lang = value_or(rec.vars, "lang");
        if (!lang.empty()) {
            fs::path base(p.content_path);
            fs::path localised = base.parent_path() / (base.stem().string() + "." + lang + base.extension().string());
            std::error_code ec;
            if (fs::exists(localised, ec)) {
                p.content_path = localised.string();
            } else {
                p.warnings.push_back("no " + base.stem().string() + "." + lang + base.extension().string() +
                                     " beside the content: the default language is used");
            }
        }
        std::string layout = value_or(rec.vars, "layout");
        p.layout_path = layout.empty() ? default_layout : layout;
    }
    for (const auto& [name, rows] : by_name) {
        if (rows.size() > 1) {
            std::string list;
            for (std::size_t r : rows) {
                list += (list.empty() ? "" : ", ") + std::to_string(m.records[r].row);
            }
            for (std::size_t r : rows) {
                plans[r].error = "rows " + list + " would all be written to the same file; make --name unique per record";
            }
        }
    }
    std::vector<std::size_t> mine;
    for (std::size_t i = 0; i < m.records.size(); ++i) {
        if (shard.shard->owns(m.records[i].row)) {
            mine.push_back(i);
        }
    }

    // ---- shared inputs, parsed once ----
    std::map<std::string, Result<std::shared_ptr<const ContentInput>>> contents;
    std::map<std::string, Result<std::shared_ptr<const LayoutInput>>> layouts;
    for (std::size_t i : mine) {
        Plan& p = plans[i];
        if (!p.error.empty()) {
            continue;
        }
        if (contents.count(p.content_path) == 0) {
            contents.emplace(p.content_path, load_content(p.content_path));
        }
        if (layouts.count(p.layout_path) == 0) {
            layouts.emplace(p.layout_path, load_layout(p.layout_path));
        }
    }
    // The defaults must work: when they do not, no record could, and it is the operator's input.
    if (auto it = contents.find(job.content_path); it != contents.end() && !it->second.value) {
        out.diagnostics = it->second.diagnostics;
        return fail(2);
    }
    if (auto it = layouts.find(default_layout); it != layouts.end() && !it->second.value) {
        out.diagnostics = it->second.diagnostics;
        return fail(2);
    }
    std::error_code ec;
    fs::create_directories(job.out_dir, ec);
    if (ec) {
        out.diagnostics.push_back(Diagnostic{Severity::error, nullptr, 0, "cannot create `" + job.out_dir + "`: " + ec.message(), {}});
        return fail(2);
    }
    remove_stale_temporaries(job.out_dir);

    // The checks that do not depend on a record, once per content and layout: a sheet that
    // fails them fails for every record, and is reported once, here, not once per row.
    std::map<std::pair<std::string, std::string>, std::string> template_errors;
    {
        auto checker = Worker::create();
        for (std::size_t i : mine) {
            const Plan& p = plans[i];
            auto key = std::make_pair(p.content_path, p.layout_path);
            if (!p.error.empty() || template_errors.count(key) != 0 || !checker.value) {
                continue;
            }
            const auto& c = contents.at(p.content_path);
            const auto& l = layouts.at(p.layout_path);
            if (!c.value || !l.value) {
                template_errors[key] = "";
                continue;
            }
            std::string first;
            for (const auto& d : (*checker.value)->check_template(**c.value, **l.value).diagnostics) {
                if (d.severity == Severity::error) {
                    out.diagnostics.push_back(d);
                    if (first.empty()) {
                        first = p.content_path + " with " + p.layout_path + " fails its checks: " + d.message;
                    }
                }
            }
            template_errors[key] = first;
        }
    }
    StateJournal journal(job.out_dir, shard.shard->count > 1 ? ".handout-state-" + std::to_string(shard.shard->index) +
                                                                  "-of-" + std::to_string(shard.shard->count)
                                                            : std::string(".handout-state"));
    std::map<std::pair<std::string, std::string>, std::string> digests;
    for (std::size_t i : mine) {
        const Plan& p = plans[i];
        if (p.error.empty() && digests.count({p.content_path, p.layout_path}) == 0) {
            digests[{p.content_path, p.layout_path}] = base_digest_input(p.content_path, p.layout_path, job.engine);
        }
    }

    // ---- workers ----
    unsigned jobs = job.jobs > 0 ? job.jobs : std::max(1U, std::thread::hardware_concurrency());
    jobs = static_cast<unsigned>(std::min<std::size_t>(jobs, std::max<std::size_t>(mine.size(), 1)));
    std::vector<RecordReport> results(mine.size());
    std::atomic<std::size_t> next{0};
    ProgressMeter meter(mine.size(), job.progress == BatchJob::Progress::quiet ? ProgressMeter::Mode::quiet
                                     : job.progress == BatchJob::Progress::lines ? ProgressMeter::Mode::lines
                                                                                  : ProgressMeter::Mode::automatic);
    std::mutex setup_error_mutex;
    std::string setup_error;
    auto work = [&]() {
        auto worker = Worker::create();
        if (!worker.value) {
            std::lock_guard<std::mutex> lock(setup_error_mutex);
            setup_error = first_error(worker.diagnostics);
        }
        std::map<std::string, bool> families_checked;
        for (std::size_t k = next++; k < mine.size(); k = next++) {
            const auto t0 = Clock::now();
            const Plan& p = plans[mine[k]];
            const Record& rec = m.records[p.index];
            RecordReport& rr = results[k];
            rr.row = rec.row;
            rr.id = id_of(rec, id_column);
            rr.warnings = p.warnings;
            auto finish = [&](const std::string& status) {
                rr.status = status;
                rr.ms = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
                meter.record_done(status);
            };
            if (!p.error.empty()) {
                rr.error = p.error;
                finish("failed");
                continue;
            }
            if (!worker.value) {
                rr.error = "no font system: " + setup_error;
                finish("failed");
                continue;
            }
            const auto& content = contents.at(p.content_path);
            const auto& layout = layouts.at(p.layout_path);
            if (!content.value) {
                rr.error = "the content file cannot be used: " + first_error(content.diagnostics);
                finish("failed");
                continue;
            }
            if (!layout.value) {
                rr.error = "the layout file cannot be used: " + first_error(layout.diagnostics);
                finish("failed");
                continue;
            }
            if (const std::string& te = template_errors[{p.content_path, p.layout_path}]; !te.empty()) {
                rr.error = te;
                finish("failed");
                continue;
            }
            const fs::path target = fs::path(job.out_dir) / p.output;
            const std::string digest = record_digest(digests.at({p.content_path, p.layout_path}), rec, p.output);
            if (auto pages = job.force ? std::nullopt : journal.up_to_date(p.output, target, digest)) {
                journal.keep(p.output, digest, *pages);
                rr.pages = *pages;
                rr.output = target.string();
                rr.bytes = static_cast<std::size_t>(fs::file_size(target, ec));
                finish("skipped");
                continue;
            }
            if (families_checked.count(p.layout_path) == 0) {
                Diagnostics fam = (*worker.value)->check_families((*layout.value)->layout);
                families_checked[p.layout_path] = fam.empty();
                if (!fam.empty()) {
                    rr.error = first_error(fam);
                }
            }
            if (!families_checked[p.layout_path]) {
                if (rr.error.empty()) {
                    rr.error = "the layout names a font family handout does not have";
                }
                finish("failed");
                continue;
            }
            StageTimer typeset_time(Stage::typeset);
            auto pages = (*worker.value)->typeset_record(**content.value, **layout.value, rec.vars);
            typeset_time.stop();
            for (auto& w : warnings_of(pages.diagnostics)) {
                rr.warnings.push_back(std::move(w));
            }
            if (!pages.value || has_errors(pages.diagnostics)) {
                rr.error = first_error(pages.diagnostics);
                finish("failed");
                continue;
            }
            StageTimer cairo_time(job.engine == "cairo" ? Stage::cairo : Stage::count);  // ours times itself
            auto pdf = job.engine == "cairo" ? render_pdf_cairo(*pages.value, &(*worker.value)->cairo())
                                             : render_pdf_tagged(*pages.value, &(*worker.value)->pdf());
            cairo_time.stop();
            if (!pdf.value || has_errors(pdf.diagnostics)) {
                rr.error = first_error(pdf.diagnostics);
                finish("failed");
                continue;
            }
            // The PDF first, then its hash: a run killed in between renders it again.
            StageTimer write_time(Stage::write_file);
            if (auto err = write_atomically(target.string(), *pdf.value, Durability::deferred)) {
                rr.error = *err;
                finish("failed");
                continue;
            }
            journal.record(p.output, digest, static_cast<int>(pages.value->pages.size()));
            rr.output = target.string();
            rr.pages = static_cast<int>(pages.value->pages.size());
            rr.bytes = pdf.value->size();
            finish("ok");
        }
    };
    std::vector<std::thread> threads;
    for (unsigned t = 1; t < jobs; ++t) {
        threads.emplace_back(work);
    }
    work();
    for (auto& t : threads) {
        t.join();
    }
    meter.finish();
    journal.compact();
    sync_folder(job.out_dir);

    // ---- report ----
    Report& report = out.report;
    report.manifest = job.manifest_path;
    report.shard = std::to_string(shard.shard->index) + "/" + std::to_string(shard.shard->count);
    report.shard_source = shard.shard->source;
    report.jobs = jobs;
    report.manifest_records = m.records.size();
    report.records = std::move(results);
    report.seconds = std::chrono::duration<double>(Clock::now() - started).count();
    std::string report_path = job.report_path;
    if (report_path.empty()) {
        report_path = (fs::path(job.out_dir) /
                       (shard.shard->count > 1 ? "report-" + std::to_string(shard.shard->index) + "-of-" +
                                                     std::to_string(shard.shard->count) + ".json"
                                               : std::string("report.json")))
                          .string();
    }
    if (auto err = write_atomically(report_path, report_json(report))) {
        out.diagnostics.push_back(Diagnostic{Severity::error, nullptr, 0, *err, {}});
        return fail(1);
    }
    out.report_written = report_path;
    if (stage_times_on()) {
        std::size_t ok = static_cast<std::size_t>(std::count_if(report.records.begin(), report.records.end(),
                                                                [](const RecordReport& r) { return r.status == "ok"; }));
        std::fprintf(stderr, "handout: timings: %s\n", stage_report(ok).c_str());
    }
    bool any_failed = std::any_of(report.records.begin(), report.records.end(),
                                  [](const RecordReport& r) { return r.status == "failed"; });
    return fail(any_failed ? 1 : 0);
}

}  // namespace handout
