// typeset: breaks one paragraph into lines — shape with Pango/HarfBuzz, hyphenate, choose breaks.
// Returns positioned glyph runs per line; the only place line breaking happens.
#pragma once

#include "content/document.hpp"
#include "pages/pages.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace handout {

class FontSystem;
class Hyphenator;

enum class TextAlign { left, center, right, justify };

struct ParaStyle {
    std::string family;
    std::string mono_family;
    double size = 12;            ///< pt
    double line_height = 1.4;    ///< baseline distance / size
    Color color;
    Color link_color;
    bool link_underline = true;
    TextAlign align = TextAlign::left;
    bool hyphenate = false;
    bool bold = false;           ///< whole paragraph bold (headings, table headers)
    bool keep_lines = false;     ///< code: no wrapping of its own lines beyond the width
    std::string lang = "en";
};

/// One line: runs with origin.x from the line's left edge and origin.y = 0 on the baseline.
struct LineBox {
    std::vector<GlyphRun> runs;
    std::vector<Link> links;        ///< rect y relative to the baseline (negative = above)
    std::vector<Rule> underlines;   ///< y relative to the baseline
    double width = 0;               ///< pt, natural width of the content
};

struct ParaBox {
    std::vector<LineBox> lines;
    double pitch = 0;               ///< baseline-to-baseline distance, pt
    double ascent = 0;              ///< baseline offset of the first line from the box top, pt
    double descent = 0;
    double height() const { return pitch * static_cast<double>(lines.size()); }
};

/// Whether text in `lang` (a BCP 47 tag) runs right to left.
bool rtl_language(std::string_view lang);

/// Lays `spans` out in lines no wider than `width` pt. Font ids are the FontSystem's.
ParaBox break_paragraph(FontSystem& fs, Hyphenator* hyph, const Spans& spans, const ParaStyle& style, double width);

/// Widest unbreakable piece and the whole width on one line, for table column sizing.
struct ParaExtent {
    double min = 0, max = 0;
};
ParaExtent measure_paragraph(FontSystem& fs, const Spans& spans, const ParaStyle& style);

/// The narrowest the paragraph can be set, its words broken anywhere: its widest grapheme
/// cluster (pt). For a table whose widest words cannot all fit.
double narrowest_paragraph(FontSystem& fs, const Spans& spans, const ParaStyle& style);

}  // namespace handout
