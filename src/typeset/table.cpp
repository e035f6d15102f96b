// typeset: a table — column widths from what each cell needs (table_columns), one slice
// per row, the header row kept for repeating after a page break.
#include "typeset/table_columns.hpp"
#include "typeset/typesetter.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <string>

namespace handout {

namespace {

/// A width in whole points, for messages.
std::string whole_pt(double w) {
    return std::to_string(std::lround(w));
}

/// Where a message about the table points: its first cell's text (the parser's offset for the
/// table itself is that of the Markdown chunk holding it, which may start lines above).
std::size_t table_offset(const Table& t) {
    return t.offset;  // the header row (the content parser finds it)
}

}  // namespace

void Typesetter::table(const Table& t, double x, double width, int parent, Slices& out, double space_before) {
    if (t.rows.empty()) {
        return;
    }
    const double pad = m_layout.table_padding;
    std::size_t cols = 0;
    for (const auto& r : t.rows) {
        cols = std::max(cols, r.size());
    }
    ParaStyle cell_style = body_style(m_layout.table_size);
    cell_style.align = TextAlign::left;
    cell_style.line_height = std::min(m_layout.line_height, 1.3);
    // Column widths from what each cell needs (table_columns.hpp).
    std::vector<std::vector<CellWidth>> needs(t.rows.size());
    for (std::size_t r = 0; r < t.rows.size(); ++r) {
        for (std::size_t c = 0; c < t.rows[r].size(); ++c) {
            ParaStyle s = cell_style;
            s.bold = r == 0;
            ParaExtent e = measure(t.rows[r][c], s);
            needs[r].push_back(CellWidth{e.min + 2 * pad, e.max + 2 * pad});
        }
    }
    std::vector<double> mins(cols, 0);
    for (const auto& r : needs) {
        for (std::size_t c = 0; c < r.size(); ++c) {
            mins[c] = std::max(mins[c], r[c].min);
        }
    }
    std::vector<double> widths;
    if (const double sum_min = std::accumulate(mins.begin(), mins.end(), 0.0); sum_min > width + 1e-9) {
        // The widest words cannot all fit: cells break them between any two characters (as a
        // browser's overflow-wrap does), each column at least its widest character wide.
        std::vector<double> floors(cols, 2 * pad);
        for (std::size_t r = 0; r < t.rows.size(); ++r) {
            for (std::size_t c = 0; c < t.rows[r].size(); ++c) {
                ParaStyle s = cell_style;
                s.bold = r == 0;
                floors[c] = std::max(floors[c], narrowest_paragraph(m_fonts, t.rows[r][c], s) + 2 * pad);
            }
        }
        const double sum_floor = std::accumulate(floors.begin(), floors.end(), 0.0);
        if (sum_floor > width + 1e-9) {
            // An error, not a warning: whatever is drawn would run past the margin or leave
            // out part of the table, and a reader would not know.
            m_diagnostics.push_back(error_at(
                m_input.doc->source, table_offset(t),
                "a table of " + std::to_string(cols) + " columns cannot fit the text width (" + whole_pt(width) +
                    " pt) even one character to a line: it needs at least " + whole_pt(sum_floor) + " pt",
                {"split it into tables of fewer columns, or write it as a list",
                 "a wider page, narrower margins or a smaller `[table] size` give it more room"}));
            return;
        }
        // A warning: everything is drawn within the margins, but a word broken between letters
        // (an address, a code, a name) is harder to read, and the author can mend it.
        m_diagnostics.push_back(warning_at(
            m_input.doc->source, table_offset(t),
            "the table is wider than the text: its longest words need " + whole_pt(sum_min) + " pt of the " +
                whole_pt(width) + " pt there is, so some are broken between letters",
            {"shorten the longest words or values in the table (a long address or code), or use fewer columns"}));
        widths = squeezed_widths(mins, floors, width);
    } else {
        widths = column_widths(needs, width);
    }
    int tn = node(StructType::table, parent);
    int table_id = static_cast<int>(m_table_headers.size());
    m_table_headers.emplace_back();
    for (std::size_t r = 0; r < t.rows.size(); ++r) {
        bool header = r == 0;
        int tr = node(StructType::tr, tn);
        Slice row;
        row.space_before = header ? space_before : 0;
        row.table = table_id;
        row.table_header = header;
        // As with lines: the header with the first two rows, and no last row alone on a page.
        row.keep_with_next = header || (r == 1 && t.rows.size() > 2) || (r >= 2 && r + 2 == t.rows.size());
        double cx = x;
        double row_h = 0;
        std::vector<Item> cell_items;
        for (std::size_t c = 0; c < cols; ++c) {
            int cell = node(header ? StructType::th : StructType::td, tr);
            if (c < t.rows[r].size()) {
                ParaStyle s = cell_style;
                s.bold = header;
                Align a = c < t.aligns.size() ? t.aligns[c] : Align::start;
                s.align = a == Align::center ? TextAlign::center : a == Align::right ? TextAlign::right : TextAlign::left;
                ParaBox box = lay(t.rows[r][c], s, widths[c] - 2 * pad);
                Slices lines;
                line_slices(box, cx + pad, cell, lines, 0, true);
                double y = stack(lines, pad, cell_items);
                row_h = std::max(row_h, y + pad);
                if (row.first_baseline == 0 && !lines.empty()) {
                    row.first_baseline = pad + lines.front().first_baseline;
                }
            }
            cx += widths[c];
        }
        row.height = row_h;
        if (header) {
            Box fill;
            fill.rect = Rect{x, 0, width, row_h};
            fill.filled = true;
            fill.fill = m_layout.table_header_fill;
            row.items.push_back(Item{fill, -1, ArtifactKind::decoration});
            row.items.push_back(Item{Rule{{x, 0}, {x + width, 0}, 0.8, m_layout.table_border}, -1, ArtifactKind::decoration});
        }
        for (auto& item : cell_items) {
            row.items.push_back(std::move(item));
        }
        double w = (header || r + 1 == t.rows.size()) ? 0.8 : 0.4;
        row.items.push_back(Item{Rule{{x, row_h}, {x + width, row_h}, w, m_layout.table_border}, -1, ArtifactKind::decoration});
        if (header) {
            m_table_headers[static_cast<std::size_t>(table_id)] = row;
        }
        out.push_back(std::move(row));
    }
}

}  // namespace handout
