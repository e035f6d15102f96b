// deliver: the journal of a folder's up-to-date outputs — which output was written from which
// inputs (a digest) and how many pages it has — so a re-run renders only what changed; and the
// clean-up of temporary files a killed run left behind.
#pragma once

#include "deliver/write_file.hpp"

#include <chrono>
#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <utility>

namespace handout {

/// One journal per shard, `.handout-state[-K-of-N]`, one line "<sha256> <pages> <output path>"
/// appended as each output lands (a killed run loses at most the line being written, and a line
/// that is not whole is ignored), rewritten compactly at the end. Reads every shard's journal in
/// the folder at start.
class StateJournal {
public:
    /// The journal is created (and rewritten) with `mode` under the umask: a batch passes its
    /// job's mode (0600), since output names may hold a record's id.
    StateJournal(const std::filesystem::path& dir, const std::string& name, unsigned mode = default_file_mode);
    ~StateJournal();
    StateJournal(const StateJournal&) = delete;
    StateJournal& operator=(const StateJournal&) = delete;

    /// `output` is relative to the folder (so the folder can move); `file` is where it is now.
    /// The page count of an up-to-date output, or nullopt when it must be rendered.
    std::optional<int> up_to_date(const std::string& output, const std::filesystem::path& file, const std::string& digest) const;

    /// Notes a newly written output. Thread-safe; one write() per line.
    void record(const std::string& output, const std::string& digest, int pages);

    /// Notes an output that was already up to date. Thread-safe.
    void keep(const std::string& output, const std::string& digest, int pages);

    /// Rewrites the journal with one line per output, atomically.
    void compact();

private:
    struct Entry {
        std::string digest;
        int pages = 0;
    };
    static std::optional<std::pair<std::string, Entry>> parse(const std::string& line);
    std::filesystem::path m_path;
    std::map<std::string, Entry> m_known;  ///< every shard's, as found at start
    std::map<std::string, Entry> m_mine;   ///< this shard's journal
    unsigned m_mode = default_file_mode;
    int m_fd = -1;
    std::mutex m_mutex;
};

/// How old another host's temporary must be before it is taken for a leftover: no file takes a
/// day to write, and a pid says nothing about a process on another machine sharing the folder.
inline constexpr std::chrono::hours stale_foreign_temporary_age{24};

/// Removes the temporary files a killed run left at the top of `dir` (not in its subfolders):
/// only handout's own (`.handout-<name>.tmp-<host>-<pid>-<random>`, see write_atomically), only
/// regular files, and only those whose process is gone — made on this host by a pid that no longer runs (or is a zombie), or on
/// another host more than stale_foreign_temporary_age ago. Another batch's or render's files,
/// and the user's own, stay. Returns how many it removed.
std::size_t remove_stale_temporaries(const std::filesystem::path& dir);

}  // namespace handout
