// check: syllables of a word — English from the CMU Pronouncing Dictionary with learnt spelling
// rules for words it lacks, numbers as spoken; Spanish by its regular spelling rules.
#pragma once

#include <string_view>

namespace handout {

/// Syllables in one word (letters, digits, inner apostrophes and hyphens) in `lang`: a
/// hyphenated word is its parts; an apostrophe is dropped (don't → dont). An English number is
/// counted as said: "500" five hundred (3), "2.5" two point five (3), a run of more than six
/// digits one digit at a time. A Spanish number counts one.
int syllables(std::string_view word, std::string_view lang);

/// English: the dictionary's syllables for a lower-case word of a–z, or 0 when it lacks it.
int dictionary_syllables(std::string_view w);

/// English: the fallback for a lower-case word of a–z the dictionary lacks — spelling rules
/// corrected by the endings and beginnings learnt from the dictionary.
int fallback_syllables(std::string_view w);

/// English: syllables of a non-negative whole number said as a cardinal ("twenty-one": 3).
int spoken_number_syllables(unsigned long long n);

}  // namespace handout
