#include "deliver/journal.hpp"

#include "deliver/write_file.hpp"

#include <cstdlib>
#include <fstream>

#include <fcntl.h>
#include <unistd.h>

namespace handout {

namespace fs = std::filesystem;

StateJournal::StateJournal(const fs::path& dir, const std::string& name) : m_path(dir / name) {
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(dir, ec)) {
        std::string n = entry.path().filename().string();
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
    m_fd = ::open(m_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
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
    write_atomically(m_path.string(), text, Durability::deferred);
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

void remove_stale_temporaries(const fs::path& dir) {
    std::error_code ec;
    for (fs::recursive_directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
        std::string name = it->path().filename().string();
        if (it->is_regular_file(ec) && name.size() > 12 && name[0] == '.' && name.find(".tmp-") != std::string::npos) {
            fs::remove(it->path(), ec);
        }
    }
}

}  // namespace handout
