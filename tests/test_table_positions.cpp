// tests: a table's position is where it starts — its header row, past indentation, `>` and list
// markers — not the start of the Markdown chunk md4c was given (which may be lines above); cell
// text keeps its own position. md4c gives blocks no position: the parser finds it.
#include "content/parse_content.hpp"

#include "helpers.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

using namespace handout;

namespace {

const std::string front = "---\ntitle: \"Tables\"\nlang: en\n---\n\n";

/// Every table of `blocks`, depth first (inside lists, quotes and divs too).
void tables_in(const Blocks& blocks, std::vector<const Table*>& out) {
    for (const auto& b : blocks) {
        if (const auto* t = std::get_if<Table>(&b.v)) {
            out.push_back(t);
        } else if (const auto* d = std::get_if<Div>(&b.v)) {
            tables_in(d->blocks, out);
        } else if (const auto* l = std::get_if<List>(&b.v)) {
            for (const auto& item : l->items) {
                tables_in(item.blocks, out);
            }
        }
    }
}

std::vector<const Table*> tables(const Result<Document>& r) {
    std::vector<const Table*> out;
    tables_in(r->blocks, out);
    return out;
}

Result<Document> parse(const std::string& text) {
    auto r = parse_content(test::source(text, "tables.md"));
    REQUIRE_MESSAGE(r.value, test::describe(r.diagnostics));
    return r;
}

/// "line:col" of a table's offset in `text`.
std::string pos_of(const std::string& text, const Table& t) {
    const LineCol lc = line_col(std::string_view(text), t.offset);
    return std::to_string(lc.line) + ":" + std::to_string(lc.col);
}

}  // namespace

TEST_SUITE("content") {

TEST_CASE("a table after paragraphs is placed at its header row, and each following table at its own") {
    const std::string text = front + "First paragraph.\n\nSecond paragraph\nwith two lines.\n\n"
                                     "| Dose | When |\n|---|---|\n| 10 mg | morning |\n\nBetween.\n\n"
                                     "Dose | When\n---|---\n20 mg | night\n";
    auto r = parse(text);
    auto ts = tables(r);
    REQUIRE(ts.size() == 2);
    CHECK(ts[0]->offset == text.find("| Dose | When |"));
    CHECK(pos_of(text, *ts[0]) == "11:1");
    CHECK(ts[1]->offset == text.find("Dose | When\n"));  // no leading pipe: its first cell
    // Cell text keeps its own position.
    CHECK(ts[0]->rows[1][1].front().offset == text.find("morning"));
}

TEST_CASE("a table inside a note, a quote and a list item is placed past their markers") {
    const std::string text = front + "Intro.\n\n::: note\nInside a note.\n\n| A | B |\n|---|---|\n| 1 | 2 |\n:::\n\n"
                                     "> Quoted.\n>\n> | C | D |\n> |---|---|\n> | 3 | 4 |\n\n"
                                     "- An item.\n\n  | E | F |\n  |---|---|\n  | 5 | 6 |\n";
    auto r = parse(text);
    auto ts = tables(r);
    REQUIRE(ts.size() == 3);
    CHECK(ts[0]->offset == text.find("| A | B |"));
    CHECK(ts[1]->offset == text.find("| C | D |"));
    CHECK(pos_of(text, *ts[1]) == test::pos_in(text, "| C | D |"));
    CHECK(ts[2]->offset == text.find("| E | F |"));
    CHECK(pos_of(text, *ts[2]) == test::pos_in(text, "| E | F |"));
}

TEST_CASE("a table whose first rows are empty, or that holds no text at all, is still placed at its header row") {
    const std::string text = front + "Intro.\n\n"
                                     "|   |   |\n|---|---|\n|   |   |\n|   | late |\n\nMiddle.\n\n\n"
                                     "|   |   |\n|---|---|\n|   |   |\n";
    auto r = parse(text);
    auto ts = tables(r);
    REQUIRE(ts.size() == 2);
    CHECK(ts[0]->offset == text.find("|   |   |\n|---|"));
    CHECK(ts[0]->rows[2][1].front().offset == text.find("late"));
    CHECK(ts[1]->offset == text.find("|   |   |\n|---|", text.find("Middle.")));
}

TEST_CASE("a table at the start of the body, and one in a file with CRLF line ends, is placed at its header row") {
    const std::string first = front + "| G | H |\n|---|---|\n| 7 | 8 |\n";
    auto a = parse(first);
    REQUIRE(tables(a).size() == 1);
    CHECK(tables(a)[0]->offset == first.find("| G | H |"));
    const std::string crlf = "---\r\ntitle: \"Tables\"\r\n---\r\n\r\nText.\r\n\r\n| I | J |\r\n|---|---|\r\n|   | 9 |\r\n";
    auto b = parse(crlf);
    REQUIRE(tables(b).size() == 1);
    CHECK(tables(b)[0]->offset == crlf.find("| I | J |"));
}

TEST_CASE("a table too wide for the page is reported on its header row, inside a quote too") {
    std::string header = "|", delimiter = "|", row = "|";
    for (int c = 0; c < 30; ++c) {
        header += " Heading" + std::to_string(c) + " |";
        delimiter += "---|";
        row += " value" + std::to_string(c) + " |";
    }
    const std::string text = front + "Intro.\n\nA paragraph\nof two lines.\n\n" + header + "\n" + delimiter + "\n" + row + "\n\n> Quoted.\n>\n> " +
                             header + "\n> " + delimiter + "\n> " + row + "\n";
    test::TempDir dir;
    test::write_file(dir / "wide.md", text);
    auto run = test::run_cli({"check", dir / "wide.md", "-l", "layouts/letter.toml"});
    // On the header row's line (the column is the typesetter's choice: the table's start or its
    // first cell's text).
    const std::string first_line = test::pos_in(text, header + "\n" + delimiter);
    const std::string quoted_line = test::pos_in(text, "> " + header);
    for (const std::string& at : {first_line, quoted_line}) {
        const std::string line = "wide.md:" + at.substr(0, at.find(':')) + ":";
        CHECK_MESSAGE(test::contains(run.err, line), line, "\n", run.err);
        const std::size_t here = run.err.find(line);
        const std::string message = here == std::string::npos ? "" : run.err.substr(here, run.err.find('\n', here) - here);
        CHECK_MESSAGE((test::contains(message, "the table is wider than the text") || test::contains(message, "a table of 30 columns")),
                      line, "\n", run.err);
    }
}

}  // TEST_SUITE
