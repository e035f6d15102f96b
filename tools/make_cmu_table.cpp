// Build-time generator: reads the CMU Pronouncing Dictionary as Festival ships it (Debian's
// festlex-cmu, cmudict-0.4.out: one `("word" pos ((syllable stress) …))` entry a line, already
// split into syllables) and writes a C++ source holding every word and its syllable count as a
// compact sorted table, and the word endings and beginnings where syllables_by_spelling() is
// wrong, learnt from nine words in ten (the tenth are held out to measure the fallback on).
// check/cmu_table.hpp says how the table is read. Run by CMake; not installed.
//
//   make_cmu_table <cmudict-0.4.out> <out.cpp>
#include "check/syllable_rules.hpp"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <string>
#include <unordered_map>
#include <vector>

namespace {

/// The syllables of one entry's pronunciation: its `((phones) stress)` groups.
int count_syllables(const std::string& pron) {
    int n = 0;
    for (std::size_t at = 0; (at = pron.find("((", at)) != std::string::npos; at += 2) {
        ++n;
    }
    // `(((t ey) 1) ((b ax l z) 0))`: the search finds the first syllable's "((" inside the
    // opening "(((" and steps past it, then one "((" a syllable.
    return n;
}

constexpr std::size_t held_stride = 10;

struct Word {
    std::string text;
    int syllables;  ///< the dictionary's
    int guess;      ///< so far: the spelling rules', then with the learnt corrections
};

/// Learns which endings (`suffix`) or beginnings of the training words need a correction to
/// their guess: every affix of up to `longest` letters seen on `support` words or more whose
/// words at least `purity` of the time need the same correction. Then drops each entry that
/// says what the longest shorter entry already says (0 where there is none), since the
/// longest match applies, and applies the table to every word's guess.
std::map<std::string, int> learn(std::vector<Word>& all, bool suffix, std::size_t longest, int support, double purity) {
    auto affix = [&](const std::string& w, std::size_t k) { return suffix ? w.substr(w.size() - k) : w.substr(0, k); };
    std::unordered_map<std::string, std::map<int, int>> seen;
    for (std::size_t i = 0; i < all.size(); ++i) {
        if (i % held_stride == 0) {
            continue;
        }
        for (std::size_t k = 1; k <= std::min(longest, all[i].text.size()); ++k) {
            ++seen[affix(all[i].text, k)][all[i].syllables - all[i].guess];
        }
    }
    std::map<std::size_t, std::map<std::string, int>> by_length;
    for (const auto& [text, corrections] : seen) {
        int total = 0, best = 0, best_n = 0;
        for (const auto& [c, n] : corrections) {
            total += n;
            if (n > best_n) {
                best = c;
                best_n = n;
            }
        }
        if (total >= support && best_n >= purity * total) {
            by_length[text.size()][text] = best;
        }
    }
    std::map<std::string, int> kept;
    auto lookup = [&](const std::string& w, std::size_t below) {
        for (std::size_t k = std::min(below, w.size() + 1); k-- > 1;) {
            if (auto it = kept.find(affix(w, k)); it != kept.end()) {
                return it->second;
            }
        }
        return 0;
    };
    for (const auto& [len, entries] : by_length) {
        for (const auto& [text, c] : entries) {
            if (c != lookup(text, len)) {
                kept[text] = c;
            }
        }
    }
    for (Word& w : all) {
        w.guess += lookup(w.text, w.text.size() + 1);
    }
    return kept;
}

void write_affixes(std::ostringstream& out, const char* name, const char* count, const std::map<std::string, int>& table) {
    out << "const Affix " << name << "[] = {\n";
    std::size_t k = 0;
    for (const auto& [text, c] : table) {
        out << "{\"" << text << "\"," << c << "}" << (++k % 6 == 0 ? ",\n" : ",");
    }
    out << "};\nconst std::size_t " << count << " = " << table.size() << ";\n\n";
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 3) {
        std::cerr << "usage: make_cmu_table <cmudict-0.4.out> <out.cpp>\n";
        return 2;
    }
    std::ifstream in(argv[1]);
    if (!in) {
        std::cerr << argv[1] << ": cannot read (Debian's festlex-cmu package installs it)\n";
        return 1;
    }
    // A word spelled twice (by part of speech: "aged" as adjective and verb) keeps its fewest
    // syllables.
    std::map<std::string, int> words;
    std::string line;
    int lineno = 0;
    while (std::getline(in, line)) {
        ++lineno;
        if (line.size() < 4 || line[0] != '(' || line[1] != '"') {
            continue;  // the "MNCL" header
        }
        std::size_t close = line.find('"', 2);
        std::size_t pron = line.find("(((", close == std::string::npos ? 0 : close);
        if (close == std::string::npos || pron == std::string::npos) {
            std::cerr << argv[1] << ":" << lineno << ": not a dictionary entry\n";
            return 1;
        }
        std::string word = line.substr(2, close - 2);
        for (char& c : word) {
            c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        }
        int n = count_syllables(line.substr(pron));
        if (n < 1 || n > 15 || word.empty()) {
            std::cerr << argv[1] << ":" << lineno << ": a word of " << n << " syllables\n";
            return 1;
        }
        auto [it, fresh] = words.emplace(word, n);
        if (!fresh) {
            it->second = std::min(it->second, n);
        }
    }
    std::vector<Word> all;
    all.reserve(words.size());
    for (const auto& [word, n] : words) {
        all.push_back({word, n, handout::syllables_by_spelling(word)});
    }
    auto hits = [&] {
        std::size_t held = 0, right = 0;
        for (std::size_t i = 0; i < all.size(); i += held_stride) {
            ++held;
            right += std::max(all[i].guess, 1) == all[i].syllables ? 1 : 0;  // at least 1, as at run time
        }
        return 100.0 * static_cast<double>(right) / static_cast<double>(held);
    };
    const double by_rules = hits();
    const auto suffixes = learn(all, true, 8, 4, 0.75);
    const auto prefixes = learn(all, false, 6, 5, 0.75);
    std::fprintf(stderr, "make_cmu_table: %zu words; the fallback on the held tenth: %.1f %% by spelling rules, %.1f %% with %zu endings and %zu beginnings learnt\n",
                 all.size(), by_rules, hits(), suffixes.size(), prefixes.size());
    std::ostringstream out;
    out << "// Generated by tools/make_cmu_table.cpp from " << argv[1] << " (CMU Pronouncing Dictionary\n"
        << "// 0.4, Festival's syllabified form; BSD-style licence, see README). Do not edit.\n"
        << "#include \"check/cmu_table.hpp\"\n\nnamespace handout::cmu {\n\n"
        << "const char words[] =\n";
    std::string entry_line;
    std::ostringstream offsets;
    std::size_t at = 0, k = 0;
    for (const auto& [word, n] : words) {
        offsets << at << (++k % 16 == 0 ? ",\n" : ",");
        entry_line += word;
        // The count ends the word, as an octal escape (1–15: no letter of the next word is an
        // octal digit).
        char esc[8];
        std::snprintf(esc, sizeof esc, "\\%o", static_cast<unsigned>(n));
        entry_line += esc;
        at += word.size() + 1;
        if (entry_line.size() > 100) {
            out << "    \"" << entry_line << "\"\n";
            entry_line.clear();
        }
    }
    out << "    \"" << entry_line << "\";\n\n";
    out << "const std::uint32_t offsets[] = {\n" << offsets.str() << "};\n\n";
    out << "const std::size_t count = " << words.size() << ";\n";
    out << "const std::size_t held_stride = " << held_stride << ";\n\n";
    write_affixes(out, "suffixes", "suffix_count", suffixes);
    write_affixes(out, "prefixes", "prefix_count", prefixes);
    out << "}  // namespace handout::cmu\n";
    std::string tmp = std::string(argv[2]) + ".tmp";
    {
        std::ofstream f(tmp, std::ios::binary);
        f << out.str();
        if (!f) {
            std::cerr << tmp << ": cannot write\n";
            return 1;
        }
    }
    if (std::rename(tmp.c_str(), argv[2]) != 0) {
        std::cerr << argv[2] << ": cannot write\n";
        return 1;
    }
    return 0;
}
