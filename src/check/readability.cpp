#include "check/readability.hpp"

#include "check/utf8_text.hpp"

#include <glib.h>

#include <algorithm>
#include <cctype>
#include <cmath>

namespace handout {

namespace {

bool is_digit(std::string_view t, std::size_t i) {
    return i < t.size() && t[i] >= '0' && t[i] <= '9';
}

/// A character that ends a sentence: . ! ? and … (U+2026).
std::size_t stop_length(std::string_view t, std::size_t i) {
    if (t[i] == '.' || t[i] == '!' || t[i] == '?') {
        return 1;
    }
    return t.compare(i, 3, "\xE2\x80\xA6") == 0 ? 3 : 0;
}

/// A closing quote or bracket that may follow a sentence's end: ' " ) ] ’ ” ».
std::size_t closer_length(std::string_view t, std::size_t i) {
    if (t[i] == '\'' || t[i] == '"' || t[i] == ')' || t[i] == ']') {
        return 1;
    }
    if (t.compare(i, 3, "\xE2\x80\x99") == 0 || t.compare(i, 3, "\xE2\x80\x9D") == 0) {
        return 3;
    }
    return t.compare(i, 2, "\xC2\xBB") == 0 ? 2 : 0;
}

enum class Abbrev { none, always, unless_capital };

/// What the word before a full stop at `dot` makes of it: titles and Latin abbreviations that
/// a name or more of the sentence follows never end one; etc., a.m. and the like end one only
/// before a capital.
Abbrev abbreviation_before(std::string_view text, std::size_t dot) {
    static const char* titles[] = {"Dr", "Mr", "Mrs", "Ms", "Mx", "Prof", "St", "Sr", "Sra", "Srta", "Dra", "No", "Nos",
                                   "vs", "approx", "cf", "Fig", "e.g", "i.e", "eg", "ie", "ej", "Ud", "Uds",
                                   "núm", "tel", "Tel", "aprox", "ca", "Jr", "Mt"};
    static const char* enders[] = {"etc", "a.m", "p.m", "Inc", "Ltd", "Co", "min", "hrs", "hr", "wk", "mo"};
    std::size_t start = dot;
    while (start > 0 && text[start - 1] != ' ' && text[start - 1] != '(' && text[start - 1] != '\n') {
        --start;
    }
    std::string_view w = text.substr(start, dot - start);
    if (std::any_of(std::begin(titles), std::end(titles), [&](const char* a) { return w == a; })) {
        return Abbrev::always;
    }
    if (w.size() == 1 && std::isalpha(static_cast<unsigned char>(w[0]))) {
        return Abbrev::always;  // an initial (J. Smith), or the p. of "p. ej."
    }
    if (!w.empty() && std::all_of(w.begin(), w.end(), [](char c) { return c >= '0' && c <= '9'; })) {
        // A list number at the start of the block or of a line ("1. Take …").
        std::size_t before = start;
        while (before > 0 && text[before - 1] == ' ') {
            --before;
        }
        if (before == 0 || text[before - 1] == '\n') {
            return Abbrev::always;
        }
    }
    return std::any_of(std::begin(enders), std::end(enders), [&](const char* a) { return w == a; }) ? Abbrev::unless_capital
                                                                                                   : Abbrev::none;
}

/// Whether the next word after `at` (past spaces and opening quotes or brackets) starts with a
/// capital letter or a digit; true at the end of the text.
bool capital_follows(std::string_view text, std::size_t at) {
    while (at < text.size()) {
        gunichar c = char_at(text, at);
        if (g_unichar_isspace(c) || c == '"' || c == '\'' || c == '(' || c == 0x201C || c == 0x2018 || c == 0xAB ||
            c == 0xBF || c == 0xA1) {
            at = next_char(text, at);
            continue;
        }
        return g_unichar_isupper(c) || g_unichar_isdigit(c);
    }
    return true;
}

/// The length of a phone number starting at `i` — (555) 014-2368, +1 555 014 2368: digits,
/// spaces, brackets, dots, hyphens and a leading +, seven digits or more — or 0.
std::size_t phone_length(std::string_view t, std::size_t i) {
    if (!(is_digit(t, i) || ((t[i] == '(' || t[i] == '+') && is_digit(t, i + 1)))) {
        return 0;
    }
    if (i > 0 && (std::isalnum(static_cast<unsigned char>(t[i - 1])) || t[i - 1] == '.')) {
        return 0;
    }
    std::size_t j = i, end = i;
    int digits = 0;
    while (j < t.size() && (is_digit(t, j) || std::string_view("()+-. ").find(t[j]) != std::string_view::npos)) {
        if (is_digit(t, j)) {
            ++digits;
            end = j + 1;
        } else if (t[j] == ')') {
            end = j + 1;
        }
        ++j;
    }
    return digits >= 7 ? end - i : 0;
}

/// Syllables of a word as count_words() cuts it: a web or email address is read off (one); an
/// initialism with full stops is said letter by letter (T.V., e.g.: two); an identifier's parts
/// between underscores are words (remove_punctuation).
int token_syllables(std::string_view tok, std::string_view lang) {
    if (tok.find('@') != std::string_view::npos || tok.find('/') != std::string_view::npos) {
        return 1;
    }
    bool dotted = false;
    for (std::size_t k = 1; k + 1 < tok.size(); ++k) {
        dotted = dotted || (tok[k] == '.' && !is_digit(tok, k - 1) && !is_digit(tok, k + 1));
    }
    if (dotted) {
        int letters = 0;
        bool initials = true;
        for (std::size_t from = 0; from <= tok.size() && initials;) {
            std::size_t to = std::min(tok.find('.', from), tok.size());
            std::string_view part = tok.substr(from, to - from);
            initials = part.size() == 1 && std::isalpha(static_cast<unsigned char>(part[0]));
            letters += part == "w" || part == "W" ? 3 : 1;  // double-u
            from = to + 1;
        }
        return initials ? letters : 1;
    }
    if (tok.find('_') != std::string_view::npos) {
        std::string parts(tok);
        std::replace(parts.begin(), parts.end(), '_', '-');
        return syllables(parts, lang);
    }
    return syllables(tok, lang);
}

}  // namespace

TextStats count_words(std::string_view sentence, std::string_view lang) {
    TextStats st;
    st.sentences = 1;
    std::size_t i = 0;
    while (i < sentence.size()) {
        std::size_t start = i;
        const std::size_t phone = phone_length(sentence, i);
        i += phone;
        while (i < sentence.size() && phone == 0) {
            gunichar c = char_at(sentence, i);
            std::size_t next = next_char(sentence, i);
            bool between = i > start && next < sentence.size() && g_unichar_isalnum(char_at(sentence, next));
            bool inner = between && (c == '\'' || c == 0x2019 || c == '-' ||
                                     ((c == '.' || c == ',' || c == ':') && is_digit(sentence, i - 1) && is_digit(sentence, next)));
            bool address = between && (c == '.' || c == '/' || c == '@' || c == '_');
            if (!(g_unichar_isalnum(c) || g_unichar_ismark(c) || inner || address)) {
                break;
            }
            i = next;
        }
        if (i == start) {
            i = next_char(sentence, i);
            continue;
        }
        ++st.words;
        int syl = phone != 0 ? 1 : token_syllables(sentence.substr(start, i - start), lang);
        st.syllables += syl;
        st.polysyllables += syl >= 3 ? 1 : 0;
    }
    if (st.words == 0) {
        st.sentences = 0;
    }
    return st;
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
        while (begin < end && (text[begin] == ' ' || text[begin] == '\n')) {
            ++begin;
        }
        if (end > begin) {
            TextStats st = count_words(text.substr(begin, end - begin), lang);
            if (st.words > 0) {
                out.push_back(Sentence{begin, end, st});
            }
        }
        begin = end;
    };
    for (std::size_t i = 0; i < text.size();) {
        std::size_t len = stop_length(text, i);
        if (len == 0) {
            ++i;
            continue;
        }
        const std::size_t first = i;
        // A run of stops is one end (?!, ...).
        std::size_t after = i;
        while (after < text.size() && stop_length(text, after) != 0) {
            after += stop_length(text, after);
        }
        while (after < text.size() && closer_length(text, after) != 0) {
            after += closer_length(text, after);
        }
        i = after;
        bool at_space = after >= text.size() || g_unichar_isspace(char_at(text, after));
        if (!at_space) {
            continue;  // 2.5, e.g, a URL
        }
        // An ellipsis before a small letter is a pause, not an end ("Playing ... games").
        std::string_view run = text.substr(first, after - first);
        bool ellipsis = run.substr(0, 3) == "\xE2\x80\xA6" || run.substr(0, 2) == "..";
        if (ellipsis && !capital_follows(text, after)) {
            continue;
        }
        if (text[first] == '.' && after - first >= 1 && (after == first + 1 || closer_length(text, first + 1) != 0)) {
            Abbrev a = abbreviation_before(text, first);
            if (a == Abbrev::always || (a == Abbrev::unless_capital && !capital_follows(text, after))) {
                continue;
            }
        }
        flush(after);
    }
    flush(text.size());
    return out;
}

}  // namespace handout
