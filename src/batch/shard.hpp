// batch: which part of the manifest this process renders — from --shard K/N or a scheduler's
// environment (Kubernetes Indexed Jobs, Slurm arrays, AWS Batch arrays, Google Cloud Batch).
#pragma once

#include <functional>
#include <optional>
#include <string>

namespace handout {

struct Shard {
    std::size_t index = 1;  ///< 1-based
    std::size_t count = 1;
    std::string source;     ///< where it came from, for the report: "--shard", "JOB_COMPLETION_INDEX", …

    /// Records go round-robin: record r (1-based) belongs to shard ((r - 1) mod N) + 1.
    bool owns(std::size_t row) const { return (row - 1) % count + 1 == index; }
};

struct ShardChoice {
    std::optional<Shard> shard;
    std::string error;      ///< set when the flags or environment are contradictory or malformed
};

/// `flag` is --shard ("K/N" or empty); `count_flag` is --shard-count (0 = not given);
/// `env` reads an environment variable (nullptr when unset).
ShardChoice choose_shard(const std::string& flag, std::size_t count_flag,
                         const std::function<const char*(const char*)>& env);

}  // namespace handout
