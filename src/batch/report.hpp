// batch: the run's report — one entry per record (row, id, status, output, pages, bytes, time,
// warnings, error: never a record's values) and totals — as JSON, and the merge of shard reports.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace handout {

/// Spelled in report.json as `ok`, `skipped`, `failed`.
enum class RecordStatus { ok, skipped, failed };
inline constexpr RecordStatus all_record_statuses[] = {RecordStatus::ok, RecordStatus::skipped, RecordStatus::failed};
std::string_view name(RecordStatus status);
std::optional<RecordStatus> parse_record_status(std::string_view name);

struct RecordReport {
    std::size_t row = 0;
    std::string id;                  ///< the id column's value, or empty
    RecordStatus status = RecordStatus::failed;
    std::string output;              ///< path written (or kept), empty on failure
    int pages = 0;
    std::size_t bytes = 0;
    double ms = 0;                   ///< wall time of this record in its worker
    std::vector<std::string> warnings;
    std::string error;               ///< empty unless failed
};

struct Report {
    std::string manifest;
    std::string shard = "1/1";
    std::string shard_source = "none";
    unsigned jobs = 1;
    std::size_t manifest_records = 0;  ///< records in the whole manifest
    std::vector<RecordReport> records; ///< this shard's, in row order
    double seconds = 0;
};

std::string report_json(const Report& r);

/// Writes a report as its records come, in row order, holding one record at a time: the same
/// bytes report_json gives for the same report. The file appears whole or not at all: written to
/// a temporary (at the top of `temp_dir` — --out — when that is on the report's file system),
/// renamed over `path` by commit().
class ReportWriter {
public:
    /// `header`: the report's fields before its records (its `records` and `seconds` unused).
    ReportWriter(const Report& header, const std::string& path, unsigned mode, const std::string& temp_dir);
    ~ReportWriter();
    ReportWriter(const ReportWriter&) = delete;
    ReportWriter& operator=(const ReportWriter&) = delete;

    void add(const RecordReport& record);
    /// Writes the totals, flushes the file to disk and puts it in place; an error message, or nullopt.
    std::optional<std::string> commit(double seconds);
    std::size_t count(RecordStatus status) const;

private:
    struct State;
    std::unique_ptr<State> m_state;
};

/// Joins shard reports (JSON texts) into one; records sorted by row. Error text on bad input.
struct MergedReport {
    std::string json;
    std::string error;
    std::size_t failed = 0;
};
MergedReport merge_reports(const std::vector<std::pair<std::string, std::string>>& path_and_json);

}  // namespace handout
