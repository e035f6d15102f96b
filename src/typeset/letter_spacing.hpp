// typeset: letter spacing as a share of a justified line's stretch — what InDesign's letter
// spacing range and pdfTeX's font expansion do — so a loose line spreads its excess over its
// letters as well as its spaces, and its word gaps stay near those of its neighbours.
#pragma once

#include "typeset/paragraph.hpp"

#include <cstddef>

namespace handout {

struct LetterSpacing {
    double stretch = 0.03;  ///< em each gap between glyphs stretches at ratio 1 (a space: about 0.13 em)
    double max = 0.04;      ///< em: the most any line is letter-spaced
};

/// The letter spacing (pt per glyph) of a line that must grow by `excess` pt, whose spaces can
/// stretch by `word_stretch` pt in all at ratio 1 and which has `glyph_gaps` gaps after letters;
/// 0 for a line that does not grow. The spaces take the rest: excess − result · glyph_gaps.
double letter_spacing(double excess, double word_stretch, std::size_t glyph_gaps, double size, const LetterSpacing& params = {});

/// Adds `tracking` pt after every glyph of the line but its spaces and its last letter, moving
/// the runs after each along (the runs in visual order, left to right). Spaces keep their width:
/// the word gaps are the spaces' to set.
void track_line(LineBox& line, double tracking);

}  // namespace handout
