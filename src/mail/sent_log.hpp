// mail: the outbox's sent-log — takes the events of a send run (a message's data handed over,
// accepted, failed) and returns, for a Message-ID, whether it was sent, is in doubt or may go.
//
// `<outbox>/sent-log.jsonl`, mode 0600, one JSON object a line:
//     {"event":"pending","file":"0001.eml","message_id":"…@clinic.example","code":0,"time":"2024-05-01T09:00:00Z"}
// "pending": the message's data has all been handed to the SMTP library (only the end-of-data
// mark and the server's reply were still to come); "sent": the server accepted it (2xx);
// "failed": it was refused or could not be sent, and may be sent again. Each line is appended
// with one write(2) and flushed with fdatasync(2) before the run goes on, so after a kill or a
// power cut the log holds every event that happened before it (at most a torn last line, which
// is ignored). No recipient, name or other patient value is ever written to it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace handout {

enum class SentEvent { pending, sent, failed };

/// What the log says of a Message-ID.
enum class SentState {
    unsent,    ///< never handed over, or failed: a run sends it
    sent,      ///< accepted by the server: never sent again
    in_doubt,  ///< handed over, but no reply was recorded: the server may have it
};

class SentLog {
public:
    /// Reads `<outbox>/sent-log.jsonl` (a missing log is an empty one). With `for_writing`, also
    /// opens it for appending (creating it 0600) and takes an exclusive flock on it for as long
    /// as the value lives, so two send runs never share an outbox. Nullopt and `error` set when
    /// the log cannot be read or opened, or another run holds it.
    static std::optional<SentLog> open(const std::string& outbox, bool for_writing, std::string& error);

    SentLog(SentLog&& other) noexcept;
    SentLog& operator=(SentLog&& other) noexcept;
    SentLog(const SentLog&) = delete;
    SentLog& operator=(const SentLog&) = delete;
    ~SentLog();

    SentState state(const std::string& message_id) const;

    /// Appends one event (one write, then fdatasync) and notes it. An error message, or nullopt.
    /// Called from curl's read callback too: never throws for I/O problems.
    std::optional<std::string> append(SentEvent event, std::string_view file, const std::string& message_id, int code);

    const std::string& path() const { return m_path; }
    std::size_t ignored_lines() const { return m_ignored_lines; }

private:
    SentLog() = default;
    void note(SentEvent event, const std::string& message_id);

    std::string m_path;
    int m_fd = -1;  ///< open for appending (and flocked) when writing, else -1
    /// Per Message-ID: whether a "sent" line was seen, and the last of "pending"/"failed".
    struct Entry {
        bool sent = false;
        bool pending_last = false;
    };
    std::unordered_map<std::string, Entry> m_entries;
    std::size_t m_ignored_lines = 0;  ///< lines that were not whole JSON events (a torn write)
};

/// One log line (with its '\n'): the event, file, Message-ID, code and `time` (seconds since
/// the epoch) as UTC ISO 8601.
std::string sent_log_line(SentEvent event, std::string_view file, const std::string& message_id, int code,
                          std::int64_t time);

}  // namespace handout
