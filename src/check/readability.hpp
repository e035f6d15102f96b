// check: readability of plain text — sentences as the formulas define them, words, syllables;
// Flesch–Kincaid grade and SMOG (English), Fernández-Huerta ease (Spanish).
#pragma once

#include "check/syllables.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace handout {

struct TextStats {
    int sentences = 0, words = 0, syllables = 0, polysyllables = 0;  ///< polysyllables: 3 or more

    void add(const TextStats& o);
    double flesch_kincaid() const;   ///< US school grade
    double smog() const;             ///< US school grade
    double fernandez_huerta() const; ///< ease 0–100, higher is easier (F read as words per sentence)
};

struct Sentence {
    std::size_t begin = 0, end = 0;  ///< byte range in the text given to split_sentences
    TextStats stats;
};

/// Splits one block of text into sentences and counts each. A sentence ends at `.`, `!`, `?`,
/// `…` (or a run of them) followed by white space or the end, after any closing quotes or
/// brackets; not at `:` or `;`; not at the full stop of a title or a Latin abbreviation (Dr.,
/// e.g.), an initial (J. Smith), a list number at the start (1.), nor of etc., a.m. and the like
/// unless a capital follows; a full stop inside a number (2.5) is no end. The end of the block
/// ends its last sentence, full stop or not.
std::vector<Sentence> split_sentences(std::string_view text, std::string_view lang);

/// The words of one sentence, counted: runs of letters and digits, with inner apostrophes,
/// hyphens, and separators between digits (2.5, 1,200, 9:30) kept in the word.
TextStats count_words(std::string_view sentence, std::string_view lang);

}  // namespace handout
