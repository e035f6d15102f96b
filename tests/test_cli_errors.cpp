// tests: the CLI's failures — exit code 2, `file:line:col: error:` with hints on stderr,
// no patient value leaked into messages, and no output file written or touched.
#include "helpers.hpp"

#include <doctest/doctest.h>

#include <filesystem>
#include <optional>

namespace {

const std::string good_front = "---\ntitle: \"Test handout\"\n---\n\n";
const std::string epoch = "SOURCE_DATE_EPOCH=1793491200";

/// When the file named `-` in the working directory was last written, if there is one: a run
/// with `-o -` must leave it as it was (or absent).
std::optional<std::filesystem::file_time_type> dash_file_time() {
    std::error_code ec;
    auto t = std::filesystem::last_write_time("-", ec);
    return ec ? std::nullopt : std::optional(t);
}

}  // namespace

TEST_SUITE("cli") {

TEST_CASE("an unknown block kind exits 2 with its position and a hint, and writes nothing") {
    test::TempDir dir;
    std::string content = dir / "bad.md";
    test::write_file(content, good_front + "Intro.\n\n::: cavet\nCareful.\n:::\n");
    std::string out = dir / "out.pdf";
    auto r = test::run_cli({"render", content, "-l", "layouts/letter.toml", "-o", out});
    CHECK(r.exit_code == 2);
    CHECK_MESSAGE(r.err.find(content + ":7:5: error:") != std::string::npos, r.err);
    CHECK(r.err.find("cavet") != std::string::npos);
    CHECK(r.err.find("hint: did you mean `::: caveat`?") != std::string::npos);
    CHECK_FALSE(test::exists(out));
}

TEST_CASE("the error shows the source line with a caret under the column") {
    test::TempDir dir;
    std::string content = dir / "bad.md";
    test::write_file(content, good_front + "::: cavet\nCareful.\n:::\n");
    auto r = test::run_cli({"render", content, "-l", "layouts/letter.toml", "-o", dir / "out.pdf"});
    CHECK(r.exit_code == 2);
    CHECK_MESSAGE(r.err.find("\n  ::: cavet\n      ^\n") != std::string::npos, r.err);
}

TEST_CASE("an unknown layout key exits 2 naming the layout file, line and column") {
    test::TempDir dir;
    std::string layout = dir / "bad.toml";
    test::write_file(layout, "[page]\nsize = \"letter\"\n\n[body]\nsise = 12\n");
    std::string out = dir / "out.pdf";
    auto r = test::run_cli({"render", "content/ketamine-infusion.md", "-l", layout, "-o", out});
    CHECK(r.exit_code == 2);
    CHECK_MESSAGE(r.err.find(layout + ":5:1: error:") != std::string::npos, r.err);
    CHECK(r.err.find("hint: did you mean `size`?") != std::string::npos);
    CHECK_FALSE(test::exists(out));
}

TEST_CASE("a missing variable exits 2 naming it without echoing other values") {
    test::TempDir dir;
    std::string out = dir / "out.pdf";
    auto r = test::run_cli({"render", "content/ketamine-consent.md", "-l", "layouts/letter.toml", "-o", out, "--var",
                            "patient.name=SECRETNAME", "--var", "clinician.name=Dr. Lee", "--var",
                            "clinic.phone=555-0100"});
    CHECK(r.exit_code == 2);
    CHECK_MESSAGE(r.err.find("`date`") != std::string::npos, r.err);
    CHECK(r.err.find("content/ketamine-consent.md:") != std::string::npos);
    CHECK(r.err.find("SECRETNAME") == std::string::npos);
    CHECK(r.err.find("Dr. Lee") == std::string::npos);
    CHECK(r.err.find("555-0100") == std::string::npos);
    CHECK_FALSE(test::exists(out));
}

TEST_CASE("a missing variable in data JSON does not echo the data file's values") {
    test::TempDir dir;
    std::string data = dir / "patient.json";
    test::write_file(data, R"({"patient": {"name": "SECRETNAME"}, "clinician": {"name": "SECRETDOC"}})");
    auto r = test::run_cli({"render", "content/ketamine-consent.md", "-l", "layouts/letter.toml", "--data", data, "-o",
                            dir / "out.pdf"});
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("`date`") != std::string::npos);
    CHECK(r.err.find("`clinic.phone`") != std::string::npos);
    CHECK(r.err.find("SECRETNAME") == std::string::npos);
    CHECK(r.err.find("SECRETDOC") == std::string::npos);
}

TEST_CASE("a --var without = exits 2") {
    test::TempDir dir;
    auto r = test::run_cli({"render", "content/ketamine-consent.md", "-o", dir / "out.pdf", "--var", "patient.name"});
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("NAME=VALUE") != std::string::npos);
    CHECK_FALSE(test::exists(dir / "out.pdf"));
}

TEST_CASE("a missing content file exits 2") {
    test::TempDir dir;
    auto r = test::run_cli({"render", dir / "nope.md", "-o", dir / "out.pdf"});
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("nope.md") != std::string::npos);
}

TEST_CASE("a failed render leaves an existing output file untouched") {
    test::TempDir dir;
    std::string content = dir / "bad.md";
    test::write_file(content, good_front + "::: cavet\nCareful.\n:::\n");
    std::string out = dir / "out.pdf";
    test::write_file(out, "old");
    auto r = test::run_cli({"render", content, "-l", "layouts/letter.toml", "-o", out});
    CHECK(r.exit_code == 2);
    CHECK(test::read_file(out) == "old");
}

TEST_CASE("a failed render for a missing variable leaves an existing output file untouched") {
    test::TempDir dir;
    std::string out = dir / "out.pdf";
    test::write_file(out, "old");
    auto r = test::run_cli({"render", "content/ketamine-consent.md", "-l", "layouts/letter.toml", "-o", out});
    CHECK(r.exit_code == 2);
    CHECK(test::read_file(out) == "old");
}

TEST_CASE("all errors of a file are reported in one run") {
    test::TempDir dir;
    std::string content = dir / "bad.md";
    test::write_file(content, "---\ntitle: T\nrevison: 1\n---\n\n::: cavet\nx\n:::\n\n:::\n");
    auto r = test::run_cli({"render", content, "-l", "layouts/letter.toml", "-o", dir / "out.pdf"});
    CHECK(r.exit_code == 2);
    CHECK(r.err.find(content + ":3:1: error:") != std::string::npos);
    CHECK(r.err.find(content + ":6:5: error:") != std::string::npos);
    CHECK(r.err.find(content + ":10:1: error:") != std::string::npos);
}

TEST_CASE("a successful render exits 0 and says nothing") {
    test::TempDir dir;
    auto r = test::run_cli({"render", "content/ketamine-infusion.md", "-l", "layouts/letter.toml", "-o", dir / "ok.pdf"});
    CHECK(r.exit_code == 0);
    CHECK(r.err.empty());
    CHECK(test::read_file(dir / "ok.pdf").rfind("%PDF-", 0) == 0);
}

TEST_CASE("-o - writes the PDF to standard output, the same bytes as a file, and nothing else") {
    test::TempDir dir;
    const auto dash_before = dash_file_time();
    auto piped = test::run_cli_env({"render", "content/ketamine-infusion.md", "-l", "layouts/letter.toml", "-o", "-"}, {epoch});
    REQUIRE_MESSAGE(piped.exit_code == 0, piped.err);
    CHECK(piped.err.empty());
    CHECK(piped.out.rfind("%PDF-", 0) == 0);
    CHECK(piped.out.size() > 6);
    CHECK((piped.out.size() > 6 && piped.out.compare(piped.out.size() - 6, 6, "%%EOF\n") == 0));
    CHECK(dash_file_time() == dash_before);  // no file called `-`
    auto filed = test::run_cli_env({"render", "content/ketamine-infusion.md", "-l", "layouts/letter.toml", "-o", dir / "a.pdf"},
                                   {epoch});
    REQUIRE_MESSAGE(filed.exit_code == 0, filed.err);
    CHECK(filed.out.empty());
    CHECK(piped.out == test::read_file(dir / "a.pdf"));
}

TEST_CASE("-o - with the Cairo engine writes its PDF to standard output too") {
    const auto dash_before = dash_file_time();
    auto r = test::run_cli_env(
        {"render", "content/ketamine-infusion.md", "-l", "layouts/letter.toml", "--engine", "cairo", "-o", "-"}, {epoch});
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    CHECK(r.out.rfind("%PDF-", 0) == 0);
    CHECK(dash_file_time() == dash_before);
}

TEST_CASE("-o - is refused for PNG pages with exit 2 and a hint to give a prefix") {
    const auto dash_before = dash_file_time();
    auto r = test::run_cli({"render", "content/ketamine-infusion.md", "-l", "layouts/letter.toml", "--format", "png", "-o", "-"});
    CHECK(r.exit_code == 2);
    CHECK(r.out.empty());
    CHECK_MESSAGE(r.err.find("error: PNG pages cannot go to standard output") != std::string::npos, r.err);
    CHECK(r.err.find("hint: give a file prefix instead: `-o out/preview`") != std::string::npos);
    CHECK_FALSE(test::exists("--1.png"));
    CHECK(dash_file_time() == dash_before);
}

TEST_CASE("an unknown --engine or --format exits 2 naming the values it takes") {
    auto engine = test::run_cli({"render", "content/ketamine-infusion.md", "--engine", "typst", "-o", "-"});
    CHECK(engine.exit_code == 2);
    CHECK_MESSAGE(engine.err.find("--engine: typst not in {handout,cairo,haru}") != std::string::npos, engine.err);
    auto format = test::run_cli({"render", "content/ketamine-infusion.md", "--format", "svg", "-o", "-"});
    CHECK(format.exit_code == 2);
    CHECK_MESSAGE(format.err.find("--format: svg not in {pdf,png,dump}") != std::string::npos, format.err);
    test::TempDir dir;
    auto batch = test::run_cli({"batch", "samples/patients.csv", "-c", "content/ketamine-consent.md", "--out", dir / "out",
                                "--engine", "typst"});
    CHECK(batch.exit_code == 2);
    CHECK_MESSAGE(batch.err.find("--engine: typst not in {handout,cairo,haru}") != std::string::npos, batch.err);
    CHECK_FALSE(test::exists(dir / "out"));
    CHECK(engine.out.empty());
    CHECK(format.out.empty());
}

}  // TEST_SUITE
