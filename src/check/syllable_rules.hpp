// check: English syllables from spelling alone — the rules the dictionary's fallback starts
// from. Shared by the check stage and the build-time generator (tools/make_cmu_table.cpp), which
// learns from the CMU dictionary where these rules go wrong (check/cmu_table.hpp).
#pragma once

#include <string_view>

namespace handout {

/// Syllables of a lower-case word of a–z by its spelling: vowel groups (y a vowel after a
/// consonant), less a silent final e, -es, -ed; plus -ing after a vowel, vowel pairs that split
/// (ia, io, ua, eo, iu …), -ism, -ier, and a final -ea. At least 1 for a non-empty word.
int syllables_by_spelling(std::string_view w);

}  // namespace handout
