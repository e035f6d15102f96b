// typeset: the widths of a table's columns from each cell's narrowest and widest content, as a
// browser sizes an automatic table, choosing which cells wrap when not all fit on one line.
#pragma once

#include <vector>

namespace handout {

/// What a cell needs, padding included: its widest word, and all of it on one line (pt).
struct CellWidth {
    double min = 0, max = 0;
};

/// Widths (pt) summing to `width` for a table of `rows` (rows may be short).
/// - All of every cell fits on one line: each column gets that, and the rest in proportion.
/// - Not even each column's widest word fits: those, scaled down alike.
/// - Between: among the widths at which some cell of a column just fits on one line, the choice
///   whose rows are fewest lines in all (a cell estimated at ⌈its width on one line / column
///   width⌉ lines); on a tie, the one that wraps cells further right (a row's first cells, what
///   it is about, stay whole). What is left goes to the columns still short of their widest
///   cell, in proportion to what they lack.
std::vector<double> column_widths(const std::vector<std::vector<CellWidth>>& rows, double width);

/// Widths (pt) summing to `width` for columns whose widest words (`mins`) do not all fit: each
/// column gets its `floors` (the narrowest its cells can be, words broken anywhere), and what is
/// left in proportion to how far its widest word is above that. `floors` must sum to at most `width`.
std::vector<double> squeezed_widths(const std::vector<double>& mins, const std::vector<double>& floors, double width);

}  // namespace handout
