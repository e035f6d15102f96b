// tests: hostile inputs to `handout batch` and `render` — a record that names a file outside the
// allowed folders, a FIFO or a device, an oversized file, a layout whose bad line holds a secret —
// each fails that record alone (or the render, for the operator's own file) with a message that
// names the file or the column and never quotes what a record-named file holds; the rest of the
// batch is written and reported.
#include "helpers.hpp"

#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include <filesystem>
#include <map>

#include <sys/stat.h>

namespace {

namespace fs = std::filesystem;

const std::string greeting = std::string(HANDOUT_TEST_DIR) + "/data/batch/greeting.md";

using test::by_row;
using test::error_of;

}  // namespace

TEST_SUITE("batch") {

TEST_CASE("a record naming a file outside the allowed folders, a FIFO or a device fails alone, and fast") {
    test::TempDir dir;
    const std::string layouts = dir / "layouts";
    fs::copy("layouts", layouts, fs::copy_options::recursive);  // with the logo the layouts name
    REQUIRE(::mkfifo((layouts + "/pipe.toml").c_str(), 0600) == 0);
    const std::string manifest = dir / "m.csv";
    test::write_file(manifest,
                     "patient.id,patient.name,content,layout\n"
                     "P1,Ann,/etc/passwd,\n"                        // outside: never read
                     "P2,Bob,," + layouts + "/pipe.toml\n"          // a FIFO with no writer: would hang
                     "P3,Cat,,/dev/zero\n"                          // outside, and a device
                     "P4,Dan,,\n"
                     "P5,Eve,," + layouts + "/../layouts/letter.toml\n");
    const std::string out = dir / "out";
    auto r = test::run_batch_cli({"batch", manifest, "-c", greeting, "-l", layouts + "/letter.toml", "--out", out});
    CHECK(r.exit_code == 1);  // some records failed; the run went on
    const auto rows = by_row(test::read_json(out + "/report.json"));
    REQUIRE(rows.size() == 5);
    CHECK(rows.at(1)["status"] == "failed");
    CHECK(test::contains(error_of(rows.at(1)), "`content` column names a file outside the allowed folders"));
    CHECK(rows.at(2)["status"] == "failed");
    CHECK(test::contains(error_of(rows.at(2)), "is a FIFO, not a regular file"));
    CHECK(rows.at(3)["status"] == "failed");
    CHECK(test::contains(error_of(rows.at(3)), "`layout` column names a file outside the allowed folders"));
    CHECK(rows.at(4)["status"] == "ok");
    CHECK(rows.at(5)["status"] == "ok");
    CHECK(test::exists(out + "/P4.pdf"));
    CHECK(test::exists(out + "/P5.pdf"));
    for (const std::string& text : {r.err, test::read_file(out + "/report.json")}) {
        CHECK_FALSE(test::contains(text, "root:"));
        CHECK_FALSE(test::contains(text, "/etc/passwd"));  // the column is named, not its value
    }
}

TEST_CASE("--allow-dir lets a record name a file in another folder, and a device there is still refused") {
    test::TempDir dir;
    const std::string elsewhere = dir / "elsewhere";
    fs::copy("layouts", elsewhere, fs::copy_options::recursive);
    const std::string manifest = dir / "m.csv";
    test::write_file(manifest, "patient.id,patient.name,layout\nP1,Ann," + elsewhere + "/a4.toml\nP2,Bob,/dev/zero\n");
    const std::string out = dir / "out";
    auto r = test::run_batch_cli({"batch", manifest, "-c", greeting, "--out", out, "--allow-dir", elsewhere,
                                  "--allow-dir", "/dev"});
    const auto rows = by_row(test::read_json(out + "/report.json"));
    CHECK(rows.at(1)["status"] == "ok");
    CHECK(rows.at(2)["status"] == "failed");
    CHECK(test::contains(error_of(rows.at(2)), "is a device, not a regular file"));
    auto without = test::run_batch_cli({"batch", manifest, "-c", greeting, "--out", dir / "out2"});
    CHECK(by_row(test::read_json(dir / "out2/report.json")).at(1)["status"] == "failed");
}

TEST_CASE("a record's layout whose bad line holds a secret fails without quoting that line") {
    test::TempDir dir;
    const std::string layout = dir / "bad.toml";
    test::write_file(layout, "[page]\nsize = \"letter\"\npassword = hunter2-Zq9 is here\n");
    const std::string manifest = dir / "m.csv";
    test::write_file(manifest, "patient.id,patient.name,layout\nP1,Ann," + layout + "\nP2,Bob,\n");
    const std::string out = dir / "out";
    auto r = test::run_batch_cli({"batch", manifest, "-c", greeting, "--out", out, "--allow-dir", dir.path()});
    const auto rows = by_row(test::read_json(out + "/report.json"));
    CHECK(rows.at(1)["status"] == "failed");
    CHECK(test::contains(error_of(rows.at(1)), "bad.toml:3:"));  // positioned
    CHECK(rows.at(2)["status"] == "ok");
    for (const std::string& text : {r.err, test::read_file(out + "/report.json")}) {
        CHECK_FALSE(test::contains(text, "hunter2"));
    }
}

TEST_CASE("render refuses a content file over the size limit and a layout that is a FIFO, at once") {
    test::TempDir dir;
    const std::string big = dir / "big.md";
    {
        std::string text = "---\ntitle: \"Big\"\n---\n\n";
        text.append((8u << 20) + 1, 'a');
        test::write_file(big, text);
    }
    auto r = test::run_cli({"render", big, "-o", dir / "big.pdf"});
    CHECK(r.exit_code == 2);
    CHECK_MESSAGE(test::contains(r.err, "is larger than the limit of 8 MB"), r.err);
    CHECK_FALSE(test::exists(dir / "big.pdf"));
    const std::string fifo = dir / "pipe.toml";
    REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
    auto f = test::run_cli({"render", greeting, "-l", fifo, "-o", dir / "f.pdf"});
    CHECK(f.exit_code == 2);
    CHECK_MESSAGE(test::contains(f.err, "layout file `" + fifo + "` is a FIFO, not a regular file"), f.err);
}

}  // TEST_SUITE
