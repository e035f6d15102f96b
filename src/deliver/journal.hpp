// deliver: the journal of a folder's up-to-date outputs — which output was written from which
// inputs (a digest) and how many pages it has — so a re-run renders only what changed; the
// clean-up of temporary files a killed run left behind; and files written a piece at a time but
// put in place atomically (the journal's compaction, a batch's report).
#pragma once

#include "deliver/write_file.hpp"

#include <array>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace handout {

/// One journal per shard, `.handout-state[-K-of-N]`, one line "<sha256> <pages> <output path>"
/// appended as each output lands (a killed run loses at most the line being written, and a line
/// that is not whole is ignored), rewritten compactly at the end. Reads every shard's journal in
/// the folder at start, into a compact index: per output, a 64-bit hash of its name, the first
/// 64 bits of its digest and its pages (24 bytes an output, while loading too; no names, no
/// lines kept). Two names of one hash, or a changed output whose new digest begins as the old
/// one did, are as likely as two random 64-bit numbers being equal.
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

    /// Notes a newly written output: appends its line, in one write() (the batch's child
    /// processes share the file, and their lines never interleave). Thread-safe.
    void record(const std::string& output, const std::string& digest, int pages);

    /// Notes an output that was already up to date: appends its line unless this shard's
    /// journal already ends up saying the same (its line came from another shard's journal).
    void keep(const std::string& output, const std::string& digest, int pages);

    /// Rewrites this shard's journal with the last line of each output, atomically, reading and
    /// writing a line at a time.
    void compact();

private:
    /// One output, 24 bytes: what the index keeps instead of its line.
    struct Entry {
        std::uint64_t name = 0;    ///< hash of the output name
        std::uint64_t digest = 0;  ///< the digest's first 64 bits
        std::int32_t pages = 0;
        std::uint32_t order : 30;  ///< while loading: the line's place among all journals' lines
        std::uint32_t valid : 1;   ///< the digest was 64 lowercase hex digits
        std::uint32_t mine : 1;    ///< loading: from this shard's journal; after: it says the same last
    };
    const Entry* find(const std::string& output) const;
    void append(const std::string& output, const std::string& digest, int pages);
    std::filesystem::path m_path;
    std::vector<Entry> m_index;  ///< by name hash; every shard's journal, as found at start
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
