#include "check/check.hpp"

#include "check/plain_language.hpp"
#include "check/text_block.hpp"
#include "core/glib_ptr.hpp"

#include <glib.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <set>

namespace handout {

namespace {

struct Section {
    std::string id;
    std::string title;
    std::size_t offset = 0;
    int level = 0;               ///< heading level; 0 for a block with an id
    std::vector<int> parents;    ///< enclosing sections (their text includes this one's)
};

std::string fmt(double v) {
    char b[32];
    std::snprintf(b, sizeof b, "%.1f", v);
    return b;
}

std::string fmt2(double v) {
    char b[32];
    std::snprintf(b, sizeof b, "%.2f", std::floor(v * 100) / 100);  // never rounds up to a passing value
    return b;
}

std::string casefold(std::string_view s) {
    GCharPtr folded(g_utf8_casefold(s.data(), static_cast<gssize>(s.size())));
    return folded.get();
}

class Checker {
public:
    explicit Checker(const CheckInput& in) : m_input(in), m_doc(*in.doc), m_file(in.doc->source) {}

    CheckResult run() {
        if (m_input.scope == CheckInput::Scope::record_values) {
            coverage();
            return std::move(m_result);
        }
        collect(m_doc.blocks, {});
        mark_glossaries();
        required_sections();
        variables();
        coverage();
        readability();
        plain_language();
        layout_rules();
        return std::move(m_result);
    }

private:
    // ---- text and sections ----
    TextBlock block_of(const Spans& spans, int section, bool prose) {
        TextBlock b;
        b.section = section;
        b.prose = prose;
        for (const auto& s : spans) {
            b.map.emplace_back(b.text.size(), s.offset);
            if (s.kind == Span::Kind::variable) {
                b.text += "Name";  // a short word stands in for a value not given
            } else if (s.kind == Span::Kind::line_break) {
                b.text += ' ';
            } else {
                b.text += s.text;
            }
        }
        return b;
    }

    int current_section(const std::vector<int>& open) const { return open.empty() ? -1 : open.back(); }

    void collect(const Blocks& blocks, std::vector<int> open) {
        for (const auto& b : blocks) {
            if (const auto* h = std::get_if<Heading>(&b.v)) {
                while (!open.empty() && m_sections[static_cast<std::size_t>(open.back())].level >= h->level) {
                    open.pop_back();
                }
                Section s;
                s.id = h->id;
                s.title = plain_text(h->spans);
                s.offset = h->offset;
                s.level = h->level;
                s.parents = open;
                m_sections.push_back(std::move(s));
                open.push_back(static_cast<int>(m_sections.size()) - 1);
                m_blocks.push_back(block_of(h->spans, current_section(open), false));
                m_blocks.back().heading = true;
            } else if (const auto* p = std::get_if<Paragraph>(&b.v)) {
                m_blocks.push_back(block_of(p->spans, current_section(open), !p->code));
            } else if (const auto* l = std::get_if<List>(&b.v)) {
                for (const auto& item : l->items) {
                    collect(item.blocks, open);
                }
            } else if (const auto* t = std::get_if<Table>(&b.v)) {
                for (std::size_t r = 0; r < t->rows.size(); ++r) {
                    for (const auto& cell : t->rows[r]) {
                        // Header cells and one- or two-word cells are labels, not sentences.
                        TextBlock tb = block_of(cell, current_section(open), r > 0);
                        std::size_t spaces = static_cast<std::size_t>(std::count(tb.text.begin(), tb.text.end(), ' '));
                        tb.prose = tb.prose && spaces >= 2;
                        m_blocks.push_back(std::move(tb));
                    }
                }
            } else if (const auto* d = std::get_if<Div>(&b.v)) {
                std::vector<int> inner = open;
                if (!d->id.empty()) {
                    Section s;
                    s.id = d->id;
                    s.title = d->kind;
                    s.offset = d->offset;
                    s.level = 0;
                    s.parents = open;
                    m_sections.push_back(std::move(s));
                    inner.push_back(static_cast<int>(m_sections.size()) - 1);
                }
                std::size_t first = m_blocks.size();
                collect(d->blocks, inner);
                if (d->kind == "signature" || d->kind == "taglines") {
                    for (std::size_t i = first; i < m_blocks.size(); ++i) {
                        m_blocks[i].prose = false;
                    }
                }
            } else if (const auto* im = std::get_if<Image>(&b.v)) {
                TextBlock tb;
                tb.text = im->alt;
                tb.map.emplace_back(0, im->offset);
                tb.section = current_section(open);
                tb.prose = false;
                m_blocks.push_back(std::move(tb));
            }
        }
    }

    /// Blocks under a glossary heading ("Words to know"), the heading included.
    void mark_glossaries() {
        for (std::size_t s = 0; s < m_sections.size(); ++s) {
            if (m_sections[s].level == 0 || !is_glossary_heading(m_sections[s].title)) {
                continue;
            }
            for (auto& b : m_blocks) {
                b.glossary = b.glossary || in_section(b, static_cast<int>(s));
            }
        }
    }

    bool in_section(const TextBlock& b, int s) const {
        if (b.section == s) {
            return true;
        }
        if (b.section < 0) {
            return false;
        }
        const auto& parents = m_sections[static_cast<std::size_t>(b.section)].parents;
        return std::find(parents.begin(), parents.end(), s) != parents.end();
    }

    /// The section's text without its own heading.
    std::string section_text(int s) const {
        std::string out;
        bool skipped_heading = m_sections[static_cast<std::size_t>(s)].level == 0;
        for (const auto& b : m_blocks) {
            if (!in_section(b, s)) {
                continue;
            }
            if (!skipped_heading && b.section == s && !b.prose && b.map.front().second == m_sections[static_cast<std::size_t>(s)].offset) {
                skipped_heading = true;
                continue;
            }
            out += b.text + "\n";
        }
        return out;
    }

    int find_section(const std::string& id) const {
        for (std::size_t i = 0; i < m_sections.size(); ++i) {
            if (m_sections[i].id == id) {
                return static_cast<int>(i);
            }
        }
        return -1;
    }

    std::size_t kind_line() const {
        std::size_t at = m_file->text.find("\nkind:");
        return at == std::string::npos ? 0 : at + 1;
    }

    // ---- 1. required sections and what they mention ----
    void required_sections() {
        // Each id once, with every rule file that asks for it.
        std::vector<std::pair<std::string, std::string>> required;  // id, rule files
        for (const Kind* k : {m_input.kind, m_input.topic}) {
            if (k == nullptr) {
                continue;
            }
            std::string rules = k->source ? k->source->path : k->name;
            for (const auto& id : k->required_sections) {
                auto it = std::find_if(required.begin(), required.end(), [&](const auto& r) { return r.first == id; });
                if (it == required.end()) {
                    required.emplace_back(id, rules);
                } else {
                    it->second += " and " + rules;
                }
            }
        }
        for (const auto& [id, rules] : required) {
            {
                int s = find_section(id);
                if (s < 0) {
                    m_result.diagnostics.push_back(error_at(
                        m_file, kind_line(), "the required section `#" + id + "` is missing",
                        {rules + " require" + (rules.find(" and ") == std::string::npos ? "s" : "") + " it",
                         "add a heading `## … {#" + id + "}` or a block `::: caveat {#" + id + "}`"}));
                    continue;
                }
                std::string text = section_text(s);
                bool empty = std::all_of(text.begin(), text.end(), [](char c) { return c == ' ' || c == '\n' || c == '\t'; });
                if (empty) {
                    m_result.diagnostics.push_back(error_at(m_file, m_sections[static_cast<std::size_t>(s)].offset,
                                                            "the required section `#" + id + "` is empty",
                                                            {rules + " require" + (rules.find(" and ") == std::string::npos ? "s" : "") +
                                                             " it to say something"}));
                }
            }
        }
        for (const Kind* k : {m_input.kind, m_input.topic}) {
            if (k == nullptr) {
                continue;
            }
            std::string rules = k->source ? k->source->path : k->name;
            for (const auto& [id, terms] : k->mentions) {
                int s = find_section(id);
                if (s < 0) {
                    continue;  // reported above when required
                }
                std::string text = casefold(section_text(s));
                for (const auto& alternatives : terms) {
                    bool found = std::any_of(alternatives.begin(), alternatives.end(),
                                             [&](const std::string& a) { return text.find(casefold(a)) != std::string::npos; });
                    if (!found) {
                        std::string list;
                        for (const auto& a : alternatives) {
                            list += (list.empty() ? "" : ", ") + a;
                        }
                        m_result.diagnostics.push_back(error_at(m_file, m_sections[static_cast<std::size_t>(s)].offset,
                                                                "section `#" + id + "` does not mention " + alternatives.front(),
                                                                {rules + " requires one of: " + list}));
                    }
                }
            }
        }
    }

    // ---- 3. variables ----
    void variables() {
        if (m_input.kind == nullptr || !m_input.kind->restrict_variables) {
            return;
        }
        std::set<std::string> reported;
        for_each_spans(m_doc.blocks, [&](const Spans& ss, bool) {
            for (const auto& s : ss) {
                if (s.kind != Span::Kind::variable || reported.count(s.text) != 0) {
                    continue;
                }
                const auto& allowed = m_input.kind->variables;
                if (std::find(allowed.begin(), allowed.end(), s.text) == allowed.end()) {
                    reported.insert(s.text);
                    std::vector<std::string> hints;
                    std::string near = nearest(s.text, allowed);
                    if (!near.empty()) {
                        hints.push_back("did you mean `{{" + near + "}}`?");
                    }
                    std::string list;
                    for (const auto& a : allowed) {
                        list += (list.empty() ? "" : ", ") + a;
                    }
                    hints.push_back(m_input.kind->source->path + " allows: " + list);
                    m_result.diagnostics.push_back(
                        error_at(m_file, s.offset, "variable `" + s.text + "` is not one a " + m_input.kind->name + " sheet may use", hints));
                }
            }
        });
    }

    // ---- 4. glyph coverage ----
    void coverage() {
        if (!m_input.covers || m_input.layout == nullptr) {
            return;
        }
        const Layout& l = *m_input.layout;
        std::vector<std::string> text_chain{l.body_family};
        std::vector<std::string> code_chain{l.mono_family};
        for (const auto& f : l.fallback) {
            text_chain.push_back(f);
            code_chain.push_back(f);
        }
        std::set<char32_t> reported;
        const bool values_only = m_input.scope == CheckInput::Scope::record_values;
        // A record's value is reported at the variable that holds it: where in the value the
        // character sits would hint at the value itself.
        auto check_text = [&](std::string_view text, std::size_t offset, bool code, bool heading, bool value) {
            const auto& chain = code ? code_chain : text_chain;
            const char* p = text.data();
            const char* end = text.data() + text.size();
            while (p < end) {
                gunichar c = g_utf8_get_char_validated(p, end - p);
                if (c == static_cast<gunichar>(-1) || c == static_cast<gunichar>(-2)) {
                    ++p;
                    continue;
                }
                std::size_t at = value ? offset : offset + static_cast<std::size_t>(p - text.data());
                p = g_utf8_next_char(p);
                // Spaces, controls, soft hyphens and joiners draw nothing.
                if (g_unichar_isspace(c) || g_unichar_iscntrl(c) || c == 0xAD || c == 0x200B || c == 0x200C ||
                    c == 0x200D || c == 0x2028 || c == 0xFEFF || (c >= 0xFE00 && c <= 0xFE0F)) {
                    continue;
                }
                bool drawn = std::any_of(chain.begin(), chain.end(), [&](const std::string& f) { return m_input.covers(f, c); }) ||
                             (heading && m_input.covers(l.heading_family, c));
                if (drawn || reported.count(c) != 0) {
                    continue;
                }
                reported.insert(c);
                char cp[16];
                std::snprintf(cp, sizeof cp, "U+%04X", static_cast<unsigned>(c));
                std::string tried;
                for (const auto& f : chain) {
                    tried += (tried.empty() ? "" : ", ") + f;
                }
                m_result.diagnostics.push_back(error_at(m_file, at, std::string("character ") + cp + " cannot be drawn by any font of the layout",
                                                        {"fonts tried: " + tried,
                                                         "add a font that has it to fonts/ and to `[fonts] fallback`, or write the text without it"}));
            }
        };
        if (!values_only) {
            std::size_t at = m_file->text.find(m_doc.meta.title);
            check_text(m_doc.meta.title, at == std::string::npos ? 0 : at, false, true, false);
        }
        for_each_spans(m_doc.blocks, [&](const Spans& ss, bool heading) {
            for (const auto& s : ss) {
                if (s.kind == Span::Kind::text && (s.personal || !values_only)) {
                    check_text(s.text, s.offset, (s.style & style_code) != 0, heading, s.personal);
                }
            }
        });
    }

    // ---- 2. readability ----
    void readability() {
        ReadabilityReport& rep = m_result.readability;
        rep.lang = m_doc.meta.lang;
        const bool es = rep.lang.substr(0, 2) == "es";
        std::vector<TextStats> per_section(m_sections.size());
        TextStats intro;
        std::vector<std::pair<int, HardSentence>> all;  // every sentence with its section
        for (const auto& b : m_blocks) {
            if (!b.prose) {
                continue;
            }
            for (const auto& s : split_sentences(b.text, rep.lang)) {
                rep.document.add(s.stats);
                if (b.section >= 0) {
                    // A section's grade is its own text's; its subsections are judged on their own.
                    per_section[static_cast<std::size_t>(b.section)].add(s.stats);
                } else {
                    intro.add(s.stats);
                }
                double grade = es ? 100 - s.stats.fernandez_huerta() : s.stats.flesch_kincaid();
                all.emplace_back(b.section, HardSentence{b.source(s.begin), b.text.substr(s.begin, s.end - s.begin), grade});
            }
        }
        std::stable_sort(all.begin(), all.end(), [](const auto& a, const auto& b) { return a.second.grade > b.second.grade; });
        for (std::size_t i = 0; i < all.size() && i < 5; ++i) {
            rep.hardest.push_back(all[i].second);
        }
        if (intro.words > 0) {
            std::size_t opening = 0;
            for (const auto& b : m_blocks) {
                if (b.section < 0 && b.prose && !b.map.empty()) {
                    opening = b.map.front().second;
                    break;
                }
            }
            rep.sections.push_back(SectionReadability{"(opening)", opening, intro});
        }
        for (std::size_t i = 0; i < m_sections.size(); ++i) {
            if (per_section[i].words > 0) {
                rep.sections.push_back(SectionReadability{m_sections[i].id.empty() ? m_sections[i].title : "#" + m_sections[i].id,
                                                          m_sections[i].offset, per_section[i]});
            }
        }
        ReadabilityLimits lim = m_input.kind != nullptr ? m_input.kind->readability : ReadabilityLimits{};
        std::string rules = m_input.kind != nullptr && m_input.kind->source ? m_input.kind->source->path : "the default limits";
        // section: index into m_sections, -1 for text before the first heading, -2 for the whole document.
        auto judge = [&](const TextStats& st, std::size_t offset, const std::string& what, int section) {
            // Short passages give wild grades: judge sections of 30 words or more, and the document.
            if (st.words < 30 && what != "the document") {
                return;
            }
            Severity sev = Severity::note;
            std::string msg;
            if (es) {
                double ease = st.fernandez_huerta();
                if (ease < lim.min_ease) {
                    sev = Severity::error;
                } else if (ease < lim.min_ease_warn) {
                    sev = Severity::warning;
                }
                msg = what + " reads at Fernández-Huerta ease " + fmt(ease) + " (at least " + fmt(lim.min_ease_warn) + " wanted)";
            } else {
                double grade = st.flesch_kincaid();
                if (grade > lim.max_grade) {
                    sev = Severity::error;
                } else if (grade > lim.warn_grade) {
                    sev = Severity::warning;
                }
                msg = what + " reads at grade " + fmt(grade) + " (Flesch–Kincaid; SMOG " + fmt(st.smog()) + "); " +
                      (sev == Severity::error ? "the most allowed is grade " + fmt(lim.max_grade)
                                              : "patient text should stay at grade " + fmt(lim.warn_grade) + " or below");
            }
            if (sev == Severity::note) {
                return;
            }
            std::vector<std::string> hints{"shorter sentences and everyday words bring it down (" + rules + ")"};
            for (const auto& [sec, h] : all) {
                bool mine = section == -2 || sec == section;
                if (mine && hints.size() < 4) {
                    const LineCol lc = m_file->line_col(h.offset);
                    hints.push_back("hard sentence at line " + std::to_string(lc.line) + ": \"" + h.text.substr(0, 90) +
                                    (h.text.size() > 90 ? "…" : "") + "\"");
                }
            }
            m_result.diagnostics.push_back(Diagnostic{sev, m_file, offset, msg, hints});
        };
        judge(rep.document, kind_line(), "the document", -2);
        if (intro.words > 0) {
            judge(intro, rep.sections.front().offset, "the opening", -1);
        }
        for (std::size_t i = 0; i < m_sections.size(); ++i) {
            if (per_section[i].words > 0) {
                judge(per_section[i], m_sections[i].offset,
                      "section " + (m_sections[i].id.empty() ? m_sections[i].title : "#" + m_sections[i].id), static_cast<int>(i));
            }
        }
    }

    // ---- 5. plain language beyond grade level ----
    void plain_language() {
        PlainLanguageInput pl;
        pl.blocks = &m_blocks;
        pl.file = m_file;
        pl.lang = m_doc.meta.lang;
        pl.settings = plain_language_settings(m_input.kind != nullptr ? &m_input.kind->plain_language : nullptr,
                                              m_input.topic != nullptr ? &m_input.topic->plain_language : nullptr);
        pl.terms = m_input.kind != nullptr ? &m_input.kind->terms : nullptr;
        pl.rules = m_input.kind != nullptr && m_input.kind->source ? m_input.kind->source->path : "the kind file";
        for (auto& d : check_plain_language(pl)) {
            m_result.diagnostics.push_back(std::move(d));
        }
    }

    // ---- 6. the page ----
    /// APH and ACB guidance for large print, beyond the 18 pt text: headings at least 20 pt,
    /// one column, flush left, no hyphenation, line spacing at least 1.15.
    void large_print_rules(const Layout& l) {
        auto rule = [&](bool ok, const std::string& key, const std::string& what, const std::string& hint) {
            if (!ok) {
                m_result.diagnostics.push_back(error_at(l.source, l.offset_of_key(key), "large print: " + what, {hint}));
            }
        };
        const HeadingStyle* headings[3] = {&l.h1, &l.h2, &l.h3};
        for (int level = 1; level <= 3; ++level) {
            const std::string key = "headings.h" + std::to_string(level) + ".size";
            double size = headings[level - 1]->size;
            rule(size >= 20 - 1e-9, key, "level-" + std::to_string(level) + " headings are " + fmt(size) + " pt; they need at least 20 pt",
                 "raise `" + key + "` (22 pt is usual for h1 and h2, 20 for h3)");
        }
        rule(l.columns == 1, "page.columns", "text must run in one column", "set `columns = 1`");
        rule(!l.justify, "body.justify", "text must be set flush left, not justified", "set `justify = false`");
        rule(!l.hyphenate, "body.hyphenate", "words must not be broken by hyphens", "set `hyphenate = false`");
        rule(l.line_height >= 1.15 - 1e-9, "body.line_height",
             "the line spacing is " + fmt2(l.line_height) + "; it needs at least 1.15", "raise `line_height` (1.4 reads well)");
    }

    void layout_rules() {
        if (m_input.layout == nullptr) {
            return;
        }
        const Layout& l = *m_input.layout;
        const double min_size = l.large_print ? 18 : 12;
        auto size_rule = [&](double size, const std::string& key, const std::string& what) {
            if (size < min_size - 1e-9) {
                m_result.diagnostics.push_back(error_at(l.source, l.offset_of_key(key),
                                                        what + " is " + fmt(size) + " pt; " + (l.large_print ? "large print" : "patient text") +
                                                            " needs at least " + fmt(min_size) + " pt",
                                                        {"raise `" + key + "`"}));
            }
        };
        size_rule(l.body_size, "body.size", "body text");
        size_rule(l.callout_size, "callout.size", "callout text");
        size_rule(l.table_size, "table.size", "table text");
        size_rule(l.min_body_size, "body.min_size", "the smallest size text may shrink to");
        if (l.large_print) {
            large_print_rules(l);
        }
        const Color white{1, 1, 1};
        auto contrast_rule = [&](const Color& fg, const Color& bg, double size, const std::string& key, const std::string& what) {
            double need = size >= 18 ? 3.0 : 4.5;
            double ratio = contrast_ratio(fg, bg);
            if (ratio + 1e-9 < need) {
                m_result.diagnostics.push_back(error_at(l.source, l.offset_of_key(key),
                                                        what + " has a contrast of " + fmt2(ratio) + ":1; it needs " + fmt(need) + ":1",
                                                        {"darken the text colour or lighten its background"}));
            }
        };
        contrast_rule(l.text_color, white, l.body_size, "body.color", "body text");
        contrast_rule(l.link_color, white, l.body_size, "body.link_color", "link text");
        contrast_rule(l.title_color, white, l.title_size, "title.color", "the title");
        contrast_rule(l.h1.color, white, l.h1.size, "headings.h1.color", "level-1 headings");
        contrast_rule(l.h2.color, white, l.h2.size, "headings.h2.color", "level-2 headings");
        contrast_rule(l.h3.color, white, l.h3.size, "headings.h3.color", "level-3 headings");
        contrast_rule(l.text_color, l.caveat.fill, l.callout_size, "callout.caveat.fill", "text in a caveat box");
        contrast_rule(l.text_color, l.note.fill, l.callout_size, "callout.note.fill", "text in a note box");
        contrast_rule(l.text_color, l.table_header_fill, l.table_size, "table.header_fill", "table header text");
        contrast_rule(l.header.color, white, l.header.size, "header.color", "the running header");
        contrast_rule(l.footer.color, white, l.footer.size, "footer.color", "the running footer");
        // A link must stand out from the text around it by more than a faint change of colour.
        if (!l.link_underline && contrast_ratio(l.link_color, l.text_color) < 3.0) {
            m_result.diagnostics.push_back(error_at(l.source, l.offset_of_key("body.link_underline"),
                                                    "links are not underlined and their colour is too close to the text's (" +
                                                        fmt(contrast_ratio(l.link_color, l.text_color)) + ":1)",
                                                    {"set `link_underline = true`, or a link colour with 3:1 against the text"}));
        }
    }

    const CheckInput& m_input;
    const Document& m_doc;
    SourcePtr m_file;
    std::vector<Section> m_sections;
    std::vector<TextBlock> m_blocks;
    CheckResult m_result;
};

double luminance(const Color& c) {
    auto ch = [](double v) { return v <= 0.03928 ? v / 12.92 : std::pow((v + 0.055) / 1.055, 2.4); };
    return 0.2126 * ch(c.r) + 0.7152 * ch(c.g) + 0.0722 * ch(c.b);
}

}  // namespace

double contrast_ratio(const Color& a, const Color& b) {
    double la = luminance(a), lb = luminance(b);
    return (std::max(la, lb) + 0.05) / (std::min(la, lb) + 0.05);
}

CheckResult check_document(const CheckInput& in) {
    return Checker(in).run();
}

}  // namespace handout
