// The limits a document or record is held to, as `--limit NAME=VALUE` sets them: each taken at
// its value and refused one past it, with an error that names the limit and how to raise it.
#include "core/limits.hpp"
#include "helpers.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>

#include <string>

namespace {

const std::string greeting = "---\ntitle: \"Limits test\"\nlang: en\n---\n\nHello {{patient.name}}.\n";

/// `handout render` of `content` to a PDF in `dir` with `args` added; its exit code and stderr.
test::RunResult render(const test::TempDir& dir, const std::string& content, std::vector<std::string> args) {
    const std::string path = dir / "sheet.md";
    test::write_file(path, content);
    std::vector<std::string> all{"render", path, "-o", dir / "sheet.pdf", "--var", "patient.name=Ana"};
    all.insert(all.end(), args.begin(), args.end());
    return test::run_cli(all);
}

/// `levels` block quotes inside one another, the innermost holding a word.
std::string quotes(std::size_t levels) {
    return greeting + "\n" + std::string(levels, '>') + " deep\n";
}

}  // namespace

TEST_SUITE("limits") {

TEST_CASE("--limit values: sizes take K, M and G, counts k and M, and a wrong name or value says what is right") {
    handout::Limits l;
    CHECK_FALSE(handout::apply_limit(l, "text-size=16M"));
    CHECK(l.text_bytes == 16u << 20);
    CHECK_FALSE(handout::apply_limit(l, "picture-size=512K"));
    CHECK(l.picture_bytes == 512u << 10);
    CHECK_FALSE(handout::apply_limit(l, "picture-pixels=12M"));
    CHECK(l.picture_pixels == 12'000'000);
    CHECK_FALSE(handout::apply_limit(l, "pages=7"));
    CHECK(l.pages == 7);
    CHECK_FALSE(handout::apply_limit(l, "value-size=1000"));
    CHECK(l.value_bytes == 1000);
    CHECK_FALSE(handout::apply_limit(l, "message-size=2M"));
    CHECK(l.message_bytes == 2u << 20);

    auto unknown = handout::apply_limit(l, "depth=3");
    REQUIRE(unknown);
    CHECK(*unknown == "`depth` is not a limit; the limits are text-size, picture-size, picture-pixels, nesting, value-size, pages, message-size");
    auto bad = handout::apply_limit(l, "text-size=lots");
    REQUIRE(bad);
    CHECK(test::contains(*bad, "the value must be a number of bytes, e.g. 512K, 16M or 1G"));
    CHECK(handout::apply_limit(l, "pages=0"));               // a limit of nothing is no limit to work under
    CHECK(handout::apply_limit(l, "nesting=101"));           // past the typesetter's own guard
    CHECK_FALSE(handout::apply_limit(l, "nesting=100"));
    CHECK(handout::apply_limit(l, "pages=18446744073709551615k"));  // overflows: refused, not wrapped
    CHECK(handout::apply_limit(l, "nesting"));
    CHECK(handout::limit_hint("text-size") == "--limit text-size=16M");
    CHECK(handout::limit_hint("picture-pixels") == "--limit picture-pixels=80M");
    CHECK(handout::limit_hint("pages") == "--limit pages=200");
}

TEST_CASE("the CLI refuses a bad --limit before reading anything") {
    test::TempDir dir;
    auto r = render(dir, greeting, {"--limit", "pages=none"});
    CHECK(r.exit_code == 2);
    CHECK(test::contains(r.err, "--limit pages=none: the value must be a whole number"));
    CHECK_FALSE(test::exists(dir / "sheet.pdf"));
}

TEST_CASE("text-size: a content file of exactly the limit is read, one byte more is refused") {
    test::TempDir dir;
    // The limit holds the layout and the kind file too: the content is made as big as the bigger.
    const std::size_t size = std::max(test::read_file("layouts/letter.toml").size(), test::read_file("kinds/handout.toml").size());
    const std::string content = greeting + std::string(size - greeting.size(), '\n');
    const std::string limit = "--limit=text-size=" + std::to_string(size);
    auto at = render(dir, content, {limit});
    CHECK_MESSAGE(at.exit_code == 0, at.err);
    auto past = render(dir, content + "\n", {limit});
    CHECK(past.exit_code == 2);
    CHECK_MESSAGE(test::contains(past.err, "content file `" + (dir / "sheet.md") + "` is larger than the limit of " +
                                               std::to_string(size) + " bytes"),
                  past.err);
    CHECK(test::contains(past.err, "raise the limit: --limit text-size=16M"));
    // A kind file over the limit says so at the content's `kind:` line, not "unknown kind".
    auto kind = render(dir, greeting, {"--limit=text-size=" + std::to_string(greeting.size())});
    CHECK(kind.exit_code == 2);
    CHECK_MESSAGE(test::contains(kind.err, "sheet.md:1:1: error: kind file `"), kind.err);
    CHECK_FALSE(test::contains(kind.err, "unknown kind"));
}

TEST_CASE("nesting: quotes to the limit are laid out, one more level is an error at its marker") {
    test::TempDir dir;
    auto at = render(dir, quotes(3), {"--limit", "nesting=3"});
    CHECK_MESSAGE(at.exit_code == 0, at.err);
    auto past = render(dir, quotes(4), {"--limit", "nesting=3"});
    CHECK(past.exit_code == 2);
    const std::size_t line = 8;  // the quotes' line, after the front matter, the greeting and blank lines
    CHECK_MESSAGE(test::contains(past.err, "sheet.md:" + std::to_string(line) + ":4: error: blocks are nested deeper than 3 "
                                                                              "levels (--limit nesting)"),
                  past.err);
    // The default holds 64 levels.
    CHECK(render(dir, quotes(64), {}).exit_code == 0);
    CHECK(render(dir, quotes(65), {}).exit_code == 2);
}

TEST_CASE("nesting: a layout's arrays are held to the same limit") {
    test::TempDir dir;
    test::write_file(dir / "l.toml", "[fonts]\nfallback = [[[\"Noto Sans\"]]]\n");
    auto past = render(dir, greeting, {"-l", dir / "l.toml", "--limit", "nesting=2"});
    CHECK(past.exit_code == 2);
    CHECK_MESSAGE(test::contains(past.err, "l.toml:2:14: error: arrays and tables are nested deeper than 2 levels (--limit nesting)"),
                  past.err);
    // At three levels toml++ reads it, and the layout's own rules judge it.
    auto at = render(dir, greeting, {"-l", dir / "l.toml", "--limit", "nesting=3"});
    CHECK_FALSE(test::contains(at.err, "nested deeper"));
}

TEST_CASE("value-size: a value of exactly the limit is used, one byte more fails naming the variable, not the value") {
    test::TempDir dir;
    const std::string name(40, 'q');
    auto at = render(dir, greeting, {"--var", "patient.name=" + name, "--limit", "value-size=40"});
    CHECK_MESSAGE(at.exit_code == 0, at.err);
    std::filesystem::remove(dir / "sheet.pdf");
    auto past = render(dir, greeting, {"--var", "patient.name=" + name + "q", "--limit", "value-size=40"});
    CHECK(past.exit_code == 2);
    CHECK_MESSAGE(test::contains(past.err, "error: the value of `patient.name` is 41 bytes, over the limit of 40 (--limit value-size)"),
                  past.err);
    CHECK(test::contains(past.err, "raise the limit: --limit value-size=128K"));
    CHECK_FALSE(test::contains(past.err, name));
    CHECK_FALSE(test::exists(dir / "sheet.pdf"));
}

TEST_CASE("pages: a document of exactly the limit is written, a longer one is refused") {
    test::TempDir dir;
    std::string two_pages = greeting;
    for (int i = 0; i < 60; ++i) {
        two_pages += "\nParagraph " + std::to_string(i) + " of a sheet that runs onto a second page.\n";
    }
    auto at = render(dir, two_pages, {"--limit", "pages=2"});
    REQUIRE_MESSAGE(at.exit_code == 0, at.err);
    CHECK(test::run_command({"pdfinfo", dir / "sheet.pdf"}).out.find("Pages:           2") != std::string::npos);
    std::filesystem::remove(dir / "sheet.pdf");
    auto past = render(dir, two_pages, {"--limit", "pages=1"});
    CHECK(past.exit_code == 2);
    CHECK_MESSAGE(test::contains(past.err, "sheet.md:1:1: error: the document runs to 2 pages, over the limit of 1 (--limit pages)"),
                  past.err);
    CHECK_FALSE(test::exists(dir / "sheet.pdf"));
}

TEST_CASE("picture-size and picture-pixels: a picture at each limit is used, one past it is an error at its line") {
    test::TempDir dir;
    const std::string png = test::png_bytes(100, 30);
    test::write_file(dir / "pic.png", png);
    const std::string with_picture = greeting + "\n![A test picture](pic.png)\n";
    auto at = render(dir, with_picture,
                     {"--limit", "picture-pixels=3000", "--limit", "picture-size=" + std::to_string(png.size())});
    CHECK_MESSAGE(at.exit_code == 0, at.err);
    auto pixels = render(dir, with_picture, {"--limit", "picture-pixels=2999"});
    CHECK(pixels.exit_code == 2);
    CHECK_MESSAGE(test::contains(pixels.err, "sheet.md:8:3: error: `pic.png` is 100 × 30 pixels"), pixels.err);
    CHECK(test::contains(pixels.err, "(--limit picture-pixels)"));
    auto bytes = render(dir, with_picture, {"--limit", "picture-size=" + std::to_string(png.size() - 1)});
    CHECK(bytes.exit_code == 2);
    CHECK_MESSAGE(test::contains(bytes.err, "sheet.md:8:3: error: image `pic.png` is larger than the limit of"), bytes.err);
    CHECK(test::contains(bytes.err, "raise the limit: --limit picture-size=64M"));
}

TEST_CASE("batch: --limit holds every record, and a record past it fails alone") {
    test::TempDir dir;
    test::write_file(dir / "sheet.md", greeting);
    test::write_file(dir / "m.csv", "patient.id,patient.name\nA1,Ana\nA2," + std::string(41, 'q') + "\nA3,Cy\n");
    auto run = test::run_batch_cli({"batch", dir / "m.csv", "-c", dir / "sheet.md", "--out", dir / "out", "--limit",
                                    "value-size=40", "-q"});
    CHECK(run.exit_code == 1);
    auto report = test::read_json(dir / "out/report.json");
    REQUIRE(report["records"].size() == 3);
    CHECK(report["records"][0]["status"] == "ok");
    CHECK(report["records"][1]["status"] == "failed");
    CHECK(test::contains(report["records"][1]["error"].get<std::string>(), "over the limit of 40 (--limit value-size)"));
    CHECK(report["records"][2]["status"] == "ok");
}

}  // TEST_SUITE
