// batch: takes a manifest, content, layout and options; renders one PDF per record of this shard
// in N worker processes, skipping records whose output is up to date; writes the report as it
// goes and returns its totals and failures. Its memory does not grow with the manifest's length.
#pragma once

#include "batch/progress.hpp"
#include "batch/report.hpp"
#include "core/diagnostic.hpp"
#include "core/limits.hpp"
#include "mail/send.hpp"
#include "pipeline/exit_code.hpp"
#include "pipeline/render_record.hpp"

#include <optional>
#include <string>
#include <vector>

namespace handout {

struct BatchJob {
    std::string manifest_path;
    std::string content_path;             ///< default content; a record's `content` column overrides
    std::string layout_path;              ///< default layout (empty = letter); `layout` column overrides
    std::string out_dir;
    std::string name_template;            ///< empty: `{{<id column>}}.pdf`, else `record-{{row}}.pdf`
    std::string report_path;              ///< empty: <out>/report.json (with -K-of-N for a shard)
    unsigned jobs = 0;                    ///< 0 = all cores
    std::string shard;                    ///< "K/N", or empty to read the scheduler's environment
    std::size_t shard_count = 0;
    std::string id_column;
    /// Folders a record's `content` and `layout` columns may name files in, besides those of
    /// --content and --layout and handout's own content/ and layouts/ (--allow-dir).
    std::vector<std::string> allow_dirs;
    Engine engine = Engine::handout;
    /// The manifest's character encoding when it is not UTF-8 (iconv's names: WINDOWS-1252,
    /// ISO-8859-1, …); empty: UTF-8, and invalid UTF-8 is an error naming the row and column.
    std::string encoding;
    /// Permissions of the files a batch writes (PDFs, report, journal), as octal; applied
    /// under the umask. Patient data: 0600 unless the operator says otherwise (--mode).
    unsigned mode = 0600;
    unsigned record_seconds = 120;     ///< a record that takes longer fails (--record-time)
    unsigned record_memory_mb = 2048;  ///< a record's renderer may use this much (--record-memory)
    Limits limits;                     ///< --limit NAME=VALUE: input sizes, nesting, values, pages
    bool force = false;
    ProgressMode progress = ProgressMode::automatic;

    // Delivery (README, "Sending to patients").
    bool protect = false;              ///< --protect: AES-256 with the record's password
    std::string password_template;     ///< --password, e.g. `{{patient.dob|DDMMYYYY}}`
    std::string keep_unprotected_dir;  ///< --keep-unprotected: the clinic's unencrypted copies
    std::string email_template_path;   ///< --email-template: one message per record
    std::string email_to = "{{patient.email}}";  ///< --email-to
    std::string outbox_dir;            ///< --outbox: the messages (default OUT/outbox with a template)
    /// --smtp: each window's messages are sent as the batch goes (dry run unless smtp->send),
    /// through the outbox's sent-log like `handout send`.
    std::optional<SendJob> smtp;
};

struct BatchOutcome {
    ExitCode exit_code = ExitCode::ok;    ///< ok: all records done; failed: some failed; bad_input: unusable input
    Diagnostics diagnostics;              ///< about the inputs as a whole
    /// The report's header and, of its records, the first 20 failed ones, in row order. The
    /// whole report is in the file (report_written), written as the records came: a batch
    /// holds no entry per record.
    Report report;
    std::size_t failed_records = 0;       ///< all of them
    std::string report_written;
    /// --smtp: the messages sent, already sent before, in doubt, failed, and listed by a dry run.
    std::size_t sent = 0, already_sent = 0, in_doubt = 0, send_failed = 0, would_send = 0;
};

/// The version every output's up-to-date hash includes: handout's and its engine's.
std::string engine_version();

BatchOutcome run_batch(const BatchJob& job);

}  // namespace handout
