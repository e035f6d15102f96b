// tests: typeset/ — the display list's pagination rules, running footers, hyphenation, determinism.
#include "typeset/typeset.hpp"

#include "content/parse_content.hpp"
#include "helpers.hpp"
#include "layout/parse_layout.hpp"
#include "typeset/font_system.hpp"
#include "typeset/hyphenator.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <map>
#include <set>

using namespace handout;

namespace {

/// A small letter page with 12 pt text, so a few paragraphs fill it.
const std::string small_layout = R"(
[page]
size = "letter"
margin = "1in"

[body]
size = 12
line_height = 1.4
paragraph_spacing = 6
justify = true
hyphenate = true

[table]
size = 11

[footer]
center = "Page {{page}} of {{pages}}"
)";

struct Typeset {
    Result<Pages> pages;
    Diagnostics diagnostics;  ///< everything any stage said
};

/// Parses, resolves and typesets `content` with `layout_toml`; fonts from fonts/, hyphenation from Debian's.
Typeset run(const std::string& content, const std::string& layout_toml = small_layout, const Vars& vars = {}) {
    Typeset t;
    auto doc = parse_content(test::source(content, "doc.md"));
    auto layout = parse_layout(test::source(layout_toml, "layout.toml"));
    t.diagnostics = doc.diagnostics;
    t.diagnostics.insert(t.diagnostics.end(), layout.diagnostics.begin(), layout.diagnostics.end());
    if (!doc.ok() || !layout.ok()) {
        return t;
    }
    auto resolved = resolve(*doc, vars);
    t.diagnostics.insert(t.diagnostics.end(), resolved.diagnostics.begin(), resolved.diagnostics.end());
    if (!resolved.ok()) {
        return t;
    }
    auto fonts = FontSystem::create("fonts");
    t.diagnostics.insert(t.diagnostics.end(), fonts.diagnostics.begin(), fonts.diagnostics.end());
    if (!fonts.ok()) {
        return t;
    }
    Hyphenator hyph("/usr/share/hyphen");
    TypesetInput in;
    in.doc = &*resolved;
    in.layout = &*layout;
    in.fonts = fonts->get();
    in.hyphenator = layout->hyphenate ? &hyph : nullptr;
    in.vars = &vars;
    in.date_iso = "2026-11-01T00:00:00";
    t.pages = typeset(in);
    t.diagnostics.insert(t.diagnostics.end(), t.pages.diagnostics.begin(), t.pages.diagnostics.end());
    return t;
}

/// Typesets and requires success with no diagnostics at all (an unexpected warning fails the test).
Pages run_ok(const std::string& content, const std::string& layout_toml = small_layout, const Vars& vars = {}) {
    Typeset t = run(content, layout_toml, vars);
    REQUIRE_MESSAGE(t.pages.ok(), test::describe(t.diagnostics));
    REQUIRE_MESSAGE(t.diagnostics.empty(), test::describe(t.diagnostics));
    return std::move(*t.pages.value);
}

const std::string front = "---\ntitle: Pagination test\nauthor: Tests\n---\n\n";

/// Deterministic filler: `words` words of ordinary prose.
std::string prose(std::size_t words, std::size_t seed = 0) {
    static const char* vocab[] = {"the",     "infusion", "staff",  "watch", "dose",    "closely", "and",
                                  "you",     "may",      "feel",   "tired", "after",   "session", "pain",
                                  "changes", "slowly",   "over",   "time",  "doctors", "nurse",   "clinic"};
    constexpr std::size_t n = sizeof vocab / sizeof vocab[0];
    std::string out;
    for (std::size_t i = 0; i < words; ++i) {
        std::string w = vocab[(i * 7 + seed * 3 + i / 5) % n];
        if (i == 0) {
            w[0] = static_cast<char>(w[0] - 'a' + 'A');
        }
        out += (i == 0 ? "" : " ") + w;
        if (i % 11 == 10 && i + 1 < words) {
            out += ".";
        }
    }
    return out + ".";
}

/// Many sections of headings and paragraphs of uneven length; `lead` shifts everything down.
std::string long_document(std::size_t lead) {
    std::string s = front;
    if (lead > 0) {
        s += prose(lead * 6, 99) + "\n\n";
    }
    for (std::size_t i = 0; i < 14; ++i) {
        s += (i % 3 == 2 ? "### Detail " : "## Section ") + std::to_string(i + 1) + "\n\n";
        s += prose(25 + (i * 37) % 90, i) + "\n\n";
        if (i % 2 == 0) {
            s += prose(40 + (i * 53) % 70, i + 50) + "\n\n";
        }
    }
    return s;
}

bool is_heading(StructType t) {
    return t == StructType::h1 || t == StructType::h2 || t == StructType::h3;
}

StructType type_of(const Pages& p, const Item& item) {
    return p.nodes[static_cast<std::size_t>(item.node)].type;
}

/// Whether node `n` is `ancestor` or lies under it.
bool under(const Pages& p, int n, int ancestor) {
    while (n >= 0) {
        if (n == ancestor) {
            return true;
        }
        n = p.nodes[static_cast<std::size_t>(n)].parent;
    }
    return false;
}

/// Concatenated text of the glyph runs on `page` that satisfy `pred`.
template <typename Pred>
std::string page_text(const Page& page, Pred pred) {
    std::string out;
    for (const auto& item : page.items) {
        if (const auto* run = std::get_if<GlyphRun>(&item.v); run != nullptr && pred(item)) {
            out += run->text;
        }
    }
    return out;
}

std::string strip_shy(std::string s) {
    for (std::size_t at; (at = s.find("\xC2\xAD")) != std::string::npos;) {
        s.erase(at, 2);
    }
    return s;
}

}  // namespace

TEST_SUITE("typeset") {

TEST_CASE("the font system sees the fonts in fonts/") {
    auto fonts = FontSystem::create("fonts");
    REQUIRE_MESSAGE(fonts.ok(), test::describe(fonts.diagnostics));
    CHECK((*fonts)->has_family("Noto Sans"));
    CHECK((*fonts)->has_family("DejaVu Sans Mono"));
    CHECK_FALSE((*fonts)->has_family("Comic Sans MS"));
}

TEST_CASE("the hyphenator knows English and inserts soft hyphens") {
    Hyphenator h("/usr/share/hyphen");
    CHECK(h.supports("en"));
    CHECK(h.supports("en-US"));
    std::string out = h.hyphenate("hospitalization", "en");
    CHECK(out.find("\xC2\xAD") != std::string::npos);
    CHECK(strip_shy(out) == "hospitalization");
    CHECK(h.hyphenate("ketamine", "en") == "ket\xC2\xAD" "a\xC2\xAD" "mine");
}

/// `s` with every soft hyphen shown as '-'.
std::string show_shy(const std::string& s) {
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s.compare(i, 2, "\xC2\xAD") == 0) {
            out += '-';
            ++i;
        } else {
            out += s[i];
        }
    }
    return out;
}

TEST_CASE("Spanish hyphenates with Spanish minimums, accented letters counted as one") {
    Hyphenator h("/usr/share/hyphen");
    REQUIRE(h.supports("es"));
    CHECK(h.supports("es-MX"));
    // Two letters may stand on either side (RAE; babel-spanish \righthyphenmin 2): "te", "to".
    CHECK(show_shy(h.hyphenate("durante", "es")) == "du-ran-te");
    CHECK(show_shy(h.hyphenate("consentimiento", "es")) == "con-sen-ti-mien-to");
    // Break positions are bytes in the UTF-8 text: after "pá" (3 bytes), not in the middle of á.
    CHECK(show_shy(h.hyphenate("neuropático", "es")) == "neu-ro-pá-ti-co");
    CHECK(show_shy(h.hyphenate("Síndrome", "es")) == "Sín-dro-me");
    // English keeps three letters after the last hyphen.
    CHECK(show_shy(h.hyphenate("considerations", "en")).find("-ns") == std::string::npos);
    const std::string en = show_shy(h.hyphenate("hospitalization", "en"));
    CHECK(en.size() - en.rfind('-') - 1 >= 3);
}

/// A justified, hyphenated page `width` wide (9 in high, 12 pt text): narrow enough that breaks
/// and hyphens matter.
std::string justified_layout(const std::string& width, const std::string& margin) {
    return "[page]\nwidth = \"" + width + "\"\nheight = \"9in\"\nmargin = \"" + margin +
           "\"\n[body]\nsize = 12\njustify = true\nhyphenate = true\n";
}

TEST_CASE("a Spanish justified paragraph breaks at Spanish hyphens") {
    const std::string layout = justified_layout("3in", "0.4in");
    const std::string doc = "---\ntitle: Prueba\nauthor: Pruebas\nlang: es\n---\n\n"
                            "La ketamina es una medicina que se usa para la anestesia durante una cirugía. "
                            "En una infusión de ketamina, la medicina entra gota a gota en una vena. "
                            "Actúa sobre los receptores del cerebro y la médula espinal; son como pequeños "
                            "interruptores en las células nerviosas, que ayudan a pasar las señales de dolor.\n";
    Pages p = run_ok(doc, layout);
    std::size_t hyphenated = 0;
    for (const auto& page : p.pages) {
        for (const auto& item : page.items) {
            const auto* run = std::get_if<GlyphRun>(&item.v);
            if (run != nullptr && item.node >= 0 && run->text.size() >= 2 &&
                run->text.compare(run->text.size() - 2, 2, "\xC2\xAD") == 0) {
                ++hyphenated;
            }
        }
    }
    CHECK(hyphenated >= 1);
}

TEST_CASE("a justified line breaks inside a long address, without a hyphen, and the link stays whole") {
    const std::string layout = justified_layout("2.6in", "0.3in");
    const std::string address = "care@riverside-pain.example.org";
    const std::string site = "https://www.riverside-pain.example.org/patients/consent?lang=en";
    const std::string doc = front + "If you have questions later, write to us at [" + address + "](mailto:" + address +
                            ") or read [" + site + "](" + site + ") before your visit.\n";
    Pages p = run_ok(doc, layout);
    std::string all;
    std::vector<std::string> line_ends;
    std::map<std::string, int> link_rects;
    for (const auto& page : p.pages) {
        double y = -1;
        for (const auto& item : page.items) {
            if (const auto* link = std::get_if<Link>(&item.v)) {
                ++link_rects[link->uri];
            }
            const auto* run = std::get_if<GlyphRun>(&item.v);
            if (run == nullptr || item.node < 0 || type_of(p, item) != StructType::p) {
                continue;
            }
            if (run->origin.y != y && !all.empty()) {
                line_ends.push_back(all);
            }
            y = run->origin.y;
            all += run->text;
        }
    }
    // The text reads back whole: no character added (no hyphen) and none lost.
    CHECK(test::normalize_space(strip_shy(all)).find(address) != std::string::npos);
    CHECK(test::normalize_space(strip_shy(all)).find(site) != std::string::npos);
    // Some line ends inside an address, after one of its break characters.
    bool inside = false;
    for (const auto& text : line_ends) {
        const std::string t = strip_shy(text);
        const char last = t.empty() ? ' ' : t.back();
        const bool in_address = t.size() > 10 && (t.find(address.substr(0, 5)) != std::string::npos || t.find("https://") != std::string::npos) &&
                                last != ' ' && std::string("/.@-").find(last) != std::string::npos;
        inside = inside || in_address;
        CHECK_MESSAGE(t.rfind("https:/") != t.size() - 7, "a line ends inside the scheme: ", t);
        CHECK_MESSAGE(t.rfind("https://") != t.size() - 8, "a line ends right after the scheme: ", t);
    }
    CHECK(inside);
    // A link over two lines is clickable on both.
    CHECK(link_rects["mailto:" + address] + link_rects[site] >= 3);
}

TEST_CASE("the last word of a justified paragraph is never hyphenated") {
    const std::string layout = justified_layout("3in", "0.4in");
    // Paragraphs ending in a long word, at many lengths: somewhere the last word would fall across
    // the last break, and its tail alone would make the last line.
    std::size_t ends = 0;
    for (std::size_t words = 20; words < 60; words += 3) {
        Pages p = run_ok(front + prose(words, words) + " responsibilities.\n", layout);
        std::string last_run;
        for (const auto& page : p.pages) {
            for (const auto& item : page.items) {
                const auto* run = std::get_if<GlyphRun>(&item.v);
                if (run != nullptr && item.node >= 0 && type_of(p, item) == StructType::p) {
                    last_run = run->text;
                }
            }
        }
        CAPTURE(words);
        CHECK_MESSAGE(last_run.find("responsibilities.") != std::string::npos, "the last line: ", last_run);
        ends += 1;
    }
    CHECK(ends > 10);
}

TEST_CASE("a forced line break in a justified paragraph ends a line at its natural width") {
    const std::string layout = justified_layout("4in", "0.5in");
    // A hard line break (two trailing spaces) after a short first line.
    Pages p = run_ok(front + "Short first line.  \n" + prose(60) + "\n", layout);
    std::vector<std::pair<double, double>> lines;  // y, right end
    for (const auto& page : p.pages) {
        for (const auto& item : page.items) {
            const auto* run = std::get_if<GlyphRun>(&item.v);
            if (run == nullptr || item.node < 0 || type_of(p, item) != StructType::p) {
                continue;
            }
            double end = run->origin.x;
            for (const auto& g : run->glyphs) {
                end += g.advance;
            }
            if (lines.empty() || lines.back().first != run->origin.y) {
                lines.emplace_back(run->origin.y, end);
            } else {
                lines.back().second = std::max(lines.back().second, end);
            }
        }
    }
    REQUIRE(lines.size() >= 4);
    const double right = 4 * 72 - 36;
    CHECK(lines[0].second < right - 100);  // not stretched to the measure
    for (std::size_t i = 1; i + 1 < lines.size(); ++i) {
        CHECK(lines[i].second == doctest::Approx(right).epsilon(0.001));  // justified
    }
}

TEST_CASE("a long document spans several pages") {
    Pages p = run_ok(long_document(0));
    CHECK(p.pages.size() >= 3);
}

TEST_CASE("a heading is never the last line of a page") {
    int heading_at_top = 0;
    for (std::size_t lead = 0; lead < 10; ++lead) {
        CAPTURE(lead);
        Pages p = run_ok(long_document(lead));
        REQUIRE(p.pages.size() >= 3);
        for (std::size_t pi = 0; pi < p.pages.size(); ++pi) {
            CAPTURE(pi);
            const auto& items = p.pages[pi].items;
            std::ptrdiff_t last_heading = -1;
            for (std::size_t i = 0; i < items.size(); ++i) {
                if (std::holds_alternative<GlyphRun>(items[i].v) && items[i].node >= 0 &&
                    is_heading(type_of(p, items[i]))) {
                    last_heading = static_cast<std::ptrdiff_t>(i);
                }
            }
            for (const auto& item : items) {
                if (std::holds_alternative<GlyphRun>(item.v) && item.node >= 0) {
                    heading_at_top += pi > 0 && is_heading(type_of(p, item)) ? 1 : 0;
                    break;
                }
            }
            if (last_heading < 0) {
                continue;
            }
            bool body_after = false;
            for (std::size_t i = static_cast<std::size_t>(last_heading) + 1; i < items.size(); ++i) {
                if (std::holds_alternative<GlyphRun>(items[i].v) && items[i].node >= 0 &&
                    type_of(p, items[i]) == StructType::p) {
                    body_after = true;
                }
            }
            CHECK_MESSAGE(body_after, "page ", pi + 1, " ends with a heading");
        }
    }
    // Some page must start with a heading, or no heading ever met a page break.
    CHECK(heading_at_top > 0);
}

TEST_CASE("no paragraph leaves a single line at the foot or head of a page") {
    int split = 0;
    for (std::size_t lead = 0; lead < 10; ++lead) {
        CAPTURE(lead);
        Pages p = run_ok(long_document(lead));
        // node → page → distinct baselines
        std::map<int, std::map<std::size_t, std::set<double>>> lines;
        for (std::size_t pi = 0; pi < p.pages.size(); ++pi) {
            for (const auto& item : p.pages[pi].items) {
                const auto* run = std::get_if<GlyphRun>(&item.v);
                if (run != nullptr && item.node >= 0 && type_of(p, item) == StructType::p) {
                    lines[item.node][pi].insert(run->origin.y);
                }
            }
        }
        for (const auto& [node, by_page] : lines) {
            if (by_page.size() < 2) {
                continue;
            }
            ++split;
            CHECK(by_page.size() == 2);
            for (const auto& [pi, ys] : by_page) {
                CAPTURE(node);
                CAPTURE(pi);
                CHECK(ys.size() >= 2);
            }
        }
    }
    // The inputs must really split paragraphs, or the rule above was never exercised.
    CHECK(split > 0);
}

TEST_CASE("a callout that fits on a page is not split") {
    int crossed_naturally = 0;
    for (std::size_t lead = 0; lead < 14; ++lead) {
        CAPTURE(lead);
        std::string s = front + prose(200, 1) + "\n\n" + prose(60 + lead * 12, 2) + "\n\n" +
                        "::: caveat {#careful}\n**Be careful.** " + prose(45, 3) + "\n\n" + prose(40, 4) + "\n:::\n\n" +
                        prose(120, 5) + "\n";
        Pages p = run_ok(s);
        int div = -1;
        for (std::size_t n = 0; n < p.nodes.size(); ++n) {
            if (p.nodes[n].type == StructType::div && p.nodes[n].id == "careful") {
                div = static_cast<int>(n);
            }
        }
        REQUIRE(div >= 0);
        std::set<std::size_t> pages_with_callout;
        double first_y = 1e9, last_y = -1e9;
        for (std::size_t pi = 0; pi < p.pages.size(); ++pi) {
            for (const auto& item : p.pages[pi].items) {
                if (item.node >= 0 && under(p, item.node, div)) {
                    pages_with_callout.insert(pi);
                    if (const auto* run = std::get_if<GlyphRun>(&item.v)) {
                        first_y = std::min(first_y, run->origin.y);
                        last_y = std::max(last_y, run->origin.y);
                    }
                }
            }
        }
        CHECK(pages_with_callout.size() == 1);
        if (pages_with_callout.size() == 1 && *pages_with_callout.begin() > 0) {
            ++crossed_naturally;
        }
        CHECK(last_y > first_y);
    }
    CHECK(crossed_naturally > 0);
}

TEST_CASE("a table that crosses a page break repeats its header row") {
    std::string s = front + prose(250, 7) + "\n\n| Side effect | What it feels like | What to do |\n|:--|:--|:--|\n";
    for (int i = 0; i < 45; ++i) {
        s += "| Effect " + std::to_string(i) + " | " + prose(4 + static_cast<std::size_t>(i % 5), static_cast<std::size_t>(i)) +
             " | Tell the nurse. |\n";
    }
    Pages p = run_ok(s);
    REQUIRE(p.pages.size() >= 2);
    // The table starts with its real header row, on whichever page the prose leaves it.
    std::size_t start = p.pages.size();
    for (std::size_t pi = 0; pi < p.pages.size() && start == p.pages.size(); ++pi) {
        std::string th = page_text(p.pages[pi], [&](const Item& it) { return it.node >= 0 && type_of(p, it) == StructType::th; });
        if (th.find("Side effect") != std::string::npos) {
            start = pi;
        }
    }
    REQUIRE(start + 1 < p.pages.size());
    for (std::size_t pi = start + 1; pi < p.pages.size(); ++pi) {
        CAPTURE(pi);
        std::string body = page_text(p.pages[pi], [&](const Item& it) { return it.node >= 0 && type_of(p, it) == StructType::td; });
        if (body.empty()) {
            continue;
        }
        std::string repeated = page_text(p.pages[pi], [](const Item& it) {
            return it.node == -1 && it.artifact == ArtifactKind::pagination;
        });
        CHECK(repeated.find("Side effect") != std::string::npos);
        CHECK(repeated.find("What to do") != std::string::npos);
        // The repeated header sits above the page's first body row.
        double header_y = 1e9, body_y = 1e9;
        for (const auto& item : p.pages[pi].items) {
            if (const auto* run = std::get_if<GlyphRun>(&item.v)) {
                if (item.artifact == ArtifactKind::pagination) {
                    header_y = std::min(header_y, run->origin.y);
                } else if (item.node >= 0 && type_of(p, item) == StructType::td) {
                    body_y = std::min(body_y, run->origin.y);
                }
            }
        }
        CHECK(header_y < body_y);
    }
}

TEST_CASE("every page has a footer reading Page N of M") {
    Pages p = run_ok(long_document(0));
    REQUIRE(p.pages.size() >= 3);
    const std::string m = std::to_string(p.pages.size());
    for (std::size_t pi = 0; pi < p.pages.size(); ++pi) {
        std::string footer = page_text(p.pages[pi], [](const Item& it) { return it.artifact == ArtifactKind::footer; });
        CHECK(footer == "Page " + std::to_string(pi + 1) + " of " + m);
    }
}

TEST_CASE("the footer sits below the text area, inside the page") {
    Pages p = run_ok(long_document(0));
    for (const auto& page : p.pages) {
        for (const auto& item : page.items) {
            if (const auto* run = std::get_if<GlyphRun>(&item.v); run != nullptr && item.artifact == ArtifactKind::footer) {
                CHECK(run->origin.y > page.height - 72);
                CHECK(run->origin.y < page.height);
            } else if (run != nullptr && item.node >= 0) {
                CHECK(run->origin.y <= page.height - 72 + 0.01);
            }
        }
    }
}

TEST_CASE("a narrow justified paragraph breaks long words with a soft hyphen") {
    const std::string layout = justified_layout("3.5in", "0.5in");
    const std::vector<std::string> words = {"Hospitalization", "pharmaceutical", "considerations",
                                            "neurotransmitters", "inflammation", "characteristically",
                                            "administration", "hallucinations", "responsibilities",
                                            "international", "understanding", "recommendations"};
    std::string para;
    for (const auto& w : words) {
        para += (para.empty() ? "" : " ") + w;
    }
    Pages p = run_ok(front + para + " " + para + "\n", layout);
    bool shy_at_line_end = false;
    std::string all;
    for (const auto& page : p.pages) {
        for (const auto& item : page.items) {
            const auto* run = std::get_if<GlyphRun>(&item.v);
            if (run == nullptr || item.node < 0 || type_of(p, item) != StructType::p) {
                continue;
            }
            all += run->text;
            const std::string& t = run->text;
            if (t.size() >= 2 && t.compare(t.size() - 2, 2, "\xC2\xAD") == 0) {
                shy_at_line_end = true;
            }
            // A soft hyphen never shows up in the middle of a run's text.
            std::size_t shy = t.find("\xC2\xAD");
            CHECK((shy == std::string::npos || shy + 2 == t.size()));
        }
    }
    CHECK(shy_at_line_end);
    std::string joined = strip_shy(all);
    for (const auto& w : words) {
        CHECK_MESSAGE(joined.find(w) != std::string::npos, w, " is not whole in: ", joined);
    }
}

TEST_CASE("each run of a hyphenated paragraph names where its text starts in the content file") {
    // Hyphenation inserts soft hyphens and a phone number gets word joiners: neither is in the
    // file, so a diagnostic's column must not count them.
    const std::string layout = justified_layout("3.5in", "0.5in");
    std::string para = "Call (555) 014-2368 about";
    for (const char* w : {"Hospitalization", "pharmaceutical", "considerations", "neurotransmitters",
                          "inflammation", "characteristically", "administration", "hallucinations"}) {
        para += std::string(" ") + w;
    }
    const std::string content = front + para + " " + para + "\n";
    Pages p = run_ok(content, layout);
    int checked = 0;
    for (const auto& page : p.pages) {
        for (const auto& item : page.items) {
            const auto* run = std::get_if<GlyphRun>(&item.v);
            if (run == nullptr || item.node < 0 || type_of(p, item) != StructType::p) {
                continue;
            }
            std::string want = strip_shy(run->text).substr(0, 6);
            CHECK_MESSAGE(content.compare(run->source, want.size(), want) == 0, "run `", run->text, "` points at `",
                          content.substr(run->source, want.size()), "`");
            ++checked;
        }
    }
    CHECK(checked > 8);
}

TEST_CASE("dump_pages is the same for two runs of the same input") {
    std::string content = test::read_file("content/ketamine-consent.md");
    REQUIRE_FALSE(content.empty());
    std::string layout = test::read_file("layouts/letter.toml");
    Vars vars{{"patient.name", "Ana Ruiz"}, {"date", "2026-11-26"}, {"clinician.name", "Dr. Lee"},
              {"clinic.phone", "(555) 014-2368"}};
    Pages a = run_ok(content, layout, vars);
    Pages b = run_ok(content, layout, vars);
    std::string da = dump_pages(a), db = dump_pages(b);
    CHECK(da == db);
    CHECK(da.find("page 1") != std::string::npos);
    CHECK(da.find("Ana Ruiz") != std::string::npos);
}

TEST_CASE("the outline lists the title and every heading in order") {
    Pages p = run_ok(front + "## One\n\nText.\n\n### Two\n\nText.\n\n::: note\n## Inside a note\n\nText.\n:::\n\n## Three\n\nText.\n");
    std::vector<std::string> titles;
    for (const auto& o : p.outline) {
        titles.push_back(o.title);
    }
    CHECK(titles == std::vector<std::string>{"Pagination test", "One", "Two", "Inside a note", "Three"});
}

TEST_CASE("a missing footer variable is an error at the layout") {
    std::string layout = small_layout + "\n[header]\nleft = \"{{clinic.nam}}\"\n";
    Typeset t = run(front + "Text.\n", layout);
    const Diagnostic* d = test::find_diag(t.diagnostics, "clinic.nam");
    REQUIRE_MESSAGE(d != nullptr, test::describe(t.diagnostics));
    CHECK(d->file->path == "layout.toml");
}


TEST_CASE("no line of the shipped handout runs past the right margin") {
    std::string content = test::read_file("content/ketamine-infusion.md");
    std::string layout = test::read_file("layouts/letter.toml");
    REQUIRE_FALSE(content.empty());
    auto parsed_layout = parse_layout(test::source(layout, "layouts/letter.toml"));
    REQUIRE(parsed_layout.ok());
    const double right = parsed_layout->page_width - parsed_layout->margin.right;
    Pages p = run_ok(content, layout);
    for (std::size_t pi = 0; pi < p.pages.size(); ++pi) {
        for (const auto& item : p.pages[pi].items) {
            const auto* run = std::get_if<GlyphRun>(&item.v);
            if (run == nullptr || item.node < 0) {
                continue;
            }
            double end = run->origin.x;
            for (const auto& g : run->glyphs) {
                end += g.advance;
            }
            CAPTURE(pi);
            CHECK_MESSAGE(end <= right + 0.01, "\"", run->text, "\" ends at ", end, " pt; the margin is at ", right);
        }
    }
}

TEST_CASE("the logo does not cover the running header text") {
    const std::string layout = small_layout + "\n[header]\nleft = \"{{author}}\"\nright = \"{{revision}}\"\n";
    auto doc = parse_content(test::source(front + "Text.\n", "doc.md"));
    REQUIRE(doc.ok());
    auto lay = parse_layout(test::source(layout, "layout.toml"));
    REQUIRE(lay.ok());
    auto fonts = FontSystem::create("fonts");
    REQUIRE(fonts.ok());
    Document d = *doc;
    d.meta.revision = "KET-2026-01";
    TypesetInput in;
    in.doc = &d;
    in.layout = &*lay;
    in.fonts = fonts->get();
    in.images.push_back(ImageData{ImageData::Kind::png, std::make_shared<const std::string>(), 40, 40, "logo.png"});
    in.logo = 0;
    auto r = typeset(in);
    REQUIRE_MESSAGE(r.ok(), test::describe(r.diagnostics));
    const Page& page = r->pages.at(0);
    const Picture* logo = nullptr;
    for (const auto& item : page.items) {
        if (const auto* pic = std::get_if<Picture>(&item.v)) {
            logo = pic;
        }
    }
    REQUIRE(logo != nullptr);
    for (const auto& item : page.items) {
        const auto* run = std::get_if<GlyphRun>(&item.v);
        if (run == nullptr || item.artifact != ArtifactKind::header) {
            continue;
        }
        double x0 = run->origin.x, x1 = run->origin.x;
        for (const auto& g : run->glyphs) {
            x1 += g.advance;
        }
        double y0 = run->origin.y - run->size * 0.8, y1 = run->origin.y + run->size * 0.2;
        bool overlaps = x0 < logo->rect.x + logo->rect.w && logo->rect.x < x1 && y0 < logo->rect.y + logo->rect.h &&
                        logo->rect.y < y1;
        CHECK_MESSAGE(!overlaps, "the logo covers header text \"", run->text, "\"");
    }
}

TEST_CASE("a numbered list labels its items from its start number") {
    Pages p = run_ok(front + "3. third\n4. fourth\n");
    std::string labels = page_text(p.pages.at(0), [&](const Item& it) { return it.node >= 0 && type_of(p, it) == StructType::lbl; });
    CHECK(labels == "3.4.");
}

TEST_CASE("task list items draw a box, and a tick when checked") {
    Pages p = run_ok(front + "- [ ] open\n- [x] done\n");
    int boxes = 0, ticks = 0;
    for (const auto& item : p.pages.at(0).items) {
        if (item.node < 0 || type_of(p, item) != StructType::lbl) {
            continue;
        }
        boxes += std::holds_alternative<Box>(item.v) ? 1 : 0;
        ticks += std::holds_alternative<Rule>(item.v) ? 1 : 0;
    }
    CHECK(boxes == 2);
    CHECK(ticks == 2);
}

TEST_CASE("callout text is set at the layout's callout size") {
    std::string layout = small_layout + "\n[callout]\nsize = 10\n";
    Pages p = run_ok(front + "Body text.\n\n::: note {#n}\nCallout text.\n:::\n", layout);
    int div = -1;
    for (std::size_t n = 0; n < p.nodes.size(); ++n) {
        if (p.nodes[n].id == "n") {
            div = static_cast<int>(n);
        }
    }
    REQUIRE(div >= 0);
    int runs = 0;
    for (const auto& item : p.pages.at(0).items) {
        const auto* run = std::get_if<GlyphRun>(&item.v);
        if (run != nullptr && item.node >= 0 && under(p, item.node, div)) {
            ++runs;
            CHECK(run->size == doctest::Approx(10));
        } else if (run != nullptr && item.node >= 0 && type_of(p, item) == StructType::p) {
            CHECK(run->size == doctest::Approx(12));
        }
    }
    CHECK(runs > 0);
}

TEST_CASE("a document longer than max_pages is fitted or reported") {
    std::string layout = small_layout + "\n";
    layout.replace(layout.find("margin = \"1in\""), 0, "max_pages = 2\n");
    Typeset t = run(long_document(0), layout);
    REQUIRE(t.pages.value.has_value());
    bool fitted = t.pages->pages.size() <= 2;
    CHECK_MESSAGE((fitted || !t.diagnostics.empty()), t.pages->pages.size(), " pages, no diagnostic");
}

TEST_CASE("the large-print layout sets no content text below its minimum size") {
    std::string layout = test::read_file("layouts/large-print.toml");
    REQUIRE_MESSAGE(!layout.empty(), "layouts/large-print.toml is missing");
    auto parsed_layout = parse_layout(test::source(layout, "layouts/large-print.toml"));
    REQUIRE(parsed_layout.ok());
    const double min = parsed_layout->min_body_size;
    CHECK(min >= 18);
    Vars vars{{"patient.name", "Ana Ruiz"}, {"date", "2026-11-26"}, {"clinician.name", "Dr. Lee"},
              {"clinic.phone", "(555) 014-2368"}};
    for (std::string path : {"content/ketamine-infusion.md", "content/ketamine-consent.md"}) {
        CAPTURE(path);
        Pages p = run_ok(test::read_file(path), layout, vars);
        std::set<std::string> small;
        for (const auto& page : p.pages) {
            for (const auto& item : page.items) {
                const auto* run = std::get_if<GlyphRun>(&item.v);
                if (run != nullptr && item.node >= 0 && run->size < min - 0.01) {
                    small.insert(run->text + " @" + std::to_string(run->size));
                }
            }
        }
        std::string list;
        for (const auto& s : small) {
            list += "\n  " + s;
        }
        CHECK_MESSAGE(small.empty(), "text below ", min, " pt:", list);
    }
}

}  // TEST_SUITE
