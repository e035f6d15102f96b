// render/haru: glyph runs as libharu draws them — characters in a TrueType font through its UTF-8
// encoder, placed where the display list put each glyph — and the test of which runs it cannot
// draw faithfully.
#pragma once

#include "pages/pages.hpp"
#include "render/haru/haru_cache.hpp"

#include <hpdf.h>

#include <cstddef>
#include <optional>
#include <string>
#include <unordered_map>

namespace handout::haru {

/// Why libharu cannot draw `run` in `font` as the display list shows it — a script that needs
/// shaping, right-to-left text, a character beyond U+FFFF, glyphs that are not the characters'
/// own in a script where that matters — or "" when it can. A Latin ligature or a composed accent
/// is no problem: its characters are drawn with their own glyphs in the same place.
std::string unshaped_problem(const GlyphRun& run, const HaruCache::Impl::Font& font);

/// How a word hyphenated at a line end reads (pages/hyphen_joins): the break hyphen as the word's
/// rest, and that rest, on the next line, as nothing.
struct RunText {
    std::optional<std::string> head_rest;   ///< the run ends in a break hyphen: the word's rest
    std::size_t tail_bytes = 0;             ///< the run starts with the rest of a word: its bytes
};
std::unordered_map<const GlyphRun*, RunText> hyphen_texts(const Pages& pages);

/// Draws `run` in its own text object on `page` (of height `page_height`, pt) with `font` (the
/// run's font through the UTF-8 encoder): one string for each stretch of characters whose
/// positions the font's own widths give, a move to the laid-out position where they do not
/// (kerning, justification, marks).
void draw_run(HPDF_Page page, HPDF_Font font, const HaruCache::Impl::Font& cmap, const GlyphRun& run, double page_height,
              const RunText& text);

}  // namespace handout::haru
