// check: readability of plain text — sentences, words, syllables; Flesch–Kincaid grade and SMOG
// (English), Fernández-Huerta ease (Spanish).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace handout {

/// Syllables in one word by a tested heuristic (vowel groups, silent final e for English;
/// strong/weak vowels and hiatus for Spanish).
int syllables(std::string_view word, std::string_view lang);

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

/// Splits one block of text into sentences (at . ! ? … followed by space or the end; not after
/// "Dr." and similar) and counts each.
std::vector<Sentence> split_sentences(std::string_view text, std::string_view lang);

}  // namespace handout
