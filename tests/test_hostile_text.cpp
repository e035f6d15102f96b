// tests: hostile text — invalid UTF-8, NUL and control characters in content (errors at their
// line:col), in values (the record fails naming the variable, never the value) and in manifests
// (row and column); bidirectional controls in values isolated; nesting bounded in the content
// parser (quotes, lists, `:::` blocks, front matter lists) and before toml++ (dotted keys,
// arrays); every number from a layout finite; a manifest's encoding converted with iconv.
#include "batch/manifest.hpp"
#include "content/parse_content.hpp"
#include "content/text_check.hpp"
#include "layout/parse_layout.hpp"
#include "resolve/resolve.hpp"

#include "helpers.hpp"

#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <map>

using namespace handout;

namespace {

const std::string hostile_dir = std::string(HANDOUT_TEST_DIR) + "/data/hostile";
const std::string greeting = std::string(HANDOUT_TEST_DIR) + "/data/batch/greeting.md";

const std::string front = "---\ntitle: \"Hostile\"\n---\n\n";

Result<Document> parse_md(std::string text) {
    return parse_content(test::source(std::move(text), "doc.md"));
}

Result<Layout> parse_toml(std::string text) {
    return parse_layout(test::source(std::move(text), "layouts/test.toml"));
}

std::string repeat(std::string_view s, std::size_t n) {
    std::string out;
    out.reserve(s.size() * n);
    for (std::size_t i = 0; i < n; ++i) {
        out += s;
    }
    return out;
}

/// The byte offset of the n-th (1-based) occurrence of `needle` in `text`.
std::size_t nth(std::string_view text, std::string_view needle, std::size_t n) {
    std::size_t at = std::string_view::npos;
    std::size_t from = 0;
    for (std::size_t k = 0; k < n; ++k) {
        at = text.find(needle, from);
        REQUIRE(at != std::string_view::npos);
        from = at + 1;
    }
    return at;
}

std::string pos_of(std::string_view text, std::size_t offset) {
    LineCol lc = line_col(text, offset);
    return std::to_string(lc.line) + ":" + std::to_string(lc.col);
}

bool has_control(std::string_view s) {
    return std::any_of(s.begin(), s.end(), [](char c) {
        auto b = static_cast<unsigned char>(c);
        return (b < 0x20 && b != '\n' && b != '\t') || b == 0x7F;
    });
}

/// No diagnostic's message or hint holds a control character or the given value.
void check_clean_messages(const Diagnostics& ds, std::string_view value = {}) {
    for (const auto& d : ds) {
        CAPTURE(d.message);
        CHECK_FALSE(has_control(d.message));
        if (!value.empty()) {
            CHECK_FALSE(test::contains(d.message, value));
        }
        for (const auto& h : d.hints) {
            CHECK_FALSE(has_control(h));
            if (!value.empty()) {
                CHECK_FALSE(test::contains(h, value));
            }
        }
    }
}

using test::first_paragraph;

using test::by_row;
using test::error_of;

const std::string fsi = "\u2068", pdi = "\u2069";

}  // namespace

TEST_SUITE("content") {

TEST_CASE("invalid UTF-8 in content is an error at its line and column, not a warning") {
    const std::string text = front + "Fine line.\n\nCaf\xE9 au lait.\n";
    auto r = parse_md(text);
    CHECK_FALSE(r.ok());
    CHECK_FALSE(r.value.has_value());  // not parsed further
    REQUIRE(r.diagnostics.size() == 1);
    const Diagnostic& d = r.diagnostics[0];
    CHECK(d.severity == Severity::error);
    CHECK(test::contains(d.message, "invalid UTF-8: byte 0xE9"));
    CHECK(test::pos(d) == test::pos_in(text, "\xE9"));
    CHECK(test::has_hint(d, "WINDOWS-1252"));
}

TEST_CASE("every kind of malformed UTF-8 is found at its own byte") {
    struct Case {
        const char* name;
        std::string bytes;
    };
    for (const Case& c : {Case{"a lone continuation byte", "\x80"}, Case{"a lead byte cut short", "\xC3 "},
                          Case{"an overlong slash", "\xC0\xAF"}, Case{"an overlong three-byte form", "\xE0\x80\xAF"},
                          Case{"a UTF-16 surrogate", "\xED\xA0\x80"}, Case{"past U+10FFFF", "\xF4\x90\x80\x80"},
                          Case{"a byte never used", "\xFF"}, Case{"a four-byte form cut at the end", "\xF0\x9F\x98"}}) {
        CAPTURE(c.name);
        const std::string text = front + "Before " + c.bytes + "after\n";
        auto r = parse_md(text);
        REQUIRE_FALSE(r.diagnostics.empty());
        CHECK(test::contains(r.diagnostics[0].message, "invalid UTF-8"));
        CHECK(r.diagnostics[0].offset == text.find("Before ") + 7);
    }
    // Valid text of every length is not: 2, 3 and 4 bytes, and the largest code point.
    auto ok = parse_md(front + "caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80 \xF4\x8F\xBF\xBF\n");
    CHECK_MESSAGE(ok.ok(), test::describe(ok.diagnostics));
}

TEST_CASE("NUL and C0 and C1 control characters in content are errors at their position with a hint") {
    const std::string text = front + std::string("A NUL\0here.\n\nAn ESC \x1B[31m here, a NEL \xC2\x85 there, a DEL \x7F too.\n", 61);
    REQUIRE(text.find('\0') != std::string::npos);
    REQUIRE(text.back() == '\n');
    auto r = parse_md(text);
    REQUIRE(r.diagnostics.size() == 4);
    CHECK(test::contains(r.diagnostics[0].message, "NUL character (U+0000)"));
    CHECK(r.diagnostics[0].offset == text.find('\0'));
    CHECK(test::contains(r.diagnostics[1].message, "control character U+001B (ESC)"));
    CHECK(test::pos(r.diagnostics[1]) == test::pos_in(text, "\x1B"));
    CHECK(test::has_hint(r.diagnostics[1], "only tab, line feed and carriage return"));
    CHECK(test::contains(r.diagnostics[2].message, "U+0085 (NEL)"));
    CHECK(test::contains(r.diagnostics[3].message, "U+007F (DEL)"));
    check_clean_messages(r.diagnostics);
}

TEST_CASE("tab, line feed and carriage return are the controls content may hold") {
    auto r = parse_md(front + "A\ttab and CRLF line ends.\r\n\r\nNext.\r\n");
    CHECK_MESSAGE(r.ok(), test::describe(r.diagnostics));
}

TEST_CASE("the content files in tests/data/hostile fail at their bad bytes") {
    for (const char* name : {"bad-utf8.md", "control.md"}) {
        CAPTURE(name);
        const std::string path = hostile_dir + "/" + name;
        const std::string text = test::read_file(path);
        REQUIRE_FALSE(text.empty());
        auto r = parse_content(test::source(text, path));
        REQUIRE_FALSE(r.diagnostics.empty());
        CHECK(test::line_of(r.diagnostics[0]) == 5);
    }
}

TEST_CASE("text-hygiene errors are listed up to the limit, then counted") {
    const std::string at_limit = front + repeat("x\x01", max_text_errors) + "\n";
    auto r = parse_md(at_limit);
    CHECK(r.diagnostics.size() == max_text_errors);
    CHECK(test::count_diags(r.diagnostics, "control character U+0001 (SOH)") == max_text_errors);

    const std::string past = front + repeat("x\x01", max_text_errors + 5) + "\n";
    auto p = parse_md(past);
    REQUIRE(p.diagnostics.size() == max_text_errors + 1);
    CHECK(test::contains(p.diagnostics.back().message, "5 more invalid or control characters follow"));
    CHECK(p.diagnostics.back().offset == nth(past, "\x01", max_text_errors + 1));
}

TEST_CASE("a numeric entity for a control character is an error, tab and text entities are not") {
    const std::string text = front + "Escape &#27; and &#x9B; here.\n\nA &#9; tab and &#233;t&#xE9;.\n";
    auto r = parse_md(text);
    REQUIRE(r.diagnostics.size() == 2);
    CHECK(test::contains(r.diagnostics[0].message, "`&#27;` stands for the control character U+001B (ESC)"));
    CHECK(test::pos(r.diagnostics[0]) == test::pos_in(text, "&#27;"));
    CHECK(test::contains(r.diagnostics[1].message, "U+009B"));
    check_clean_messages(r.diagnostics);
    auto ok = parse_md(front + "A &#9; tab and &#233;t&#xE9; &#0; &#xD800;.\n");
    REQUIRE_MESSAGE(ok.ok(), test::describe(ok.diagnostics));
    const std::string plain = plain_text(first_paragraph(*ok).spans);
    CHECK(plain == "A \t tab and \xC3\xA9t\xC3\xA9 \xEF\xBF\xBD \xEF\xBF\xBD.");
    CHECK(valid_utf8(plain));
}

TEST_CASE("a YAML escape that writes a control character into the front matter is an error at the value") {
    const std::string text = "---\ntitle: \"Red \\e[31m alert\"\nkeywords: [fine, \"bad\\0\"]\n---\n\nText.\n";
    auto r = parse_md(text);
    REQUIRE(r.diagnostics.size() == 2);
    CHECK(test::contains(r.diagnostics[0].message, "`title` holds the control character U+001B (ESC)"));
    CHECK(test::line_of(r.diagnostics[0]) == 2);
    CHECK(test::contains(r.diagnostics[1].message, "`keywords` holds the control character U+0000 (NUL)"));
    CHECK(test::line_of(r.diagnostics[1]) == 3);
    check_clean_messages(r.diagnostics);
}

TEST_CASE("quotes nested to the limit parse, one level more is a positioned error") {
    const std::string at = front + repeat(">", max_content_depth) + " deep\n";
    auto ok = parse_md(at);
    CHECK_MESSAGE(ok.ok(), test::describe(ok.diagnostics));

    const std::string past = front + repeat(">", max_content_depth + 1) + " deeper\n";
    auto r = parse_md(past);
    REQUIRE(r.diagnostics.size() == 1);
    CHECK(r.diagnostics[0].message == "blocks are nested deeper than " + std::to_string(max_content_depth) + " levels (--limit nesting)");
    // At the first `>` past the limit.
    CHECK(test::pos(r.diagnostics[0]) == pos_of(past, nth(past, ">", max_content_depth + 1)));
}

TEST_CASE("ten thousand nested quotes, lists or blocks are an error, never a crash") {
    const std::string quotes = front + repeat("> ", 10000) + "x\n";
    const std::string lists = front + repeat("- ", 10000) + "x\n";
    const std::string indented = [] {
        std::string s = front;
        for (std::size_t i = 0; i < 3 * max_content_depth; ++i) {  // indentation grows as the square
            s += std::string(2 * i, ' ') + "- item\n";
        }
        return s;
    }();
    const std::string divs = front + repeat("::: note\n", 10000) + "x\n" + repeat(":::\n", 10000);
    const std::string empty_quotes = front + repeat(">", 10000) + "\n";
    for (const auto* text : {&quotes, &lists, &indented, &divs, &empty_quotes}) {
        auto r = parse_md(*text);
        CHECK_FALSE(r.ok());
        CHECK(test::count_diags(r.diagnostics, "nested deeper than 64 levels") == 1);
    }
}

TEST_CASE("lists nested to the limit parse, one more is an error at its marker") {
    auto ok = parse_md(front + repeat("- ", max_content_depth) + "x\n");
    CHECK_MESSAGE(ok.ok(), test::describe(ok.diagnostics));
    const std::string past = front + repeat("- ", max_content_depth + 1) + "x\n";
    auto r = parse_md(past);
    REQUIRE(r.diagnostics.size() == 1);
    CHECK(test::contains(r.diagnostics[0].message, "nested deeper than"));
    CHECK(test::pos(r.diagnostics[0]) == pos_of(past, front.size() + nth(past.substr(front.size()), "-", max_content_depth + 1)));
}

TEST_CASE("`:::` blocks nested to the limit parse, one more is an error at its line") {
    auto nest = [](std::size_t n) { return front + repeat("::: note\n", n) + "x\n" + repeat(":::\n", n); };
    auto ok = parse_md(nest(max_content_depth));
    CHECK_MESSAGE(ok.ok(), test::describe(ok.diagnostics));
    const std::string past = nest(max_content_depth + 1);
    auto r = parse_md(past);
    REQUIRE(r.diagnostics.size() == 1);
    CHECK(test::contains(r.diagnostics[0].message, "nested deeper than"));
    CHECK(test::line_of(r.diagnostics[0]) == 5 + max_content_depth);
}

TEST_CASE("blocks and quotes count together toward the nesting limit") {
    const std::size_t half = max_content_depth / 2;
    auto mixed = [&](std::size_t quotes) {
        return front + repeat("::: note\n", half) + repeat("> ", quotes) + "x\n" + repeat(":::\n", half);
    };
    auto ok = parse_md(mixed(max_content_depth - half));
    CHECK_MESSAGE(ok.ok(), test::describe(ok.diagnostics));
    const std::string past = mixed(max_content_depth - half + 1);
    auto r = parse_md(past);
    REQUIRE(r.diagnostics.size() == 1);
    CHECK(test::contains(r.diagnostics[0].message, "nested deeper than"));
    CHECK(test::pos(r.diagnostics[0]) == pos_of(past, nth(past, ">", max_content_depth - half + 1)));
}

TEST_CASE("front matter lists nested past the limit are an error before YAML reads them") {
    auto at = parse_md("---\ntitle: T\nkeywords: " + repeat("[", max_content_depth) + repeat("]", max_content_depth) + "\n---\nx\n");
    CHECK(test::find_diag(at.diagnostics, "nested deeper") == nullptr);
    const std::string past = "---\ntitle: T\nkeywords: " + repeat("[", 100000) + "\n---\nx\n";
    auto r = parse_md(past);
    const Diagnostic* d = test::find_diag(r.diagnostics, "front matter lists are nested deeper than 64 levels");
    REQUIRE(d != nullptr);
    CHECK(d->offset == nth(past, "[", max_content_depth + 1));
}

TEST_CASE("inline nesting in one paragraph (emphasis, links, brackets) does not crash the parser") {
    auto r = parse_md(front + repeat("*", 50000) + "x" + repeat("*", 50000) + " " + repeat("[", 50000) + "y" +
                      repeat("](z)", 50000) + "\n");
    CHECK(r.value.has_value());
}

}  // TEST_SUITE

TEST_SUITE("layout") {

TEST_CASE("nan and inf are errors naming the key and its range, at the value") {
    struct Case {
        std::string toml;
        std::string key;
        std::string range;
    };
    for (const Case& c : {Case{"[body]\nsize = nan\n", "size", "4 to 72"},
                          Case{"[page]\nwidth = inf\n", "width", "72 to 2000"},
                          Case{"[page]\nheight = -inf\n", "height", "72 to 2000"},
                          Case{"[page]\nmargin = nan\n", "margin", "0 to 300"},
                          Case{"[page]\nmargin = { top = +nan }\n", "top", "0 to 300"},
                          Case{"[page]\nwidth = \"nanpt\"\n", "width", "72 to 2000"},
                          Case{"[page]\nwidth = \"infmm\"\n", "width", "72 to 2000"},
                          Case{"[body]\nline_height = nan\n", "line_height", "1 to 3"},
                          Case{"[page]\ncolumns = nan\n", "columns", "1 to 1"},
                          Case{"[fonts.lang]\nar = { family = \"Noto Sans\", scale = inf }\n", "scale", "0.5 to 2"}}) {
        CAPTURE(c.toml);
        auto r = parse_toml(c.toml);
        CHECK_FALSE(r.ok());
        REQUIRE(r.diagnostics.size() == 1);
        const Diagnostic& d = r.diagnostics[0];
        CHECK(d.message == "`" + c.key + "` must be a finite number, not nan or inf");
        CHECK(test::has_hint(d, "use a value from " + c.range));
        CHECK(test::line_of(d) == 2);
    }
    auto bad = parse_toml("[body]\nsize = nan\n");
    CHECK(test::pos(bad.diagnostics.at(0)) == "2:8");
}

TEST_CASE("finite numbers at the ends of a range are kept") {
    auto r = parse_toml("[body]\nsize = 72\nmin_size = 4\nline_height = 3.0\n[page]\nmargin = 0\n");
    REQUIRE_MESSAGE(r.ok(), test::describe(r.diagnostics));
    CHECK(r->body_size == 72);
    CHECK(r->margin.top == 0);
}

TEST_CASE("a dotted table header with parts to the limit reaches toml++, one more is refused before it") {
    auto header = [](std::size_t parts) {
        std::string h = "[page";
        for (std::size_t i = 1; i < parts; ++i) {
            h += ".p";
        }
        return h + "]\nx = 1\n";
    };
    auto at = parse_toml(header(max_layout_nesting));
    CHECK(test::find_diag(at.diagnostics, "parts") == nullptr);
    CHECK(test::find_diag(at.diagnostics, "unknown key `p` in [page]") != nullptr);  // toml++ read it
    const std::string past = header(max_layout_nesting + 1);
    auto r = parse_toml(past);
    REQUIRE(r.diagnostics.size() == 1);
    CHECK(r.diagnostics[0].message == "a dotted key or table header has more than 64 parts (--limit nesting)");
    CHECK(r.diagnostics[0].offset == nth(past, ".", max_layout_nesting));
}

TEST_CASE("a 50,000-part dotted header or key is an error, never a crash") {
    auto r = parse_toml("[a" + repeat(".a", 50000) + "]\n");
    CHECK(test::count_diags(r.diagnostics, "more than 64 parts") == 1);
    auto k = parse_toml("a" + repeat(" . \"a\"", 50000) + " = 1\n");
    CHECK(test::count_diags(k.diagnostics, "more than 64 parts") == 1);
}

TEST_CASE("arrays nested to the limit reach toml++, one level more is refused before it") {
    auto nest = [](std::size_t n) { return "x = " + repeat("[", n) + repeat("]", n) + "\n"; };
    auto at = parse_toml(nest(max_layout_nesting));
    CHECK(test::find_diag(at.diagnostics, "nested deeper") == nullptr);
    CHECK(test::find_diag(at.diagnostics, "unknown key `x`") != nullptr);
    const std::string past = nest(max_layout_nesting + 1);
    auto r = parse_toml(past);
    REQUIRE(r.diagnostics.size() == 1);
    CHECK(r.diagnostics[0].message == "arrays and tables are nested deeper than 64 levels (--limit nesting)");
    CHECK(r.diagnostics[0].offset == nth(past, "[", max_layout_nesting + 1));
    auto tables = parse_toml("x = " + repeat("{a=", 100000) + "\n");
    CHECK(test::count_diags(tables.diagnostics, "nested deeper than 64 levels") == 1);
}

TEST_CASE("dots and brackets inside strings and comments are not counted") {
    const std::string text = "# " + repeat("[.", 200) + "\n[page]\nsize = \"" + repeat(".[", 200) + "\"\n" +
                             "[header]\nleft = '''" + repeat(".{", 200) + "'''\n";
    auto r = parse_toml(text);
    CHECK(test::find_diag(r.diagnostics, "parts") == nullptr);
    CHECK(test::find_diag(r.diagnostics, "nested deeper") == nullptr);
    CHECK(test::find_diag(r.diagnostics, "unknown page size") != nullptr);
}

TEST_CASE("a layout's messages show its control characters escaped") {
    auto r = parse_toml("[page]\n\"\\u001b[31mred\" = 1\nsize = \"\\u202Eevil\"\n");
    REQUIRE(r.diagnostics.size() == 2);
    CHECK(test::contains(r.diagnostics[0].message, "unknown key `\\x1B[31mred` in [page]"));
    CHECK(test::contains(r.diagnostics[1].message, "unknown page size `\\u{202E}evil`"));
    check_clean_messages(r.diagnostics);
    for (const auto& d : r.diagnostics) {
        CHECK_FALSE(test::contains(d.message, "\u202E"));
    }
}

TEST_CASE("the shipped layouts still parse clean, with their did-you-mean hints intact") {
    for (const char* path : {"layouts/letter.toml", "layouts/a4.toml", "layouts/large-print.toml"}) {
        CAPTURE(path);
        auto r = parse_layout(test::source(test::read_file(path), path));
        CHECK_MESSAGE(r.ok(), test::describe(r.diagnostics));
    }
    auto typo = parse_toml("[body]\nsise = 12\n");
    REQUIRE(typo.diagnostics.size() == 1);
    CHECK(test::has_hint(typo.diagnostics[0], "did you mean `size`?"));
}

}  // TEST_SUITE

TEST_SUITE("resolve") {

TEST_CASE("a value with NUL, a control character or invalid UTF-8 fails, naming the variable and never the value") {
    const std::string text = front + "Dear {{patient.name}}, see {{clinic.name}} and {{clinic.phone}}.\n\nAgain {{patient.name}}.\n";
    auto doc = parse_md(text);
    REQUIRE(doc.ok());
    const std::string secret = "Ana";
    struct Case {
        std::string value;
        std::string says;
    };
    for (const Case& c : {Case{secret + std::string(1, '\0') + "Ruiz", "holds the control character U+0000 (NUL)"},
                          Case{secret + "\x1B[2J", "holds the control character U+001B (ESC)"},
                          Case{secret + "\xC2\x9B" "31m", "holds the control character U+009B (a C1 control)"},
                          Case{secret + "\xE9", "is not valid UTF-8"}}) {
        CAPTURE(c.says);
        auto r = resolve(*doc, Vars{{"patient.name", c.value}, {"clinic.name", "Clinic"}, {"clinic.phone", "555"}});
        CHECK_FALSE(r.ok());
        REQUIRE(r.diagnostics.size() == 1);  // once per variable, though it is used twice
        CHECK(r.diagnostics[0].message == "the value of `patient.name` " + c.says);
        CHECK(test::pos(r.diagnostics[0]) == test::pos_in(text, "{{patient.name}}"));
        check_clean_messages(r.diagnostics, secret);
    }
}

TEST_CASE("tab, line feed and carriage return in a value are allowed") {
    auto doc = parse_md(front + "Dear {{patient.name}}.\n");
    REQUIRE(doc.ok());
    auto r = resolve(*doc, Vars{{"patient.name", "Ana\tRuiz\r\nline two"}});
    CHECK_MESSAGE(r.ok(), test::describe(r.diagnostics));
}

TEST_CASE("a value in a link target is checked too") {
    const std::string text = front + "[Call us](tel:{{clinic.phone}}) or {{missing}}.\n";
    auto doc = parse_md(text);
    REQUIRE(doc.ok());
    auto r = resolve(*doc, Vars{{"clinic.phone", "555\x07" "0100"}});
    REQUIRE(r.diagnostics.size() == 2);
    CHECK(test::find_diag(r.diagnostics, "the value of `clinic.phone` holds the control character U+0007 (BEL)") != nullptr);
    CHECK(test::find_diag(r.diagnostics, "variable `missing` has no value") != nullptr);
    CHECK(test::find_diag(r.diagnostics, "`clinic.phone` has no value") == nullptr);
}

TEST_CASE("a Latin value is set as written; a right-to-left or bidi-control value as an isolate") {
    CHECK(isolate_bidi("José Núñez") == "José Núñez");
    CHECK(isolate_bidi("") == "");
    CHECK(isolate_bidi("مريم") == fsi + "مريم" + pdi);
    CHECK(isolate_bidi("שלום 12") == fsi + "שלום 12" + pdi);
    CHECK(isolate_bidi("Ana\u202E Ruiz") == fsi + "Ana\u202E Ruiz" + pdi);
    CHECK(isolate_bidi("x\u200Fy") == fsi + "x\u200Fy" + pdi);
}

TEST_CASE("a value's own isolates are balanced, so the closing isolate is ours") {
    // A stray PDI would close our isolate early: dropped.
    CHECK(isolate_bidi("a\u2069\u202Eb") == fsi + "a\u202Eb" + pdi);
    // An open RLI would take our PDI: closed first.
    CHECK(isolate_bidi("a\u2067b") == fsi + "a\u2067b" + pdi + pdi);
    // Matched isolates stay as written.
    CHECK(isolate_bidi("a\u2066b\u2069c") == fsi + "a\u2066b\u2069c" + pdi);
    // A line break ends every isolate: each line is one of its own.
    CHECK(isolate_bidi("\u202Ea\nb") == fsi + "\u202Ea" + pdi + "\n" + fsi + "b" + pdi);
}

TEST_CASE("resolve sets a right-to-left value as an isolate and a Latin value unchanged") {
    auto doc = parse_md(front + "Dear {{patient.name}}, from {{clinic.name}}.\n");
    REQUIRE(doc.ok());
    auto r = resolve(*doc, Vars{{"patient.name", "\u202Eevil"}, {"clinic.name", "Clinic"}});
    REQUIRE_MESSAGE(r.ok(), test::describe(r.diagnostics));
    CHECK(plain_text(first_paragraph(*r).spans) == "Dear " + fsi + "\u202Eevil" + pdi + ", from Clinic.");
}

}  // TEST_SUITE

TEST_SUITE("batch") {

TEST_CASE("a CSV field that is not valid UTF-8 fails its row, naming the column and never the value") {
    const std::string csv = "patient.id,patient.name,note\nP1,Ana,ok\nP2,Jos\xE9,N\xFA\xF1\x65z\nP3,Cat,fine\n";
    auto r = parse_csv(test::source(csv, "m.csv"));
    REQUIRE_MESSAGE(r.value.has_value(), test::describe(r.diagnostics));
    const auto& recs = r.value->records;
    REQUIRE(recs.size() == 3);
    CHECK(recs[0].error.empty());
    CHECK(recs[2].error.empty());
    CHECK(test::contains(recs[1].error, "has invalid UTF-8 in column `patient.name` and 1 more"));
    CHECK(test::contains(recs[1].error, "--encoding WINDOWS-1252"));
    CHECK_FALSE(test::contains(recs[1].error, "Jos"));
    CHECK(recs[1].vars.count("patient.name") == 0);
    CHECK(recs[1].vars.at("patient.id") == "P2");  // the record can still be named by its id
}

TEST_CASE("a CSV column name that is not valid UTF-8 or holds a control is an error for the file") {
    auto bad = parse_csv(test::source("id,nom\xE9\nP1,x\n", "m.csv"));
    CHECK_FALSE(bad.value.has_value());
    REQUIRE(bad.diagnostics.size() == 1);
    CHECK(bad.diagnostics[0].message == "the name of column 2 is not valid UTF-8");
    CHECK_FALSE(bad.diagnostics[0].quote_source);
    auto ctl = parse_csv(test::source("id,\x1B[2Jname\nP1,x\n", "m.csv"));
    REQUIRE(ctl.diagnostics.size() == 1);
    CHECK(ctl.diagnostics[0].message == "the name of column 2 holds the control character U+001B (ESC)");
}

TEST_CASE("a JSON Lines value that is not valid UTF-8 fails its line, naming the column") {
    const std::string jsonl = "{\"id\": \"P1\", \"patient\": {\"name\": \"Ana\"}}\n"
                              "{\"id\": \"P2\", \"patient\": {\"name\": \"Jos\xE9\"}}\n"
                              "{\"id\": \"P3\", \"n\xE9\": \"x\"}\n";
    auto r = parse_jsonl(test::source(jsonl, "m.jsonl"));
    REQUIRE(r.value.has_value());
    const auto& recs = r.value->records;
    REQUIRE(recs.size() == 3);
    CHECK(recs[0].error.empty());
    CHECK(test::contains(recs[1].error, "has invalid UTF-8 in column `patient.name`"));
    CHECK_FALSE(test::contains(recs[1].error, "Jos"));
    CHECK(recs[1].vars.at("id") == "P2");
    CHECK(test::contains(recs[2].error, "has a name that is not valid UTF-8"));
    for (const auto& col : r.value->columns) {
        CHECK(valid_utf8(col));
    }
}

TEST_CASE("to_utf8 converts Windows-1252 and Latin-1 manifests") {
    std::string error;
    auto r = to_utf8("Jos\xE9 N\xFA\xF1\x65z", "WINDOWS-1252", error);
    REQUIRE_MESSAGE(r.has_value(), error);
    CHECK(*r == "José Núñez");
    auto quotes = to_utf8("\x93" "Ana\x94 \x80" "5", "CP1252", error);
    REQUIRE(quotes.has_value());
    CHECK(*quotes == "\u201CAna\u201D \u20AC5");
    auto latin1 = to_utf8("\xC5sa \xD8stby", "ISO-8859-1", error);
    REQUIRE(latin1.has_value());
    CHECK(*latin1 == "Åsa Østby");
    auto empty = to_utf8("", "WINDOWS-1252", error);
    REQUIRE(empty.has_value());
    CHECK(empty->empty());
    // Output twice the input and more: the buffer grows.
    const std::string many(100000, '\xE9');
    auto big = to_utf8(many, "WINDOWS-1252", error);
    REQUIRE(big.has_value());
    CHECK(big->size() == 200000);
    CHECK(valid_utf8(*big));
    auto file = to_utf8(test::read_file(hostile_dir + "/cp1252.csv"), "WINDOWS-1252", error);
    REQUIRE(file.has_value());
    CHECK(test::contains(*file, "P1,José Núñez\r\nP2,\u201CAna\u201D Ruiz"));
}

TEST_CASE("to_utf8 refuses an unknown encoding and bytes invalid in the one named, by offset and line") {
    std::string error;
    CHECK_FALSE(to_utf8("abc", "WINDOWS-9999", error).has_value());
    CHECK(test::contains(error, "unknown encoding `WINDOWS-9999`"));
    CHECK(test::contains(error, "iconv -l"));
    error.clear();
    // 0x81 is not a character in Windows-1252.
    CHECK_FALSE(to_utf8("id,name\nP1,Ana\nP2,B\x81z\n", "WINDOWS-1252", error).has_value());
    CHECK(error == "byte 19 (line 3) is not a valid WINDOWS-1252 character; check the manifest's encoding");
    error.clear();
    // UTF-16 cut in the middle of a character.
    CHECK_FALSE(to_utf8(std::string("a\0\n\0b", 5), "UTF-16LE", error).has_value());
    CHECK(error == "the manifest ends in the middle of a UTF-16LE character, at byte 4 (line 2)");
    error.clear();
    CHECK_FALSE(to_utf8("x", "\x1B[2J", error).has_value());
    CHECK_FALSE(has_control(error));
}

TEST_CASE("handout batch: an invalid UTF-8 row and a control character in a value fail those records alone") {
    test::TempDir dir;
    const std::string manifest = dir / "m.csv";
    test::write_file(manifest, "patient.id,patient.name\n"
                               "P1,Ana Ruiz\n"
                               "P2,Jos\xE9 N\xFA\xF1\x65z\n"
                               "P3,\"Bob\x1B[2J\"\n"
                               "P4,Cat\n");
    const std::string out = dir / "out";
    auto r = test::run_batch_cli({"batch", manifest, "-c", greeting, "--out", out});
    CHECK(r.exit_code == 1);
    CHECK_FALSE(has_control(r.err));
    const std::string report_text = test::read_file(out + "/report.json");
    for (const char* secret : {"Jos", "Bob", "Ana Ruiz"}) {
        CHECK_FALSE(test::contains(r.err, secret));
        CHECK_FALSE(test::contains(report_text, secret));
    }
    const auto rows = by_row(test::read_json(out + "/report.json"));
    REQUIRE(rows.size() == 4);
    CHECK(rows.at(1)["status"] != "failed");
    CHECK(rows.at(2)["status"] == "failed");
    CHECK(test::contains(error_of(rows.at(2)), "row 2 (line 3) has invalid UTF-8 in column `patient.name`"));
    CHECK(rows.at(3)["status"] == "failed");
    CHECK(test::contains(error_of(rows.at(3)), "the value of `patient.name` holds the control character U+001B (ESC)"));
    CHECK(rows.at(4)["status"] != "failed");
    CHECK(test::pdfs_in(out) == std::vector<std::string>{"P1.pdf", "P4.pdf"});
}

}  // TEST_SUITE

TEST_SUITE("render") {

TEST_CASE("a right-to-left override in a value cannot reverse the text after it") {
    test::TempDir dir;
    const std::string pdf = dir / "rlo.pdf";
    auto r = test::run_cli({"render", greeting, "--var", "patient.name=Ana\u202E Ruiz", "-o", pdf});
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    const std::string text = test::normalize_space(test::pdftotext(pdf));
    CAPTURE(text);
    // The sheet's own words after the value read in order, not reversed.
    CHECK(test::contains(text, "this is the English greeting sheet."));
    CHECK_FALSE(test::contains(text, "teehs"));
}

TEST_CASE("content with invalid UTF-8 or a control character fails render and check with exit 2 and line:col") {
    for (const char* name : {"bad-utf8.md", "control.md"}) {
        CAPTURE(name);
        const std::string path = hostile_dir + "/" + name;
        test::TempDir dir;
        auto r = test::run_cli({"render", path, "-o", dir / "x.pdf"});
        CHECK(r.exit_code == 2);
        CHECK(test::contains(r.err, path + ":5:"));
        CHECK_FALSE(test::exists(dir / "x.pdf"));
        auto c = test::run_cli({"check", path});
        CHECK(c.exit_code != 0);
        CHECK(test::contains(c.err + c.out, ":5:"));
    }
}

TEST_CASE("ten thousand nested quotes and a 50,000-part TOML header end in errors, not signals") {
    test::TempDir dir;
    const std::string md = dir / "deep.md";
    test::write_file(md, front + repeat("> ", 10000) + "x\n");
    auto r = test::run_cli({"check", md});
    CHECK(r.exit_code == 2);
    CHECK(test::contains(r.err, "nested deeper than 64 levels"));
    const std::string toml = dir / "deep.toml";
    test::write_file(toml, "[a" + repeat(".a", 50000) + "]\n");
    auto l = test::run_cli({"render", greeting, "--var", "patient.name=Ana", "-l", toml, "-o", dir / "x.pdf"});
    CHECK(l.exit_code == 2);
    CHECK(test::contains(l.err, "more than 64 parts"));
}

}  // TEST_SUITE
