#include "check/plain_language.hpp"

#include "check/readability.hpp"
#include "check/utf8_text.hpp"
#include "core/glib_ptr.hpp"

#include <glib.h>

#include <algorithm>
#include <cmath>
#include <optional>
#include <set>

namespace handout {

namespace {

// ---- words ----

/// A word of a block: a run of letters and digits with inner apostrophes and hyphens
/// (don't, first-line), as in readability's count.
struct Token {
    std::size_t begin = 0, end = 0;  ///< bytes in the block's text
    std::string_view word;           ///< as written
    std::string lower;               ///< lower case, ’ as '
};

bool word_char(gunichar c) {
    return c < 0x110000 && (g_unichar_isalnum(c) || g_unichar_ismark(c));
}

std::string lower(std::string_view s) {
    GCharPtr down(g_utf8_strdown(s.data(), static_cast<gssize>(s.size())));
    std::string out = down.get();
    for (std::size_t at = out.find("\xE2\x80\x99"); at != std::string::npos; at = out.find("\xE2\x80\x99", at)) {
        out.replace(at, 3, "'");
    }
    return out;
}

std::vector<Token> tokenize(std::string_view text) {
    std::vector<Token> out;
    std::size_t i = 0;
    while (i < text.size()) {
        if (!word_char(char_at(text, i))) {
            i = next_char(text, i);
            continue;
        }
        std::size_t start = i;
        while (i < text.size()) {
            if (word_char(char_at(text, i))) {
                i = next_char(text, i);
                continue;
            }
            // An apostrophe or hyphen between two word characters stays in the word.
            std::size_t len = text[i] == '\'' || text[i] == '-' ? 1 : text.compare(i, 3, "\xE2\x80\x99") == 0 ? 3 : 0;
            if (len == 0 || i + len >= text.size() || !word_char(char_at(text, i + len))) {
                break;
            }
            i += len;
        }
        Token t;
        t.begin = start;
        t.end = i;
        t.word = text.substr(start, i - start);
        t.lower = lower(t.word);
        out.push_back(std::move(t));
    }
    return out;
}

/// Whether only spaces lie between two tokens (no comma, full stop or bracket).
bool adjacent(std::string_view text, const Token& a, const Token& b) {
    for (std::size_t i = a.end; i < b.begin; ++i) {
        if (text[i] != ' ' && text[i] != '\t' && text[i] != '\n') {
            return false;
        }
    }
    return true;
}

bool in(std::string_view w, std::initializer_list<std::string_view> list) {
    return std::find(list.begin(), list.end(), w) != list.end();
}

bool spanish(std::string_view lang) {
    return lang.substr(0, 2) == "es";
}

bool english(std::string_view lang) {
    return lang.substr(0, 2) == "en";
}

bool article(std::string_view w, bool es) {
    return es ? in(w, {"un", "una", "unos", "unas", "el", "la", "los", "las", "lo"}) : in(w, {"a", "an", "the"});
}

/// A sentence of a prose block, with the tokens that fall in it.
struct Sent {
    std::size_t block = 0;
    std::size_t begin = 0, end = 0;          ///< bytes in the block's text
    std::size_t first = 0, last = 0;         ///< its tokens: [first, last) of the block's
    int words = 0;
};

struct BlockWords {
    std::vector<Token> tokens;
    std::vector<std::size_t> sentences;      ///< indices into the document's sentence list
};

std::string quote_start(std::string_view text, std::size_t words) {
    auto ts = tokenize(text);
    if (ts.size() <= words) {
        return std::string(text);
    }
    return std::string(text.substr(0, ts[words - 1].end)) + "…";
}

// ---- 1. medical terms ----

bool english_participle(std::string_view w);
bool spanish_participle(std::string_view w);

struct Form {
    std::size_t term = 0;
    std::vector<std::string> words;  ///< lower case, or as written for a word in capitals
    std::vector<bool> exact;         ///< match as written (CRPS), not in any case
};

bool capitals(std::string_view w) {
    int upper = 0;
    for (std::size_t i = 0; i < w.size(); i = next_char(w, i)) {
        gunichar c = char_at(w, i);
        if (g_unichar_islower(c)) {
            return false;
        }
        upper += g_unichar_isupper(c) ? 1 : 0;
    }
    return upper >= 2;
}

std::vector<Form> forms_of(const TermList& list) {
    std::vector<Form> out;
    for (std::size_t t = 0; t < list.terms.size(); ++t) {
        for (const auto& f : list.terms[t].forms) {
            Form form;
            form.term = t;
            for (const auto& tok : tokenize(f)) {
                bool exact = capitals(tok.word);
                form.words.push_back(exact ? std::string(tok.word) : tok.lower);
                form.exact.push_back(exact);
            }
            if (!form.words.empty()) {
                out.push_back(std::move(form));
            }
        }
    }
    // The longest form wins where two start at the same word ("neuropathic pain" over "neuropathic").
    std::stable_sort(out.begin(), out.end(), [](const Form& a, const Form& b) { return a.words.size() > b.words.size(); });
    return out;
}

struct Match {
    std::size_t term = 0;
    std::size_t first = 0, last = 0;  ///< tokens [first, last)
};

/// Whether form `f` is written at token `i`: each word in turn (in capitals where the form has
/// them), the words side by side.
bool form_at(const Form& f, std::string_view text, const std::vector<Token>& ts, std::size_t i) {
    if (i + f.words.size() > ts.size()) {
        return false;
    }
    for (std::size_t k = 0; k < f.words.size(); ++k) {
        const Token& t = ts[i + k];
        if (!(f.exact[k] ? t.word == f.words[k] : t.lower == f.words[k]) || (k > 0 && !adjacent(text, ts[i + k - 1], t))) {
            return false;
        }
    }
    return true;
}

/// Every term in the tokens, left to right, the longest form at each place, none overlapping.
std::vector<Match> find_terms(std::string_view text, const std::vector<Token>& ts, const std::vector<Form>& forms) {
    std::vector<Match> out;
    std::size_t i = 0;
    while (i < ts.size()) {
        std::optional<Match> found;
        for (const auto& f : forms) {
            if (form_at(f, text, ts, i)) {
                found = Match{f.term, i, i + f.words.size()};
                break;
            }
        }
        if (found) {
            out.push_back(*found);
            i = found->last;
        } else {
            ++i;
        }
    }
    return out;
}

class TermCheck {
public:
    TermCheck(const PlainLanguageInput& in, const std::vector<Sent>& sents, const std::vector<BlockWords>& words)
        : m_in(in), m_blocks(*in.blocks), m_sents(sents), m_words(words), m_es(spanish(in.lang)),
          m_forms(forms_of(*in.terms)), m_settled(in.terms->terms.size(), false) {}

    void run(Diagnostics& out) {
        // A glossary anywhere explains its terms everywhere: read it first.
        for (std::size_t b = 0; b < m_blocks.size(); ++b) {
            if (m_blocks[b].glossary && !m_blocks[b].heading) {
                for (const auto& m : find_terms(m_blocks[b].text, m_words[b].tokens, m_forms)) {
                    m_settled[m.term] = true;
                }
            }
        }
        for (std::size_t b = 0; b < m_blocks.size(); ++b) {
            const TextBlock& blk = m_blocks[b];
            if (blk.heading) {
                // "What is ketamine infusion?": the section under it says.
                if (question_heading(m_words[b].tokens)) {
                    for (const auto& m : find_terms(blk.text, m_words[b].tokens, m_forms)) {
                        m_settled[m.term] = true;
                    }
                }
                continue;
            }
            if (!blk.prose || blk.glossary) {
                continue;
            }
            for (const auto& m : find_terms(blk.text, m_words[b].tokens, m_forms)) {
                if (m_settled[m.term]) {
                    continue;
                }
                m_settled[m.term] = true;
                if (!explained(b, m)) {
                    out.push_back(warning(b, m));
                }
            }
        }
    }

private:
    bool question_heading(const std::vector<Token>& ts) const {
        if (ts.size() < 2) {
            return false;
        }
        if (m_es) {
            return ts[0].lower == "qué" && in(ts[1].lower, {"es", "son", "significa"});
        }
        return ts[0].lower == "what's" || (ts[0].lower == "what" && in(ts[1].lower, {"is", "are", "does"}));
    }

    /// The sentence of the document that holds token `t` of block `b`.
    std::size_t sentence_of(std::size_t b, std::size_t t) const {
        for (std::size_t s : m_words[b].sentences) {
            if (t >= m_sents[s].first && t < m_sents[s].last) {
                return s;
            }
        }
        return m_words[b].sentences.empty() ? 0 : m_words[b].sentences.back();
    }

    bool any_form_at(const std::vector<Token>& ts, std::string_view text, std::size_t i, std::size_t term, std::size_t* end) const {
        for (const auto& f : m_forms) {
            if (f.term == term && form_at(f, text, ts, i)) {
                *end = i + f.words.size();
                return true;
            }
        }
        return false;
    }

    bool defining_verb(std::string_view w) const {
        return m_es ? in(w, {"es", "son", "significa", "significan"}) : in(w, {"is", "are", "means", "mean", "refers"});
    }

    /// "X is …" as the sentence's subject: at most two words before it (An NMDA receptor is,
    /// La inflamación es), a defining verb right after, neither negated ("X is not …") nor
    /// passive ("X is given …").
    bool subject_definition(std::string_view text, const std::vector<Token>& ts, const Sent& s, std::size_t first,
                            std::size_t last) const {
        if (first - s.first > 2 || last + 1 >= ts.size() + 1 || last >= s.last) {
            return false;
        }
        const Token& verb = ts[last];
        if (!adjacent(text, ts[last - 1], verb) || !defining_verb(verb.lower)) {
            return false;
        }
        if (last + 1 >= s.last) {
            return true;
        }
        // "The infusion is given by a nurse" says what is done, not what it is.
        const std::string_view next = ts[last + 1].lower;
        return m_es ? !spanish_participle(next) : next != "not" && !english_participle(next);
    }

    /// The next sentence opens by saying what the term is: This is / These are / It is / They
    /// are / That means …, or the term itself with "is"; Spanish Es / Son / Esto es / Es decir /
    /// Se trata de / Quiere decir / No es …, or the term with "es".
    bool next_sentence_explains(std::size_t term, std::size_t sent) const {
        std::size_t next = sent + 1;
        if (next >= m_sents.size()) {
            return false;
        }
        const Sent& n = m_sents[next];
        if (n.block != m_sents[sent].block) {
            // Only the first sentence of the block right after, and not across a heading.
            if (n.block != m_sents[sent].block + 1 || m_blocks[n.block].heading) {
                return false;
            }
        }
        const auto& ts = m_words[n.block].tokens;
        const std::string_view text = m_blocks[n.block].text;
        if (n.first >= n.last) {
            return false;
        }
        auto w = [&](std::size_t k) -> std::string_view { return n.first + k < n.last ? std::string_view(ts[n.first + k].lower) : ""; };
        if (m_es) {
            if (in(w(0), {"es", "son", "significa", "significan"}) ||
                (in(w(0), {"esto", "eso", "este", "esta", "estos", "estas", "ese", "esa", "esos", "esas", "no"}) &&
                 in(w(1), {"es", "son", "significa", "significan", "quiere"})) ||
                (w(0) == "se" && w(1) == "trata") || (w(0) == "quiere" && w(1) == "decir")) {
                return true;
            }
        } else {
            if (in(w(0), {"it's", "that's", "they're", "these're"}) ||
                (in(w(0), {"this", "these", "that", "those", "it", "they"}) && in(w(1), {"is", "are", "means", "mean"}))) {
                return true;
            }
        }
        std::size_t i = n.first;
        if (i < n.last && article(ts[i].lower, m_es)) {
            ++i;
        }
        std::size_t end = 0;
        return i < n.last && any_form_at(ts, text, i, term, &end) && end < n.last && adjacent(text, ts[end - 1], ts[end]) &&
               defining_verb(ts[end].lower);
    }

    bool explained(std::size_t b, const Match& m) const {
        const std::string_view text = m_blocks[b].text;
        const auto& ts = m_words[b].tokens;
        const Sent& s = m_sents[sentence_of(b, m.first)];
        const std::size_t begin = ts[m.first].begin, end = ts[m.last - 1].end;
        auto skip = [&](std::size_t i) {
            while (i < text.size() && (text[i] == ' ' || text[i] == '\t' || text[i] == '\n')) {
                ++i;
            }
            return i;
        };
        // A bracket right after: "anesthesia (to put people to sleep …)", "… syndrome (CRPS)".
        std::size_t after = skip(end);
        if (after < text.size() && text[after] == '(') {
            return true;
        }
        // Inside a bracket after what it means: "a thin tube (an IV)".
        std::size_t open = begin;
        for (std::size_t k = m.first; k > s.first && article(ts[k - 1].lower, m_es) && adjacent(text, ts[k - 1], ts[k]); --k) {
            open = ts[k - 1].begin;
        }
        while (open > s.begin && (text[open - 1] == ' ' || text[open - 1] == '\t')) {
            --open;
        }
        if (open > s.begin && text[open - 1] == '(' && m.first > s.first && ts[s.first].end < open) {
            return true;
        }
        // Apposition: "X, a …", "X, which is …", "X, or …", "X: …", "X — …"; Spanish "X, que es …", "X, un …".
        const bool more = m.last < s.last;
        if (after < text.size() && more) {
            const std::string_view w1 = ts[m.last].lower;
            const std::string_view w2 = m.last + 1 < s.last ? std::string_view(ts[m.last + 1].lower) : "";
            if (text[after] == ':' || text.compare(after, 3, "\xE2\x80\x94") == 0 || text.compare(after, 3, "\xE2\x80\x93") == 0 ||
                (text[after] == '-' && after > end)) {
                return true;
            }
            // Not after "X, the …" or "X, el …": "In a ketamine infusion, the medicine drips" is a
            // sentence going on, not an apposition.
            if (text[after] == ',') {
                if (m_es ? (in(w1, {"un", "una", "unos", "unas", "que", "o", "llamado", "llamada", "llamados", "llamadas"}) ||
                            (w1 == "es" && w2 == "decir"))
                         : (in(w1, {"a", "an", "which", "or", "meaning", "called"}) ||
                            (w1 == "that" && in(w2, {"is", "means"})) || (w1 == "also" && in(w2, {"called", "known"})) ||
                            (w1 == "known" && w2 == "as"))) {
                    return true;
                }
            }
        }
        // "X is …" / "X es …" as the subject of its sentence.
        if (subject_definition(text, ts, s, m.first, m.last)) {
            return true;
        }
        // What it means, then "called X": "chemicals called neurotransmitters", "Se llaman neurotransmisores".
        if (m.first > s.first && adjacent(text, ts[m.first - 1], ts[m.first])) {
            const std::string_view w = ts[m.first - 1].lower;
            const std::string_view w0 = m.first - 1 > s.first ? std::string_view(ts[m.first - 2].lower) : "";
            if (m_es ? (in(w, {"llamado", "llamada", "llamados", "llamadas", "llama", "llaman", "denomina", "denominan"}) ||
                        (w == "como" && in(w0, {"conocido", "conocida", "conocidos", "conocidas"})))
                     : (in(w, {"called", "named", "termed"}) || (w == "as" && w0 == "known"))) {
                return true;
            }
        }
        return next_sentence_explains(m.term, sentence_of(b, m.first));
    }

    Diagnostic warning(std::size_t b, const Match& m) const {
        const TextBlock& blk = m_blocks[b];
        const auto& ts = m_words[b].tokens;
        const std::string said(blk.text.substr(ts[m.first].begin, ts[m.last - 1].end - ts[m.first].begin));
        std::vector<std::string> hints;
        if (m_es) {
            hints.push_back("explain it where it is first used: “" + said + " (…)”, “" + said + ", que es …”, or a next sentence “Es …”");
        } else {
            hints.push_back("explain it where it is first used: “" + said + " (…)”, “" + said + ", a …”, or a next sentence “This is …”");
        }
        hints.push_back("or list it under a heading “" + std::string(m_es ? "Glosario" : "Words to know") + "”");
        const std::string list = m_in.terms->source ? m_in.terms->source->path : "the term list";
        hints.push_back("the terms checked are in " + list + "; `undefined_terms = \"off\"` under [plain_language] in " + m_in.rules +
                        " turns this check off");
        return warning_at(m_in.file, blk.source(ts[m.first].begin),
                          "“" + said + "” is a medical term, not explained where it is first used", hints);
    }

    const PlainLanguageInput& m_in;
    const std::vector<TextBlock>& m_blocks;
    const std::vector<Sent>& m_sents;
    const std::vector<BlockWords>& m_words;
    const bool m_es;
    const std::vector<Form> m_forms;
    std::vector<bool> m_settled;
};

// ---- 2. passive voice ----

bool english_participle(std::string_view w) {
    static const std::set<std::string_view> irregular = {
        "arisen", "awoken", "beaten", "become", "begun", "bent", "bitten", "blown", "born", "borne", "bought", "bound", "broken",
        "brought", "built", "burnt", "caught", "chosen", "come", "cut", "dealt", "done", "drawn", "driven", "drunk", "eaten", "fallen",
        "fed", "felt", "fought", "found", "forbidden", "forgiven", "forgotten", "frozen", "given", "gone", "grown", "heard", "held",
        "hidden", "hit", "hung", "hurt", "kept", "known", "laid", "led", "left", "lent", "let", "lit", "lost", "made", "meant", "met",
        "mistaken", "overdone", "overtaken", "paid", "proven", "put", "quit", "read", "rewritten", "ridden", "risen", "run", "said",
        "seen", "sent", "set", "shaken", "shot", "shown", "shut", "slept", "sold", "sought", "spent", "split", "spoken", "spread",
        "stolen", "struck", "stuck", "sung", "sunk", "sworn", "taken", "taught", "thought", "thrown", "told", "torn", "understood",
        "undertaken", "undone", "upheld", "withdrawn", "withheld", "woken", "won", "worn", "written"};
    // Words in -ed that are no participle, and participles that after "be" say how someone
    // feels or is (adjectives), not what was done to them.
    static const std::set<std::string_view> not_passive = {
        "bed", "bleed", "breed", "deed", "embed", "feed", "greed", "heed", "hundred", "indeed", "kindred", "naked", "need", "red",
        "reed", "ragged", "rugged", "sacred", "seed", "shed", "speed", "wed", "weed", "wicked", "beloved", "crooked", "hatred",
        "advanced", "amazed", "annoyed", "ashamed", "bored", "complicated", "concerned", "confused", "crowded", "dehydrated",
        "depressed", "detailed", "disappointed", "divorced", "embarrassed", "excited", "exhausted", "experienced", "frightened",
        "frustrated", "interested", "involved", "limited", "located", "married", "overwhelmed", "pleased", "prepared", "qualified",
        "related", "relaxed", "retired", "satisfied", "scared", "shocked", "stressed", "supposed", "surprised", "tired", "unrelated",
        "worried"};
    if (irregular.count(w) != 0) {
        return true;
    }
    return w.size() >= 4 && w.compare(w.size() - 2, 2, "ed") == 0 && not_passive.count(w) == 0;
}

bool spanish_participle(std::string_view w) {
    static const std::set<std::string_view> irregular = {"hecho", "dicho", "escrito", "puesto", "visto", "abierto", "cubierto",
                                                         "vuelto", "muerto", "roto", "resuelto", "impreso", "frito", "provisto",
                                                         "devuelto", "descubierto", "compuesto", "dispuesto", "propuesto",
                                                         "supuesto", "satisfecho", "deshecho", "prescrito", "descrito"};
    static const std::set<std::string_view> not_passive = {
        "nada", "cada", "vida", "comida", "bebida", "salida", "llegada", "medida", "herida", "seguida", "enseguida", "partida",
        "cuidado", "adecuado", "cansado", "preocupado", "ocupado", "parecido", "querido", "aburrido", "divertido", "sagrado",
        "pesado", "complicado", "delicado", "delgado", "colorado", "dorado", "lado", "estado", "pasado", "helado", "mojado",
        "apropiado", "indicado", "necesitado", "encargado", "enamorado", "equivocado", "exagerado", "atrevido", "distraído"};
    // One stem for every gender and number: complicadas → complicado.
    std::string stem(w);
    if (stem.size() > 4 && stem.back() == 's') {
        stem.pop_back();
    }
    if (stem.size() > 4 && stem.back() == 'a') {
        stem.back() = 'o';
    }
    if (irregular.count(stem) != 0) {
        return true;
    }
    if (not_passive.count(stem) != 0 || stem.size() < 5) {
        return false;
    }
    const std::string_view end = std::string_view(stem).substr(stem.size() - 3);
    return end == "ado" || end == "ido" || end == "ído";
}

bool english_be(std::string_view w) {
    return in(w, {"am", "is", "are", "was", "were", "be", "been", "being", "isn't", "aren't", "wasn't", "weren't", "get", "gets",
                  "got", "gotten", "getting", "it's", "that's", "there's", "what's", "he's", "she's", "who's", "they're", "we're",
                  "you're"});
}

bool spanish_ser(std::string_view w) {
    return in(w, {"es", "son", "fue", "fueron", "será", "serán", "sido", "sea", "sean", "era", "eran", "ser", "siendo", "sería",
                  "serían", "fuera", "fueran", "somos", "soy", "eres"});
}

bool adverb(std::string_view w, bool es) {
    if (es) {
        return in(w, {"también", "siempre", "ya", "aún", "todavía", "muy", "no", "bien", "casi", "nunca"}) ||
               (w.size() > 7 && w.compare(w.size() - 5, 5, "mente") == 0);
    }
    return in(w, {"not", "never", "also", "still", "often", "always", "already", "just", "now", "sometimes", "usually", "even",
                  "then", "all", "both", "each", "only", "being", "been", "be", "rarely", "mostly", "first"}) ||
           (w.size() > 4 && w.compare(w.size() - 2, 2, "ly") == 0);
}

bool passive_tokens(std::string_view text, const std::vector<Token>& ts, std::size_t first, std::size_t last, bool es) {
    for (std::size_t i = first; i < last; ++i) {
        if (!(es ? spanish_ser(ts[i].lower) : english_be(ts[i].lower))) {
            continue;
        }
        std::size_t k = i + 1;
        // Up to three adverbs (or "being", "been") between: "are still being studied".
        for (int skipped = 0; k < last && skipped < 3 && adjacent(text, ts[k - 1], ts[k]) && adverb(ts[k].lower, es); ++skipped) {
            ++k;
        }
        if (k < last && adjacent(text, ts[k - 1], ts[k]) &&
            (es ? spanish_participle(ts[k].lower) : english_participle(ts[k].lower))) {
            return true;
        }
    }
    return false;
}

// ---- 3. numbers written as words ----

enum class Num { add, hundred, scale };

struct NumberWord {
    const char* word;
    long long value;
    Num how;
};

const NumberWord* number_word(std::string_view w, bool es) {
    static const NumberWord english_words[] = {
        {"zero", 0, Num::add},       {"one", 1, Num::add},         {"two", 2, Num::add},          {"three", 3, Num::add},
        {"four", 4, Num::add},       {"five", 5, Num::add},        {"six", 6, Num::add},          {"seven", 7, Num::add},
        {"eight", 8, Num::add},      {"nine", 9, Num::add},        {"ten", 10, Num::add},         {"eleven", 11, Num::add},
        {"twelve", 12, Num::add},    {"thirteen", 13, Num::add},   {"fourteen", 14, Num::add},    {"fifteen", 15, Num::add},
        {"sixteen", 16, Num::add},   {"seventeen", 17, Num::add},  {"eighteen", 18, Num::add},    {"nineteen", 19, Num::add},
        {"twenty", 20, Num::add},    {"thirty", 30, Num::add},     {"forty", 40, Num::add},       {"fifty", 50, Num::add},
        {"sixty", 60, Num::add},     {"seventy", 70, Num::add},    {"eighty", 80, Num::add},      {"ninety", 90, Num::add},
        {"dozen", 12, Num::add},     {"hundred", 100, Num::hundred}, {"thousand", 1000, Num::scale}, {"million", 1000000, Num::scale}};
    static const NumberWord spanish_words[] = {
        {"cero", 0, Num::add},           {"uno", 1, Num::add},            {"un", 1, Num::add},             {"una", 1, Num::add},
        {"dos", 2, Num::add},            {"tres", 3, Num::add},           {"cuatro", 4, Num::add},         {"cinco", 5, Num::add},
        {"seis", 6, Num::add},           {"siete", 7, Num::add},          {"ocho", 8, Num::add},           {"nueve", 9, Num::add},
        {"diez", 10, Num::add},          {"once", 11, Num::add},          {"doce", 12, Num::add},          {"trece", 13, Num::add},
        {"catorce", 14, Num::add},       {"quince", 15, Num::add},        {"dieciséis", 16, Num::add},     {"diecisiete", 17, Num::add},
        {"dieciocho", 18, Num::add},     {"diecinueve", 19, Num::add},    {"veinte", 20, Num::add},        {"veintiuno", 21, Num::add},
        {"veintiún", 21, Num::add},      {"veintiuna", 21, Num::add},     {"veintidós", 22, Num::add},     {"veintitrés", 23, Num::add},
        {"veinticuatro", 24, Num::add},  {"veinticinco", 25, Num::add},   {"veintiséis", 26, Num::add},    {"veintisiete", 27, Num::add},
        {"veintiocho", 28, Num::add},    {"veintinueve", 29, Num::add},   {"treinta", 30, Num::add},       {"cuarenta", 40, Num::add},
        {"cincuenta", 50, Num::add},     {"sesenta", 60, Num::add},       {"setenta", 70, Num::add},       {"ochenta", 80, Num::add},
        {"noventa", 90, Num::add},       {"cien", 100, Num::add},         {"ciento", 100, Num::add},       {"doscientos", 200, Num::add},
        {"doscientas", 200, Num::add},   {"trescientos", 300, Num::add},  {"trescientas", 300, Num::add},  {"cuatrocientos", 400, Num::add},
        {"cuatrocientas", 400, Num::add}, {"quinientos", 500, Num::add},  {"quinientas", 500, Num::add},   {"seiscientos", 600, Num::add},
        {"seiscientas", 600, Num::add},  {"setecientos", 700, Num::add},  {"setecientas", 700, Num::add},  {"ochocientos", 800, Num::add},
        {"ochocientas", 800, Num::add},  {"novecientos", 900, Num::add},  {"novecientas", 900, Num::add},  {"mil", 1000, Num::scale},
        {"millón", 1000000, Num::scale}};
    const NumberWord* b = es ? std::begin(spanish_words) : std::begin(english_words);
    const NumberWord* e = es ? std::end(spanish_words) : std::end(english_words);
    for (const NumberWord* n = b; n != e; ++n) {
        if (w == n->word) {
            return n;
        }
    }
    return nullptr;
}

/// The value of a number word or an English compound of two (twenty-five), or nothing.
std::optional<std::pair<long long, Num>> number_value(std::string_view w, bool es) {
    if (const NumberWord* n = number_word(w, es)) {
        return std::make_pair(n->value, n->how);
    }
    std::size_t dash = w.find('-');
    if (!es && dash != std::string_view::npos) {
        const NumberWord* tens = number_word(w.substr(0, dash), false);
        const NumberWord* unit = number_word(w.substr(dash + 1), false);
        if (tens != nullptr && unit != nullptr && tens->value >= 20 && tens->value % 10 == 0 && tens->value < 100 && unit->value >= 1 &&
            unit->value <= 9) {
            return std::make_pair(tens->value + unit->value, Num::add);
        }
    }
    return std::nullopt;
}

/// A word that makes a lone "one" a quantity: a unit of time, dose or measure ("one hour").
bool unit_word(std::string_view w) {
    return in(w, {"second", "minute", "hour", "day", "night", "week", "month", "year", "dose", "pill", "tablet", "capsule", "drop",
                  "cup", "glass", "teaspoon", "tablespoon", "mg", "milligram", "ml", "milliliter", "millilitre", "gram", "liter",
                  "litre", "pound", "ounce", "inch", "foot", "mile", "session", "infusion", "visit", "patch", "injection", "shot"});
}

}  // namespace

bool is_glossary_heading(std::string_view title) {
    std::string t;
    for (const auto& tok : tokenize(title)) {
        t += (t.empty() ? "" : " ") + tok.lower;
    }
    return in(t, {"glossary", "words to know", "key words", "keywords", "key terms", "terms to know", "glosario",
                  "palabras que debe saber", "palabras que debe conocer", "palabras clave", "vocabulario"});
}

bool is_passive(std::string_view sentence, std::string_view lang) {
    if (!english(lang) && !spanish(lang)) {
        return false;
    }
    auto ts = tokenize(sentence);
    return passive_tokens(sentence, ts, 0, ts.size(), spanish(lang));
}

Diagnostics check_plain_language(const PlainLanguageInput& in) {
    Diagnostics out;
    const PlainLanguageSettings& set = in.settings;
    const std::vector<TextBlock>& blocks = *in.blocks;
    const bool es = spanish(in.lang);
    const bool known_lang = es || english(in.lang);
    // Each prose block's words and sentences, once, for every check.
    std::vector<BlockWords> words(blocks.size());
    std::vector<Sent> sents;
    for (std::size_t b = 0; b < blocks.size(); ++b) {
        words[b].tokens = tokenize(blocks[b].text);
        if (!blocks[b].prose || blocks[b].heading) {
            continue;
        }
        const auto& ts = words[b].tokens;
        std::size_t t = 0;
        for (const auto& s : split_sentences(blocks[b].text, in.lang)) {
            Sent x;
            x.block = b;
            x.begin = s.begin;
            x.end = s.end;
            while (t < ts.size() && ts[t].begin < s.begin) {
                ++t;
            }
            x.first = t;
            while (t < ts.size() && ts[t].begin < s.end) {
                ++t;
            }
            x.last = t;
            x.words = s.stats.words;
            words[b].sentences.push_back(sents.size());
            sents.push_back(x);
        }
    }
    auto sentence_start = [&](const Sent& s) {
        std::size_t i = s.begin;
        const std::string& text = blocks[s.block].text;
        while (i < s.end && (text[i] == ' ' || text[i] == '\t' || text[i] == '\n')) {
            ++i;
        }
        return i;
    };
    auto off = [&](const std::string& key) { return "`" + key + " = \"off\"` under [plain_language] in " + in.rules + " turns this check off"; };

    if (set.undefined_terms && in.terms != nullptr && !in.terms->terms.empty() && known_lang) {
        TermCheck(in, sents, words).run(out);
    }

    if (set.passive_voice && known_lang && !sents.empty()) {
        struct Passive {
            std::size_t sent;
            int words;
        };
        std::vector<Passive> passive;
        for (std::size_t i = 0; i < sents.size(); ++i) {
            const Sent& s = sents[i];
            if (passive_tokens(blocks[s.block].text, words[s.block].tokens, s.first, s.last, es)) {
                passive.push_back({i, s.words});
            }
        }
        const double share = 100.0 * static_cast<double>(passive.size()) / static_cast<double>(sents.size());
        if (!passive.empty() && share > set.max_passive_percent + 1e-9) {
            // The longest are the hardest to follow: the warning stands at the longest, and lists
            // the five longest in the order they come.
            std::stable_sort(passive.begin(), passive.end(), [](const Passive& a, const Passive& b) { return a.words > b.words; });
            const Sent& worst = sents[passive.front().sent];
            const std::size_t total_passive = passive.size();
            passive.resize(std::min<std::size_t>(passive.size(), 5));
            std::sort(passive.begin(), passive.end(), [](const Passive& a, const Passive& b) { return a.sent < b.sent; });
            char pct[32];
            std::snprintf(pct, sizeof pct, "%.0f%%", std::floor(share));
            char limit[32];
            std::snprintf(limit, sizeof limit, "%g", set.max_passive_percent);
            std::vector<std::string> hints{es ? "say who does what: “El personal le pone la infusión”, not “La infusión es puesta por el personal”"
                                              : "say who does what: “Nurses give the infusion”, not “The infusion is given by nurses”"};
            for (const Passive& p : passive) {
                const Sent& s = sents[p.sent];
                const std::size_t at = sentence_start(s);
                const LineCol lc = in.file->line_col(blocks[s.block].source(at));
                hints.push_back("passive sentence at line " + std::to_string(lc.line) + ": “" +
                                quote_start(std::string_view(blocks[s.block].text).substr(at, s.end - at), 12) + "”");
            }
            hints.push_back("the limit is max_passive_percent = " + std::string(limit) + "; " + off("passive_voice"));
            out.push_back(warning_at(in.file, blocks[worst.block].source(sentence_start(worst)),
                                     std::to_string(total_passive) + " of " + std::to_string(sents.size()) + " sentences (" + pct +
                                         ") are in the passive voice; keep it to " + limit + "% or fewer",
                                     hints));
        }
    }

    if (set.numerals && known_lang) {
        for (const Sent& s : sents) {
            const auto& ts = words[s.block].tokens;
            const std::string& text = blocks[s.block].text;
            std::size_t i = s.first;
            while (i < s.last) {
                // A run of number words: "twenty five", "two hundred and ten", "treinta y cinco".
                std::size_t j = i;
                long long total = 0, current = 0;
                bool lone_article = true;  // only "one" (un, una): an article or pronoun as often as a number
                while (j < s.last) {
                    const Token& t = ts[j];
                    if (j > i) {
                        bool joined = adjacent(text, ts[j - 1], t);
                        if (joined && (t.lower == "and" || t.lower == "y") && j + 1 < s.last && number_value(ts[j + 1].lower, es) &&
                            adjacent(text, t, ts[j + 1])) {
                            ++j;
                            continue;
                        }
                        if (!joined) {
                            break;
                        }
                    }
                    // A capital inside a sentence makes a name ("Three Rivers Clinic").
                    if (j > s.first && g_unichar_isupper(char_at(t.word, 0))) {
                        break;
                    }
                    auto v = number_value(t.lower, es);
                    if (!v) {
                        break;
                    }
                    lone_article = lone_article && v->first == 1 && v->second == Num::add;
                    if (v->second == Num::hundred) {
                        current = (current == 0 ? 1 : current) * v->first;
                    } else if (v->second == Num::scale) {
                        total += (current == 0 ? 1 : current) * v->first;
                        current = 0;
                    } else {
                        current += v->first;
                    }
                    ++j;
                }
                if (j == i) {
                    ++i;
                    continue;
                }
                // "one" stays a word ("one of", "no one", "the one"), unless a unit follows: "one hour".
                bool flag = !lone_article || (!es && j < s.last && adjacent(text, ts[j - 1], ts[j]) && unit_word(ts[j].lower));
                if (flag) {
                    const std::string said = text.substr(ts[i].begin, ts[j - 1].end - ts[i].begin);
                    const std::string digits = std::to_string(total + current);
                    out.push_back(warning_at(in.file, blocks[s.block].source(ts[i].begin),
                                             "“" + said + "” is a number written as a word; write " + digits,
                                             {std::string("numbers as numerals are quicker to find and read: ") +
                                                  (es ? "“5 días”, not “cinco días”" : "“5 days”, not “five days”"),
                                              off("numerals")}));
                }
                i = j;
            }
        }
    }

    if (set.long_sentences) {
        for (const Sent& s : sents) {
            if (s.words <= set.max_sentence_words) {
                continue;
            }
            const std::size_t at = sentence_start(s);
            out.push_back(warning_at(in.file, blocks[s.block].source(at),
                                     "this sentence has " + std::to_string(s.words) + " words; keep sentences to " +
                                         std::to_string(set.max_sentence_words) + " words or fewer",
                                     {"split it into shorter sentences: “" +
                                          quote_start(std::string_view(blocks[s.block].text).substr(at, s.end - at), 10) + "”",
                                      "the limit is max_sentence_words = " + std::to_string(set.max_sentence_words) + "; " +
                                          off("long_sentences")}));
        }
    }
    return out;
}

}  // namespace handout
