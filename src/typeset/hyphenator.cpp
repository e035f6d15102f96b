#include "typeset/hyphenator.hpp"

#include "core/glib_ptr.hpp"

#include <glib.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>

namespace handout {

namespace {

/// Words the Debian patterns split badly, with their correct break points marked by '-'.
const std::map<std::string, std::vector<std::string>, std::less<>> exceptions = {
    {"en", {"med-i-cines", "med-i-cine", "ket-a-mine", "in-fu-sion", "in-fu-sions", "an-es-thet-ic",
            "neu-ro-trans-mit-ters", "hal-lu-ci-na-tions", "fi-bro-my-al-gia", "in-flam-ma-tion"}},
    {"es", {"ke-ta-mi-na"}},
};

/// The fewest letters a hyphen may leave before and after it: TeX's \lefthyphenmin and
/// \righthyphenmin for the language (English 2 and 3; Spanish 2 and 2, as babel-spanish and
/// the RAE's Ortografía allow: "du-ran-te", "con-sen-ti-mien-to").
struct HyphenMins {
    int left, right;
};
HyphenMins mins_for(std::string_view primary_lang) {
    if (primary_lang == "es") {
        return {2, 2};
    }
    return {2, 3};
}

std::string primary(std::string_view lang) {
    std::string l(lang.substr(0, lang.find_first_of("-_")));
    for (auto& c : l) {
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    return l;
}

}  // namespace

Hyphenator::Hyphenator(std::string dict_dir) : m_dir(std::move(dict_dir)) {}

HyphenDict* Hyphenator::dict(std::string_view lang) {
    std::string key = primary(lang);
    auto it = m_dicts.find(key);
    if (it != m_dicts.end()) {
        return it->second.get();
    }
    static const std::map<std::string, std::vector<std::string>> files = {
        {"en", {"hyph_en_US.dic", "hyph_en.dic"}}, {"es", {"hyph_es_ES.dic", "hyph_es.dic", "hyph_es_MX.dic"}}};
    HyphenDictPtr d;
    auto f = files.find(key);
    if (f != files.end()) {
        for (const auto& name : f->second) {
            std::string path = (std::filesystem::path(m_dir) / name).string();
            if (std::filesystem::exists(path)) {
                d.reset(hnj_hyphen_load(path.c_str()));
                if (d != nullptr) {
                    break;
                }
            }
        }
    }
    return m_dicts.emplace(key, std::move(d)).first->second.get();
}

bool Hyphenator::supports(std::string_view lang) {
    return dict(lang) != nullptr;
}

const std::vector<std::size_t>& Hyphenator::points(std::string_view word, std::string_view lang) {
    std::string key = primary(lang) + ":" + std::string(word);
    auto it = m_cache.find(key);
    if (it != m_cache.end()) {
        return it->second;
    }
    std::vector<std::size_t> pts;
    const std::string lower(GCharPtr(g_utf8_strdown(word.data(), static_cast<gssize>(word.size()))).get());
    bool found = false;
    if (auto ex = exceptions.find(primary(lang)); ex != exceptions.end()) {
        for (const auto& e : ex->second) {
            std::string plain;
            std::vector<std::size_t> marks;
            for (char c : e) {
                if (c == '-') {
                    marks.push_back(plain.size());
                } else {
                    plain += c;
                }
            }
            if (plain == lower) {
                pts = marks;
                found = true;
                break;
            }
        }
    }
    HyphenDict* d = found ? nullptr : dict(lang);
    if (d != nullptr && lower.size() == word.size()) {
        std::vector<char> hyphens(lower.size() + 5, '0');
        std::vector<char> hword(lower.size() * 3 + 10);
        char** rep = nullptr;
        int* pos = nullptr;
        int* cut = nullptr;
        const HyphenMins mins = mins_for(primary(lang));
        int rc = hnj_hyphen_hyphenate3(d, lower.c_str(), static_cast<int>(lower.size()), hyphens.data(), hword.data(),
                                       &rep, &pos, &cut, mins.left, mins.right, mins.left, mins.right);
        // Non-standard breaks (a replacement at the break, as in old German "ck" → "k-k") come as
        // malloc'd arrays, one string per letter; none of our languages has them, and they are
        // not used.
        const MallocPtr<char*> reps(rep);
        const MallocPtr<int> positions(pos), cuts(cut);
        for (std::size_t i = 0; reps != nullptr && i < lower.size(); ++i) {
            const MallocPtr<char> one(reps.get()[i]);
        }
        if (rc == 0 && rep == nullptr) {
            // With a UTF-8 dictionary hyphens[] counts characters, not bytes.
            std::size_t byte = 0;
            std::size_t ch = 0;
            while (byte < word.size()) {
                std::size_t next = static_cast<std::size_t>(g_utf8_next_char(word.data() + byte) - word.data());
                if ((hyphens[d->utf8 ? ch : byte] - '0') % 2 == 1 && next < word.size()) {
                    pts.push_back(next);
                }
                byte = next;
                ++ch;
            }
        }
    }
    m_grew = true;
    return m_cache.emplace(std::move(key), std::move(pts)).first->second;
}

std::string Hyphenator::dictionaries_id() const {
    // The dictionary files' names, sizes and times: a cache is only as good as its patterns.
    // 2: Spanish hyphenates with its own minimums (2 and 2).
    std::string id = "handout-hyphen-cache 2";
    std::error_code ec;
    for (const char* n : {"hyph_en_US.dic", "hyph_en.dic", "hyph_es_ES.dic", "hyph_es.dic", "hyph_es_MX.dic"}) {
        std::filesystem::path p = std::filesystem::path(m_dir) / n;
        if (std::filesystem::exists(p, ec)) {
            auto t = std::filesystem::last_write_time(p, ec).time_since_epoch().count();
            id += std::string(" ") + n + ":" + std::to_string(std::filesystem::file_size(p, ec)) + ":" + std::to_string(t);
        }
    }
    return id;
}

std::string Hyphenator::export_cache() const {
    std::vector<const std::pair<const std::string, std::vector<std::size_t>>*> entries;
    for (const auto& e : m_cache) {
        entries.push_back(&e);
    }
    std::sort(entries.begin(), entries.end(), [](auto* a, auto* b) { return a->first < b->first; });
    std::string out = dictionaries_id() + "\n";
    for (const auto* e : entries) {
        out += e->first + "\t";
        for (std::size_t i = 0; i < e->second.size(); ++i) {
            out += (i > 0 ? "," : "") + std::to_string(e->second[i]);
        }
        out += "\n";
    }
    return out;
}

void Hyphenator::import_cache(std::string_view text) {
    std::size_t nl = text.find('\n');
    if (nl == std::string_view::npos || text.substr(0, nl) != dictionaries_id()) {
        return;
    }
    std::size_t pos = nl + 1;
    while (pos < text.size()) {
        std::size_t e = text.find('\n', pos);
        if (e == std::string_view::npos) {
            break;  // a line that is not whole is not used
        }
        std::string_view line = text.substr(pos, e - pos);
        std::size_t tab = line.find('\t');
        if (tab != std::string_view::npos) {
            std::vector<std::size_t> pts;
            std::string_view nums = line.substr(tab + 1);
            std::size_t p = 0;
            while (p < nums.size()) {
                std::size_t c = nums.find(',', p);
                if (c == std::string_view::npos) {
                    c = nums.size();
                }
                pts.push_back(static_cast<std::size_t>(std::strtoul(std::string(nums.substr(p, c - p)).c_str(), nullptr, 10)));
                p = c + 1;
            }
            m_cache.emplace(std::string(line.substr(0, tab)), std::move(pts));
        }
        pos = e + 1;
    }
    m_grew = false;
}

std::string Hyphenator::hyphenate(std::string_view text, std::string_view lang) {
    std::string out;
    out.reserve(text.size() + text.size() / 8);
    std::size_t i = 0;
    while (i < text.size()) {
        // A word: letters only; anything touching a digit, '@', '/' or '.' inside stays whole.
        std::size_t start = i;
        std::size_t chars = 0;
        bool all_upper = true;
        while (i < text.size()) {
            gunichar c = g_utf8_get_char(text.data() + i);
            if (!g_unichar_isalpha(c)) {
                break;
            }
            all_upper = all_upper && g_unichar_isupper(c);
            i = static_cast<std::size_t>(g_utf8_next_char(text.data() + i) - text.data());
            ++chars;
        }
        if (i == start) {
            i = static_cast<std::size_t>(g_utf8_next_char(text.data() + i) - text.data());
            out.append(text.substr(start, i - start));
            continue;
        }
        std::string_view word = text.substr(start, i - start);
        bool glued = (start > 0 && std::string_view("@/._-0123456789").find(text[start - 1]) != std::string_view::npos) ||
                     (i < text.size() && std::string_view("@/_0123456789").find(text[i]) != std::string_view::npos);
        if (chars < 6 || all_upper || glued) {
            out.append(word);
            continue;
        }
        std::size_t prev = 0;
        for (std::size_t p : points(word, lang)) {
            out.append(word.substr(prev, p - prev));
            out += "\xC2\xAD";
            prev = p;
        }
        out.append(word.substr(prev));
    }
    return out;
}

}  // namespace handout
