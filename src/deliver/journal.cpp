#include "deliver/journal.hpp"

#include "deliver/write_file.hpp"

#include "deliver/temporary.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <functional>

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

namespace handout {

namespace fs = std::filesystem;

// ---- StateJournal ----

namespace {

struct Line {
    std::string_view digest;
    int pages = 0;
    std::string_view output;
};

/// "<64 characters> <pages> <output>"; nullopt for a line that is not whole.
std::optional<Line> parse_line(std::string_view line) {
    if (line.size() < 68 || line[64] != ' ') {
        return std::nullopt;
    }
    const std::size_t sp = line.find(' ', 65);
    if (sp == std::string_view::npos || sp == 65 || sp + 1 >= line.size()) {
        return std::nullopt;
    }
    return Line{line.substr(0, 64), std::atoi(std::string(line.substr(65, sp - 65)).c_str()), line.substr(sp + 1)};
}

std::uint64_t name_hash(std::string_view output) {
    return std::hash<std::string_view>{}(output);
}

int hex_value(char c) {
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    return -1;
}

/// The first 64 bits of a digest written as 64 lowercase hex digits; nullopt for anything else
/// (it can never match a digest record_digest makes).
std::optional<std::uint64_t> digest_bits(std::string_view hex) {
    if (hex.size() != 64) {
        return std::nullopt;
    }
    std::uint64_t out = 0;
    for (std::size_t i = 0; i < hex.size(); ++i) {
        const int v = hex_value(hex[i]);
        if (v < 0) {
            return std::nullopt;
        }
        if (i < 16) {
            out = out << 4 | static_cast<std::uint64_t>(v);
        }
    }
    return out;
}

}  // namespace

StateJournal::StateJournal(const fs::path& dir, const std::string& name, unsigned mode) : m_path(dir / name), m_mode(mode) {
    // Every line of every journal, then, in place, the last per output: the last seen of all
    // journals (in the folder's order, as before), and whether this shard's own journal says the
    // same last.
    std::error_code ec;
    std::uint32_t order = 0;
    for (const auto& entry : fs::directory_iterator(dir, ec)) {
        std::string n = entry.path().filename().string();
        // Journals only, not an older version's temporaries (`.handout-state.tmp-XXXXXX`).
        if (n.rfind(".handout-state", 0) != 0 || n.find(".tmp-") != std::string::npos) {
            continue;
        }
        const bool mine = n == name;
        std::ifstream f(entry.path());
        std::string line;
        while (std::getline(f, line)) {
            if (auto l = parse_line(line)) {
                const auto bits = digest_bits(l->digest);
                Entry e;
                e.name = name_hash(l->output);
                e.digest = bits.value_or(0);
                e.pages = static_cast<std::int32_t>(l->pages);
                e.order = order++ & ((1U << 30) - 1);  // a journal of a billion lines: its order wraps
                e.valid = bits ? 1 : 0;
                e.mine = mine ? 1 : 0;
                m_index.push_back(e);
            }
        }
    }
    std::sort(m_index.begin(), m_index.end(),
              [](const Entry& a, const Entry& b) { return a.name != b.name ? a.name < b.name : a.order < b.order; });
    std::size_t kept = 0;
    for (std::size_t i = 0; i < m_index.size();) {
        std::size_t end = i;
        std::optional<Entry> own;
        for (; end < m_index.size() && m_index[end].name == m_index[i].name; ++end) {
            if (m_index[end].mine) {
                own = m_index[end];
            }
        }
        Entry last = m_index[end - 1];
        last.mine = own && own->valid == last.valid && own->digest == last.digest && own->pages == last.pages ? 1 : 0;
        m_index[kept++] = last;
        i = end;
    }
    m_index.resize(kept);
    m_fd = ::open(m_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, static_cast<mode_t>(m_mode & 0777));
}

StateJournal::~StateJournal() {
    if (m_fd >= 0) {
        ::close(m_fd);
    }
}

const StateJournal::Entry* StateJournal::find(const std::string& output) const {
    const std::uint64_t h = name_hash(output);
    auto it = std::lower_bound(m_index.begin(), m_index.end(), h, [](const Entry& e, std::uint64_t v) { return e.name < v; });
    return it != m_index.end() && it->name == h ? &*it : nullptr;
}

std::optional<int> StateJournal::up_to_date(const std::string& output, const fs::path& file, const std::string& digest) const {
    const Entry* e = find(output);
    if (e == nullptr || !e->valid || digest_bits(digest) != e->digest) {
        return std::nullopt;
    }
    std::error_code ec;
    if (!fs::exists(file, ec)) {
        return std::nullopt;
    }
    return e->pages;
}

void StateJournal::append(const std::string& output, const std::string& digest, int pages) {
    std::string line = digest + " " + std::to_string(pages) + " " + output + "\n";
    std::lock_guard<std::mutex> lock(m_mutex);
    if (m_fd >= 0) {
        ssize_t n = ::write(m_fd, line.data(), line.size());
        (void)n;  // a lost line only costs a re-render next time
    }
}

void StateJournal::record(const std::string& output, const std::string& digest, int pages) {
    append(output, digest, pages);
}

void StateJournal::keep(const std::string& output, const std::string& digest, int pages) {
    const Entry* e = find(output);
    if (e != nullptr && e->mine && e->valid && digest_bits(digest) == e->digest && e->pages == pages) {
        return;  // this shard's journal has it already
    }
    append(output, digest, pages);
}

void StateJournal::compact() {
    if (m_fd >= 0) {
        ::close(m_fd);
        m_fd = -1;
    }
    std::vector<Entry>().swap(m_index);
    // Which lines are the last of their output: (name hash, line number), sorted.
    std::vector<std::pair<std::uint64_t, std::size_t>> lines;
    {
        std::ifstream f(m_path);
        std::string line;
        for (std::size_t n = 0; std::getline(f, line); ++n) {
            if (auto l = parse_line(line)) {
                lines.emplace_back(name_hash(l->output), n);
            }
        }
    }
    std::sort(lines.begin(), lines.end());
    std::vector<std::size_t> last;
    for (std::size_t i = 0; i < lines.size(); ++i) {
        if (i + 1 == lines.size() || lines[i + 1].first != lines[i].first) {
            last.push_back(lines[i].second);
        }
    }
    std::vector<std::pair<std::uint64_t, std::size_t>>().swap(lines);
    std::sort(last.begin(), last.end());
    AtomicFileWriter out(m_path.string(), m_mode, Durability::deferred);
    std::ifstream f(m_path);
    std::string line;
    std::size_t next = 0;
    for (std::size_t n = 0; next < last.size() && std::getline(f, line); ++n) {
        if (n == last[next]) {
            out.write(line);
            out.write("\n");
            ++next;
        }
    }
    (void)out.commit();  // a journal not compacted is still a journal
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
