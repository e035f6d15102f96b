// render/pdf: one glyph run as content-stream text — 2-byte codes in TJ arrays with the pen
// moved from the font's widths to the laid-out advances, and ActualText wherever the glyphs
// alone would not read as the text: over the whole word when a cluster's glyphs map to other
// text (reordered vowel signs, a glyph with two meanings), and on the two halves of a word
// hyphenated at a line end. Right-to-left runs are written for extraction as readers do it:
// glyphs in visual order whose text, read right to left, is the logical text.
#pragma once

#include "pages/pages.hpp"
#include "render/pdf/pdf_cache.hpp"
#include "render/pdf/pdf_fonts.hpp"

#include <optional>
#include <string>

namespace handout::pdf {

struct RunText {
    const FontUse* use = nullptr;                 ///< what ToUnicode says each glyph is
    std::optional<std::string> head_rest;         ///< the run ends in a break hyphen: the word's rest
    std::size_t tail_bytes = 0;                   ///< the run starts with the rest of a word: its bytes
};

/// Appends the TJ operators (and marked spans) for `run`; the font and position are set by the caller.
void write_glyphs(std::string& c, const GlyphRun& run, const EmbeddedFont& font, PdfCache::Impl::Face& face, const RunText& text);

}  // namespace handout::pdf
