// tests: the CLI's diagnostics as text goldens — each input in tests/data/diagnostics/ has its
// expected stderr beside it (NAME.stderr). UPDATE_GOLDEN=1 rewrites them; a mismatch prints a diff.
#include "helpers.hpp"

#include <doctest/doctest.h>

#include <cstdlib>
#include <sstream>

namespace {

const std::string dir = "tests/data/diagnostics/";

std::vector<std::string> lines_of(const std::string& s) {
    std::vector<std::string> out;
    std::istringstream in(s);
    for (std::string line; std::getline(in, line);) {
        out.push_back(line);
    }
    return out;
}

/// A line-by-line diff: `-` expected, `+` actual, for lines that differ.
std::string diff(const std::string& expected, const std::string& actual) {
    auto e = lines_of(expected), a = lines_of(actual);
    std::string out;
    for (std::size_t i = 0; i < std::max(e.size(), a.size()); ++i) {
        const std::string* el = i < e.size() ? &e[i] : nullptr;
        const std::string* al = i < a.size() ? &a[i] : nullptr;
        if (el != nullptr && al != nullptr && *el == *al) {
            continue;
        }
        out += "line " + std::to_string(i + 1) + ":\n";
        if (el != nullptr) {
            out += "  - " + *el + "\n";
        }
        if (al != nullptr) {
            out += "  + " + *al + "\n";
        }
    }
    return out;
}

/// Runs the CLI on `content` with `layout` and compares its stderr with the golden `name.stderr`.
void check_golden(const std::string& name, const std::string& content, const std::string& layout, int exit_code) {
    test::TempDir tmp;
    std::string out = tmp / "out.pdf";
    auto r = test::run_cli({"render", content, "-l", layout, "-o", out});
    CHECK(r.exit_code == exit_code);
    CHECK_FALSE(test::exists(out));
    std::string golden_path = dir + name + ".stderr";
    const char* update = std::getenv("UPDATE_GOLDEN");
    if (update != nullptr && std::string(update) == "1") {
        test::write_file(golden_path, r.err);
        MESSAGE("rewrote ", golden_path);
        return;
    }
    std::string expected = test::read_file(golden_path);
    REQUIRE_MESSAGE(!expected.empty(), "no golden ", golden_path, "; run with UPDATE_GOLDEN=1");
    CHECK_MESSAGE(r.err == expected, golden_path, " differs:\n", diff(expected, r.err));
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
