#include "check/syllable_rules.hpp"

#include <algorithm>

namespace handout {

namespace {

bool aeiou(char c) {
    return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u';
}

bool aeiouy(char c) {
    return aeiou(c) || c == 'y';
}

/// Whether s[i] sounds as a vowel: a, e, i, o, u, and y after a consonant (not first, as in "yes";
/// not after a vowel, as in "play").
bool vowel_at(std::string_view s, std::size_t i) {
    if (s[i] == 'y') {
        return i > 0 && !aeiouy(s[i - 1]);
    }
    return aeiou(s[i]);
}

/// Vowel pairs read as two syllables: i before a, o, u (media, radio, calcium) but not after
/// t, c, s, g, x (nation, special, region); u before a (actual) and before l, r (cruel,
/// fuel) but not after q, g (equal, language); e before o (video); and a final -ia after a
/// consonant (anemia).
int split_pairs(std::string_view s) {
    int n = 0;
    for (std::size_t i = 1; i < s.size(); ++i) {
        char a = s[i - 1], b = s[i];
        char before = i >= 2 ? s[i - 2] : ' ';
        char after = i + 1 < s.size() ? s[i + 1] : ' ';
        bool soft = before == 't' || before == 'c' || before == 's' || before == 'g' || before == 'x';
        bool qg = before == 'q' || before == 'g';
        if (a == 'i' && (b == 'a' || b == 'o' || b == 'u') && !soft) {
            ++n;
        } else if (a == 'i' && b == 'a' && i + 1 == s.size() && i >= 2 && !aeiou(before)) {
            ++n;  // a final -ia after t, c, s … still splits (militia aside)
        } else if (a == 'i' && b == 'u' && soft) {
            ++n;  // -tium, -sium (consortium)
        } else if (a == 'u' && (b == 'a' || ((b == 'e') && (after == 'l' || after == 'r'))) && !qg) {
            ++n;
        } else if (a == 'e' && b == 'o') {
            ++n;
        }
    }
    return n;
}

/// -ier, -iest after a consonant in a word with an earlier vowel (happier, zaniest).
bool split_ier(std::string_view s) {
    std::string_view stem;
    if (s.ends_with("ier")) {
        stem = s.substr(0, s.size() - 3);
    } else if (s.ends_with("iest")) {
        stem = s.substr(0, s.size() - 4);
    } else {
        return false;
    }
    if (stem.empty() || aeiouy(stem.back())) {
        return false;
    }
    return std::any_of(stem.begin(), stem.end(), aeiouy);
}

}  // namespace

int syllables_by_spelling(std::string_view s) {
    if (s.empty()) {
        return 0;
    }
    int n = 0;
    bool prev = false;
    for (std::size_t i = 0; i < s.size(); ++i) {
        bool v = vowel_at(s, i);
        n += v && !prev ? 1 : 0;
        prev = v;
    }
    const std::size_t len = s.size();
    auto consonant_before = [&](std::size_t from_end) { return len > from_end && !aeiouy(s[len - from_end - 1]); };
    if (len > 2 && s.back() == 'e' && !s.ends_with("ee") && !s.ends_with("ie") && !s.ends_with("ye") && !s.ends_with("oe")) {
        // A silent final e (make), but a syllable of its own in -le after a consonant (table).
        if (!(s.ends_with("le") && consonant_before(2))) {
            --n;
        }
    } else if (len > 3 && s.ends_with("es")) {
        // -es is silent (makes) but after s, x, z, ch, sh, c, g (buses, places), in -les after a
        // consonant (tables) and after a vowel (goes: its vowel group already counts).
        bool sounded = s.ends_with("ses") || s.ends_with("xes") || s.ends_with("zes") || s.ends_with("ches") || s.ends_with("shes") ||
                       s.ends_with("ces") || s.ends_with("ges") || (s.ends_with("les") && consonant_before(3)) || aeiouy(s[len - 3]);
        if (!sounded) {
            --n;
        }
    } else if (len > 3 && s.ends_with("ed")) {
        // -ed is silent (named) but after t, d (wanted), in -led after a consonant (tabled).
        bool sounded = s[len - 3] == 't' || s[len - 3] == 'd' || (s.ends_with("led") && consonant_before(3)) || aeiouy(s[len - 3]);
        if (!sounded) {
            --n;
        }
    }
    if (len > 4 && s.ends_with("ing") && vowel_at(s, len - 4)) {
        ++n;  // doing, being, seeing: the i starts a syllable of its own
    }
    n += split_pairs(s);
    n += split_ier(s) ? 1 : 0;
    if (s.ends_with("ism") || s.ends_with("isms")) {
        ++n;  // the m is a syllable (autism)
    }
    if (len > 3 && s.ends_with("ea") && !aeiou(s[len - 3]) && std::any_of(s.begin(), s.end() - 3, aeiouy)) {
        ++n;  // idea, area, urea
    }
    if (len > 6) {
        for (std::string_view suffix : {"ely", "ement", "eful", "eless", "eness"}) {
            if (s.ends_with(suffix) && len > suffix.size() && !aeiouy(s[len - suffix.size() - 1])) {
                --n;  // the silent e of a stem before -ly, -ment … (lonely, statement)
                break;
            }
        }
    }
    if (len > 3 && s[0] == 'm' && s[1] == 'c' && !aeiouy(s[2])) {
        ++n;  // Mc- (McCowan)
    }
    return std::max(n, 1);
}

}  // namespace handout
