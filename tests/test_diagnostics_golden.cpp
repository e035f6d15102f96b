// tests: the CLI's diagnostics as text goldens — each input in tests/data/diagnostics/ has its
// expected stderr beside it (NAME.stderr). UPDATE_GOLDEN=1 rewrites them; a mismatch prints a diff.
#include "golden.hpp"
#include "helpers.hpp"

#include <doctest/doctest.h>

namespace {

const std::string dir = "tests/data/diagnostics/";

/// Runs the CLI on `content` with `layout` and compares its stderr with the golden `name.stderr`.
void check_golden(const std::string& name, const std::string& content, const std::string& layout, int exit_code) {
    test::TempDir tmp;
    std::string out = tmp / "out.pdf";
    auto r = test::run_cli({"render", content, "-l", layout, "-o", out});
    CHECK(r.exit_code == exit_code);
    CHECK_FALSE(test::exists(out));
    test::check_golden(dir + name + ".stderr", r.err);
}

}  // namespace

TEST_SUITE("cli") {

TEST_CASE("golden: an unknown block kind") {
    check_golden("unknown-div", dir + "unknown-div.md", "layouts/letter.toml", 2);
}

TEST_CASE("golden: a block that is never closed") {
    check_golden("unclosed-div", dir + "unclosed-div.md", "layouts/letter.toml", 2);
}

TEST_CASE("golden: front matter with an unknown key and a bad date") {
    check_golden("front-matter", dir + "front-matter.md", "layouts/letter.toml", 2);
}

TEST_CASE("golden: variables without values") {
    check_golden("missing-variable", dir + "missing-variable.md", "layouts/letter.toml", 2);
}

TEST_CASE("golden: a layout with an unknown key and a bad colour") {
    check_golden("bad-layout", dir + "ok.md", dir + "bad-layout.toml", 2);
}

}  // TEST_SUITE
