// typeset: letter spacing of justified lines (see letter_spacing.hpp).
#include "typeset/letter_spacing.hpp"

#include <algorithm>
#include <cmath>

namespace handout {

double letter_spacing(double excess, double word_stretch, std::size_t glyph_gaps, double size, const LetterSpacing& params) {
    if (excess <= 0 || glyph_gaps == 0) {
        return 0;
    }
    // One ratio for spaces and letters alike, as TeX sets one ratio for all of a line's glue.
    const double letters = params.stretch * size * static_cast<double>(glyph_gaps);
    const double ratio = excess / (word_stretch + letters);
    // In thousandths of a point, as a PDF writes it once for the run (Tc): every glyph then
    // moves by exactly what the writer says, with nothing left to correct glyph by glyph.
    return std::floor(std::min(ratio * params.stretch * size, params.max * size) * 1000) / 1000;
}

void track_line(LineBox& line, double tracking) {
    if (tracking == 0) {
        return;
    }
    auto space = [](const GlyphRun& r, const Glyph& g) { return g.cluster < r.text.size() && r.text[g.cluster] == ' '; };
    std::size_t left = 0;  // letters still to come
    for (const GlyphRun& r : line.runs) {
        for (const Glyph& g : r.glyphs) {
            left += space(r, g) ? 0 : 1;
        }
    }
    double shift = 0;
    for (GlyphRun& r : line.runs) {
        r.origin.x += shift;
        r.tracking = tracking;
        for (Glyph& g : r.glyphs) {
            if (!space(r, g) && --left > 0) {
                g.advance += tracking;
                shift += tracking;
            }
        }
    }
}

}  // namespace handout
