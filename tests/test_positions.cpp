// tests: diagnostics' positions found through each file's line index (issue 11, "linear cost"):
// every one of many errors lands on its own byte, also after multi-byte characters, a byte order
// mark and CRLF line ends, in layouts, kind files, front matter and `check --json`. The expected
// offsets come from searching the text, not from the code under test.
#include "check/kind.hpp"
#include "content/parse_content.hpp"
#include "layout/parse_layout.hpp"

#include "helpers.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <map>
#include <string>

using namespace handout;

namespace {

/// Byte offset of the `n`-th (0-based) occurrence of `needle` in `text`, or npos.
std::size_t nth(const std::string& text, const std::string& needle, std::size_t n) {
    std::size_t at = text.find(needle);
    for (std::size_t i = 0; i < n && at != std::string::npos; ++i) {
        at = text.find(needle, at + 1);
    }
    return at;
}

}  // namespace

TEST_SUITE("positions") {

TEST_CASE("each of 2,000 unknown layout tables is reported at its own name, past multi-byte text and CRLF") {
    // A top-level inline table whose string holds multi-byte characters before an unknown key,
    // a line of multi-byte characters, then one header line per unknown table.
    std::string text = "footer = { left = \"Über — 東京 ☎\", \"zzz\" = 1 }\r\n[header]\r\nleft = \"Clínica Ñandú — ☎ 555\"\r\n";
    const std::size_t n = 2000;
    for (std::size_t i = 0; i < n; ++i) {
        text += "[k" + std::to_string(i) + "]\r\n";
    }
    auto r = parse_layout(test::source(text, "layouts/many.toml"));
    REQUIRE(r.diagnostics.size() == n + 1);
    std::map<std::string, std::size_t> at;  // the name each message quotes → its offset
    for (const auto& d : r.diagnostics) {
        const std::size_t open = d.message.find('`'), close = d.message.find('`', open + 1);
        REQUIRE_MESSAGE(close != std::string::npos, d.message);
        at[d.message.substr(open + 1, close - open - 1)] = d.offset;
    }
    for (std::size_t i = 0; i < n; ++i) {
        const std::string name = "k" + std::to_string(i);
        REQUIRE_MESSAGE(at.count(name) == 1, name);
        REQUIRE_MESSAGE(at[name] == text.find("[" + name + "]\r\n") + 1, name);
    }
    const Diagnostic* inline_key = test::find_diag(r.diagnostics, "unknown key `zzz` in [footer]");
    REQUIRE_MESSAGE(inline_key != nullptr, test::describe(r.diagnostics));
    CHECK(inline_key->offset == text.find("\"zzz\""));
    CHECK(test::pos(*inline_key) == test::pos_in(text, "\"zzz\""));
    // Printed, the column counts characters: after `footer = { left = "Über — 東京 ☎", `.
    CHECK_MESSAGE(test::contains(format_diagnostic(*inline_key), "many.toml:1:34: error:"), format_diagnostic(*inline_key));
}

TEST_CASE("a layout that is not TOML is reported at the broken spot after multi-byte text") {
    const std::string text = "[header]\nleft = \"Ñandú ☎\"\ncenter = \"東京\" oops\n";
    auto r = parse_layout(test::source(text, "layouts/broken.toml"));
    REQUIRE(r.diagnostics.size() == 1);
    CHECK(test::contains(r.diagnostics[0].message, "not valid TOML"));
    CHECK(test::pos(r.diagnostics[0]).rfind("3:", 0) == 0);
    CHECK(r.diagnostics[0].offset > text.find("center"));
    CHECK(r.diagnostics[0].offset <= text.find("oops"));
}

TEST_CASE("each unknown key of a kind file is reported at its own key, past multi-byte text and CRLF") {
    std::string text = "description = \"Consentimiento — información ☎\"\r\n[readability]\r\n";
    const std::size_t n = 500;
    for (std::size_t i = 0; i < n; ++i) {
        text += "\"grado_ñ" + std::to_string(i) + "\" = 1\r\n";
    }
    auto r = parse_kind(test::source(text, "kinds/many.toml"), "many");
    REQUIRE(r.diagnostics.size() == n);
    std::map<std::string, std::size_t> at;
    for (const auto& d : r.diagnostics) {
        const std::size_t open = d.message.find('`'), close = d.message.find('`', open + 1);
        REQUIRE_MESSAGE(close != std::string::npos, d.message);
        at[d.message.substr(open + 1, close - open - 1)] = d.offset;
    }
    for (std::size_t i = 0; i < n; ++i) {
        const std::string key = "grado_ñ" + std::to_string(i);
        REQUIRE_MESSAGE(at.count(key) == 1, key);
        REQUIRE_MESSAGE(at[key] == text.find("\"" + key + "\" = 1"), key);
    }
}

TEST_CASE("each unknown front matter key is reported at its own key, after a byte order mark, multi-byte text and CRLF") {
    std::string text = "\xEF\xBB\xBF---\r\ntitle: \"Consentimiento — Ñandú ☎\"\r\n";
    const std::size_t n = 500;
    for (std::size_t i = 0; i < n; ++i) {
        text += "clave" + std::to_string(i) + ": ñ\r\n";
    }
    text += "---\r\n\r\nTexto.\r\n";
    auto r = parse_content(test::source(text, "content/many.md"));
    REQUIRE(test::count_diags(r.diagnostics, "unknown front matter key") == n);
    std::size_t i = 0;
    for (const auto& d : r.diagnostics) {
        if (!test::contains(d.message, "unknown front matter key")) {
            continue;
        }
        const std::string key = "clave" + std::to_string(i) + ":";
        REQUIRE_MESSAGE(test::contains(d.message, "`clave" + std::to_string(i) + "`"), d.message);
        REQUIRE_MESSAGE(d.offset == text.find("\n" + key) + 1, key);
        ++i;
    }
}

TEST_CASE("a front matter value past multi-byte text is reported at its column, and an error at the header's end stays inside it") {
    // A list where one value is wanted: the error points at the list, after `title: `.
    std::string text = "---\ndate: 2026-01-01\ntitle: [Ñandú, ☎]\n---\n\nText.\n";
    auto r = parse_content(test::source(text, "content/list.md"));
    const Diagnostic* d = test::find_diag(r.diagnostics, "`title` must be a single value");
    REQUIRE_MESSAGE(d != nullptr, test::describe(r.diagnostics));
    CHECK(d->offset == text.find("[Ñandú"));
    // YAML that ends inside an open flow list: yaml-cpp reports it at the stream's end, which
    // is the header's end in the file (the closing `---` line), never past it.
    std::string open = "---\ntitle: T\nkeywords: [ñandú,\n---\n\nText.\n";
    auto bad = parse_content(test::source(open, "content/open.md"));
    const Diagnostic* y = test::find_diag(bad.diagnostics, "not valid YAML");
    REQUIRE_MESSAGE(y != nullptr, test::describe(bad.diagnostics));
    CHECK(y->offset <= nth(open, "---", 1));
    CHECK(y->offset >= open.find("keywords"));
}

TEST_CASE("check --json gives each diagnostic the line and column the file has, in characters") {
    test::TempDir dir;
    std::string layout = "footer = { left = \"Über — 東京 ☎\", \"zzz\" = 1 }\n[header]\nleft = \"Clínica Ñandú — ☎ 555\"\n";
    for (int i = 0; i < 50; ++i) {
        layout += "[k" + std::to_string(i) + "]\n";
    }
    test::write_file(dir / "many.toml", layout);
    auto run = test::run_cli({"check", "content/ketamine-consent.md", "-l", dir / "many.toml", "--json"});
    CHECK(run.exit_code == 2);
    auto j = nlohmann::ordered_json::parse(run.out, nullptr, false);
    REQUIRE_MESSAGE(j.is_object(), (run.out + run.err));
    REQUIRE(j["diagnostics"].size() == 51);
    std::map<std::string, std::string> at;  // the name each message quotes → "line:column"
    for (const auto& d : j["diagnostics"]) {
        const std::string m = d["message"].get<std::string>();
        const std::size_t open = m.find('`'), close = m.find('`', open + 1);
        REQUIRE_MESSAGE(close != std::string::npos, m);
        at[m.substr(open + 1, close - open - 1)] =
            std::to_string(d["line"].get<int>()) + ":" + std::to_string(d["column"].get<int>());
    }
    for (int i = 0; i < 50; ++i) {
        CHECK(at["k" + std::to_string(i)] == std::to_string(4 + i) + ":2");
    }
    CHECK(at["zzz"] == test::pos_in(layout, "\"zzz\""));
    CHECK(at["zzz"] == "1:34");
}

}  // TEST_SUITE
