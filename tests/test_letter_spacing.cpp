// tests: typeset/letter_spacing and typeset/table_columns — how a loose justified line shares its
// slack between letters and spaces, and which cells of a table wrap when not all fit; on made-up
// widths, with no font.
#include "typeset/letter_spacing.hpp"
#include "typeset/table_columns.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <numeric>
#include <vector>

using namespace handout;

namespace {

/// A run of `text` with one glyph per character, each `w` pt wide, starting at `x`.
GlyphRun run_of(const std::string& text, double x, double w) {
    GlyphRun r;
    r.origin = {x, 0};
    r.text = text;
    for (std::size_t i = 0; i < text.size(); ++i) {
        r.glyphs.push_back(Glyph{static_cast<std::uint32_t>(i + 1), w, 0, 0, static_cast<std::uint32_t>(i)});
    }
    return r;
}

double end_of(const GlyphRun& r) {
    double x = r.origin.x;
    for (const Glyph& g : r.glyphs) {
        x += g.advance;
    }
    return x;
}

}  // namespace

TEST_SUITE("typeset") {

TEST_CASE("letters take a share of a loose line's slack by one ratio with the spaces, up to a limit") {
    const LetterSpacing params;  // em per gap at ratio 1, and the most
    const double size = 10;
    // 10 pt of slack, spaces that stretch 10 pt at ratio 1, 50 letter gaps.
    const double t = letter_spacing(10, 10, 50, size);
    const double letters = params.stretch * size * 50;
    CHECK(t == doctest::Approx(10 / (10 + letters) * params.stretch * size).epsilon(0.01));
    CHECK(t * 50 < 10);  // the spaces keep the rest
    CHECK(t > 0);
    // A line that does not grow, or has no letter gaps, is not letter-spaced.
    CHECK(letter_spacing(0, 10, 50, size) == 0);
    CHECK(letter_spacing(-3, 10, 50, size) == 0);
    CHECK(letter_spacing(10, 10, 0, size) == 0);
    // However loose, never past the limit.
    CHECK(letter_spacing(1000, 1, 50, size) == doctest::Approx(params.max * size).epsilon(0.001));
    // In thousandths of a point, as the PDF engine writes it.
    const double scaled = letter_spacing(7.77, 9.1, 43, size) * 1000;
    CHECK(scaled == doctest::Approx(std::round(scaled)));
}

TEST_CASE("letter spacing widens letters but not spaces or the line's last glyph, and moves the runs after") {
    LineBox line;
    line.runs.push_back(run_of("ab c", 0, 5));  // a b ␠ c
    line.runs.push_back(run_of("de", 20, 5));
    track_line(line, 0.5);
    const GlyphRun& first = line.runs[0];
    CHECK(first.tracking == 0.5);
    CHECK(first.glyphs[0].advance == 5.5);
    CHECK(first.glyphs[1].advance == 5.5);
    CHECK(first.glyphs[2].advance == 5);  // the space
    CHECK(first.glyphs[3].advance == 5.5);
    // Three letters before it moved the second run by 1.5 pt; its last glyph ends the line.
    const GlyphRun& second = line.runs[1];
    CHECK(second.origin.x == 21.5);
    CHECK(second.glyphs[0].advance == 5.5);
    CHECK(second.glyphs[1].advance == 5);
    CHECK(end_of(second) == doctest::Approx(20 + 10 + 4 * 0.5 - 0.5 + 0.5));
    // No tracking, no change.
    LineBox plain;
    plain.runs.push_back(run_of("ab", 3, 5));
    track_line(plain, 0);
    CHECK(plain.runs[0].tracking == 0);
    CHECK(plain.runs[0].glyphs[0].advance == 5);
}

TEST_CASE("table columns: all on one line when it fits, the rest in proportion") {
    const std::vector<std::vector<CellWidth>> rows = {{{10, 30}, {20, 50}}, {{15, 20}, {10, 40}}};
    const auto w = column_widths(rows, 160);
    REQUIRE(w.size() == 2);
    CHECK(w[0] == doctest::Approx(30 + 80 * 30.0 / 80));
    CHECK(w[1] == doctest::Approx(50 + 80 * 50.0 / 80));
}

TEST_CASE("table columns: narrower than the widest words, each shrinks alike") {
    const auto w = column_widths({{{40, 90}, {60, 100}}}, 50);
    CHECK(w[0] == doctest::Approx(20));
    CHECK(w[1] == doctest::Approx(30));
}

TEST_CASE("table columns: the cell that wraps is the one whose row stays shortest, further right on a tie") {
    // As the side-effects table: a short first column, a middle cell that fits on one line at
    // 250 pt, a last cell that needs 200 pt; 480 pt cannot hold both long cells whole.
    const std::vector<std::vector<CellWidth>> rows = {
        {{42, 70}, {39, 126}, {39, 73}},
        {{87, 87}, {51, 248}, {43, 86}},
        {{64, 64}, {48, 103}, {43, 86}},
        {{59, 59}, {49, 123}, {48, 198}},
        {{50, 50}, {56, 167}, {43, 86}},
    };
    const auto w = column_widths(rows, 480);
    REQUIRE(w.size() == 3);
    CHECK(std::accumulate(w.begin(), w.end(), 0.0) == doctest::Approx(480));
    CHECK(w[0] >= 87);   // no first-column word wraps
    CHECK(w[1] >= 248);  // the middle cell whole
    CHECK(w[2] < 198);   // the last column's long cell wraps (in proportion it would be the middle one)
    // Proportional shares would have given the middle column less than its cell.
    const double sum_min = 87 + 56 + 48, want = (87 + 248 + 198) - sum_min;
    CHECK(56 + (480 - sum_min) * (248 - 56) / want < 248);
}

TEST_CASE("table columns: a table too wide to try every choice shares the width in proportion") {
    std::vector<std::vector<CellWidth>> rows(3, std::vector<CellWidth>(40, CellWidth{5, 30}));
    rows[0][0] = {5, 100};
    const auto w = column_widths(rows, 400);
    REQUIRE(w.size() == 40);
    CHECK(std::accumulate(w.begin(), w.end(), 0.0) == doctest::Approx(400));
    CHECK(w[0] > w[1]);
}

}  // TEST_SUITE
