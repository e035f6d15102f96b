// tests: batch shards — --shard K/N and the schedulers' environments (Kubernetes Indexed Jobs,
// Slurm arrays, AWS Batch arrays, Google Cloud Batch) pick a deterministic, disjoint part of the
// manifest; shard runs into one folder write every record once; merge-reports joins them.
#include "batch/shard.hpp"
#include "helpers.hpp"

#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <functional>
#include <map>

namespace {

/// A fake environment for choose_shard.
struct FakeEnv {
    std::map<std::string, std::string> vars;
    std::function<const char*(const char*)> fn() const {
        return [this](const char* name) -> const char* {
            auto it = vars.find(name);
            return it == vars.end() ? nullptr : it->second.c_str();
        };
    }
};

handout::ShardChoice choose(const std::string& flag, std::size_t count, const FakeEnv& env) {
    return handout::choose_shard(flag, count, env.fn());
}

std::string k_of_n(const handout::ShardChoice& c) {
    if (!c.shard) {
        return "error: " + c.error;
    }
    return std::to_string(c.shard->index) + "/" + std::to_string(c.shard->count);
}

std::vector<std::string> consent_batch(const std::string& out) {
    return {"batch", "samples/patients.csv", "-c", "content/ketamine-consent.md", "-l", "layouts/letter.toml", "--out",
            out, "--jobs", "2"};
}

}  // namespace

TEST_SUITE("batch") {

TEST_CASE("--shard K/N is read as shard K of N") {
    FakeEnv none;
    CHECK(k_of_n(choose("1/3", 0, none)) == "1/3");
    CHECK(k_of_n(choose("3/3", 0, none)) == "3/3");
    CHECK(k_of_n(choose("1/1", 0, none)) == "1/1");
    auto c = choose("2/5", 0, none);
    REQUIRE(c.shard);
    CHECK(c.shard->source == "--shard");
    CHECK(c.error.empty());
}

TEST_CASE("a malformed or out-of-range --shard is an error") {
    FakeEnv none;
    for (const char* bad : {"0/3", "4/3", "x", "3", "1/0", "/3", "1/", "-1/3", "a/b", "1/3/5", "1.5/3", " 1/3"}) {
        auto c = choose(bad, 0, none);
        CAPTURE(bad);
        CHECK_FALSE(c.shard.has_value());
        CHECK_FALSE(c.error.empty());
    }
}

TEST_CASE("with no flag and no scheduler environment the whole manifest is one shard") {
    FakeEnv none;
    auto c = choose("", 0, none);
    REQUIRE(c.shard);
    CHECK(k_of_n(c) == "1/1");
    CHECK(c.shard->source == "none");
}

TEST_CASE("a Kubernetes completion index with HANDOUT_SHARD_COUNT is 0-based") {
    FakeEnv env{{{"JOB_COMPLETION_INDEX", "2"}, {"HANDOUT_SHARD_COUNT", "4"}}};
    auto c = choose("", 0, env);
    CHECK(k_of_n(c) == "3/4");
    REQUIRE(c.shard);
    CHECK(c.shard->source == "JOB_COMPLETION_INDEX");
    // --shard-count works in place of HANDOUT_SHARD_COUNT.
    FakeEnv index_only{{{"JOB_COMPLETION_INDEX", "0"}}};
    CHECK(k_of_n(choose("", 6, index_only)) == "1/6");
}

TEST_CASE("a Kubernetes completion index without a shard count is an error") {
    FakeEnv env{{{"JOB_COMPLETION_INDEX", "2"}}};
    auto c = choose("", 0, env);
    CHECK_FALSE(c.shard.has_value());
    CHECK(c.error.find("JOB_COMPLETION_INDEX") != std::string::npos);
}

TEST_CASE("a completion index past the count or not a number is an error") {
    CHECK_FALSE(choose("", 0, FakeEnv{{{"JOB_COMPLETION_INDEX", "4"}, {"HANDOUT_SHARD_COUNT", "4"}}}).shard);
    CHECK_FALSE(choose("", 0, FakeEnv{{{"JOB_COMPLETION_INDEX", "two"}, {"HANDOUT_SHARD_COUNT", "4"}}}).shard);
    CHECK_FALSE(choose("", 0, FakeEnv{{{"JOB_COMPLETION_INDEX", "1"}, {"HANDOUT_SHARD_COUNT", "0"}}}).shard);
}

TEST_CASE("a Slurm array task counts from the array's first id") {
    FakeEnv env{{{"SLURM_ARRAY_TASK_ID", "5"}, {"SLURM_ARRAY_TASK_MIN", "1"}, {"SLURM_ARRAY_TASK_COUNT", "8"}}};
    auto c = choose("", 0, env);
    CHECK(k_of_n(c) == "5/8");
    REQUIRE(c.shard);
    CHECK(c.shard->source == "SLURM_ARRAY_TASK_ID");
    FakeEnv zero{{{"SLURM_ARRAY_TASK_ID", "0"}, {"SLURM_ARRAY_TASK_MIN", "0"}, {"SLURM_ARRAY_TASK_COUNT", "4"}}};
    CHECK(k_of_n(choose("", 0, zero)) == "1/4");
    FakeEnv high{{{"SLURM_ARRAY_TASK_ID", "17"}, {"SLURM_ARRAY_TASK_MIN", "10"}, {"SLURM_ARRAY_TASK_COUNT", "8"}}};
    CHECK(k_of_n(choose("", 0, high)) == "8/8");
}

TEST_CASE("a Slurm task id below the array's first id is an error, not a huge shard number") {
    FakeEnv env{{{"SLURM_ARRAY_TASK_ID", "0"}, {"SLURM_ARRAY_TASK_MIN", "1"}, {"SLURM_ARRAY_TASK_COUNT", "8"}}};
    CHECK_FALSE(choose("", 0, env).shard.has_value());
}

TEST_CASE("an AWS Batch array index with --shard-count is 0-based") {
    FakeEnv env{{{"AWS_BATCH_JOB_ARRAY_INDEX", "0"}}};
    auto c = choose("", 2, env);
    CHECK(k_of_n(c) == "1/2");
    REQUIRE(c.shard);
    CHECK(c.shard->source == "AWS_BATCH_JOB_ARRAY_INDEX");
    CHECK_FALSE(choose("", 0, env).shard.has_value());  // AWS does not give the size
}

TEST_CASE("a Google Cloud Batch task index and count pick the shard") {
    FakeEnv env{{{"BATCH_TASK_INDEX", "1"}, {"BATCH_TASK_COUNT", "3"}}};
    auto c = choose("", 0, env);
    CHECK(k_of_n(c) == "2/3");
    REQUIRE(c.shard);
    CHECK(c.shard->source == "BATCH_TASK_INDEX");
}

TEST_CASE("--shard wins over the scheduler's environment") {
    FakeEnv env{{{"JOB_COMPLETION_INDEX", "2"}, {"HANDOUT_SHARD_COUNT", "4"}}};
    auto c = choose("1/2", 0, env);
    CHECK(k_of_n(c) == "1/2");
    REQUIRE(c.shard);
    CHECK(c.shard->source == "--shard");
}

TEST_CASE("for every N the shards of a 23-record manifest cover it exactly once") {
    FakeEnv none;
    for (std::size_t n : {1, 2, 3, 5, 7, 20, 25}) {
        std::map<std::size_t, int> owners;
        std::vector<std::size_t> sizes;
        for (std::size_t k = 1; k <= n; ++k) {
            auto c = choose(std::to_string(k) + "/" + std::to_string(n), 0, none);
            REQUIRE(c.shard);
            std::size_t size = 0;
            for (std::size_t row = 1; row <= 23; ++row) {
                if (c.shard->owns(row)) {
                    ++owners[row];
                    ++size;
                }
            }
            sizes.push_back(size);
        }
        CAPTURE(n);
        CHECK(owners.size() == 23);
        for (const auto& [row, count] : owners) {
            CHECK_MESSAGE(count == 1, "row " << row);
        }
        // Balanced: shard sizes differ by at most one.
        auto [lo, hi] = std::minmax_element(sizes.begin(), sizes.end());
        CHECK(*hi - *lo <= 1);
    }
}

TEST_CASE("the same shard takes the same rows every time") {
    FakeEnv none;
    auto a = choose("2/3", 0, none);
    auto b = choose("2/3", 0, none);
    REQUIRE(a.shard);
    REQUIRE(b.shard);
    for (std::size_t row = 1; row <= 23; ++row) {
        CHECK(a.shard->owns(row) == b.shard->owns(row));
    }
}

TEST_CASE("a bad --shard, or an index without a count, exits 2 and writes nothing") {
    test::TempDir dir;
    std::string out = dir / "out";
    for (const char* bad : {"0/3", "4/3", "x"}) {
        auto args = consent_batch(out);
        args.insert(args.end(), {"--shard", bad});
        auto r = test::run_batch_cli(args);
        CAPTURE(bad);
        CHECK(r.exit_code == 2);
        CHECK(r.err.find("shard") != std::string::npos);
        CHECK(test::pdfs_in(out).empty());
    }
    auto r = test::run_batch_cli(consent_batch(out), {"JOB_COMPLETION_INDEX=1"});
    CHECK(r.exit_code == 2);
    CHECK_MESSAGE(r.err.find("JOB_COMPLETION_INDEX") != std::string::npos, r.err);
    CHECK(test::pdfs_in(out).empty());
}

TEST_CASE("a run with JOB_COMPLETION_INDEX in its environment renders only its shard") {
    test::TempDir dir;
    std::string out = dir / "out";
    auto r = test::run_batch_cli(consent_batch(out), {"JOB_COMPLETION_INDEX=1", "HANDOUT_SHARD_COUNT=3"});
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    // Shard 2/3 of 20: rows 2, 5, 8, 11, 14, 17, 20.
    std::vector<std::string> expected;
    for (int row = 2; row <= 20; row += 3) {
        expected.push_back("P" + std::to_string(1000 + row) + ".pdf");
    }
    CHECK(test::pdfs_in(out) == expected);
    auto report = test::read_json(out + "/report-2-of-3.json");
    CHECK(report["shard"] == "2/3");
    CHECK(report["shard_source"] == "JOB_COMPLETION_INDEX");
    CHECK(report["manifest_records"] == 20);
    std::vector<std::size_t> rows;
    for (const auto& rec : report["records"]) {
        rows.push_back(rec["row"]);
    }
    CHECK(rows == std::vector<std::size_t>{2, 5, 8, 11, 14, 17, 20});
}

TEST_CASE("three shards into one folder write all 20 PDFs once and merge-reports joins their reports") {
    test::TempDir dir;
    std::string out = dir / "out";
    std::map<std::size_t, int> ok_rows;
    for (int k = 1; k <= 3; ++k) {
        auto args = consent_batch(out);
        args.insert(args.end(), {"--shard", std::to_string(k) + "/3"});
        auto r = test::run_batch_cli(args);
        REQUIRE_MESSAGE(r.exit_code == 0, r.err);
        auto report = test::read_json(out + "/report-" + std::to_string(k) + "-of-3.json");
        CHECK(report["shard"] == std::to_string(k) + "/3");
        for (const auto& rec : report["records"]) {
            CHECK(rec["status"] == "ok");
            ++ok_rows[rec["row"].get<std::size_t>()];
        }
    }
    CHECK(ok_rows.size() == 20);
    for (const auto& [row, count] : ok_rows) {
        CHECK_MESSAGE(count == 1, "row " << row);
    }
    CHECK(test::pdfs_in(out).size() == 20);
    for (int row = 1; row <= 20; ++row) {
        CHECK(test::exists(out + "/P" + std::to_string(1000 + row) + ".pdf"));
    }

    std::string merged = dir / "merged.json";
    auto m = test::run_batch_cli({"merge-reports", out + "/report-2-of-3.json", out + "/report-3-of-3.json",
                                  out + "/report-1-of-3.json", "-o", merged});
    REQUIRE_MESSAGE(m.exit_code == 0, m.err);
    auto j = test::read_json(merged);
    REQUIRE(j["records"].size() == 20);
    for (std::size_t i = 0; i < 20; ++i) {
        CHECK(j["records"][i]["row"] == i + 1);
        CHECK(j["records"][i]["id"] == "P" + std::to_string(1001 + i));
    }
    CHECK(j["missing_rows"] == 0);
    CHECK(j["totals"]["records"] == 20);
    CHECK(j["totals"]["ok"] == 20);
    CHECK(j["totals"]["failed"] == 0);
    CHECK(j["totals"]["skipped"] == 0);
    CHECK(j["shards"].size() == 3);

    // Without -o the merged report goes to stdout, and a missing shard shows as missing rows.
    auto partial = test::run_batch_cli({"merge-reports", out + "/report-1-of-3.json", out + "/report-3-of-3.json"});
    CHECK(partial.exit_code == 0);
    auto p = nlohmann::json::parse(partial.out, nullptr, false);
    REQUIRE_FALSE(p.is_discarded());
    CHECK(p["missing_rows"] == 7);
    CHECK(p["totals"]["records"] == 13);

    // The same shard twice is an error.
    auto twice = test::run_batch_cli({"merge-reports", out + "/report-1-of-3.json", out + "/report-1-of-3.json"});
    CHECK(twice.exit_code == 2);
}

}  // TEST_SUITE
