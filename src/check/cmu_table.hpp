// check: the CMU Pronouncing Dictionary as a table compiled into the program (generated at build
// time by tools/make_cmu_table.cpp from Debian's festlex-cmu), and the corrections to
// syllables_by_spelling() learnt from it for words it does not hold.
#pragma once

#include <cstddef>
#include <cstdint>

namespace handout::cmu {

/// Every word, in byte order, each followed by its syllable count as one byte (1–15): word i
/// starts at words + offsets[i] and ends at the first byte below ' '.
extern const char words[];
extern const std::uint32_t offsets[];
extern const std::size_t count;

/// Words at an index that is a multiple of `held_stride` were left out of the learning: the
/// fallback is measured on them (tests/test_check_syllables.cpp).
extern const std::size_t held_stride;

/// A word ending (or beginning) and the syllables to add to syllables_by_spelling() for a word
/// that ends (begins) so, the longest match applying; sorted by text.
struct Affix {
    const char* text;
    int correction;
};
extern const Affix suffixes[];
extern const std::size_t suffix_count;
extern const Affix prefixes[];
extern const std::size_t prefix_count;

}  // namespace handout::cmu
