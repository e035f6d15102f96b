#include "check/syllables.hpp"

#include "check/cmu_table.hpp"
#include "check/syllable_rules.hpp"

#include <glib.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <string>

namespace handout {

namespace {

bool spanish(std::string_view lang) {
    return lang.substr(0, 2) == "es";
}

/// Word i of the dictionary, and its syllables.
std::string_view dict_word(std::size_t i, int* syllables = nullptr) {
    const char* p = cmu::words + cmu::offsets[i];
    std::size_t n = 0;
    while (static_cast<unsigned char>(p[n]) >= ' ') {
        ++n;
    }
    if (syllables != nullptr) {
        *syllables = p[n];
    }
    return {p, n};
}

/// The correction of the longest affix of `w` in `table` (sorted by text), or 0.
int correction(std::string_view w, const cmu::Affix* table, std::size_t size, bool suffix) {
    for (std::size_t k = w.size(); k > 0; --k) {
        std::string_view a = suffix ? w.substr(w.size() - k) : w.substr(0, k);
        const cmu::Affix* end = table + size;
        const cmu::Affix* it = std::lower_bound(table, end, a, [](const cmu::Affix& e, std::string_view t) { return e.text < t; });
        if (it != end && it->text == a) {
            return it->correction;
        }
    }
    return 0;
}

/// Lower-case letters of a word as code points (marks and punctuation dropped).
std::u32string letters(std::string_view word) {
    std::u32string out;
    const char* p = word.data();
    const char* end = word.data() + word.size();
    while (p < end) {
        gunichar c = g_utf8_get_char_validated(p, end - p);
        if (c == static_cast<gunichar>(-1) || c == static_cast<gunichar>(-2)) {
            ++p;
            continue;
        }
        if (g_unichar_isalpha(c)) {
            out += static_cast<char32_t>(g_unichar_tolower(c));
        }
        p = g_utf8_next_char(p);
    }
    return out;
}

/// An English word's letters as a–z: accented letters as their base letter (café → cafe),
/// others dropped.
std::string ascii_letters(std::string_view word) {
    std::string out;
    for (char32_t c : letters(word)) {
        gunichar base[4];
        gsize n = g_unichar_fully_decompose(c, FALSE, base, 4);
        if (n > 0 && base[0] >= 'a' && base[0] <= 'z') {
            out += static_cast<char>(base[0]);
        }
    }
    return out;
}

/// Syllables of an English word of a–z: the dictionary's, or the fallback's.
int lookup_en(const std::string& w) {
    if (w.empty()) {
        return 0;
    }
    int n = dictionary_syllables(w);
    return n > 0 ? n : fallback_syllables(w);
}

/// A contraction or possessive as said: its stem, plus one for n't after a consonant (didn't,
/// isn't; not don't, can't), 'll after a consonant (it'll) and 's after a hissing sound
/// (nurse's, James's). The dictionary holds no apostrophes (dont, youre), so the stem decides.
int contraction_en(const std::string& stem, std::string_view ending) {
    auto consonant_end = [](std::string_view s) {
        return !s.empty() && std::string_view("aeiouy").find(s.back()) == std::string_view::npos;
    };
    if (ending == "t" && stem.ends_with("n") && stem.size() > 1) {
        std::string base = stem.substr(0, stem.size() - 1);
        return consonant_end(base) ? lookup_en(base) + 1 : lookup_en(stem);
    }
    int n = lookup_en(stem);
    if (ending == "ll" && consonant_end(stem)) {
        return n + 1;
    }
    if (ending == "s") {
        for (std::string_view hiss : {"s", "z", "x", "ch", "sh", "se", "ze", "ce", "ge"}) {
            if (stem.ends_with(hiss)) {
                return n + 1;
            }
        }
    }
    return n;
}

int syllables_en(std::string_view word) {
    // The last apostrophe (' or ’) splits a contraction or a possessive.
    std::size_t straight = word.rfind('\''), curly = word.rfind("\xE2\x80\x99");
    std::size_t apostrophe = straight == std::string_view::npos ? curly
                             : curly == std::string_view::npos  ? straight
                                                                : std::max(straight, curly);
    std::string w = ascii_letters(word);
    if (w.empty()) {
        return 1;  // a word of another script (or of marks alone) counts one
    }
    if (apostrophe != std::string_view::npos) {
        std::string stem = ascii_letters(word.substr(0, apostrophe));
        std::string ending = ascii_letters(word.substr(apostrophe));
        if (!stem.empty() && ending.size() <= 2) {
            return std::max(contraction_en(stem, ending), 1);
        }
    }
    return lookup_en(w);
}

int syllables_es(const std::u32string& w) {
    auto strong = [](char32_t c) {
        return c == U'a' || c == U'e' || c == U'o' || c == U'á' || c == U'é' || c == U'ó' || c == U'í' || c == U'ú';
    };
    auto weak = [](char32_t c) { return c == U'i' || c == U'u' || c == U'ü' || c == U'y'; };
    int count = 0;
    std::size_t i = 0;
    while (i < w.size()) {
        // 'y' is a vowel only at the end of a word or alone.
        auto is_vowel = [&](std::size_t k) {
            return strong(w[k]) || (weak(w[k]) && (w[k] != U'y' || k + 1 == w.size()));
        };
        if (!is_vowel(i)) {
            ++i;
            continue;
        }
        // A vowel group is one syllable, plus one for every two strong vowels side by side (hiatus).
        ++count;
        std::size_t j = i + 1;
        while (j < w.size() && is_vowel(j)) {
            if (strong(w[j]) && strong(w[j - 1])) {
                ++count;
            }
            ++j;
        }
        i = j;
    }
    return std::max(count, 1);
}

/// An English number as said: digits with inner separators (500, 1,200, 2.5, 9:30, 014-2368).
int number_en(std::string_view word) {
    // The parts between separators other than a thousands comma.
    int total = 0;
    bool after_point = false;
    std::string digits;
    auto flush = [&] {
        if (digits.empty()) {
            return;
        }
        if (after_point || digits.size() > 6 || (digits.size() > 1 && digits[0] == '0')) {
            // Read one digit at a time: decimals, phone numbers and ids, a leading zero (014).
            for (char d : digits) {
                total += spoken_number_syllables(static_cast<unsigned long long>(d - '0'));
            }
        } else {
            total += spoken_number_syllables(std::stoull(digits));
        }
        digits.clear();
    };
    for (std::size_t i = 0; i < word.size(); ++i) {
        char c = word[i];
        if (c >= '0' && c <= '9') {
            digits += c;
        } else if (c == ',' && i + 3 < word.size() + 1 && !digits.empty()) {
            continue;  // 1,200
        } else {
            flush();
            if (c == '.') {
                total += 1;  // "point"
                after_point = true;
            }
        }
    }
    flush();
    return std::max(total, 1);
}

}  // namespace

int dictionary_syllables(std::string_view w) {
    // Binary search by index: an entry is found from its offset.
    std::size_t lo = 0, hi = cmu::count;
    while (lo < hi) {
        std::size_t mid = lo + (hi - lo) / 2;
        if (dict_word(mid) < w) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    int n = 0;
    if (lo < cmu::count && dict_word(lo, &n) == w) {
        return n;
    }
    return 0;
}

int fallback_syllables(std::string_view w) {
    if (w.empty()) {
        return 0;
    }
    int n = syllables_by_spelling(w) + correction(w, cmu::suffixes, cmu::suffix_count, true) +
            correction(w, cmu::prefixes, cmu::prefix_count, false);
    return std::max(n, 1);
}

int spoken_number_syllables(unsigned long long n) {
    //                                  0  1  2  3  4  5  6  7  8  9
    static const int ones[] = {2, 1, 1, 1, 1, 1, 1, 2, 1, 1};
    static const int teens[] = {1, 3, 1, 2, 2, 2, 2, 3, 2, 2};  // ten … nineteen
    static const int tens[] = {0, 0, 2, 2, 2, 2, 2, 3, 2, 2};   // twenty … ninety
    auto below_100 = [&](unsigned long long k) {
        if (k < 10) {
            return k == 0 ? 0 : ones[k];
        }
        if (k < 20) {
            return teens[k - 10];
        }
        return tens[k / 10] + (k % 10 != 0 ? ones[k % 10] : 0);
    };
    auto below_1000 = [&](unsigned long long k) {
        return (k >= 100 ? ones[k / 100] + 2 : 0) + below_100(k % 100);  // "hundred": 2
    };
    if (n == 0) {
        return ones[0];
    }
    int total = 0;
    static const int scale[] = {0, 2, 2, 2};  // thousand, million, billion
    int group = 0;
    for (unsigned long long rest = n; rest > 0 && group < 4; rest /= 1000, ++group) {
        unsigned long long part = rest % 1000;
        if (part != 0) {
            total += below_1000(part) + scale[group];
        }
    }
    return total;
}

int syllables(std::string_view word, std::string_view lang) {
    if (word.empty()) {
        return 0;
    }
    auto has_letter = [](std::string_view w) {
        return std::any_of(w.begin(), w.end(), [](char c) {
            return static_cast<unsigned char>(c) >= 0x80 || std::isalpha(static_cast<unsigned char>(c));
        });
    };
    if (spanish(lang)) {
        std::u32string w = letters(word);
        return w.empty() ? 1 : syllables_es(w);
    }
    if (!has_letter(word)) {
        return number_en(word);
    }
    // A hyphenated word is its parts (long-lasting, COVID-19).
    int total = 0;
    std::size_t from = 0;
    while (from <= word.size()) {
        std::size_t to = std::min(word.find('-', from), word.size());
        std::string_view part = word.substr(from, to - from);
        total += has_letter(part) ? syllables_en(part) : (part.empty() ? 0 : number_en(part));
        from = to + 1;
    }
    return total;
}

}  // namespace handout
