// pages: words hyphenated at a line end — the run ending in the break hyphen (U+00AD text) and
// the run on the next line that carries the rest of the word. Engines use it so extraction and
// copy-paste read the word whole.
#pragma once

#include "pages/pages.hpp"

#include <vector>

namespace handout {

struct HyphenJoin {
    const GlyphRun* head = nullptr;  ///< its text ends with U+00AD
    const GlyphRun* tail = nullptr;  ///< begins with the rest of the word
    std::size_t tail_bytes = 0;      ///< bytes of tail->text up to the next space
};

std::vector<HyphenJoin> hyphen_joins(const Pages& pages);

}  // namespace handout
