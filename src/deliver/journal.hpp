// deliver: the journal of a folder's up-to-date outputs — which output was written from which
// inputs (a digest) and how many pages it has — so a re-run renders only what changed; and the
// clean-up of temporary files a killed run left behind.
#pragma once

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
    StateJournal(const std::filesystem::path& dir, const std::string& name);
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
    int m_fd = -1;
    std::mutex m_mutex;
};

/// Removes the temporary files a killed run left under `dir`: `.NAME.tmp-XXXXXX` from write_atomically.
void remove_stale_temporaries(const std::filesystem::path& dir);

}  // namespace handout
