#include "deliver/journal.hpp"

#include "deliver/write_file.hpp"

#include "deliver/temporary.hpp"

#include <cerrno>
#include <cstdlib>
#include <fstream>

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

namespace handout {

namespace fs = std::filesystem;

StateJournal::StateJournal(const fs::path& dir, const std::string& name, unsigned mode) : m_path(dir / name), m_mode(mode) {
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(dir, ec)) {
        std::string n = entry.path().filename().string();
        // Journals only, not an older version's temporaries (`.handout-state.tmp-XXXXXX`).
        if (n.rfind(".handout-state", 0) != 0 || n.find(".tmp-") != std::string::npos) {
            continue;
        }
        std::ifstream f(entry.path());
        std::string line;
        while (std::getline(f, line)) {
            if (auto e = parse(line)) {
                m_known[e->first] = e->second;
            }
        }
    }
    if (fs::exists(m_path, ec)) {
        std::ifstream f(m_path);
        std::string line;
        while (std::getline(f, line)) {
            if (auto e = parse(line)) {
                m_mine[e->first] = e->second;
            }
        }
    }
    m_fd = ::open(m_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, static_cast<mode_t>(m_mode & 0777));
}

StateJournal::~StateJournal() {
    if (m_fd >= 0) {
        ::close(m_fd);
    }
}

std::optional<int> StateJournal::up_to_date(const std::string& output, const fs::path& file, const std::string& digest) const {
    auto it = m_known.find(output);
    std::error_code ec;
    if (it != m_known.end() && it->second.digest == digest && fs::exists(file, ec)) {
        return it->second.pages;
    }
    return std::nullopt;
}

void StateJournal::record(const std::string& output, const std::string& digest, int pages) {
    std::string line = digest + " " + std::to_string(pages) + " " + output + "\n";
    std::lock_guard<std::mutex> lock(m_mutex);
    m_mine[output] = Entry{digest, pages};
    if (m_fd >= 0) {
        ssize_t n = ::write(m_fd, line.data(), line.size());
        (void)n;  // a lost line only costs a re-render next time
    }
}

void StateJournal::keep(const std::string& output, const std::string& digest, int pages) {
    std::lock_guard<std::mutex> lock(m_mutex);
    m_mine[output] = Entry{digest, pages};
}

void StateJournal::compact() {
    std::string text;
    for (const auto& [out, e] : m_mine) {
        text += e.digest + " " + std::to_string(e.pages) + " " + out + "\n";
    }
    if (m_fd >= 0) {
        ::close(m_fd);
        m_fd = -1;
    }
    write_atomically(m_path.string(), text, Durability::deferred, m_mode);
}

std::optional<std::pair<std::string, StateJournal::Entry>> StateJournal::parse(const std::string& line) {
    if (line.size() < 68 || line[64] != ' ') {
        return std::nullopt;
    }
    std::size_t sp = line.find(' ', 65);
    if (sp == std::string::npos || sp == 65 || sp + 1 >= line.size()) {
        return std::nullopt;
    }
    int pages = std::atoi(line.substr(65, sp - 65).c_str());
    return std::make_pair(line.substr(sp + 1), Entry{line.substr(0, 64), pages});
}

namespace {

/// Whether process `pid` has ended: no such process, or a zombie — ended, not yet reaped (a
/// batch's record children killed with their parent stay so until init reaps them), which
/// writes nothing more. A process that runs as another user counts as running.
bool process_gone(long pid) {
    if (pid == static_cast<long>(::getpid())) {
        return false;
    }
    if (::kill(static_cast<pid_t>(pid), 0) != 0) {
        return errno == ESRCH;
    }
    std::ifstream f("/proc/" + std::to_string(pid) + "/stat");
    std::string stat;
    std::getline(f, stat);
    // "pid (comm) S …": the state follows the last ')' (comm may hold anything).
    std::size_t close = stat.rfind(')');
    if (close == std::string::npos || close + 2 >= stat.size()) {
        return false;
    }
    return stat[close + 2] == 'Z' || stat[close + 2] == 'X';
}

}  // namespace

std::size_t remove_stale_temporaries(const fs::path& dir) {
    std::size_t removed = 0;
    std::error_code ec;
    const auto now = fs::file_time_type::clock::now();
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
        auto owner = temporary_owner(it->path().filename().string());
        std::error_code entry_ec;
        if (!owner || !it->is_regular_file(entry_ec) || it->is_symlink(entry_ec)) {
            continue;
        }
        bool gone = false;
        if (owner->host == host_tag()) {
            gone = process_gone(owner->pid);
        } else {
            auto written = it->last_write_time(entry_ec);
            gone = !entry_ec && now - written > stale_foreign_temporary_age;
        }
        if (gone && fs::remove(it->path(), entry_ec)) {
            ++removed;
        }
    }
    return removed;
}

}  // namespace handout
