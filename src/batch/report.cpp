#include "batch/report.hpp"

#include "deliver/journal.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <map>

namespace handout {

namespace {

/// Records by status, pages and bytes, summed over a report.
struct Counts {
    std::size_t ok = 0, skipped = 0, failed = 0, pages = 0, bytes = 0;

    void add(RecordStatus status, std::size_t record_pages, std::size_t record_bytes) {
        switch (status) {
            case RecordStatus::ok: ++ok; break;
            case RecordStatus::skipped: ++skipped; break;
            case RecordStatus::failed: ++failed; break;
        }
        pages += record_pages;
        bytes += record_bytes;
    }
};

nlohmann::ordered_json totals(const Counts& c, double seconds) {
    nlohmann::ordered_json t;
    t["records"] = c.ok + c.skipped + c.failed;
    t["ok"] = c.ok;
    t["skipped"] = c.skipped;
    t["failed"] = c.failed;
    t["pages"] = c.pages;
    t["bytes"] = c.bytes;
    t["seconds"] = std::round(seconds * 1000) / 1000;
    return t;
}

nlohmann::ordered_json entry(const RecordReport& rec) {
    nlohmann::ordered_json e;
    e["row"] = rec.row;
    e["id"] = rec.id;
    e["status"] = std::string(name(rec.status));
    e["output"] = rec.output.empty() ? nlohmann::ordered_json() : nlohmann::ordered_json(rec.output);
    e["pages"] = rec.pages;
    e["bytes"] = rec.bytes;
    e["ms"] = std::round(rec.ms * 100) / 100;
    e["warnings"] = rec.warnings;
    e["error"] = rec.error.empty() ? nlohmann::ordered_json() : nlohmann::ordered_json(rec.error);
    return e;
}

nlohmann::ordered_json header(const Report& r) {
    nlohmann::ordered_json j;
    j["handout_report"] = 1;
    j["manifest"] = r.manifest;
    j["shard"] = r.shard;
    j["shard_source"] = r.shard_source;
    j["jobs"] = r.jobs;
    j["manifest_records"] = r.manifest_records;
    return j;
}

/// `text` (a value dumped with indent 2 on its own) as it reads nested `depth` spaces in: the
/// lines after the first moved right. A string's line breaks are escaped, so every '\n' is one
/// of the layout's.
std::string nested(const std::string& text, std::size_t depth) {
    std::string out;
    out.reserve(text.size() + text.size() / 8);
    const std::string indent(depth, ' ');
    for (char c : text) {
        out += c;
        if (c == '\n') {
            out += indent;
        }
    }
    return out;
}

}  // namespace

std::string_view name(RecordStatus status) {
    switch (status) {
        case RecordStatus::ok: return "ok";
        case RecordStatus::skipped: return "skipped";
        case RecordStatus::failed: return "failed";
    }
    return "failed";
}

std::optional<RecordStatus> parse_record_status(std::string_view text) {
    for (RecordStatus status : all_record_statuses) {
        if (name(status) == text) {
            return status;
        }
    }
    return std::nullopt;
}

std::string report_json(const Report& r) {
    nlohmann::ordered_json j = header(r);
    nlohmann::ordered_json recs = nlohmann::ordered_json::array();
    Counts counts;
    for (const auto& rec : r.records) {
        recs.push_back(entry(rec));
        counts.add(rec.status, static_cast<std::size_t>(rec.pages), rec.bytes);
    }
    j["records"] = std::move(recs);
    j["totals"] = totals(counts, r.seconds);
    return j.dump(2) + "\n";
}

struct ReportWriter::State {
    State(const std::string& path, unsigned mode, const std::string& temp_dir)
        : file(path, mode, Durability::immediate, temp_dir) {}
    AtomicFileWriter file;
    Counts counts;
    bool any = false;  ///< a record was written
};

ReportWriter::ReportWriter(const Report& head, const std::string& path, unsigned mode, const std::string& temp_dir)
    : m_state(std::make_unique<State>(path, mode, temp_dir)) {
    // report_json's text up to its records: the header object without its closing brace.
    std::string text = header(head).dump(2);
    text.erase(text.size() - 2);  // "\n}"
    m_state->file.write(text + ",\n  \"records\": [");
}

ReportWriter::~ReportWriter() = default;

void ReportWriter::add(const RecordReport& rec) {
    m_state->file.write((m_state->any ? ",\n    " : "\n    ") + nested(entry(rec).dump(2), 4));
    m_state->any = true;
    m_state->counts.add(rec.status, static_cast<std::size_t>(rec.pages), rec.bytes);
}

std::optional<std::string> ReportWriter::commit(double seconds) {
    m_state->file.write(std::string(m_state->any ? "\n  ]" : "]") + ",\n  \"totals\": " +
                        nested(totals(m_state->counts, seconds).dump(2), 2) + "\n}\n");
    return m_state->file.commit();
}

std::size_t ReportWriter::count(RecordStatus status) const {
    switch (status) {
        case RecordStatus::ok: return m_state->counts.ok;
        case RecordStatus::skipped: return m_state->counts.skipped;
        case RecordStatus::failed: return m_state->counts.failed;
    }
    return 0;
}

MergedReport merge_reports(const std::vector<std::pair<std::string, std::string>>& inputs) {
    MergedReport m;
    std::map<std::size_t, nlohmann::ordered_json> rows;
    std::vector<std::string> shards;
    std::string manifest;
    std::size_t manifest_records = 0;
    double seconds = 0;
    for (const auto& [path, text] : inputs) {
        nlohmann::ordered_json j = nlohmann::ordered_json::parse(text, nullptr, false);
        if (j.is_discarded() || !j.is_object() || !j.contains("handout_report") || !j["records"].is_array()) {
            m.error = "`" + path + "` is not a handout batch report";
            return m;
        }
        if (!manifest.empty() && j.value("manifest", "") != manifest) {
            m.error = "`" + path + "` reports on another manifest (`" + j.value("manifest", "") + "`)";
            return m;
        }
        manifest = j.value("manifest", "");
        manifest_records = std::max<std::size_t>(manifest_records, j.value("manifest_records", std::size_t{0}));
        shards.push_back(j.value("shard", "?"));
        seconds = std::max(seconds, j["totals"].value("seconds", 0.0));
        for (auto& rec : j["records"]) {
            std::size_t row = rec.value("row", std::size_t{0});
            if (rows.count(row) != 0) {
                m.error = "row " + std::to_string(row) + " is in more than one report (shard " + j.value("shard", "?") + ")";
                return m;
            }
            rows[row] = rec;
        }
    }
    nlohmann::ordered_json out;
    out["handout_report"] = 1;
    out["manifest"] = manifest;
    out["shards"] = shards;
    out["manifest_records"] = manifest_records;
    nlohmann::ordered_json recs = nlohmann::ordered_json::array();
    Counts counts;
    for (auto& [row, rec] : rows) {
        // A status this version does not know counts as failed: never as done.
        RecordStatus status = parse_record_status(rec.value("status", "")).value_or(RecordStatus::failed);
        counts.add(status, rec.value("pages", std::size_t{0}), rec.value("bytes", std::size_t{0}));
        recs.push_back(rec);
    }
    out["records"] = std::move(recs);
    out["missing_rows"] = manifest_records > rows.size() ? manifest_records - rows.size() : 0;
    out["totals"] = totals(counts, seconds);
    m.failed = counts.failed;
    m.json = out.dump(2) + "\n";
    return m;
}

}  // namespace handout
