// typeset: chooses a paragraph's line breaks (Knuth–Plass total fit) over boxes, glue and penalties
// with widths in pt; returns the breaks and each line's adjustment ratio. Knows no text and no font.
#pragma once

#include <cstddef>
#include <limits>
#include <vector>

namespace handout {

/// One item of Knuth & Plass's model ("Breaking Paragraphs into Lines", 1981).
struct BreakItem {
    enum class Kind { box, glue, penalty };

    /// A penalty at or above this never breaks; at or below its negation it always breaks.
    static constexpr double infinite_penalty = 10000;

    Kind kind = Kind::box;
    double width = 0;      ///< pt: a box's or glue's width; a penalty's width is set only when it breaks (a hyphen)
    double stretch = 0;    ///< pt, glue only
    double shrink = 0;     ///< pt, glue only
    bool fill = false;     ///< glue only: stretches without limit (the last line's \parfillskip)
    double penalty = 0;    ///< penalty only: the cost of breaking here (±infinite_penalty: never / always)
    bool flagged = false;  ///< penalty only: a break that shows a hyphen (double-hyphen demerits)

    static BreakItem box_of(double w) { return {Kind::box, w, 0, 0, false, 0, false}; }
    static BreakItem glue_of(double w, double stretch, double shrink) {
        return {Kind::glue, w, stretch, shrink, false, 0, false};
    }
    static BreakItem fill_glue() { return {Kind::glue, 0, 0, 0, true, 0, false}; }
    static BreakItem penalty_of(double p, double w = 0, bool flagged = false) {
        return {Kind::penalty, w, 0, 0, false, p, flagged};
    }
    static BreakItem forced_break() { return penalty_of(-infinite_penalty); }

    bool forced() const { return kind == Kind::penalty && penalty <= -infinite_penalty; }
};

/// Ends a paragraph (or a line at a forced break) as Knuth & Plass do: no break before the fill
/// glue, the fill glue, a forced break. The line it ends keeps its natural spacing.
inline void end_paragraph(std::vector<BreakItem>& items) {
    items.push_back(BreakItem::penalty_of(BreakItem::infinite_penalty));
    items.push_back(BreakItem::fill_glue());
    items.push_back(BreakItem::forced_break());
}

/// TeX's names and defaults (The TeXbook, chapter 14), in TeX's units: badness 0–10000,
/// demerits as squares of those.
struct BreakParams {
    double line_width = 0;                 ///< pt
    double tolerance = 200;                ///< the worst badness of a line in the first pass
    double line_penalty = 10;              ///< \linepenalty: added to each line's badness (fewer lines)
    double double_hyphen_demerits = 10000; ///< \doublehyphendemerits: two hyphenated lines in a row
    double final_hyphen_demerits = 5000;   ///< \finalhyphendemerits: the next-to-last line hyphenated
    double adj_demerits = 10000;           ///< \adjdemerits: neighbouring lines two fitness classes apart
    /// Past this many items a paragraph is broken first fit (each line as full as it goes, one
    /// scan): total fit keeps a state per break, and no handout paragraph comes near this
    /// (about 40 KB of text; a long handout paragraph is under 2,000 items).
    std::size_t max_total_fit_items = max_total_fit_items_default;
    /// Total fit tries at most this many breaks for the line after each break (a line of tiny
    /// text on a wide page has a few hundred); past it, longer lines are not considered. Keeps
    /// the work linear when items of no width (a run of zero-width spaces) offer endless breaks.
    std::size_t max_line_candidates = max_line_candidates_default;

    static constexpr std::size_t max_total_fit_items_default = 20000;
    static constexpr std::size_t max_line_candidates_default = 1000;
};

/// How much a line's glue was stretched or shrunk, in four classes (TeX's, by badness).
enum class Fitness { tight, decent, loose, very_loose };

struct BrokenLine {
    std::size_t end = 0;    ///< index of the item the line breaks at (a glue or a penalty)
    double ratio = 0;       ///< adjustment ratio: > 0 the share of its stretch used, < 0 of its shrink (≥ -1 unless overfull)
    double badness = 0;     ///< 100·|ratio|³, at most 10000 (also 10000 for a short line with nothing to stretch)
    Fitness fitness = Fitness::decent;
    bool overfull = false;  ///< wider than the measure even fully shrunk: no feasible break existed
};

struct BreakResult {
    std::vector<BrokenLine> lines;
    /// 1: every line within `tolerance`; 2: a looser line was needed; 3: some line is overfull;
    /// 0: first fit (more items than `max_total_fit_items`).
    int pass = 1;
    double demerits = 0;  ///< the chosen breaks' total
    bool any_overfull() const {
        for (const auto& l : lines) {
            if (l.overfull) {
                return true;
            }
        }
        return false;
    }
};

/// The breaks with the fewest total demerits. A line runs from after the previous break (glue and
/// penalties there are dropped) to its break item; a glue is a break only after a box, a penalty
/// below infinite_penalty always is. The end of `items` is a forced break whether or not the last
/// item is one. Never fails on non-empty input: when no set of lines fits even at unlimited
/// looseness, the lines that cannot fit are marked overfull. Past `max_total_fit_items`, first fit.
BreakResult choose_breaks(const std::vector<BreakItem>& items, const BreakParams& params);

/// First fit, as TeX-less typesetters and browsers break: each line takes every item up to the
/// last break that still fits (shrinking its glue if need be); a line that cannot fit at all
/// ends at its first break, overfull. Linear in the items. Ratios, badness and fitness as
/// choose_breaks reports them.
BreakResult first_fit_breaks(const std::vector<BreakItem>& items, const BreakParams& params);

}  // namespace handout
