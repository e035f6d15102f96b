// deliver: takes an output folder and a shard, returns the lock that lets one batch at a time
// write there (or why another holds it).
#pragma once

#include <cstddef>
#include <optional>
#include <string>

namespace handout {

/// An exclusive flock(2) on `OUT/.handout-lock` (`OUT/.handout-lock-K-of-N` for shard K of N),
/// held as long as the value lives — and released by the kernel when the process ends, however it
/// ends, so a killed run never leaves a stale lock. The lock file itself stays (empty): removing
/// it would let a third run lock a new file while a second still holds the old one. Shards lock
/// separately, so the shards of one job can share a folder. Works across hosts where the file
/// system supports flock (local file systems; NFS v4 maps it to its own locks).
class OutLock {
public:
    /// Takes the lock without waiting. `shard_count` ≤ 1 means an unsharded run; `shard_index`
    /// is 1-based. On failure, nullopt and `error` says what to do, e.g. "another handout batch is
    /// writing to OUT (shard 2 of 4); wait for it or choose another --out", or why the lock file
    /// cannot be made. The folder must exist.
    static std::optional<OutLock> acquire(const std::string& out_dir, std::size_t shard_index, std::size_t shard_count,
                                          std::string& error);

    /// The lock file's name for a shard: `.handout-lock` or `.handout-lock-K-of-N`.
    static std::string file_name(std::size_t shard_index, std::size_t shard_count);

    OutLock(OutLock&& other) noexcept : m_fd(other.m_fd) { other.m_fd = -1; }
    OutLock& operator=(OutLock&& other) noexcept;
    OutLock(const OutLock&) = delete;
    OutLock& operator=(const OutLock&) = delete;
    ~OutLock();

private:
    explicit OutLock(int fd) : m_fd(fd) {}
    int m_fd = -1;  ///< the open lock file; closing it releases the lock
};

}  // namespace handout
