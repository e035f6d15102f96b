// typeset: the widths of a table's columns (see table_columns.hpp).
#include "typeset/table_columns.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace handout {

namespace {

/// A choice of widths is tried cell by cell; tables with more choices than this (hundreds of
/// columns) share the width in proportion instead.
constexpr double max_choices = 20000;

std::vector<double> in_proportion(const std::vector<double>& mins, const std::vector<double>& maxs, double width) {
    const double sum_min = std::accumulate(mins.begin(), mins.end(), 0.0);
    const double want = std::accumulate(maxs.begin(), maxs.end(), 0.0) - sum_min;
    std::vector<double> widths(mins.size());
    for (std::size_t c = 0; c < mins.size(); ++c) {
        widths[c] = mins[c] + (width - sum_min) * ((maxs[c] - mins[c]) / (want > 0 ? want : 1));
    }
    return widths;
}

}  // namespace

std::vector<double> squeezed_widths(const std::vector<double>& mins, const std::vector<double>& floors, double width) {
    const double sum_floor = std::accumulate(floors.begin(), floors.end(), 0.0);
    double want = 0;
    for (std::size_t c = 0; c < mins.size(); ++c) {
        want += std::max(0.0, mins[c] - floors[c]);
    }
    std::vector<double> widths(mins.size());
    for (std::size_t c = 0; c < mins.size(); ++c) {
        const double share = want > 0 ? std::max(0.0, mins[c] - floors[c]) / want : 1.0 / static_cast<double>(mins.size());
        widths[c] = floors[c] + (width - sum_floor) * share;
    }
    return widths;
}

std::vector<double> column_widths(const std::vector<std::vector<CellWidth>>& rows, double width) {
    std::size_t cols = 0;
    for (const auto& r : rows) {
        cols = std::max(cols, r.size());
    }
    std::vector<double> mins(cols, 0), maxs(cols, 0);
    for (const auto& r : rows) {
        for (std::size_t c = 0; c < r.size(); ++c) {
            mins[c] = std::max(mins[c], r[c].min);
            maxs[c] = std::max(maxs[c], r[c].max);
        }
    }
    const double sum_min = std::accumulate(mins.begin(), mins.end(), 0.0);
    const double sum_max = std::accumulate(maxs.begin(), maxs.end(), 0.0);
    std::vector<double> widths(cols);
    if (cols == 0) {
        return widths;
    }
    if (sum_max <= width) {
        for (std::size_t c = 0; c < cols; ++c) {
            widths[c] = maxs[c] + (width - sum_max) * (maxs[c] / (sum_max > 0 ? sum_max : 1));
        }
        return widths;
    }
    if (sum_min >= width) {
        for (std::size_t c = 0; c < cols; ++c) {
            widths[c] = sum_min > 0 ? width * mins[c] / sum_min : width / static_cast<double>(cols);
        }
        return widths;
    }
    // The widths worth trying per column: its widest word, and each cell's one-line width.
    std::vector<std::vector<double>> choices(cols);
    double count = 1;
    for (std::size_t c = 0; c < cols; ++c) {
        choices[c].push_back(mins[c]);
        for (const auto& r : rows) {
            if (c < r.size() && r[c].max > mins[c]) {
                choices[c].push_back(r[c].max);
            }
        }
        std::sort(choices[c].begin(), choices[c].end());
        choices[c].erase(std::unique(choices[c].begin(), choices[c].end()), choices[c].end());
        count *= static_cast<double>(choices[c].size());
    }
    if (count > max_choices) {
        return in_proportion(mins, maxs, width);
    }
    // The rest to the columns short of their widest cell, in proportion to what they lack.
    auto spread = [&](std::vector<double>& w) {
        const double left = width - std::accumulate(w.begin(), w.end(), 0.0);
        double lack = 0;
        for (std::size_t c = 0; c < cols; ++c) {
            lack += maxs[c] - w[c];
        }
        for (std::size_t c = 0; c < cols; ++c) {
            w[c] += lack > 0 ? left * (maxs[c] - w[c]) / lack : left / static_cast<double>(cols);
        }
    };
    std::vector<std::size_t> pick(cols, 0);
    std::vector<double> best, w(cols);
    double best_lines = 0, best_left_wraps = 0;
    for (;;) {
        double sum = 0;
        for (std::size_t c = 0; c < cols; ++c) {
            w[c] = choices[c][pick[c]];
            sum += w[c];
        }
        if (sum <= width) {
            spread(w);
            double lines = 0, left_wraps = 0;  // left_wraps: wrapped cells, weighted to the left
            for (const auto& r : rows) {
                double row_lines = 1;
                for (std::size_t c = 0; c < r.size(); ++c) {
                    if (r[c].max > w[c] + 1e-9) {
                        row_lines = std::max(row_lines, std::ceil(r[c].max / w[c]));
                        left_wraps += static_cast<double>(cols - c);
                    }
                }
                lines += row_lines;
            }
            if (best.empty() || lines < best_lines || (lines == best_lines && left_wraps < best_left_wraps)) {
                best = w;
                best_lines = lines;
                best_left_wraps = left_wraps;
            }
        }
        std::size_t c = 0;
        while (c < cols && ++pick[c] == choices[c].size()) {
            pick[c++] = 0;
        }
        if (c == cols) {
            break;
        }
    }
    return best;
}

}  // namespace handout
