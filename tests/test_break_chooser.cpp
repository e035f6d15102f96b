// tests: typeset/break_chooser — Knuth–Plass line breaking on made-up widths: the cases Knuth &
// Plass's paper and TeX use (overfull boxes, loose lines, hyphens, fitness classes, the last line,
// forced breaks), with no font and no text.
#include "typeset/break_chooser.hpp"
#include "typeset/break_points.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <string>
#include <vector>

using namespace handout;

namespace {

/// A paragraph of named boxes, as the chooser's items plus what each item reads as.
class Para {
public:
    /// Interword glue used by word(): TeX's proportions unless set.
    explicit Para(double space = 6, double stretch = 3, double shrink = 2) : m_space(space), m_stretch(stretch), m_shrink(shrink) {}

    /// A word: glue before it unless it starts the paragraph or follows a forced break.
    Para& word(const std::string& name, double width) {
        if (!m_items.empty() && !m_items.back().forced()) {
            add(BreakItem::glue_of(m_space, m_stretch, m_shrink), " ");
        }
        add(BreakItem::box_of(width), name);
        return *this;
    }
    /// A word hyphenated into parts: a flagged penalty (showing a hyphen of `hyphen` pt) between parts.
    Para& hyphenated(const std::vector<std::pair<std::string, double>>& parts, double penalty = 50, double hyphen = 4) {
        for (std::size_t i = 0; i < parts.size(); ++i) {
            if (i == 0) {
                word(parts[i].first, parts[i].second);
            } else {
                add(BreakItem::penalty_of(penalty, hyphen, true), "-");
                add(BreakItem::box_of(parts[i].second), parts[i].first);
            }
        }
        return *this;
    }
    /// KP's paragraph end: fill glue and a forced break.
    Para& end() {
        std::vector<BreakItem> tail;
        end_paragraph(tail);
        for (const auto& item : tail) {
            add(item, "");
        }
        return *this;
    }
    /// A forced break inside the paragraph, after fill glue (the line before it is not stretched).
    Para& newline() { return end(); }

    const std::vector<BreakItem>& items() const { return m_items; }

    /// Each chosen line as text: box names, one space per glue, "-" at a hyphen break.
    std::vector<std::string> lines(const BreakResult& r) const {
        std::vector<std::string> out;
        std::size_t start = 0;
        for (const auto& line : r.lines) {
            // Glue and penalties after a break are dropped up to the next box.
            while (start < line.end && m_items[start].kind != BreakItem::Kind::box) {
                ++start;
            }
            std::string text;
            for (std::size_t k = start; k < line.end; ++k) {
                if (m_items[k].kind != BreakItem::Kind::penalty) {
                    text += m_names[k];
                }
            }
            if (m_items[line.end].kind == BreakItem::Kind::penalty && m_items[line.end].flagged) {
                text += "-";
            }
            while (!text.empty() && text.back() == ' ') {
                text.pop_back();
            }
            out.push_back(text);
            start = line.end + 1;
        }
        return out;
    }

    /// The natural width, stretch and shrink of the line ending at `line.end` that starts after `from`.
    struct Sizes {
        double natural = 0, stretch = 0, shrink = 0;
    };
    Sizes sizes(std::size_t begin, const BrokenLine& line) const {
        Sizes s;
        while (begin < line.end && m_items[begin].kind != BreakItem::Kind::box) {
            ++begin;
        }
        for (std::size_t k = begin; k < line.end; ++k) {
            if (m_items[k].kind != BreakItem::Kind::penalty) {
                s.natural += m_items[k].width;
                s.stretch += m_items[k].stretch;
                s.shrink += m_items[k].shrink;
            }
        }
        if (m_items[line.end].kind == BreakItem::Kind::penalty) {
            s.natural += m_items[line.end].width;
        }
        return s;
    }

private:
    void add(BreakItem item, std::string name) {
        m_items.push_back(item);
        m_names.push_back(std::move(name));
    }
    double m_space, m_stretch, m_shrink;
    std::vector<BreakItem> m_items;
    std::vector<std::string> m_names;
};

BreakParams measure(double width) {
    BreakParams p;
    p.line_width = width;
    return p;
}

/// `text` with '|' at each address break point.
std::string marked(std::string_view text) {
    std::vector<std::size_t> at;
    for (const auto& span : address_breaks(text)) {
        at.insert(at.end(), span.breaks.begin(), span.breaks.end());
    }
    std::string out;
    std::size_t from = 0;
    for (std::size_t b : at) {
        out.append(text.substr(from, b - from));
        out.push_back('|');
        from = b;
    }
    out.append(text.substr(from));
    return out;
}

/// (line_penalty + badness)² as TeX counts a line's demerits.
double line_demerits(double badness) {
    return (10 + badness) * (10 + badness);
}

}  // namespace

TEST_SUITE("typeset") {

TEST_CASE("the chooser fills lines and each ratio sets the line to the measure") {
    Para p(6, 6, 3);
    const char* names[] = {"aa", "bbb", "c", "dddd", "ee", "fff", "gg", "hhhhh", "i", "jj", "kkk", "ll"};
    const double widths[] = {20, 30, 10, 40, 20, 30, 20, 50, 10, 20, 30, 20};
    for (std::size_t i = 0; i < 12; ++i) {
        p.word(names[i], widths[i]);
    }
    p.end();
    const BreakResult r = choose_breaks(p.items(), measure(150));
    const std::vector<std::string> want = {"aa bbb c dddd ee", "fff gg hhhhh i jj", "kkk ll"};
    CHECK(p.lines(r) == want);
    REQUIRE(r.lines.size() == 3);
    CHECK(r.pass == 1);
    CHECK_FALSE(r.any_overfull());
    std::size_t begin = 0;
    for (std::size_t i = 0; i < r.lines.size(); ++i) {
        const auto& line = r.lines[i];
        const auto s = p.sizes(begin, line);
        if (i + 1 < r.lines.size()) {
            const double set = s.natural + line.ratio * (line.ratio >= 0 ? s.stretch : s.shrink);
            CHECK(set == doctest::Approx(150).epsilon(1e-9));
            CHECK(line.ratio >= -1);
        } else {
            CHECK(line.ratio == 0);  // the last line keeps its natural spaces (fill glue)
        }
        begin = line.end + 1;
    }
}

TEST_CASE("an overfull box: the chooser still breaks, and names the overfull line") {
    SUBCASE("a word wider than the measure in the middle of a paragraph") {
        Para p;
        p.word("a", 30).word("b", 30).word("c", 30).word("huge", 140).word("d", 30).word("e", 30).word("f", 30).end();
        const BreakResult r = choose_breaks(p.items(), measure(100));
        CHECK(r.pass == 3);
        CHECK(r.any_overfull());
        const auto lines = p.lines(r);
        REQUIRE(lines.size() == r.lines.size());
        std::size_t overfull = 0;
        for (std::size_t i = 0; i < lines.size(); ++i) {
            if (r.lines[i].overfull) {
                ++overfull;
                CHECK(lines[i] == "huge");  // the shortest overfull line: the word alone
                CHECK(r.lines[i].ratio == -1);
            }
        }
        CHECK(overfull == 1);
        CHECK(lines.front() == "a b c");
        CHECK(lines.back() == "d e f");
    }
    SUBCASE("nothing but one box") {
        std::vector<BreakItem> items{BreakItem::box_of(250)};
        const BreakResult r = choose_breaks(items, measure(100));
        REQUIRE(r.lines.size() == 1);
        CHECK(r.lines[0].overfull);
        CHECK(r.lines[0].end == 1);  // the forced break the chooser adds at the end
    }
    SUBCASE("boxes with no break between them") {
        std::vector<BreakItem> items{BreakItem::box_of(60), BreakItem::penalty_of(BreakItem::infinite_penalty),
                                     BreakItem::glue_of(6, 3, 2), BreakItem::box_of(60)};
        const BreakResult r = choose_breaks(items, measure(100));
        REQUIRE(r.lines.size() == 1);
        CHECK(r.lines[0].overfull);
    }
    SUBCASE("an empty paragraph and a zero measure") {
        CHECK(choose_breaks({}, measure(100)).lines.size() == 1);
        Para p;
        p.word("a", 10).word("b", 10).end();
        const BreakResult r = choose_breaks(p.items(), measure(0));
        CHECK(r.lines.size() == 2);
        CHECK(r.any_overfull());
    }
}

TEST_CASE("a very loose paragraph: with no line within tolerance, the least bad loose lines") {
    // Two 30 pt words and their 10 pt space (stretch 10) make 70 of 100 pt: ratio 3, badness 2700.
    // Three words never fit. One word alone cannot stretch at all (badness 10000), so the best
    // is two words a line and the odd one last.
    Para p(10, 10, 3);
    p.word("a", 30).word("b", 30).word("c", 30).word("d", 30).word("e", 30).end();
    const BreakResult r = choose_breaks(p.items(), measure(100));
    CHECK(r.pass == 2);
    CHECK_FALSE(r.any_overfull());
    const std::vector<std::string> want = {"a b", "c d", "e"};
    CHECK(p.lines(r) == want);
    REQUIRE(r.lines.size() == 3);
    CHECK(r.lines[0].ratio == doctest::Approx(3));
    CHECK(r.lines[0].badness == doctest::Approx(2700));
    CHECK(r.lines[0].fitness == Fitness::very_loose);
    CHECK(r.lines[2].badness == 0);
    // The paragraph starts as if after a decent line, so the very loose first line and the
    // decent last line after a very loose one each add the adjacent-fitness demerits.
    CHECK(r.demerits == doctest::Approx(2 * line_demerits(2700) + line_demerits(0) + 2 * 10000));
}

TEST_CASE("a line that cannot stretch has badness 10000") {
    Para p(10, 0, 0);  // rigid spaces
    p.word("a", 40).word("b", 40).word("c", 40).end();
    const BreakResult r = choose_breaks(p.items(), measure(100));
    REQUIRE(r.lines.size() == 2);
    CHECK(r.pass == 2);
    CHECK(r.lines[0].badness == 10000);
    CHECK(r.lines[0].fitness == Fitness::very_loose);
}

TEST_CASE("hyphen penalties: a hyphen break loses to a space break of similar badness") {
    // Line 1 ends either after "c" (90 pt, ratio 0.25, badness 1.6) or inside "de-fg" (100 pt
    // with its hyphen, badness 0). The last line is the same width either way.
    auto paragraph = [](double hyphen_penalty) {
        Para p(5, 20, 5);
        p.word("a", 30).word("b", 25).word("c", 25).hyphenated({{"de", 1}, {"fg", 30}}, hyphen_penalty, 4).word("h", 10).end();
        return p;
    };
    BreakParams params = measure(100);
    params.final_hyphen_demerits = 0;  // the hyphenated line is the next-to-last one: not what this tests
    SUBCASE("a free hyphen is taken for the better fit") {
        const Para p = paragraph(0);
        const std::vector<std::string> want = {"a b c de-", "fg h"};
        CHECK(p.lines(choose_breaks(p.items(), params)) == want);
    }
    SUBCASE("TeX's \\hyphenpenalty of 50 keeps the word whole") {
        const Para p = paragraph(50);
        const std::vector<std::string> want = {"a b c", "defg h"};
        CHECK(p.lines(choose_breaks(p.items(), params)) == want);
    }
    SUBCASE("a hyphen on the next-to-last line costs \\finalhyphendemerits") {
        const Para p = paragraph(0);
        const std::vector<std::string> want = {"a b c", "defg h"};
        CHECK(p.lines(choose_breaks(p.items(), measure(100))) == want);
    }
}

TEST_CASE("two hyphenated lines in a row cost the double-hyphen demerits") {
    // Three lines whose only breaks are two hyphens: the chooser must take both.
    auto paragraph = [] {
        Para p(6, 3, 2);
        p.word("a", 40).hyphenated({{"bb", 50}, {"cc", 50}}, 50, 4).hyphenated({{"dd", 40}, {"ee", 20}}, 50, 4);
        // "a bb-" = 96 + 4 = 100, "cc dd-" = 96 + 4 = 100.
        p.end();
        return p;
    };
    const Para p = paragraph();
    BreakParams params = measure(100);
    params.final_hyphen_demerits = 0;
    const BreakResult with = choose_breaks(p.items(), params);
    const std::vector<std::string> want = {"a bb-", "cc dd-", "ee"};
    REQUIRE(p.lines(with) == want);
    params.double_hyphen_demerits = 0;
    const BreakResult without = choose_breaks(p.items(), params);
    REQUIRE(p.lines(without) == want);
    CHECK(with.demerits - without.demerits == doctest::Approx(10000));
    CHECK(without.demerits == doctest::Approx(2 * (line_demerits(0) + 2500) + line_demerits(0)));
}

TEST_CASE("two hyphenated lines in a row are avoided when lines without are nearly as good") {
    Para p(6, 3, 2);
    p.word("a", 25).word("b", 25).word("c", 15).hyphenated({{"dd", 10}, {"ee", 10}}, 50, 4);
    p.word("f", 25).word("g", 25).hyphenated({{"hh", 20}, {"ii", 15}}, 50, 4).word("j", 10).end();
    BreakParams params = measure(100);
    params.final_hyphen_demerits = 0;
    params.double_hyphen_demerits = 0;
    const std::vector<std::string> free_hyphens = {"a b c dd-", "ee f g hh-", "ii j"};
    CHECK(p.lines(choose_breaks(p.items(), params)) == free_hyphens);
    params.double_hyphen_demerits = 10000;
    const std::vector<std::string> want = {"a b c ddee", "f g hhii", "j"};
    CHECK(p.lines(choose_breaks(p.items(), params)) == want);
}

TEST_CASE("fitness classes: a tight line next to a very loose one costs the adjacent demerits") {
    // Forced breaks fix the lines: line 1 shrinks by 0.8 of its shrink (tight), line 2 stretches
    // by 1.2 of its stretch (very loose).
    std::vector<BreakItem> items{
        BreakItem::box_of(50), BreakItem::glue_of(10, 5, 5), BreakItem::box_of(44), BreakItem::forced_break(),
        BreakItem::box_of(50), BreakItem::glue_of(10, 5, 5), BreakItem::box_of(34), BreakItem::forced_break(),
    };
    // Line 1: 104 pt in 100, shrink 5: ratio -0.8. Line 2: 94 pt, stretch 5: ratio 1.2.
    BreakParams params = measure(100);
    params.tolerance = 10000;
    const BreakResult r = choose_breaks(items, params);
    REQUIRE(r.lines.size() == 2);
    CHECK(r.lines[0].ratio == doctest::Approx(-0.8));
    CHECK(r.lines[0].fitness == Fitness::tight);
    CHECK(r.lines[1].ratio == doctest::Approx(1.2));
    CHECK(r.lines[1].fitness == Fitness::very_loose);
    const double lines = line_demerits(100 * 0.512) + line_demerits(100 * 1.728);
    CHECK(r.demerits == doctest::Approx(lines + 10000));
    params.adj_demerits = 0;
    CHECK(choose_breaks(items, params).demerits == doctest::Approx(lines));

    SUBCASE("neighbouring classes cost nothing extra") {
        // Line 2 only loose (ratio 0.6): one class from decent... and two from tight.
        std::vector<BreakItem> near = items;
        near[6] = BreakItem::box_of(37);  // 97 pt: ratio 0.6, badness 21.6: loose
        BreakParams p2 = measure(100);
        const BreakResult r2 = choose_breaks(near, p2);
        REQUIRE(r2.lines.size() == 2);
        CHECK(r2.lines[1].fitness == Fitness::loose);
        CHECK(r2.demerits == doctest::Approx(line_demerits(51.2) + line_demerits(21.6) + 10000));
        near[2] = BreakItem::box_of(41);  // line 1 at 101 pt: ratio -0.2, decent
        const BreakResult r3 = choose_breaks(near, p2);
        CHECK(r3.lines[0].fitness == Fitness::decent);
        CHECK(r3.demerits == doctest::Approx(line_demerits(0.8) + line_demerits(21.6)));
    }
}

TEST_CASE("fitness classes steer the choice away from a loose line beside a tight one") {
    Para p(6, 6, 3);
    p.word("a", 8).word("b", 6).word("c", 18).word("d", 41).word("e", 33).word("f", 36).word("g", 10).word("h", 8).word("i", 44).end();
    BreakParams params = measure(100);
    params.adj_demerits = 0;
    // Without the adjacent demerits: a loose line (ratio 0.5) then a tight one (ratio -0.56).
    const BreakResult free = choose_breaks(p.items(), params);
    const std::vector<std::string> free_want = {"a b c d", "e f g h", "i"};
    REQUIRE(p.lines(free) == free_want);
    CHECK(free.lines[0].fitness == Fitness::loose);
    CHECK(free.lines[1].fitness == Fitness::tight);
    // With them (TeX's 10000): two loose lines instead, though each is looser.
    const BreakResult r = choose_breaks(p.items(), measure(100));
    const std::vector<std::string> want = {"a b c d", "e f g", "h i"};
    REQUIRE(p.lines(r) == want);
    CHECK(r.lines[1].fitness == Fitness::loose);
}

TEST_CASE("the last line: fill glue keeps it at its natural width") {
    Para p;
    p.word("a", 30).word("b", 30).word("c", 30).word("d", 10).end();
    const BreakResult r = choose_breaks(p.items(), measure(100));
    REQUIRE(r.lines.size() == 2);
    CHECK(r.pass == 1);
    CHECK(r.lines.back().ratio == 0);
    CHECK(r.lines.back().badness == 0);
    CHECK(r.lines.back().fitness == Fitness::decent);

    SUBCASE("without fill glue the last line stretches like any other") {
        std::vector<BreakItem> items = p.items();
        items.erase(items.end() - 3, items.end() - 1);  // the fill glue and the penalty before it
        const BreakResult loose = choose_breaks(items, measure(100));
        CHECK(loose.lines.back().badness > 0);
    }
    SUBCASE("a last line too long shrinks, never past its shrink") {
        Para q;
        q.word("a", 47).word("b", 48).end();  // 101 pt with one 6 pt space that shrinks by 2
        const BreakResult one = choose_breaks(q.items(), measure(100));
        REQUIRE(one.lines.size() == 1);
        CHECK(one.lines[0].ratio == doctest::Approx(-0.5));
    }
}

TEST_CASE("forced breaks end a line wherever they are, and no line runs past one") {
    Para p;
    p.word("a", 20).word("b", 20).newline().word("c", 20).word("d", 20).word("e", 20).newline().word("f", 20).end();
    const BreakResult r = choose_breaks(p.items(), measure(100));
    const std::vector<std::string> want = {"a b", "c d e", "f"};
    CHECK(p.lines(r) == want);
    CHECK(r.pass == 1);
    for (const auto& line : r.lines) {
        CHECK(line.ratio == 0);  // each ends in fill glue
    }

    SUBCASE("a forced break after an overfull word") {
        Para q;
        q.word("huge", 200).newline().word("a", 20).end();
        const BreakResult rq = choose_breaks(q.items(), measure(100));
        const std::vector<std::string> want_q = {"huge", "a"};
        CHECK(q.lines(rq) == want_q);
        CHECK(rq.lines[0].overfull);
        CHECK_FALSE(rq.lines[1].overfull);
    }
}

TEST_CASE("an unflagged penalty breaks without a hyphen and its cost decides") {
    // A URL-like word "x/y" with a break after the slash (penalty `cost`, no hyphen width).
    auto paragraph = [](double cost) {
        Para p(6, 6, 2);
        p.word("aaa", 60).word("x/", 30);
        std::vector<BreakItem> items = p.items();
        items.push_back(BreakItem::penalty_of(cost));
        items.push_back(BreakItem::box_of(40));
        items.push_back(BreakItem::glue_of(6, 3, 2));
        items.push_back(BreakItem::box_of(20));
        end_paragraph(items);
        return items;
    };
    // Breaking after "x/" makes line 1 96 pt (ratio 0.67); the alternatives are "aaa" alone, which
    // cannot stretch, and "aaa x/…" whole, which is overfull — so the URL break is used even at a
    // high cost, and it shows no hyphen.
    const auto items = paragraph(500);
    const BreakResult r = choose_breaks(items, measure(100));
    REQUIRE(r.lines.size() == 2);
    CHECK(r.lines[0].end == 3);
    CHECK(items[3].kind == BreakItem::Kind::penalty);
    CHECK(r.lines[0].ratio == doctest::Approx(4.0 / 6.0));
    CHECK(r.pass == 1);
}

TEST_CASE("addresses break after slash, dot and at, before question mark, never in the scheme") {
    CHECK(marked("email care@riverside-pain.example.org.") == "email care@|riverside-|pain.|example.|org.");
    CHECK(marked("see https://www.example.org/patients/consent?lang=en today") ==
          "see https://www.|example.|org/|patients/|consent|?lang=en today");
    CHECK(marked("(www.example.org)") == "(www.|example.|org)");
    CHECK(marked("riverside-pain.example.org") == "riverside-|pain.|example.|org");
    // Not addresses: abbreviations, numbers, a sentence without its space, an at sign alone.
    CHECK(marked("e.g. i.e. Dr. Okafor, 2.5 mg, U.S.A., end.Next, me @ home, a@b") == "e.g. i.e. Dr. Okafor, 2.5 mg, U.S.A., end.Next, me @ home, a@b");
    // No single character left alone, no break right after another.
    CHECK(marked("x.example.org") == "x.|example.|org");
    CHECK(marked("https://example.org//x/yz") == "https://example.|org//|x/|yz");
    CHECK(marked("https://x.org/a/b") == "https://x.|org/|a/b");
    const auto spans = address_breaks("write to care@riverside-pain.example.org now");
    REQUIRE(spans.size() == 1);
    CHECK(spans[0].begin == 9);
    CHECK(spans[0].end == 40);
}

}  // TEST_SUITE
