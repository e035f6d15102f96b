#include "batch/shard.hpp"

#include <charconv>

namespace handout {

namespace {

std::optional<std::size_t> number(const char* s) {
    if (s == nullptr || *s == '\0') {
        return std::nullopt;
    }
    std::string_view v(s);
    std::size_t n = 0;
    auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
    if (ec != std::errc{} || p != v.data() + v.size()) {
        return std::nullopt;
    }
    return n;
}

}  // namespace

ShardChoice choose_shard(const std::string& flag, std::size_t count_flag,
                         const std::function<const char*(const char*)>& env) {
    ShardChoice c;
    auto make = [&](std::size_t index, std::size_t count, std::string source) {
        if (count == 0 || index == 0 || index > count) {
            c.error = "shard " + std::to_string(index) + " of " + std::to_string(count) + " (from " + source +
                      ") is not valid: K must be 1…N";
            return c;
        }
        c.shard = Shard{index, count, std::move(source)};
        return c;
    };
    if (!flag.empty()) {
        auto slash = flag.find('/');
        auto k = slash == std::string::npos ? std::nullopt : number(flag.substr(0, slash).c_str());
        auto n = slash == std::string::npos ? std::nullopt : number(flag.substr(slash + 1).c_str());
        if (!k || !n) {
            c.error = "--shard must be K/N, e.g. --shard 3/8";
            return c;
        }
        return make(*k, *n, "--shard");
    }
    std::optional<std::size_t> count = count_flag > 0 ? std::optional<std::size_t>(count_flag) : number(env("HANDOUT_SHARD_COUNT"));
    auto zero_based = [&](const char* index_var, std::optional<std::size_t> n) -> std::optional<ShardChoice> {
        const char* raw = env(index_var);
        if (raw == nullptr) {
            return std::nullopt;
        }
        auto i = number(raw);
        if (!i) {
            c.error = std::string(index_var) + " is not a number";
            return c;
        }
        if (!n) {
            c.error = std::string(index_var) + " is set but the shard count is not: give --shard-count N or HANDOUT_SHARD_COUNT";
            return c;
        }
        return make(*i + 1, *n, index_var);
    };
    // Kubernetes Indexed Jobs: 0-based index; the count is the Job's `completions`.
    if (auto r = zero_based("JOB_COMPLETION_INDEX", count)) {
        return *r;
    }
    // Slurm job arrays: task ids may start anywhere (--array=1-8); count from the array size.
    if (const char* id = env("SLURM_ARRAY_TASK_ID")) {
        auto i = number(id);
        auto n = count ? count : number(env("SLURM_ARRAY_TASK_COUNT"));
        auto min = number(env("SLURM_ARRAY_TASK_MIN"));
        if (!i || !n) {
            c.error = "SLURM_ARRAY_TASK_ID is set but SLURM_ARRAY_TASK_COUNT (or --shard-count) is not usable";
            return c;
        }
        return make(*i - (min ? *min : 0) + 1, *n, "SLURM_ARRAY_TASK_ID");
    }
    // AWS Batch array jobs: 0-based index; the array size is not in the environment.
    if (auto r = zero_based("AWS_BATCH_JOB_ARRAY_INDEX", count)) {
        return *r;
    }
    // Google Cloud Batch: 0-based index and the task count.
    if (auto r = zero_based("BATCH_TASK_INDEX", count ? count : number(env("BATCH_TASK_COUNT")))) {
        return *r;
    }
    c.shard = Shard{1, 1, "none"};
    return c;
}

}  // namespace handout
