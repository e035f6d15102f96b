// mail: sending an outbox's messages over SMTP with libcurl — dry run unless asked, a rate, a
// limit, retries with backoff on 4xx and dropped connections, a 5xx failing that message — and
// the sent-log that makes a run killed at any point, run again, send each message exactly once.
#pragma once

#include "core/diagnostic.hpp"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace handout {

struct SendJob {
    std::string outbox;          ///< the folder of `.eml` messages
    std::string smtp_url;        ///< smtp://host[:port] (STARTTLS required) or smtps://host[:port]
    bool send = false;           ///< false: dry run — print what would go, counts and sizes
    bool insecure_local = false; ///< smtp:// without TLS, allowed only to 127.0.0.1, ::1, localhost
    std::string ca_file;         ///< --ca-file: PEM certificates to trust for the server (else the system's)
    std::size_t limit = 0;       ///< at most this many messages sent this run (0: all)
    double rate_per_second = 0;  ///< at most this many messages a second (0: no limit)
    unsigned retries = 4;        ///< attempts after the first on a 4xx or a dropped connection
    double backoff_seconds = 1;  ///< first wait before a retry; doubles each time
    unsigned timeout_seconds = 60;  ///< connecting, each reply, a stalled upload
    bool resend_in_doubt = false;  ///< also send messages whose earlier send may have arrived
    bool quiet = false;
    /// Credentials come from HANDOUT_SMTP_USER and HANDOUT_SMTP_PASSWORD, never from a flag.
};

/// A message's end, by its file name (no patient value).
struct SendResult {
    std::string file;       ///< the `.eml` file's name within the outbox
    /// in_doubt: handed to the server whole, no reply recorded (this run or an earlier one);
    /// stopped: not tried, because the run stopped (no TLS, login refused, server unreachable,
    /// the sent-log not writable) — a re-run sends it.
    enum class Status { sent, already_sent, in_doubt, failed, skipped_limit, would_send, stopped } status = Status::failed;
    int smtp_code = 0;      ///< the server's last reply code, 0 when none
    std::string error;      ///< the server's reply or curl's error; never a recipient or a value
    unsigned attempts = 0;
};

struct SendOutcome {
    std::vector<SendResult> results;
    std::size_t sent = 0, already_sent = 0, in_doubt = 0, failed = 0, would_send = 0, not_sent_limit = 0, stopped = 0;
    std::uint64_t bytes = 0;  ///< of the messages listed (dry run) or sent
    Diagnostics diagnostics;  ///< about the job as a whole (bad URL, no TLS, unreadable outbox)
    /// The job itself could not be used (bad URL, credentials half given, outbox unreadable):
    /// exit 2; otherwise errors in `diagnostics` are failures of the run (exit 1).
    bool bad_input = false;
    bool ok() const { return failed == 0 && in_doubt == 0 && stopped == 0 && !has_errors(diagnostics); }
};

/// Sends (or, without job.send, lists) the messages of job.outbox in name order; `only`, when
/// given, restricts it to those file names (the batch's window). Prints progress and the dry run
/// to stderr/stdout unless job.quiet. The sent-log is `<outbox>/sent-log.jsonl` (mail/sent_log.hpp):
/// a message whose Message-ID it records as sent is never sent again; one in doubt only with
/// job.resend_in_doubt. A 4xx reply or a connection lost before the whole message went is tried
/// again (job.retries times, waiting job.backoff_seconds, doubling); a 5xx fails that message; a
/// connection lost after the whole message went leaves it in doubt (never retried by itself).
SendOutcome run_send(const SendJob& job, const std::optional<std::vector<std::string>>& only = std::nullopt);

}  // namespace handout
