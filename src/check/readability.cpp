#include "check/readability.hpp"

#include <glib.h>

#include <algorithm>
#include <cmath>

namespace handout {

namespace {

bool spanish(std::string_view lang) {
    return lang.substr(0, 2) == "es";
}

/// Lower-case letters of a word as code points.
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

int syllables_en(const std::u32string& w) {
    if (w.empty()) {
        return 0;
    }
    if (w.size() <= 3) {
        return 1;
    }
    auto vowel = [](char32_t c) { return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u' || c == 'y'; };
    std::u32string s = w;
    // Silent endings: "-e" (make), "-es"/"-ed" after most consonants (makes, named), but not
    // "-le" after a consonant (table), "-ted"/"-ded" (wanted), "-ses"/"-ces"/… (buses).
    auto ends = [&](std::u32string_view e) { return s.size() >= e.size() && s.compare(s.size() - e.size(), e.size(), e) == 0; };
    if (ends(U"es") && !(ends(U"ses") || ends(U"zes") || ends(U"ces") || ends(U"ges") || ends(U"shes") || ends(U"ches") || ends(U"xes"))) {
        s.resize(s.size() - 2);
    } else if (ends(U"ed") && !(ends(U"ted") || ends(U"ded"))) {
        s.resize(s.size() - 2);
    } else if (ends(U"e") && !(ends(U"le") && s.size() > 2 && !vowel(s[s.size() - 3]))) {
        s.resize(s.size() - 1);
    }
    int count = 0;
    bool prev = false;
    for (std::size_t i = 0; i < s.size(); ++i) {
        bool v = vowel(s[i]) && !(s[i] == 'y' && i == 0);
        if (v && !prev) {
            ++count;
        }
        prev = v;
    }
    // "i-a", "i-o", "u-a" usually split (media, radio, actual) — but not in -tion, -sion, -cian,
    // -tial, -gion, or after q/g (equal, language).
    for (std::size_t i = 1; i < s.size(); ++i) {
        bool pair = (s[i - 1] == 'i' && (s[i] == 'a' || s[i] == 'o')) || (s[i - 1] == 'u' && s[i] == 'a');
        if (!pair) {
            continue;
        }
        char32_t before = i >= 2 ? s[i - 2] : U' ';
        char32_t after = i + 1 < s.size() ? s[i + 1] : U' ';
        bool glide = (before == 't' || before == 's' || before == 'c' || before == 'g' || before == 'x') &&
                     (after == 'n' || after == 'l' || after == 'u' || after == 's');
        bool qu = s[i - 1] == 'u' && (before == 'q' || before == 'g');
        if (!glide && !qu) {
            ++count;
        }
    }
    return std::max(count, 1);
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
        // "qu", "gu" + e/i: the u is silent and makes no diphthong of its own.
        i = j;
    }
    return std::max(count, 1);
}

bool abbreviation_before(std::string_view text, std::size_t dot) {
    static const char* abbrevs[] = {"Dr", "Mr", "Mrs", "Ms", "St", "Sr", "Sra", "Dra", "e.g", "i.e", "etc", "vs", "approx", "No"};
    std::size_t start = dot;
    while (start > 0 && text[start - 1] != ' ' && text[start - 1] != '(') {
        --start;
    }
    std::string_view w = text.substr(start, dot - start);
    return std::any_of(std::begin(abbrevs), std::end(abbrevs), [&](const char* a) { return w == a; }) ||
           (w.size() == 1 && std::isupper(static_cast<unsigned char>(w[0])));
}

TextStats count(std::string_view sentence, std::string_view lang) {
    TextStats st;
    st.sentences = 1;
    std::size_t i = 0;
    while (i < sentence.size()) {
        // Words: runs of letters and digits (with inner apostrophes and hyphens).
        std::size_t start = i;
        bool has_letter = false;
        while (i < sentence.size()) {
            const char* p = sentence.data() + i;
            gunichar c = g_utf8_get_char(p);
            bool inner = (c == '\'' || c == 0x2019 || c == '-') && i > start;
            if (!(g_unichar_isalnum(c) || g_unichar_ismark(c) || inner)) {
                break;
            }
            has_letter = has_letter || g_unichar_isalpha(c);
            i = static_cast<std::size_t>(g_utf8_next_char(p) - sentence.data());
        }
        if (i == start) {
            i = static_cast<std::size_t>(g_utf8_next_char(sentence.data() + i) - sentence.data());
            continue;
        }
        ++st.words;
        int syl = has_letter ? syllables(sentence.substr(start, i - start), lang) : 1;
        st.syllables += syl;
        st.polysyllables += syl >= 3 ? 1 : 0;
    }
    if (st.words == 0) {
        st.sentences = 0;
    }
    return st;
}

}  // namespace

int syllables(std::string_view word, std::string_view lang) {
    std::u32string w = letters(word);
    if (w.empty()) {
        return 0;
    }
    // A hyphenated word is its parts.
    return spanish(lang) ? syllables_es(w) : syllables_en(w);
}

void TextStats::add(const TextStats& o) {
    sentences += o.sentences;
    words += o.words;
    syllables += o.syllables;
    polysyllables += o.polysyllables;
}

double TextStats::flesch_kincaid() const {
    if (words == 0 || sentences == 0) {
        return 0;
    }
    return 0.39 * words / sentences + 11.8 * syllables / words - 15.59;
}

double TextStats::smog() const {
    if (sentences == 0) {
        return 0;
    }
    return 1.0430 * std::sqrt(polysyllables * 30.0 / sentences) + 3.1291;
}

double TextStats::fernandez_huerta() const {
    if (words == 0 || sentences == 0) {
        return 100;
    }
    // L = 206.84 − 0.60·P − 1.02·F, P syllables per 100 words, F words per sentence (the
    // reading that makes longer sentences harder, as in Flesch's formula it adapts).
    return 206.84 - 0.60 * (100.0 * syllables / words) - 1.02 * (static_cast<double>(words) / sentences);
}

std::vector<Sentence> split_sentences(std::string_view text, std::string_view lang) {
    std::vector<Sentence> out;
    std::size_t begin = 0;
    auto flush = [&](std::size_t end) {
        while (begin < end && text[begin] == ' ') {
            ++begin;
        }
        if (end > begin) {
            TextStats st = count(text.substr(begin, end - begin), lang);
            if (st.words > 0) {
                out.push_back(Sentence{begin, end, st});
            }
        }
        begin = end;
    };
    for (std::size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        bool stop = c == '.' || c == '!' || c == '?' || c == ':' || c == ';' || c == '\n' ||
                    text.compare(i, 3, "\xE2\x80\xA6") == 0;
        if (!stop) {
            continue;
        }
        std::size_t after = i + (text.compare(i, 3, "\xE2\x80\xA6") == 0 ? 3 : 1);
        while (after < text.size() && (text[after] == '"' || text[after] == ')' || text.compare(after, 3, "\xE2\x80\x9D") == 0)) {
            after += text[after] == '"' || text[after] == ')' ? 1 : 3;
        }
        bool at_space = after >= text.size() || text[after] == ' ' || text[after] == '\n';
        if (!at_space || (c == '.' && abbreviation_before(text, i))) {
            continue;
        }
        flush(after);
    }
    flush(text.size());
    return out;
}

}  // namespace handout
