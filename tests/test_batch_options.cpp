// tests: `handout batch` options for hostile exports and shared folders — --encoding converts a
// Windows-1252 manifest (without it, the row fails naming the column, never the value), patient
// outputs are 0600 unless --mode says otherwise, and a second batch into the same --out is refused
// while the first runs.
#include "helpers.hpp"

#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include <chrono>
#include <filesystem>
#include <thread>

#include <sys/stat.h>

namespace {

namespace fs = std::filesystem;

const std::string greeting = std::string(HANDOUT_TEST_DIR) + "/data/batch/greeting.md";

unsigned mode_of(const std::string& path) {
    struct stat st {};
    REQUIRE(::stat(path.c_str(), &st) == 0);
    return st.st_mode & 0777;
}

unsigned current_umask() {
    const mode_t m = ::umask(0);
    ::umask(m);
    return m;
}

}  // namespace

TEST_SUITE("batch") {

TEST_CASE("--encoding WINDOWS-1252 reads a Latin-1 export; without it the row fails naming the column") {
    test::TempDir dir;
    const std::string manifest = dir / "m.csv";
    test::write_file(manifest, "patient.id,patient.name\nP1,Jos\xE9 N\xFA\xF1" "ez\nP2,Ann\n");
    auto r = test::run_batch_cli({"batch", manifest, "-c", greeting, "--out", dir / "a", "--encoding", "WINDOWS-1252"});
    CHECK_MESSAGE(r.exit_code == 0, r.err);
    CHECK(test::contains(test::normalize_space(test::pdftotext(dir / "a/P1.pdf")), "Hello José Núñez"));
    auto plain = test::run_batch_cli({"batch", manifest, "-c", greeting, "--out", dir / "b"});
    CHECK(plain.exit_code == 1);
    const auto report = test::read_json(dir / "b/report.json");
    const auto& first = report["records"][0];
    CHECK(first["status"] == "failed");
    const std::string error = first["error"].get<std::string>();
    CHECK_MESSAGE(test::contains(error, "patient.name"), error);
    CHECK_FALSE(test::contains(error, "Jos"));
    CHECK(report["records"][1]["status"] == "ok");
    auto unknown = test::run_batch_cli({"batch", manifest, "-c", greeting, "--out", dir / "c", "--encoding", "NO-SUCH-CODE"});
    CHECK(unknown.exit_code == 2);
    CHECK(test::contains(unknown.err, "--encoding"));
}

TEST_CASE("a batch's PDFs, report and journal are 0600 unless --mode says otherwise") {
    test::TempDir dir;
    const std::string manifest = dir / "m.csv";
    test::write_file(manifest, "patient.id,patient.name\nP1,Ann\n");
    auto r = test::run_batch_cli({"batch", manifest, "-c", greeting, "--out", dir / "a"});
    REQUIRE(r.exit_code == 0);
    CHECK(mode_of(dir / "a/P1.pdf") == 0600);
    CHECK(mode_of(dir / "a/report.json") == 0600);
    CHECK(mode_of(dir / "a/.handout-state") == 0600);
    auto wide = test::run_batch_cli({"batch", manifest, "-c", greeting, "--out", dir / "b", "--mode", "0640"});
    REQUIRE(wide.exit_code == 0);
    CHECK(mode_of(dir / "b/P1.pdf") == (0640 & ~current_umask()));
    auto bad = test::run_batch_cli({"batch", manifest, "-c", greeting, "--out", dir / "c", "--mode", "rw"});
    CHECK(bad.exit_code != 0);
    CHECK(test::contains(bad.err, "octal mode"));
}

TEST_CASE("a second batch into the same --out is refused while the first runs, and runs once it is done") {
    test::TempDir dir;
    const std::string manifest = dir / "m.csv";
    test::write_file(manifest, "patient.id,patient.name\nP1,Ann\nP2,Bob\n");
    const std::string out = dir / "out";
    // The first batch hangs in its first record (the test seam) until --record-time ends it.
    const int first = test::spawn_cli({"batch", manifest, "-c", greeting, "--out", out, "--record-time", "10", "-q"},
                                      test::batch_env({"HANDOUT_FAULT_INJECTION=1:hang"}), dir / "first.out", dir / "first.err");
    REQUIRE(first > 0);
    // It holds the lock from before it starts rendering; the state journal appears after that.
    for (int i = 0; i < 200 && !test::exists(out + "/.handout-lock"); ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    auto second = test::run_batch_cli({"batch", manifest, "-c", greeting, "--out", out, "-q"});
    CHECK(second.exit_code == 2);
    CHECK_MESSAGE(test::contains(second.err, "another handout batch is writing to"), second.err);
    const test::ChildEnd end = test::wait_child(first);
    CHECK(end.exited);
    CHECK(end.exit_code == 1);  // its first record timed out
    auto third = test::run_batch_cli({"batch", manifest, "-c", greeting, "--out", out, "-q"});
    CHECK(third.exit_code == 0);
}

TEST_CASE("the terminal gets the first 20 failed records and a count of the rest; the report has them all") {
    test::TempDir dir;
    std::string csv = "patient.id,patient.name\n";
    for (int i = 1; i <= 25; ++i) {
        csv += "F" + std::to_string(i) + ",Bad\x01name\n";  // a control character fails each record
    }
    csv += "F26,Ann\n";
    const std::string manifest = dir / "m.csv";
    test::write_file(manifest, csv);
    auto r = test::run_batch_cli({"batch", manifest, "-c", greeting, "--out", dir / "out"});
    CHECK(r.exit_code == 1);
    std::size_t lines = 0;
    for (const auto& line : test::split_lines(r.err)) {
        lines += test::contains(line, " failed: ") ? 1 : 0;
    }
    CHECK(lines == 20);
    CHECK_MESSAGE(test::contains(r.err, "handout: row 20 (id F20) failed: "), r.err);
    CHECK_FALSE(test::contains(r.err, "(id F21)"));
    CHECK(test::contains(r.err, "handout: … and 5 more failed records (see the report)"));
    const auto rows = test::by_row(test::read_json(dir / "out/report.json"));
    REQUIRE(rows.size() == 26);
    CHECK(test::contains(test::error_of(rows.at(25)), "holds the control character U+0001"));
    CHECK(rows.at(26)["status"] == "ok");
}

}  // TEST_SUITE
