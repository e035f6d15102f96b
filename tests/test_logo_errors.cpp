// tests: a layout's logo that cannot be read or decoded is an error at the layout's `path` key
// of [logo] (file:line:col) that says why — missing, not a regular file, over a limit, damaged,
// not a picture — and what to do, and never quotes the logo's bytes.
#include "pipeline/inputs.hpp"

#include "helpers.hpp"

#include <doctest/doctest.h>

#include <sys/stat.h>

#include <filesystem>
#include <string>

using namespace handout;

namespace {

/// A layout whose [logo] names `logo`; its `path` key is at line 6, column 1 (the word "path"
/// comes earlier too, in the comment).
std::string layout_naming(const std::string& logo) {
    return "# clinic layout: the logo path is relative to this file\n[page]\nsize = \"letter\"\n\n[logo]\npath = \"" + logo + "\"\nwidth = 90\n";
}

struct Loaded {
    Result<std::shared_ptr<const LayoutInput>> result;
    std::string printed;  ///< every diagnostic as `check` prints it
};

Loaded load(const test::TempDir& dir, const std::string& logo, const Limits& limits = {}) {
    const std::string path = dir / "clinic.toml";
    test::write_file(path, layout_naming(logo));
    Loaded l{load_layout(path, limits), {}};
    for (const auto& d : l.result.diagnostics) {
        l.printed += format_diagnostic(d);
    }
    return l;
}

/// The one error, at the `path` key: its message (and the test fails unless it is there).
const Diagnostic& one_error_at_path_key(const Loaded& l) {
    REQUIRE_MESSAGE(!l.result.value, l.printed);
    REQUIRE_MESSAGE(l.result.diagnostics.size() == 1, l.printed);
    const Diagnostic& d = l.result.diagnostics.front();
    CHECK(d.severity == Severity::error);
    REQUIRE(d.file != nullptr);
    CHECK(test::contains(d.file->path, "clinic.toml"));
    CHECK_MESSAGE(test::pos(d) == "6:1", l.printed);
    CHECK_MESSAGE(test::contains(l.printed, "clinic.toml:6:1: error: "), l.printed);
    CHECK_MESSAGE(test::contains(d.message, "logo `" + d.file->path.substr(0, d.file->path.rfind('/') + 1)), d.message);
    CHECK_MESSAGE(test::has_hint(d, "relative to the layout file"), l.printed);
    return d;
}

}  // namespace

TEST_SUITE("pipeline") {

TEST_CASE("a readable logo within the limits loads") {
    test::TempDir dir;
    const std::string png = test::png_bytes(60, 20);
    test::write_file(dir / "logo.png", png);
    Limits at_limit;
    at_limit.picture_bytes = png.size();
    at_limit.picture_pixels = 60 * 20;
    auto l = load(dir, "logo.png", at_limit);
    REQUIRE_MESSAGE(l.result.value, l.printed);
    REQUIRE((*l.result.value)->logo.has_value());
    CHECK((*l.result.value)->logo->width == doctest::Approx(45));  // 60 px at 96 dpi, in pt
}

TEST_CASE("a logo that is missing, a folder or a FIFO is an error at the logo's path key saying which") {
    test::TempDir dir;
    {
        auto l = load(dir, "missing.png");
        const Diagnostic& d = one_error_at_path_key(l);
        CHECK_MESSAGE(test::contains(d.message, "No such file or directory"), d.message);
        CHECK(test::has_hint(d, "check the path"));
    }
    {
        std::filesystem::create_directory(dir / "folder.png");
        auto l = load(dir, "folder.png");
        const Diagnostic& d = one_error_at_path_key(l);
        CHECK_MESSAGE(test::contains(d.message, "not a regular file"), d.message);
    }
    {
        REQUIRE(mkfifo((dir / "pipe.png").c_str(), 0600) == 0);
        auto l = load(dir, "pipe.png");  // read: would hang
        const Diagnostic& d = one_error_at_path_key(l);
        CHECK_MESSAGE(test::contains(d.message, "is a FIFO, not a regular file"), d.message);
        CHECK(test::has_hint(d, "name an ordinary file"));
    }
}

TEST_CASE("a logo one byte or one pixel over its limit is an error at the path key naming the limit") {
    test::TempDir dir;
    const std::string png = test::png_bytes(60, 20);
    test::write_file(dir / "logo.png", png);
    {
        Limits small;
        small.picture_bytes = png.size() - 1;
        auto l = load(dir, "logo.png", small);
        const Diagnostic& d = one_error_at_path_key(l);
        CHECK_MESSAGE(test::contains(d.message, "is larger than the limit of"), d.message);
        CHECK_MESSAGE(test::contains(l.printed, "--limit picture-size="), l.printed);
    }
    {
        Limits few;
        few.picture_pixels = 60 * 20 - 1;
        auto l = load(dir, "logo.png", few);
        const Diagnostic& d = one_error_at_path_key(l);
        CHECK_MESSAGE(test::contains(d.message, "logo `" + (dir / "logo.png") + "` is 60 × 20 pixels"), d.message);
        CHECK_MESSAGE(test::contains(d.message, "--limit picture-pixels"), d.message);
        CHECK(test::has_hint(d, "scale it down"));
    }
}

TEST_CASE("a damaged or foreign logo is an error at the path key with the reason, never quoting the file") {
    test::TempDir dir;
    test::write_file(dir / "cut.png", test::png_bytes(64, 64).substr(0, 300));
    test::write_file(dir / "header.png", std::string("\x89PNG\r\n\x1a\n", 8) + "secret-password-123");
    test::write_file(dir / "notes.png", "secret-password-123\nnot a picture at all\n");
    {
        auto l = load(dir, "cut.png");
        const Diagnostic& d = one_error_at_path_key(l);
        CHECK_MESSAGE(test::contains(d.message, "is a damaged PNG"), d.message);
        CHECK(test::has_hint(d, "export the picture again"));
    }
    {
        auto l = load(dir, "header.png");
        const Diagnostic& d = one_error_at_path_key(l);
        CHECK_MESSAGE(test::contains(d.message, "starts as a PNG but its header cannot be read"), d.message);
        CHECK_FALSE(test::contains(l.printed, "secret"));
    }
    {
        auto l = load(dir, "notes.png");
        const Diagnostic& d = one_error_at_path_key(l);
        CHECK_MESSAGE(test::contains(d.message, "is not a PNG, JPEG or SVG image"), d.message);
        CHECK_FALSE(test::contains(l.printed, "secret"));
    }
}

TEST_CASE("render with a damaged logo exits 2 naming the layout's line and column, and writes nothing") {
    test::TempDir dir;
    test::write_file(dir / "cut.png", test::png_bytes(64, 64).substr(0, 300));
    test::write_file(dir / "clinic.toml", layout_naming("cut.png"));
    auto run = test::run_cli({"render", "content/ketamine-consent.md", "-l", dir / "clinic.toml", "-o", dir / "out.pdf"});
    CHECK(run.exit_code == 2);
    CHECK_MESSAGE(test::contains(run.err, "clinic.toml:6:1: error: logo `"), run.err);
    CHECK_MESSAGE(test::contains(run.err, "cut.png` is a damaged PNG"), run.err);
    CHECK_MESSAGE(test::contains(run.err, "hint: export the picture again"), run.err);
    CHECK_FALSE(test::exists(dir / "out.pdf"));
}

}  // TEST_SUITE
