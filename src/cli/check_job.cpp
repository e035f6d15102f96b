#include "cli/check_job.hpp"

#include "check/check.hpp"
#include "cli/job_inputs.hpp"
#include "pipeline/inputs.hpp"
#include "pipeline/worker.hpp"

#include <nlohmann/json.hpp>

#include <cmath>
#include <iostream>

namespace handout {

namespace {

double round1(double v) {
    return std::round(v * 10) / 10;
}

nlohmann::ordered_json stats_json(const TextStats& s) {
    nlohmann::ordered_json j;
    j["words"] = s.words;
    j["sentences"] = s.sentences;
    j["syllables"] = s.syllables;
    j["polysyllables"] = s.polysyllables;
    j["flesch_kincaid_grade"] = round1(s.flesch_kincaid());
    j["smog_grade"] = round1(s.smog());
    j["fernandez_huerta_ease"] = round1(s.fernandez_huerta());
    return j;
}

nlohmann::ordered_json diagnostic_json(const Diagnostic& d) {
    static constexpr const char* names[] = {"error", "warning", "note"};
    nlohmann::ordered_json j;
    j["severity"] = names[static_cast<int>(d.severity)];
    if (d.file) {
        const LineCol lc = d.file->line_col(d.offset);  // the file's line index, built once
        j["file"] = d.file->path;
        j["line"] = lc.line;
        j["column"] = lc.col;
    }
    j["message"] = d.message;
    j["hints"] = d.hints;
    return j;
}

}  // namespace

ExitCode run_check(const CheckJob& job) {
    Diagnostics ds;
    auto fail_input = [&]() {
        if (job.json) {
            nlohmann::ordered_json j;
            j["content"] = job.content_path;
            j["usable"] = false;
            j["diagnostics"] = nlohmann::ordered_json::array();
            for (const auto& d : ds) {
                j["diagnostics"].push_back(diagnostic_json(d));
            }
            std::cout << j.dump(2) << "\n";
        } else {
            for (const auto& d : ds) {
                std::cerr << format_diagnostic(d);
            }
        }
        return ExitCode::bad_input;
    };
    const bool have_values = !job.vars.empty() || !job.data_path.empty();
    auto inputs = load_job_inputs(job.content_path, job.layout_path, job.data_path, job.vars, job.limits, ds);
    if (!inputs) {
        return fail_input();
    }
    auto worker = Worker::create(job.limits);
    for (auto& d : worker.diagnostics) {
        ds.push_back(std::move(d));
    }
    if (!worker.value) {
        return fail_input();
    }
    Worker& w = **worker.value;
    const ContentInput& c = *inputs->content;
    const LayoutInput& l = *inputs->layout;
    Vars& vars = inputs->vars;
    for (const auto& d : w.check_families(l)) {
        ds.push_back(d);
    }
    if (has_errors(ds)) {
        return fail_input();
    }
    // Without record values the sheet is checked as written: each variable stands in as its
    // own name, long enough to show how the page fills.
    if (!have_values) {
        for (const auto& name : variables_used(c.doc)) {
            vars.emplace(name, "{{" + name + "}}");
        }
    }
    const CheckResult& tmpl = w.check_template(c, l);
    auto pages = w.typeset_record(c, l, vars);  // adds the record checks and fit; repeats tmpl's findings
    Diagnostics all = pages.diagnostics;
    std::size_t errors = 0, warnings = 0;
    for (const auto& d : all) {
        errors += d.severity == Severity::error;
        warnings += d.severity == Severity::warning;
    }
    int pages_n = pages.value ? static_cast<int>(pages.value->pages.size()) : 0;
    const ExitCode rc = errors > 0 || (job.strict && warnings > 0) ? ExitCode::failed : ExitCode::ok;
    const ReadabilityReport& rr = tmpl.readability;
    if (job.json) {
        nlohmann::ordered_json j;
        j["content"] = job.content_path;
        j["layout"] = l.layout.source ? l.layout.source->path : "";
        j["kind"] = c.doc.meta.kind;
        j["topic"] = c.doc.meta.topic;
        j["usable"] = true;
        j["errors"] = errors;
        j["warnings"] = warnings;
        j["pages"] = pages_n;
        nlohmann::ordered_json r;
        r["lang"] = rr.lang;
        r["document"] = stats_json(rr.document);
        r["sections"] = nlohmann::ordered_json::array();
        for (const auto& s : rr.sections) {
            nlohmann::ordered_json e = stats_json(s.stats);
            e["section"] = s.id;
            e["line"] = c.doc.source->line_col(s.offset).line;
            r["sections"].push_back(std::move(e));
        }
        r["hardest_sentences"] = nlohmann::ordered_json::array();
        for (const auto& h : rr.hardest) {
            nlohmann::ordered_json e;
            e["line"] = c.doc.source->line_col(h.offset).line;
            e["grade"] = round1(h.grade);
            e["text"] = h.text;
            r["hardest_sentences"].push_back(std::move(e));
        }
        j["readability"] = std::move(r);
        j["diagnostics"] = nlohmann::ordered_json::array();
        for (const auto& d : all) {
            j["diagnostics"].push_back(diagnostic_json(d));
        }
        std::cout << j.dump(2) << "\n";
        return rc;
    }
    for (const auto& d : all) {
        std::cerr << format_diagnostic(d);
    }
    char summary[256];
    bool es = rr.lang.substr(0, 2) == "es";
    std::snprintf(summary, sizeof summary, "%s: %zu error(s), %zu warning(s); %s %.1f; %d page(s) with %s\n",
                  job.content_path.c_str(), errors, warnings, es ? "Fernández-Huerta ease" : "grade",
                  es ? rr.document.fernandez_huerta() : rr.document.flesch_kincaid(), pages_n,
                  l.layout.source ? l.layout.source->path.c_str() : "the layout");
    std::cerr << summary;
    return rc;
}

}  // namespace handout
