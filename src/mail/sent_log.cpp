#include "mail/sent_log.hpp"

#include "mail/outbox.hpp"

#include <nlohmann/json.hpp>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <utility>

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

namespace handout {

namespace {

const char* event_name(SentEvent e) {
    switch (e) {
    case SentEvent::pending:
        return "pending";
    case SentEvent::sent:
        return "sent";
    case SentEvent::failed:
        return "failed";
    }
    return "failed";
}

std::optional<SentEvent> parse_event(std::string_view name) {
    if (name == "pending") {
        return SentEvent::pending;
    }
    if (name == "sent") {
        return SentEvent::sent;
    }
    if (name == "failed") {
        return SentEvent::failed;
    }
    return std::nullopt;
}

std::string iso_time(std::int64_t seconds) {
    const auto t = static_cast<std::time_t>(seconds);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

/// write(2) until all of `bytes` is written (a regular file takes it in one call; a signal may split it).
bool write_all(int fd, std::string_view bytes) {
    while (!bytes.empty()) {
        const ssize_t n = ::write(fd, bytes.data(), bytes.size());
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            return false;
        }
        bytes.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
}

}  // namespace

std::string sent_log_line(SentEvent event, std::string_view file, const std::string& message_id, int code,
                          std::int64_t time) {
    nlohmann::ordered_json j;
    j["event"] = event_name(event);
    j["file"] = std::string(file);
    j["message_id"] = message_id;
    j["code"] = code;
    j["time"] = iso_time(time);
    // Invalid UTF-8 in a name is written as U+FFFD rather than failing the run.
    return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

std::optional<SentLog> SentLog::open(const std::string& outbox, bool for_writing, std::string& error) {
    SentLog log;
    log.m_path = (std::filesystem::path(outbox) / sent_log_name).string();
    if (for_writing) {
        log.m_fd = ::open(log.m_path.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC | O_NOFOLLOW);
        if (log.m_fd < 0 && errno == ENOENT) {
            log.m_fd = ::open(log.m_path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_APPEND | O_CLOEXEC | O_NOFOLLOW, 0600);
            if (log.m_fd >= 0) {
                // The new name must outlive a power cut as the lines written to it do.
                const int dir = ::open(outbox.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
                if (dir >= 0) {
                    ::fsync(dir);
                    ::close(dir);
                }
            } else if (errno == EEXIST) {
                // Another run created it this instant: open theirs (the lock then decides).
                log.m_fd = ::open(log.m_path.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC | O_NOFOLLOW);
            }
        }
        if (log.m_fd < 0) {
            error = "cannot open the sent-log `" + log.m_path + "`: " + std::strerror(errno);
            return std::nullopt;
        }
        if (::flock(log.m_fd, LOCK_EX | LOCK_NB) != 0) {
            error = errno == EWOULDBLOCK
                        ? "another `handout send` (or a batch sending) is using the outbox `" + outbox +
                              "`; wait for it to end"
                        : "cannot lock the sent-log `" + log.m_path + "`: " + std::strerror(errno);
            return std::nullopt;
        }
    }
    std::ifstream in(log.m_path, std::ios::binary);
    if (!in && std::filesystem::exists(log.m_path)) {
        error = "cannot read the sent-log `" + log.m_path + "`";
        return std::nullopt;
    }
    std::string line;
    bool ends_with_newline = true;
    while (std::getline(in, line)) {
        ends_with_newline = !in.eof();
        if (!ends_with_newline) {
            ++log.m_ignored_lines;  // a torn last line: its event may not have happened
            break;
        }
        auto j = nlohmann::json::parse(line, nullptr, false);
        if (j.is_discarded() || !j.is_object() || !j.contains("event") || !j["event"].is_string() ||
            !j.contains("message_id") || !j["message_id"].is_string()) {
            ++log.m_ignored_lines;
            continue;
        }
        auto event = parse_event(j["event"].get<std::string>());
        if (!event) {
            ++log.m_ignored_lines;
            continue;
        }
        log.note(*event, j["message_id"].get<std::string>());
    }
    if (log.m_fd >= 0 && !ends_with_newline) {
        // End the torn line, so the next event starts a line of its own.
        if (!write_all(log.m_fd, "\n") || ::fdatasync(log.m_fd) != 0) {
            error = "cannot write the sent-log `" + log.m_path + "`: " + std::strerror(errno);
            return std::nullopt;
        }
    }
    return log;
}

SentLog::SentLog(SentLog&& other) noexcept
    : m_path(std::move(other.m_path)),
      m_fd(std::exchange(other.m_fd, -1)),
      m_entries(std::move(other.m_entries)),
      m_ignored_lines(other.m_ignored_lines) {}

SentLog& SentLog::operator=(SentLog&& other) noexcept {
    if (this != &other) {
        if (m_fd >= 0) {
            ::close(m_fd);
        }
        m_path = std::move(other.m_path);
        m_fd = std::exchange(other.m_fd, -1);
        m_entries = std::move(other.m_entries);
        m_ignored_lines = other.m_ignored_lines;
    }
    return *this;
}

SentLog::~SentLog() {
    if (m_fd >= 0) {
        ::close(m_fd);  // releases the flock
    }
}

void SentLog::note(SentEvent event, const std::string& message_id) {
    Entry& e = m_entries[message_id];
    switch (event) {
    case SentEvent::sent:
        e.sent = true;
        break;
    case SentEvent::pending:
        e.pending_last = true;
        break;
    case SentEvent::failed:
        e.pending_last = false;
        break;
    }
}

SentState SentLog::state(const std::string& message_id) const {
    auto it = m_entries.find(message_id);
    if (it == m_entries.end()) {
        return SentState::unsent;
    }
    if (it->second.sent) {
        return SentState::sent;
    }
    return it->second.pending_last ? SentState::in_doubt : SentState::unsent;
}

std::optional<std::string> SentLog::append(SentEvent event, std::string_view file, const std::string& message_id,
                                           int code) {
    if (m_fd < 0) {
        return "the sent-log `" + m_path + "` is not open for writing";
    }
    std::string line;
    try {
        line = sent_log_line(event, file, message_id, code, static_cast<std::int64_t>(std::time(nullptr)));
    } catch (const std::exception& e) {
        return std::string("cannot write the sent-log: ") + e.what();
    }
    // One write(2) of the whole line on an O_APPEND descriptor: a kill leaves the line whole or
    // absent; fdatasync before going on, so the event outlives a power cut too.
    if (!write_all(m_fd, line) || ::fdatasync(m_fd) != 0) {
        return "cannot write the sent-log `" + m_path + "`: " + std::strerror(errno);
    }
    note(event, message_id);
    return std::nullopt;
}

}  // namespace handout
