#include "typeset/break_chooser.hpp"

#include <algorithm>
#include <array>
#include <cmath>

namespace handout {

namespace {

constexpr double inf_bad = 10000;  // TeX's badness of a line that cannot stretch to the measure
constexpr double no_cost = std::numeric_limits<double>::infinity();
/// An overfull line costs more than any paragraph of fitting lines, and more the further it sticks out.
constexpr double overfull_demerits = 1e12;
constexpr double overfull_demerits_per_pt = 1e9;
constexpr std::size_t classes = 4;

/// Running sums over the items, so that any line's widths are two subtractions.
struct Sums {
    std::vector<double> width, stretch, shrink;
    std::vector<int> fills;

    explicit Sums(const std::vector<BreakItem>& items) {
        const std::size_t n = items.size();
        width.assign(n + 1, 0);
        stretch.assign(n + 1, 0);
        shrink.assign(n + 1, 0);
        fills.assign(n + 1, 0);
        for (std::size_t k = 0; k < n; ++k) {
            const BreakItem& it = items[k];
            const bool counts = it.kind != BreakItem::Kind::penalty;
            width[k + 1] = width[k] + (counts ? it.width : 0);
            const bool glue = it.kind == BreakItem::Kind::glue;
            stretch[k + 1] = stretch[k] + (glue ? it.stretch : 0);
            shrink[k + 1] = shrink[k] + (glue ? it.shrink : 0);
            fills[k + 1] = fills[k] + (glue && it.fill ? 1 : 0);
        }
    }
};

bool legal_break(const std::vector<BreakItem>& items, std::size_t k) {
    const BreakItem& it = items[k];
    if (it.kind == BreakItem::Kind::penalty) {
        return it.penalty < BreakItem::infinite_penalty;
    }
    return it.kind == BreakItem::Kind::glue && k > 0 && items[k - 1].kind == BreakItem::Kind::box;
}

/// Where the line after a break at `k` starts: glue and penalties after a break are dropped,
/// up to the next box (a forced break is never dropped).
std::size_t line_start(const std::vector<BreakItem>& items, std::size_t k) {
    std::size_t s = k + 1;
    while (s < items.size() && items[s].kind != BreakItem::Kind::box && !items[s].forced()) {
        ++s;
    }
    return s;
}

Fitness fitness_of(double ratio, double badness) {
    if (ratio < 0) {
        return badness > 12 ? Fitness::tight : Fitness::decent;
    }
    if (badness > 99) {
        return Fitness::very_loose;
    }
    return badness > 12 ? Fitness::loose : Fitness::decent;
}

/// `given`, ending in a forced break: as it is when it does, else copied into `storage` with one.
const std::vector<BreakItem>& ending_in_forced_break(const std::vector<BreakItem>& given, std::vector<BreakItem>& storage) {
    if (!given.empty() && given.back().forced()) {
        return given;
    }
    storage = given;
    storage.push_back(BreakItem::forced_break());
    return storage;
}

struct MeasuredLine {
    BrokenLine line;
    double excess = 0;  ///< pt wider than the measure even fully shrunk (overfull lines)
};

/// The line from item `start` to a break at `k` in a measure of `width` pt: its ratio, badness
/// and fitness, as both breakers judge a line.
MeasuredLine measure_line(const std::vector<BreakItem>& items, const Sums& sums, std::size_t start, std::size_t k, double width) {
    const BreakItem& at = items[k];
    const double natural = sums.width[k] - sums.width[start] + (at.kind == BreakItem::Kind::penalty ? at.width : 0);
    const double stretch = sums.stretch[k] - sums.stretch[start];
    const double shrink = sums.shrink[k] - sums.shrink[start];
    const bool fill = sums.fills[k] - sums.fills[start] > 0;
    MeasuredLine m;
    BrokenLine& line = m.line;
    line.end = k;
    if (natural > width + 1e-9) {
        line.ratio = shrink > 0 ? (width - natural) / shrink : -no_cost;
    } else if (fill) {
        line.ratio = 0;
    } else if (natural < width - 1e-9) {
        line.ratio = stretch > 0 ? (width - natural) / stretch : 0;
    }
    if (line.ratio < -1) {
        line.overfull = true;
        line.ratio = -1;
        line.badness = inf_bad;
        line.fitness = Fitness::tight;
        m.excess = natural - shrink - width;
    } else {
        const bool cannot_stretch = natural < width - 1e-9 && !fill && stretch <= 0;
        line.badness = cannot_stretch ? inf_bad : std::min(100 * std::pow(std::abs(line.ratio), 3.0), inf_bad);
        line.fitness = cannot_stretch ? Fitness::very_loose : fitness_of(line.ratio, line.badness);
    }
    return m;
}

struct State {
    double cost = no_cost;
    std::size_t from = 0;       ///< node the line starts at
    std::size_t from_class = 0;
    BrokenLine line;
};

}  // namespace

BreakResult choose_breaks(const std::vector<BreakItem>& given, const BreakParams& params) {
    if (given.size() > params.max_total_fit_items) {
        return first_fit_breaks(given, params);
    }
    std::vector<BreakItem> with_end;
    const std::vector<BreakItem>& items = ending_in_forced_break(given, with_end);
    const Sums sums(items);
    const double width = params.line_width;

    // Node 0 is the paragraph's start; node u ≥ 1 is a break at items[breaks[u]].
    std::vector<std::size_t> breaks{0};
    for (std::size_t k = 0; k < items.size(); ++k) {
        if (legal_break(items, k) && (k > 0 || items[k].forced())) {  // no empty first line unless asked for
            breaks.push_back(k);
        }
    }
    const std::size_t nodes = breaks.size();
    const std::size_t last_item = items.size() - 1;

    std::vector<std::array<State, classes>> states(nodes);
    for (int pass = 1; pass <= 3; ++pass) {
        for (auto& s : states) {
            s.fill(State{});
        }
        states[0][static_cast<std::size_t>(Fitness::decent)].cost = 0;
        for (std::size_t t = 0; t + 1 < nodes; ++t) {
            const auto& here = states[t];
            if (std::all_of(here.begin(), here.end(), [](const State& s) { return s.cost == no_cost; })) {
                continue;
            }
            const std::size_t start = t == 0 ? 0 : line_start(items, breaks[t]);
            const bool from_flagged = t > 0 && items[breaks[t]].kind == BreakItem::Kind::penalty && items[breaks[t]].flagged;
            const std::size_t last_u = std::min(nodes - 1, t + params.max_line_candidates);
            for (std::size_t u = t + 1; u <= last_u; ++u) {
                const std::size_t k = breaks[u];
                const BreakItem& at = items[k];
                if (k < start) {
                    continue;  // a break among the items dropped after the last one
                }
                const MeasuredLine measured = measure_line(items, sums, start, k, width);
                const BrokenLine& line = measured.line;
                double demerits = 0;
                if (line.overfull) {
                    if (pass < 3) {
                        break;  // every longer line is wider still
                    }
                    demerits = overfull_demerits + overfull_demerits_per_pt * measured.excess;
                } else {
                    if (pass == 1 && line.badness > params.tolerance) {
                        if (at.forced()) {
                            break;
                        }
                        continue;
                    }
                    const double base = std::min(params.line_penalty + line.badness, inf_bad);
                    demerits = base * base;
                }
                if (at.kind == BreakItem::Kind::penalty && !at.forced()) {
                    demerits += at.penalty >= 0 ? at.penalty * at.penalty : -at.penalty * at.penalty;
                }
                if (at.kind == BreakItem::Kind::penalty && at.flagged && from_flagged) {
                    demerits += params.double_hyphen_demerits;
                }
                if (k == last_item && from_flagged) {
                    demerits += params.final_hyphen_demerits;
                }
                const auto cls = static_cast<std::size_t>(line.fitness);
                auto& there = states[u][cls];
                for (std::size_t c = 0; c < classes; ++c) {
                    if (here[c].cost == no_cost) {
                        continue;
                    }
                    const std::size_t gap = c > cls ? c - cls : cls - c;
                    const double total = here[c].cost + demerits + (gap > 1 ? params.adj_demerits : 0);
                    if (total < there.cost) {
                        there.cost = total;
                        there.from = t;
                        there.from_class = c;
                        there.line = line;
                    }
                }
                if (line.overfull || at.forced()) {
                    break;  // no line runs past a forced break; an overfull one is only ever the shortest
                }
            }
        }
        const auto& end = states[nodes - 1];
        const auto best = std::min_element(end.begin(), end.end(), [](const State& a, const State& b) { return a.cost < b.cost; });
        if (best->cost == no_cost) {
            continue;
        }
        BreakResult result;
        result.pass = pass;
        result.demerits = best->cost;
        std::size_t u = nodes - 1;
        auto c = static_cast<std::size_t>(best - end.begin());
        while (u != 0) {
            const State& s = states[u][c];
            result.lines.push_back(s.line);
            u = s.from;
            c = s.from_class;
        }
        std::reverse(result.lines.begin(), result.lines.end());
        return result;
    }
    return {};  // not reached: the third pass always finds a way
}

BreakResult first_fit_breaks(const std::vector<BreakItem>& given, const BreakParams& params) {
    std::vector<BreakItem> with_end;
    const std::vector<BreakItem>& items = ending_in_forced_break(given, with_end);
    const Sums sums(items);
    const double width = params.line_width;
    BreakResult result;
    result.pass = 0;
    auto line_to = [&](std::size_t start, std::size_t k) { return measure_line(items, sums, start, k, width).line; };
    auto demerits_of = [&](const BrokenLine& line) {
        const double base = std::min(params.line_penalty + line.badness, inf_bad);
        return line.overfull ? overfull_demerits : base * base;
    };

    std::size_t start = 0;
    std::size_t best = items.size();  // the last break that fits, none yet
    for (std::size_t k = 0; k < items.size(); ++k) {
        if (!legal_break(items, k) || (k == 0 && !items[k].forced())) {
            continue;
        }
        BrokenLine line = line_to(start, k);
        std::size_t end = k;
        if (line.overfull && best < items.size()) {
            end = best;  // too wide: the line ends at the last break that fitted
            line = line_to(start, end);
        } else if (!line.overfull && !items[k].forced()) {
            best = k;    // fits: go on, a later break may fit too
            continue;
        }
        result.demerits += demerits_of(line);
        result.lines.push_back(line);
        start = line_start(items, end);
        best = items.size();
        // On from the new line's start: after a line that ended at an earlier break, its items
        // are scanned again (each item at most twice).
        k = start - 1;
    }
    return result;
}

}  // namespace handout
