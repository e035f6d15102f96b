// tests: every record of a batch renders in a child process (batch/child_pool), so a record whose
// renderer crashes, aborts, hangs past --record-time or allocates past --record-memory fails alone
// with a message saying which, and a file whose parser crashes fails the records that name it:
// every other record is written and the report lists them all. Faults are injected through the
// documented test seam HANDOUT_FAULT_INJECTION (README, "Reliability").
#include "helpers.hpp"

#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include <filesystem>
#include <map>

namespace {

namespace fs = std::filesystem;

const std::string greeting = std::string(HANDOUT_TEST_DIR) + "/data/batch/greeting.md";

#if defined(__SANITIZE_ADDRESS__)
constexpr bool sanitized = true;  // no address-space limit under ASan: it reserves terabytes
#else
constexpr bool sanitized = false;
#endif

using test::by_row;
using test::error_of;

/// Six records, P1…P6, of the greeting sheet.
std::string six_records(const test::TempDir& dir) {
    const std::string manifest = dir / "m.csv";
    test::write_file(manifest, "patient.id,patient.name\nP1,Ann\nP2,Bob\nP3,Cat\nP4,Dan\nP5,Eve\nP6,Fay\n");
    return manifest;
}

}  // namespace

TEST_SUITE("batch") {

TEST_CASE("a record whose renderer crashes, aborts or hangs fails alone, and every other record is written") {
    test::TempDir dir;
    const std::string manifest = six_records(dir);
    const std::string out = dir / "out";
    auto r = test::run_batch_cli({"batch", manifest, "-c", greeting, "--out", out, "--jobs", "2", "--record-time", "3"},
                                 {"HANDOUT_FAULT_INJECTION=2:crash,4:abort,5:hang"});
    CHECK(r.exit_code == 1);  // some records failed; the run ended normally
    const auto rows = by_row(test::read_json(out + "/report.json"));
    REQUIRE(rows.size() == 6);
    // Under AddressSanitizer its SEGV handler reports the crash and exits with status 1 instead.
    CHECK_MESSAGE((test::contains(error_of(rows.at(2)), "the renderer stopped by signal 11 (SIGSEGV: a crash)") ||
                   (sanitized && test::contains(error_of(rows.at(2)), "the renderer exited with status"))),
                  error_of(rows.at(2)));
    CHECK(test::contains(error_of(rows.at(4)), "the renderer stopped by signal 6 (SIGABRT"));
    CHECK(test::contains(error_of(rows.at(5)), "took longer than 3 s (--record-time)"));
    for (std::size_t row : {1, 3, 6}) {
        CHECK_MESSAGE(rows.at(row)["status"] == "ok", "row ", row, ": ", error_of(rows.at(row)));
        CHECK(test::exists(out + "/P" + std::to_string(row) + ".pdf"));
    }
    for (std::size_t row : {2, 4, 5}) {
        CHECK(rows.at(row)["status"] == "failed");
        CHECK_FALSE(test::exists(out + "/P" + std::to_string(row) + ".pdf"));
    }
    CHECK(test::contains(r.err, "3 ok, 0 skipped, 3 failed"));
    // A re-run without the faults renders the three that failed and skips the rest.
    auto again = test::run_batch_cli({"batch", manifest, "-c", greeting, "--out", out});
    CHECK(again.exit_code == 0);
    CHECK_MESSAGE(test::contains(again.err, "3 ok, 3 skipped, 0 failed"), again.err);
}

TEST_CASE("a record that allocates past --record-memory fails with a message, and the others are written"
          * doctest::skip(sanitized)) {
    test::TempDir dir;
    const std::string manifest = six_records(dir);
    const std::string out = dir / "out";
    auto r = test::run_batch_cli({"batch", manifest, "-c", greeting, "--out", out, "--record-memory", "1024"},
                                 {"HANDOUT_FAULT_INJECTION=3:oom"});
    CHECK(r.exit_code == 1);
    const auto rows = by_row(test::read_json(out + "/report.json"));
    CHECK(rows.at(3)["status"] == "failed");
    CHECK_MESSAGE(test::contains(error_of(rows.at(3)), "ran out of memory (--record-memory 1024 MB)"), error_of(rows.at(3)));
    CHECK(rows.at(2)["status"] == "ok");
    CHECK(rows.at(4)["status"] == "ok");
}

TEST_CASE("renderers with too little memory for their fonts fail every record, and the report is still written"
          * doctest::skip(sanitized)) {
    test::TempDir dir;
    const std::string manifest = six_records(dir);
    const std::string out = dir / "out";
    auto r = test::run_batch_cli({"batch", manifest, "-c", greeting, "--out", out, "--record-memory", "64"});
    CHECK(r.exit_code == 1);
    const auto rows = by_row(test::read_json(out + "/report.json"));
    REQUIRE(rows.size() == 6);
    for (const auto& [row, record] : rows) {
        CHECK(record["status"] == "failed");
        CHECK_FALSE(error_of(record).empty());
    }
}

TEST_CASE("a content file whose parser crashes fails the records that name it, and only those") {
    test::TempDir dir;
    const std::string other = dir / "fault-sheet.md";
    fs::copy_file(greeting, other);
    const std::string manifest = dir / "m.csv";
    test::write_file(manifest, "patient.id,patient.name,content\nP1,Ann,\nP2,Bob," + other + "\nP3,Cat,\n");
    const std::string out = dir / "out";
    auto r = test::run_batch_cli({"batch", manifest, "-c", greeting, "--out", out, "--allow-dir", dir.path()},
                                 {"HANDOUT_FAULT_INJECTION=fault-sheet.md:crash"});
    CHECK(r.exit_code == 1);
    const auto rows = by_row(test::read_json(out + "/report.json"));
    CHECK(rows.at(1)["status"] == "ok");
    CHECK(rows.at(3)["status"] == "ok");
    CHECK(rows.at(2)["status"] == "failed");
    CHECK_MESSAGE((test::contains(error_of(rows.at(2)), "reading it stopped by signal 11 (SIGSEGV: a crash)") ||
                   (sanitized && test::contains(error_of(rows.at(2)), "reading it exited with status"))),
                  error_of(rows.at(2)));
}

}  // TEST_SUITE
