// tests: what hostile sizes do to typesetting and diagnostics — words and tables wider than the
// measure, very long paragraphs, deep nesting, diagnostics' positions from the line index, and
// control characters kept off the terminal.
#include "typeset/typeset.hpp"

#include "content/parse_content.hpp"
#include "helpers.hpp"
#include "layout/parse_layout.hpp"
#include "typeset/break_chooser.hpp"
#include "typeset/font_system.hpp"
#include "typeset/hyphenator.hpp"
#include "typeset/typesetter.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <thread>
#include <vector>

using namespace handout;

namespace {

/// A letter page with 1 in margins (the text 468 pt wide), justified and hyphenated.
const std::string justified_layout = R"(
[page]
size = "letter"
margin = "1in"

[body]
size = 12
line_height = 1.4
paragraph_spacing = 6
justify = true
hyphenate = true

[table]
size = 12
)";

/// The same, flush left.
const std::string left_layout = R"(
[page]
size = "letter"
margin = "1in"

[body]
size = 12
justify = false
hyphenate = false

[table]
size = 12
)";

const std::string front = "---\ntitle: Bounds\n---\n\n";

struct Typeset {
    Result<Pages> pages;
    Diagnostics diagnostics;  ///< everything any stage said
    double left = 0, right = 0;  ///< the text area's edges, pt from the page's left
};

/// Typesets `doc` (already parsed and resolved) with `layout_toml`; fonts from fonts/.
Typeset typeset_doc(const Document& doc, const std::string& layout_toml, const Vars& vars = {}) {
    Typeset t;
    auto layout = parse_layout(test::source(layout_toml, "layout.toml"));
    t.diagnostics = layout.diagnostics;
    REQUIRE_MESSAGE(layout.ok(), test::describe(layout.diagnostics));
    t.left = layout->margin.left;
    t.right = layout->page_width - layout->margin.right;
    auto fonts = FontSystem::create("fonts");
    REQUIRE(fonts.ok());
    Hyphenator hyph("/usr/share/hyphen");
    TypesetInput in;
    in.doc = &doc;
    in.layout = &*layout;
    in.fonts = fonts->get();
    in.hyphenator = layout->hyphenate ? &hyph : nullptr;
    in.vars = &vars;
    in.date_iso = "2026-11-01T00:00:00";
    t.pages = typeset(in);
    t.diagnostics.insert(t.diagnostics.end(), t.pages.diagnostics.begin(), t.pages.diagnostics.end());
    return t;
}

/// Parses, resolves and typesets `content`.
Typeset run(const std::string& content, const std::string& layout_toml, const Vars& vars = {}) {
    auto doc = parse_content(test::source(content, "doc.md"));
    REQUIRE_MESSAGE(doc.ok(), test::describe(doc.diagnostics));
    auto resolved = resolve(*doc, vars, std::size_t{1} << 20);  // room for the 120 KB value below
    REQUIRE_MESSAGE(resolved.ok(), test::describe(resolved.diagnostics));
    Typeset t = typeset_doc(*resolved, layout_toml, vars);
    t.diagnostics.insert(t.diagnostics.begin(), doc.diagnostics.begin(), doc.diagnostics.end());
    return t;
}

/// Where a run's last glyph ends, pt from the page's left.
double run_end(const GlyphRun& run) {
    double end = run.origin.x;
    for (const auto& g : run.glyphs) {
        end += g.advance;
    }
    return end;
}

/// Every glyph run of the flow (not running heads) lies between the margins; returns how many
/// runs were looked at.
std::size_t check_within_margins(const Typeset& t) {
    REQUIRE(t.pages.value);
    std::size_t runs = 0;
    for (std::size_t pi = 0; pi < t.pages.value->pages.size(); ++pi) {
        for (const auto& item : t.pages.value->pages[pi].items) {
            const auto* run = std::get_if<GlyphRun>(&item.v);
            if (run == nullptr || item.artifact == ArtifactKind::header || item.artifact == ArtifactKind::footer) {
                continue;
            }
            ++runs;
            CAPTURE(pi);
            CHECK_MESSAGE(run->origin.x >= t.left - 0.01, "a run starts at ", run->origin.x, " pt; the margin is at ", t.left);
            CHECK_MESSAGE(run_end(*run) <= t.right + 0.01, "a run ends at ", run_end(*run), " pt; the margin is at ", t.right);
        }
    }
    return runs;
}

/// The text of every glyph run of the flow, in order, without soft hyphens.
std::string flow_text(const Pages& p) {
    std::string out;
    for (const auto& page : p.pages) {
        for (const auto& item : page.items) {
            const auto* run = std::get_if<GlyphRun>(&item.v);
            if (run != nullptr && item.node >= 0) {
                out += run->text;
            }
        }
    }
    for (std::size_t at; (at = out.find("\xC2\xAD")) != std::string::npos;) {
        out.erase(at, 2);
    }
    return out;
}

/// The number of distinct baselines the flow's glyph runs sit on, over all pages.
std::size_t flow_lines(const Pages& p) {
    std::size_t n = 0;
    for (const auto& page : p.pages) {
        std::vector<double> ys;
        for (const auto& item : page.items) {
            const auto* run = std::get_if<GlyphRun>(&item.v);
            if (run != nullptr && item.node >= 0) {
                ys.push_back(run->origin.y);
            }
        }
        std::sort(ys.begin(), ys.end());
        n += static_cast<std::size_t>(std::unique(ys.begin(), ys.end()) - ys.begin());
    }
    return n;
}

/// A 100-character email address with no break of its own after the first 60 characters.
const std::string long_email = "patient.records." + std::string(70, 'x') + "@clinic.example.org";

std::string words(std::size_t n) {
    static const char* vocab[] = {"the", "infusion", "staff", "watch", "dose", "closely", "and", "you", "may", "feel"};
    std::string out;
    for (std::size_t i = 0; i < n; ++i) {
        out += (i == 0 ? "" : " ") + std::string(vocab[(i * 7 + i / 3) % 10]);
    }
    return out;
}

}  // namespace

TEST_SUITE("typeset") {

TEST_CASE("a word wider than the measure is broken between letters in a justified paragraph") {
    const std::string name(400, 'M');  // about 4,000 pt of capitals with nowhere to break
    Typeset t = run(front + "Write to " + long_email + " or ask " + name + " at the desk.\n", justified_layout);
    REQUIRE_MESSAGE(t.pages.ok(), test::describe(t.diagnostics));
    CHECK(check_within_margins(t) > 0);
    const std::string text = flow_text(*t.pages.value);
    CHECK(text.find(name) != std::string::npos);  // every letter, in order, nothing hyphenated in
    CHECK(text.find("at the desk.") != std::string::npos);
    CHECK(flow_lines(*t.pages.value) >= 1 + 4000 / 468);
}

TEST_CASE("a word wider than the measure is broken between letters when flush left, in a heading and in a table cell") {
    const std::string name(300, 'W');
    const std::string content = front + "## Heading " + name + "\n\nAsk " + name + " today.\n\n" +
                                "| Contact | Note |\n|---|---|\n| " + long_email + " | ok |\n";
    for (const std::string* layout : {&left_layout, &justified_layout}) {
        Typeset t = run(content, *layout);
        REQUIRE_MESSAGE(t.pages.ok(), test::describe(t.diagnostics));
        CHECK(check_within_margins(t) > 0);
        const std::string text = flow_text(*t.pages.value);
        CHECK(std::count(text.begin(), text.end(), 'W') == 600);
        CHECK(text.find(std::string(70, 'x')) != std::string::npos);
    }
}

TEST_CASE("a 120 KB record value with no space is set within the margins") {
    Vars vars{{"patient.name", std::string(120 * 1024, 'a')}};
    Typeset t = run(front + "Name: {{patient.name}}. Bring this sheet.\n", justified_layout, vars);
    REQUIRE_MESSAGE(t.pages.ok(), test::describe(t.diagnostics));
    check_within_margins(t);
    const std::string text = flow_text(*t.pages.value);
    CHECK(std::count(text.begin(), text.end(), 'a') >= 120 * 1024);
}

TEST_CASE("a table whose widest words cannot all fit warns at the table and breaks them within the margins") {
    std::string header = "|", rule = "|", row = "|";
    for (int c = 0; c < 6; ++c) {
        header += " Column " + std::to_string(c) + " |";
        rule += "---|";
        row += " " + std::string(30, static_cast<char>('a' + c)) + " |";
    }
    const std::string content = front + "Before.\n\n" + header + "\n" + rule + "\n" + row + "\n";
    Typeset t = run(content, left_layout);
    REQUIRE_MESSAGE(t.pages.ok(), test::describe(t.diagnostics));
    const Diagnostic* d = test::find_diag(t.diagnostics, "wider than the text");
    REQUIRE_MESSAGE(d != nullptr, test::describe(t.diagnostics));
    CHECK(d->severity == Severity::warning);
    CHECK(test::pos(*d) == test::pos_in(content, "| Column 0"));
    CHECK(t.diagnostics.size() == 1);
    check_within_margins(t);
    const std::string text = flow_text(*t.pages.value);
    for (int c = 0; c < 6; ++c) {
        CHECK(std::count(text.begin(), text.end(), static_cast<char>('a' + c)) >= 30);
    }
}

TEST_CASE("a table of 2,000 columns is an error at the table, and nothing of it runs past the margin") {
    std::string header = "|", rule = "|", row = "|";
    for (int c = 0; c < 2000; ++c) {
        header += " H |";
        rule += "---|";
        row += " v |";
    }
    const std::string content = front + "Before.\n\n" + header + "\n" + rule + "\n" + row + "\n\nAfter.\n";
    Typeset t = run(content, left_layout);
    const Diagnostic* d = test::find_diag(t.diagnostics, "2000 columns cannot fit");
    REQUIRE_MESSAGE(d != nullptr, test::describe(t.diagnostics));
    CHECK(d->severity == Severity::error);
    CHECK(test::pos(*d) == test::pos_in(content, "| H |"));
    CHECK(test::has_hint(*d, "fewer columns"));
    CHECK_FALSE(t.pages.ok());
    check_within_margins(t);
}

TEST_CASE("a table just narrow enough to fit one character a line is drawn, one column more is an error") {
    // Each column's floor: its widest character plus the padding. Find how many one-letter
    // columns fit, then check that many pass with a warning and one more fails.
    auto table_of = [](int cols) {
        std::string header = "|", rule = "|", row = "|";
        for (int c = 0; c < cols; ++c) {
            header += " W |";
            rule += "---|";
            row += " W |";
        }
        return front + header + "\n" + rule + "\n" + row + "\n";
    };
    int fits = 10, fails = 400;  // a binary search between a table that fits and one that cannot
    REQUIRE(test::find_diag(run(table_of(fits), left_layout).diagnostics, "cannot fit") == nullptr);
    REQUIRE(test::find_diag(run(table_of(fails), left_layout).diagnostics, "cannot fit") != nullptr);
    while (fails - fits > 1) {
        const int mid = (fits + fails) / 2;
        (test::find_diag(run(table_of(mid), left_layout).diagnostics, "cannot fit") == nullptr ? fits : fails) = mid;
    }
    Typeset at = run(table_of(fits), left_layout);
    REQUIRE_MESSAGE(at.pages.ok(), test::describe(at.diagnostics));
    check_within_margins(at);
    Typeset past = run(table_of(fits + 1), left_layout);
    CHECK_FALSE(past.pages.ok());
    CHECK(test::find_diag(past.diagnostics, "cannot fit") != nullptr);
}

TEST_CASE("a paragraph past the total-fit limit is broken first fit, every line within the measure") {
    // About 60 KB: more items than BreakParams::max_total_fit_items_default, and more bytes than
    // Pango breaks for a paragraph set flush left.
    const std::string text = words(10000);
    for (const std::string* layout : {&justified_layout, &left_layout}) {
        Typeset t = run(front + text + "\n", *layout);
        REQUIRE_MESSAGE(t.pages.ok(), test::describe(t.diagnostics));
        CHECK(check_within_margins(t) > 100);
        std::string flowed = flow_text(*t.pages.value);
        flowed.erase(std::remove(flowed.begin(), flowed.end(), ' '), flowed.end());
        std::string expected = "Bounds" + text;
        expected.erase(std::remove(expected.begin(), expected.end(), ' '), expected.end());
        CHECK(flowed == expected);
    }
}

TEST_CASE("blocks nested to the limit are laid out, one level more is an error at the block too deep") {
    auto nested = [](int depth) {
        Document doc;
        doc.source = test::source(std::string(static_cast<std::size_t>(depth) + 10, 'x'), "doc.md");
        doc.meta.title = "Deep";
        Paragraph p;
        p.spans.push_back(Span{Span::Kind::text, "Inside.", style_plain, "", 0});
        p.offset = static_cast<std::size_t>(depth);
        Blocks inner{Block{p}};
        for (int level = depth; level > 0; --level) {
            Div d;
            d.kind = "checklist";
            d.offset = static_cast<std::size_t>(level - 1);
            d.blocks = std::move(inner);
            inner = Blocks{};
            inner.push_back(Block{std::move(d)});
        }
        doc.blocks = std::move(inner);
        return doc;
    };
    // The document's own blocks are level 1; each div adds one.
    Document at = nested(max_block_nesting - 1);
    Typeset ok = typeset_doc(at, left_layout);
    REQUIRE_MESSAGE(ok.pages.ok(), test::describe(ok.diagnostics));
    CHECK(flow_text(*ok.pages.value).find("Inside.") != std::string::npos);

    Document past = nested(max_block_nesting);
    Typeset deep = typeset_doc(past, left_layout);
    CHECK_FALSE(deep.pages.ok());
    const Diagnostic* d = test::find_diag(deep.diagnostics, "nested more than " + std::to_string(max_block_nesting) + " levels");
    REQUIRE_MESSAGE(d != nullptr, test::describe(deep.diagnostics));
    CHECK(d->offset == static_cast<std::size_t>(max_block_nesting));  // the paragraph, the first block too deep
    CHECK(test::count_diags(deep.diagnostics, "nested more than") == 1);

    Document very = nested(5000);  // no stack overflow, and the same single error
    Typeset deeper = typeset_doc(very, left_layout);
    CHECK(test::count_diags(deeper.diagnostics, "nested more than") == 1);
}

TEST_CASE("deeply nested lists and callouts stay within the margins") {
    std::string content = front;
    std::string indent;
    for (int level = 0; level < 40; ++level) {
        content += indent + "- level " + std::to_string(level) + " " + words(12) + "\n";
        indent += "  ";
    }
    content += "\n";
    for (int level = 0; level < 30; ++level) {
        content += std::string(static_cast<std::size_t>(3 + 30 - level), ':') + " note\n";
    }
    content += words(40) + "\n";
    for (int level = 0; level < 30; ++level) {
        content += std::string(static_cast<std::size_t>(3 + level + 1), ':') + "\n";
    }
    Typeset t = run(content, left_layout);
    REQUIRE_MESSAGE(t.pages.ok(), test::describe(t.diagnostics));
    CHECK(check_within_margins(t) > 40);
}

TEST_CASE("a running footer wider than the page is an error at its key, not a line cut off") {
    const std::string layout = left_layout + "\n[footer]\ncenter = \"{{patient.name}}\"\n";
    Vars vars{{"patient.name", words(200)}};
    Typeset t = run(front + "Text.\n", layout, vars);
    const Diagnostic* d = test::find_diag(t.diagnostics, "footer's center part is wider");
    REQUIRE_MESSAGE(d != nullptr, test::describe(t.diagnostics));
    CHECK(d->severity == Severity::error);
    CHECK(d->file->path == "layout.toml");
    CHECK(test::pos(*d) == test::pos_in(layout, "center = "));

    Vars short_name{{"patient.name", "Ana Ruiz"}};
    Typeset fine = run(front + "Text.\n", layout, short_name);
    CHECK_MESSAGE(fine.pages.ok(), test::describe(fine.diagnostics));
}

}  // TEST_SUITE

TEST_SUITE("typeset") {

TEST_CASE("first fit: each line takes what fits, a box wider than the measure stands alone, overfull") {
    std::vector<BreakItem> items;
    for (double w : {30.0, 30.0, 30.0, 200.0, 30.0}) {
        if (!items.empty()) {
            items.push_back(BreakItem::glue_of(10, 5, 3));
        }
        items.push_back(BreakItem::box_of(w));
    }
    end_paragraph(items);
    BreakParams params;
    params.line_width = 100;
    const BreakResult r = first_fit_breaks(items, params);
    CHECK(r.pass == 0);
    // 30+10+30+10+30 = 110 shrinks to 104 > 100: two boxes a line; the 200 pt box alone, overfull.
    REQUIRE(r.lines.size() == 4);
    CHECK(r.lines[0].end == 3);
    CHECK_FALSE(r.lines[0].overfull);
    CHECK(r.lines[1].end == 5);
    CHECK(r.lines[2].overfull);
    CHECK(r.lines[2].end == 7);
    CHECK_FALSE(r.lines[3].overfull);
    CHECK(r.lines[3].end == items.size() - 1);
}

TEST_CASE("total fit up to max_total_fit_items, first fit one item past it") {
    std::vector<BreakItem> items;
    for (int i = 0; i < 50; ++i) {
        if (!items.empty()) {
            items.push_back(BreakItem::glue_of(4, 2, 1.3));
        }
        items.push_back(BreakItem::box_of(10 + (i * 7) % 13));
    }
    end_paragraph(items);
    BreakParams params;
    params.line_width = 90;
    params.max_total_fit_items = items.size();
    CHECK(choose_breaks(items, params).pass >= 1);
    params.max_total_fit_items = items.size() - 1;
    CHECK(choose_breaks(items, params).pass == 0);
}

TEST_CASE("total fit with endless breaks of no width still ends, within the candidate limit") {
    std::vector<BreakItem> items;
    for (int i = 0; i < 15000; ++i) {
        items.push_back(BreakItem::box_of(0));
        items.push_back(BreakItem::penalty_of(0));
    }
    items.push_back(BreakItem::box_of(50));
    end_paragraph(items);
    BreakParams params;
    params.line_width = 100;
    const BreakResult r = choose_breaks(items, params);
    REQUIRE_FALSE(r.lines.empty());
    CHECK(r.lines.back().end == items.size() - 1);
    CHECK_FALSE(r.any_overfull());
}

}  // TEST_SUITE

TEST_SUITE("core") {

TEST_CASE("a file's line index gives the same positions as a scan from the start") {
    std::string text = "first line\r\nsecond \xC3\xA9t\xC3\xA9\n\n\xFF\x80 stray bytes\n";
    text += std::string(700, 'a') + "\xE2\x82\xAC" + std::string(300, 'b') + "\r\n";  // a line over several index blocks
    text += "\xE2\x80\xAE reversed\nlast, no newline";
    auto file = test::source(text, "index.txt");
    for (std::size_t off = 0; off <= text.size() + 2; ++off) {
        CAPTURE(off);
        const LineCol scan = line_col(std::string_view(text), off), indexed = file->line_col(off);
        CHECK(scan.line == indexed.line);
        CHECK(scan.col == indexed.col);
        CHECK(line_at(std::string_view(text), off) == file->line_at(off));
    }
    for (std::size_t line = 0; line <= 9; ++line) {
        for (std::size_t col = 0; col <= 1010; ++col) {
            CAPTURE(line);
            CAPTURE(col);
            CHECK(offset_of(std::string_view(text), line, col) == file->offset_of(line, col));
        }
    }
    CHECK(line_col(*file, text.find("last")).line == 7);
    CHECK(offset_of(*file, 7, 1) == text.find("last"));
}

TEST_CASE("an empty file and a file of newlines have positions too") {
    for (const std::string& text : {std::string(), std::string("\n\n\n"), std::string(512, '\n')}) {
        auto file = test::source(text, "e.txt");
        for (std::size_t off = 0; off <= text.size(); ++off) {
            CHECK(line_col(std::string_view(text), off).line == file->line_col(off).line);
            CHECK(line_col(std::string_view(text), off).col == file->line_col(off).col);
        }
        CHECK(file->offset_of(2, 5) == offset_of(std::string_view(text), 2, 5));
    }
}

TEST_CASE("a copy of a file builds its own index, and many threads may ask at once") {
    SourceFile a{"a.txt", "one\ntwo\nthree\n"};
    CHECK(a.line_col(8).line == 3);
    SourceFile b = a;
    b.text = "x\ny\n";
    CHECK(b.line_col(2).line == 2);
    CHECK(a.line_col(8).line == 3);
    SourceFile c{"c.txt", "1\n2\n3\n4\n5\n"};
    CHECK(c.line_col(9).line == 5);
    c = b;  // the index of c's old text goes with it
    CHECK(c.line_col(2).line == 2);
    CHECK(c.line_col(3).line == 2);

    std::string many;
    for (int i = 0; i < 20000; ++i) {
        many += "line " + std::to_string(i) + "\n";
    }
    const SourceFile shared{"shared.txt", many};
    std::vector<std::size_t> wrong(4, 0);
    std::vector<std::thread> threads;
    for (std::size_t t = 0; t < 4; ++t) {
        threads.emplace_back([&shared, &wrong, t]() {
            for (std::size_t line = 1 + t; line <= 20000; line += 97) {
                const std::size_t at = shared.offset_of(line, 1);
                wrong[t] += shared.line_col(at).line == line && shared.line_at(at) == "line " + std::to_string(line - 1) ? 0 : 1;
            }
        });
    }
    for (auto& th : threads) {
        th.join();
    }
    CHECK(wrong == std::vector<std::size_t>(4, 0));
}

TEST_CASE("a diagnostic shows control characters in its line and message escaped, the caret under its place") {
    const std::string text = "key = \"\x1B[31mred\xC2\x9B\" \xE2\x80\xAE bad \xFF here\n";
    auto file = test::source(text, "ctl\x1B.toml");
    Diagnostic d = error_at(file, text.find("here"), "unknown key `\x1B]0;title\x07`", {"a hint \x1B[2J"});
    const std::string out = format_diagnostic(d);
    CHECK(out.find('\x1B') == std::string::npos);
    CHECK(out.find('\x07') == std::string::npos);
    CHECK(out.find("\xE2\x80\xAE") == std::string::npos);
    CHECK(out.find("\xC2\x9B") == std::string::npos);
    CHECK(out.find('\xFF') == std::string::npos);
    CHECK(out.find("ctl\\x1B.toml:1:") == 0);
    CHECK(out.find("unknown key `\\x1B]0;title\\x07`") != std::string::npos);
    CHECK(out.find("  key = \"\\x1B[31mred\\u{009B}\" \\u{202E} bad \\xFF here\n") != std::string::npos);
    CHECK(out.find("hint: a hint \\x1B[2J") != std::string::npos);
    // The caret sits under `here`, counting each escape as wide as it is shown.
    const std::string shown = "key = \"\\x1B[31mred\\u{009B}\" \\u{202E} bad \\xFF ";
    CHECK(out.find("\n  " + std::string(shown.size(), ' ') + "^\n") != std::string::npos);
}

TEST_CASE("a diagnostic on a very long line quotes only the part around its caret") {
    const std::string text = std::string(5000, 'a') + "HERE" + std::string(5000, 'b') + "\n";
    auto file = test::source(text, "long.md");
    const std::string out = format_diagnostic(error_at(file, 5000, "here"));
    CHECK(out.size() < 600);
    CHECK(out.find("long.md:1:5001: error: here") == 0);
    CHECK(out.find("\xE2\x80\xA6" + std::string(80, 'a') + "HERE" + std::string(76, 'b') + "\xE2\x80\xA6\n") != std::string::npos);
    CHECK(out.find("\n   " + std::string(80, ' ') + "^\n") != std::string::npos);
    // A line at the limit is quoted whole.
    const std::string whole = std::string(240, 'c') + "\n";
    const std::string out2 = format_diagnostic(error_at(test::source(whole, "w.md"), 100, "x"));
    CHECK(out2.find("  " + std::string(240, 'c') + "\n") != std::string::npos);
}

TEST_CASE("10,000 diagnostics of one file are positioned without rescanning it") {
    std::string text;
    for (int i = 0; i < 10000; ++i) {
        text += "[unknown" + std::to_string(i) + "]\n";
    }
    auto file = test::source(text, "many.toml");
    std::size_t right = 0;
    std::size_t at = 0;
    for (int i = 0; i < 10000; ++i, at = text.find('\n', at) + 1) {
        const std::string out = format_diagnostic(error_at(file, at + 1, "unknown table"));
        right += out.find("many.toml:" + std::to_string(i + 1) + ":2: error: unknown table\n  [unknown" + std::to_string(i) + "]\n   ^\n") == 0 ? 1 : 0;
    }
    CHECK(right == 10000);
}

}  // TEST_SUITE
