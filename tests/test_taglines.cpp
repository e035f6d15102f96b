// tests: taglines — `::: taglines` blocks (`- fr: ATTENTION : …`) parsed into paragraphs in their
// own languages, and the page content/language-assistance.md makes of them: one P per tagline
// with its /Lang (and /ActualText when right to left), the text read back by pdftotext, a font
// per script and per Han variant, right-to-left lines set at the right, and the page drawn by
// poppler, MuPDF and Ghostscript.
#include "content/parse_content.hpp"

#include "helpers.hpp"
#include "pdfua/pdfua.hpp"
#include "pdfua/probe.hpp"
#include "pipeline/inputs.hpp"
#include "pipeline/worker.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <memory>
#include <set>
#include <sstream>

using namespace handout;

namespace {

using test::contains;
using test::FontRow;
using test::pdffonts;
using test::pdftotext;
using test::split_lines;
using test::subset_tagged;

const std::string epoch = "SOURCE_DATE_EPOCH=1793491200";  // 2026-11-01, as scripts/make-samples.sh
const std::string shipped_content = "content/language-assistance.md";
const std::string shipped_layout = "layouts/letter.toml";
const std::string phone = "(555) 014-2368";
const std::string bad_input = "tests/data/taglines/bad-taglines.md";  // its golden stderr beside it
const std::string tagline_error = "a tagline must start with its language tag";

// ---- scripts (UTF-8 decoded by pdfua::utf8_to_u32) -----------------------------------------

/// A letter (or mark, or ZWNJ) of Arabic-script words; not the Arabic comma, digits or punctuation.
bool arabic_letter(char32_t c) {
    return (c >= 0x0620 && c <= 0x065F) || (c >= 0x066E && c <= 0x06D3) || c == 0x06D5 || (c >= 0x06FA && c <= 0x06FF) ||
           c == 0x200C;
}

bool has_arabic(std::string_view s) {
    std::u32string u = pdfua::utf8_to_u32(s);
    return std::any_of(u.begin(), u.end(), arabic_letter);
}

/// Han, kana, Hangul, CJK punctuation and full-width forms: what a CJK face draws.
bool cjk_char(char32_t c) {
    return (c >= 0x3000 && c <= 0x30FF) || (c >= 0x3400 && c <= 0x4DBF) || (c >= 0x4E00 && c <= 0x9FFF) ||
           (c >= 0xAC00 && c <= 0xD7AF) || (c >= 0x1100 && c <= 0x11FF) || (c >= 0x3130 && c <= 0x318F) ||
           (c >= 0xFF00 && c <= 0xFFEF);
}

/// Han, kana and Hangul letters: not CJK punctuation, which leaves most of its box blank.
bool cjk_letter(char32_t c) {
    return (c >= 0x3040 && c <= 0x30FF) || (c >= 0x3400 && c <= 0x4DBF) || (c >= 0x4E00 && c <= 0x9FFF) ||
           (c >= 0xAC00 && c <= 0xD7AF);
}

bool has_cjk(std::string_view s) {
    std::u32string u = pdfua::utf8_to_u32(s);
    return std::any_of(u.begin(), u.end(), cjk_char);
}

/// Latin (Vietnamese included), Greek, Cyrillic and general punctuation only: text that wraps at
/// spaces and is set in the body font alone.
bool simple_script(std::string_view s) {
    std::u32string u = pdfua::utf8_to_u32(s);
    return std::all_of(u.begin(), u.end(), [](char32_t c) {
        return c < 0x0590 || (c >= 0x1E00 && c <= 0x1EFF) || (c >= 0x2000 && c <= 0x206F);
    });
}

/// `s` without any white space (pdftotext pads lines and ends pages with \f).
std::string without_space(std::string_view s) {
    std::string out;
    for (char c : s) {
        if (c != ' ' && c != '\n' && c != '\t' && c != '\r' && c != '\f' && c != '\v') {
            out += c;
        }
    }
    return out;
}

/// `s` without the bidi embedding marks poppler writes around right-to-left segments
/// (U+202A–U+202E: LRE, RLE, PDF, LRO, RLO).
std::string without_embeddings(std::string_view s) {
    std::u32string u = pdfua::utf8_to_u32(s);
    u.erase(std::remove_if(u.begin(), u.end(), [](char32_t c) { return c >= 0x202A && c <= 0x202E; }), u.end());
    return pdfua::u32_to_utf8(u);
}

// ---- the shipped content, read apart from the parser under test ----------------------------

struct Tagline {
    std::string lang, text;
};

/// The `- tag: text` lines of the first `::: taglines` block of `path`, as written.
std::vector<Tagline> taglines_in(const std::string& path) {
    std::string md = test::read_file(path);
    REQUIRE_MESSAGE(!md.empty(), "cannot read ", path);
    std::size_t open = md.find("\n::: taglines\n");
    REQUIRE_MESSAGE(open != std::string::npos, "no `::: taglines` block in ", path);
    std::size_t close = md.find("\n:::\n", open + 1);
    REQUIRE(close != std::string::npos);
    std::vector<Tagline> out;
    for (const std::string& line : split_lines(md.substr(open + 14, close - open - 14 + 1))) {
        if (line.rfind("- ", 0) != 0) {
            continue;
        }
        std::size_t colon = line.find(": ");
        REQUIRE_MESSAGE(colon != std::string::npos, "not a tagline: ", line);
        out.push_back(Tagline{line.substr(2, colon - 2), line.substr(colon + 2)});
    }
    return out;
}

const std::vector<Tagline>& shipped_taglines() {
    static const std::vector<Tagline> all = [] {
        auto v = taglines_in(shipped_content);
        REQUIRE(v.size() == 19);
        return v;
    }();
    return all;
}

const Tagline& shipped(const std::string& lang) {
    for (const Tagline& t : shipped_taglines()) {
        if (t.lang == lang) {
            return t;
        }
    }
    throw std::runtime_error("no tagline " + lang + " in " + shipped_content);
}

// ---- the page, rendered once through the CLI, and its display list in process ---------------

struct Rendered {
    test::RunResult run;
    std::string pdf;
};

/// content/language-assistance.md × layouts/letter.toml, default engine, once per build and
/// inputs (shared by the test processes; read-only to the tests).
const Rendered& shipped_pdf() {
    static const Rendered r = [] {
        auto shared = test::render_shared({"render", shipped_content, "-l", shipped_layout, "-o", "{out}"}, {epoch});
        return Rendered{shared.run, shared.path};
    }();
    REQUIRE_MESSAGE((r.run.exit_code == 0 && test::exists(r.pdf)), "render failed (exit ", r.run.exit_code, "): ", r.run.err);
    return r;
}

/// What the render job makes before drawing: the display list, and the layout it came from.
struct Laid {
    std::shared_ptr<const LayoutInput> layout;
    Pages pages;
};

Laid lay_out(const std::string& content_path, const std::string& layout_path) {
    auto content = load_content(content_path);
    REQUIRE_MESSAGE(content.ok(), test::describe(content.diagnostics));
    auto layout = load_layout(layout_path);
    REQUIRE_MESSAGE(layout.ok(), test::describe(layout.diagnostics));
    auto worker = Worker::create();
    REQUIRE_MESSAGE(worker.ok(), test::describe(worker.diagnostics));
    auto pages = (*worker.value)->typeset_record(**content.value, **layout.value, {});
    REQUIRE_MESSAGE(pages.ok(), test::describe(pages.diagnostics));
    CHECK_MESSAGE(pages.diagnostics.empty(), test::describe(pages.diagnostics));
    return Laid{*layout.value, std::move(*pages.value)};
}

const Laid& shipped_pages() {
    static const Laid laid = lay_out(shipped_content, shipped_layout);
    return laid;
}

/// The P node holding the tagline in `lang`.
int node_of(const Pages& pages, const std::string& lang) {
    for (std::size_t i = 0; i < pages.nodes.size(); ++i) {
        if (pages.nodes[i].type == StructType::p && pages.nodes[i].lang == lang) {
            return static_cast<int>(i);
        }
    }
    FAIL("no P node with lang ", lang);
    return -1;
}

/// One line of a paragraph in the display list: its runs on one baseline.
struct Line {
    std::size_t page = 0;
    double baseline = 0;
    double x0 = 1e9, x1 = -1e9;  ///< pen extent in pt
    double size = 0;
    std::vector<const GlyphRun*> runs;  ///< in drawing (visual) order
};

double advance_of(const GlyphRun& run) {
    double w = 0;
    for (const Glyph& g : run.glyphs) {
        w += g.advance;
    }
    return w;
}

std::vector<Line> lines_of(const Pages& pages, int node) {
    std::vector<Line> out;
    for (std::size_t p = 0; p < pages.pages.size(); ++p) {
        for (const Item& item : pages.pages[p].items) {
            const auto* run = std::get_if<GlyphRun>(&item.v);
            if (run == nullptr || item.node != node) {
                continue;
            }
            if (out.empty() || out.back().page != p || std::abs(out.back().baseline - run->origin.y) > 0.01) {
                out.push_back(Line{p, run->origin.y, 1e9, -1e9, 0, {}});
            }
            Line& l = out.back();
            l.x0 = std::min(l.x0, run->origin.x);
            l.x1 = std::max(l.x1, run->origin.x + advance_of(*run));
            l.size = std::max(l.size, run->size);
            l.runs.push_back(run);
        }
    }
    return out;
}

/// A line's text with its runs joined left to right: the logical text of a left-to-right line.
std::string ltr_text(const Line& l) {
    std::vector<const GlyphRun*> runs = l.runs;
    std::sort(runs.begin(), runs.end(), [](const GlyphRun* a, const GlyphRun* b) { return a->origin.x < b->origin.x; });
    std::string s;
    for (const GlyphRun* r : runs) {
        s += r->text;
    }
    return s;
}

// ---- structure probe ----------------------------------------------------------------------

/// Every P element in tree order with its /Lang, /ActualText, marked content and fonts (tests/pdfua).
std::vector<pdfua::Paragraph> paragraphs(const std::string& pdf) {
    try {
        return pdfua::paragraphs(pdf);
    } catch (const std::exception& e) {
        FAIL("cannot read ", pdf, ": ", e.what());
    }
    return {};
}

/// The P elements that carry a /Lang, in document order.
std::vector<pdfua::Paragraph> tagged_paragraphs(const std::vector<pdfua::Paragraph>& all) {
    std::vector<pdfua::Paragraph> out;
    for (const auto& p : all) {
        if (p.lang) {
            out.push_back(p);
        }
    }
    return out;
}

/// A font name without its subset tag: "NotoSansCJKtc-Regular" for "ABCDEF+NotoSansCJKtc-Regular".
std::string face_name(const std::string& base) {
    return base.size() > 7 && base[6] == '+' ? base.substr(7) : base;
}

// ---- outside tools -------------------------------------------------------------------------

/// The family a face of a font file names itself (typographic family, else family), read by HarfBuzz.
std::string face_family(const FontRef& f) {
    test::HbFont font(f.file, static_cast<unsigned>(f.index));
    return font.ok() ? font.family() : "(cannot read " + f.file + ")";
}

// ---- pixels ----------------------------------------------------------------------------------

/// A PNG decoded through Cairo, as grey levels 0 (black) … 255 (white).
class Grey {
public:
    explicit Grey(const std::string& png_path) {
        test::RgbImage rgb = test::decode_png(png_path);
        m_w = rgb.width;
        m_h = rgb.height;
        m_px.reserve(rgb.px.size());
        for (std::uint32_t p : rgb.px) {
            m_px.push_back(static_cast<std::uint8_t>((((p >> 16) & 0xFF) + ((p >> 8) & 0xFF) + (p & 0xFF)) / 3));
        }
    }
    bool ok() const { return m_w > 0 && m_h > 0; }
    int width() const { return m_w; }
    int height() const { return m_h; }
    int at(int x, int y) const { return m_px[static_cast<std::size_t>(y) * static_cast<std::size_t>(m_w) + static_cast<std::size_t>(x)]; }
    /// Leftmost and rightmost columns in [x0, x1) with a pixel darker than 128 in rows [y0, y1); {-1, -1} if none.
    std::pair<int, int> ink_columns(int x0, int y0, int x1, int y1) const {
        int lo = -1, hi = -1;
        for (int x = std::max(0, x0); x < std::min(m_w, x1); ++x) {
            for (int y = std::max(0, y0); y < std::min(m_h, y1); ++y) {
                if (at(x, y) < 128) {
                    lo = lo < 0 ? x : lo;
                    hi = x;
                    break;
                }
            }
        }
        return {lo, hi};
    }
    /// Mean darkness (255 − grey) / 255 over [x0, x1) × [y0, y1), 0 … 1.
    double darkness(int x0, int y0, int x1, int y1) const {
        double sum = 0;
        long n = 0;
        for (int y = std::max(0, y0); y < std::min(m_h, y1); ++y) {
            for (int x = std::max(0, x0); x < std::min(m_w, x1); ++x) {
                sum += 255 - at(x, y);
                ++n;
            }
        }
        return n == 0 ? 0 : sum / 255.0 / static_cast<double>(n);
    }

private:
    int m_w = 0, m_h = 0;
    std::vector<std::uint8_t> m_px;
};

/// Page `page` (0-based) of `pdf` through pdftoppm at `dpi`, as a PNG in `dir`.
std::string pdftoppm_page(const std::string& pdf, std::size_t page, const test::TempDir& dir, const std::string& name, int dpi) {
    std::string n = std::to_string(page + 1);
    auto r = test::run_command({"pdftoppm", "-r", std::to_string(dpi), "-f", n, "-l", n, "-png", "-singlefile", pdf, dir / name});
    REQUIRE_MESSAGE(r.exit_code == 0, "pdftoppm ", pdf, ": ", r.err);
    CHECK_MESSAGE(r.err.empty(), "pdftoppm: ", r.err);
    return dir / (name + ".png");
}

/// The columns of ink of a line at `dpi`: its x-height band only, so the ascenders and descenders
/// of the lines above and below stay out.
std::pair<int, int> line_ink(const Grey& page, const Line& l, double dpi) {
    double k = dpi / 72.0;
    return page.ink_columns(0, static_cast<int>((l.baseline - 0.5 * l.size) * k), page.width(),
                            static_cast<int>(std::ceil((l.baseline + 0.05 * l.size) * k)));
}

}  // namespace

// ==== 1. parsing ===============================================================================

TEST_SUITE("content") {

TEST_CASE("a taglines block gives one paragraph per item, in the item's language, without the tag") {
    const std::string text = "---\ntitle: T\n---\n\nHelp is free.\n\n::: taglines\n"
                             "- fr: ATTENTION : Si vous parlez français, appelez le (555) 014-2368.\n"
                             "- zh-Hant: 注意：如果您使用繁體中文，請致電 (555) 014-2368。\n"
                             ":::\n";
    auto r = parse_content(test::source(text, "doc.md"));
    REQUIRE_MESSAGE(r.ok(), test::describe(r.diagnostics));
    CHECK_MESSAGE(r.diagnostics.empty(), test::describe(r.diagnostics));
    REQUIRE(r->blocks.size() == 2);
    const auto* intro = std::get_if<Paragraph>(&r->blocks[0].v);
    REQUIRE(intro != nullptr);
    CHECK(intro->lang.empty());  // the document's language, not a tagline's
    const auto* div = std::get_if<Div>(&r->blocks[1].v);
    REQUIRE(div != nullptr);
    CHECK(div->kind == "taglines");
    REQUIRE(div->blocks.size() == 2);

    struct Expected {
        std::string lang, text;
    };
    const Expected expected[] = {
        {"fr", "ATTENTION : Si vous parlez français, appelez le (555) 014-2368."},
        {"zh-Hant", "注意：如果您使用繁體中文，請致電 (555) 014-2368。"},
    };
    for (std::size_t i = 0; i < 2; ++i) {
        INFO(expected[i].lang);
        const auto* p = std::get_if<Paragraph>(&div->blocks[i].v);
        REQUIRE(p != nullptr);
        CHECK(p->lang == expected[i].lang);
        CHECK(plain_text(p->spans) == expected[i].text);
        REQUIRE(!p->spans.empty());
        // The first span points at the text after the tag in the file, for diagnostics.
        CHECK(text.substr(p->spans.front().offset, 6) == expected[i].text.substr(0, 6));
    }
}

TEST_CASE("a tagline without a language tag, one with a malformed tag, and a bare paragraph in a taglines block are errors at their line and column") {
    const std::string text = test::read_file(bad_input);
    REQUIRE_MESSAGE(!text.empty(), "cannot read ", bad_input);
    auto r = parse_content(test::source(text, bad_input));
    INFO(test::describe(r.diagnostics));
    CHECK_FALSE(r.ok());
    // Every mistake is reported, in file order; the good items between them are not.
    std::vector<std::string> at;
    for (const Diagnostic& d : r.diagnostics) {
        CHECK(d.severity == Severity::error);
        CHECK(d.message == tagline_error);
        CHECK(test::has_hint(d, "- fr: ATTENTION : Si vous parlez français"));
        CHECK(test::has_hint(d, "BCP 47"));
        at.push_back(test::pos(d));
    }
    const std::vector<std::string> expected = {test::pos_in(text, "ATTENTION without tag"), test::pos_in(text, "xx_yy: bad"),
                                               test::pos_in(text, "A plain paragraph.")};
    CHECK(expected == std::vector<std::string>{"9:3", "11:3", "15:1"});  // the fixture as written
    CHECK(at == expected);

    // The CLI: `check` and `render` exit 2, print each at file:line:col with the source line, a
    // caret and the hints (the golden beside the input), and `render` writes nothing.
    test::TempDir dir;
    auto check = test::run_cli({"check", bad_input, "-l", shipped_layout});
    auto render = test::run_cli({"render", bad_input, "-l", shipped_layout, "-o", dir / "out.pdf"});
    CHECK(check.exit_code == 2);
    CHECK(render.exit_code == 2);
    CHECK_FALSE(test::exists(dir / "out.pdf"));
    for (const std::string& p : expected) {
        std::string line = bad_input + ":" + p + ": error: " + tagline_error;
        CHECK_MESSAGE(contains(check.err, line), "missing «", line, "» in:\n", check.err);
        CHECK_MESSAGE(contains(render.err, line), "missing «", line, "» in:\n", render.err);
    }
    CHECK_MESSAGE(contains(check.err, "\n  - xx_yy: bad\n    ^\n"), check.err);
    CHECK(check.err == render.err);
    const std::string golden_path = "tests/data/taglines/bad-taglines.stderr";
    const char* update = std::getenv("UPDATE_GOLDEN");
    if (update != nullptr && std::string(update) == "1") {
        test::write_file(golden_path, check.err);
        MESSAGE("rewrote ", golden_path);
    } else {
        std::string golden = test::read_file(golden_path);
        REQUIRE_MESSAGE(!golden.empty(), "no golden ", golden_path, "; run with UPDATE_GOLDEN=1");
        CHECK_MESSAGE(check.err == golden, golden_path, " differs; got:\n", check.err);
    }
}

}  // TEST_SUITE

TEST_SUITE("engine") {

// ==== 2. structure ==============================================================================

TEST_CASE("the language-assistance page passes the project's PDF/UA check, and each tagline is a P with its /Lang — right-to-left ones carry their text as /ActualText") {
    const Rendered& r = shipped_pdf();
    CHECK_MESSAGE(r.run.err.empty(), r.run.err);

    pdfua::Report ua = pdfua::check_file(r.pdf);
    CHECK_MESSAGE(ua.passed(), pdfua::format(ua, true));
    CHECK(ua.failed() == std::vector<std::string>{});
    CHECK(ua.checks.size() == pdfua::check_ids().size());  // the checks ran
    // Every code each script's subset shows has a ToUnicode entry or sits in an ActualText span
    // (Bengali and Devanagari clusters of several glyphs included), and the tree reads in order.
    CHECK(ua.find("to-unicode")->status == pdfua::Status::pass);
    CHECK(ua.find("reading-order")->status == pdfua::Status::pass);

    std::vector<pdfua::Paragraph> ps = paragraphs(r.pdf);
    REQUIRE(!ps.empty());
    CHECK_FALSE(ps[0].lang.has_value());  // the introduction: the document's language (catalog /Lang)
    auto tagged = tagged_paragraphs(ps);
    std::vector<std::string> langs, expected;
    for (const auto& p : tagged) {
        langs.push_back(*p.lang);
    }
    for (const Tagline& t : shipped_taglines()) {
        expected.push_back(t.lang);
    }
    CHECK(langs == expected);
    REQUIRE(tagged.size() == expected.size());
    std::size_t rtl = 0;
    for (std::size_t i = 0; i < tagged.size(); ++i) {
        const Tagline& t = shipped_taglines()[i];
        INFO(t.lang);
        CHECK(!tagged[i].mcids.empty());
        if (t.lang == "ar" || t.lang == "fa") {
            ++rtl;
            REQUIRE_MESSAGE(tagged[i].actual_text.has_value(), "no /ActualText on the ", t.lang, " P element");
            CHECK(*tagged[i].actual_text == t.text);
        } else if (tagged[i].actual_text) {
            CHECK(*tagged[i].actual_text == t.text);  // not needed, but never wrong
        }
    }
    CHECK(rtl == 2);
}

// ==== 3. extraction =============================================================================

TEST_CASE("pdftotext reads every left-to-right tagline whole and in order") {
    const std::string text = pdftotext(shipped_pdf().pdf);
    const std::string flat = test::normalize_space(text), bare = without_space(text);
    std::size_t from = 0, checked = 0;
    for (const Tagline& t : shipped_taglines()) {
        if (has_arabic(t.text)) {
            continue;
        }
        INFO(t.lang, ": ", t.text);
        ++checked;
        if (simple_script(t.text)) {
            // Latin and Cyrillic lines break at spaces: the text as written, line breaks as spaces.
            CHECK_MESSAGE(contains(flat, test::normalize_space(t.text)), "pdftotext:\n", text);
        }
        // CJK lines break between characters without a space, and poppler puts a space where the
        // font changes inside Devanagari (ध्यान दें : for ध्यान दें:): compare without white space.
        std::size_t at = bare.find(without_space(t.text), from);
        CHECK_MESSAGE(at != std::string::npos, "not found (in order) in pdftotext:\n", text);
        if (at != std::string::npos) {
            from = at + without_space(t.text).size();
        }
    }
    CHECK(checked == 17);
}

TEST_CASE("pdftotext reads each Arabic-script run of the ar and fa taglines in logical order") {
    // poppler writes a right-to-left line in visual order of its segments, each segment between
    // RLE … PDF marks in logical order. So each maximal run of Arabic-script words (between
    // punctuation, digits and brackets) must appear as written — or, where the line breaks inside
    // it, its first words on one line and the rest on the next.
    auto lines = split_lines(pdftotext(shipped_pdf().pdf));
    for (std::string& l : lines) {
        l = without_embeddings(l);
    }
    auto bounded = [](const std::string& line, const std::string& phrase) {
        for (std::size_t at = line.find(phrase); at != std::string::npos; at = line.find(phrase, at + 1)) {
            std::u32string before = pdfua::utf8_to_u32(line.substr(0, at)), after = pdfua::utf8_to_u32(line.substr(at + phrase.size()));
            if ((before.empty() || !arabic_letter(before.back())) && (after.empty() || !arabic_letter(after.front()))) {
                return true;
            }
        }
        return false;
    };
    auto join = [](const std::vector<std::string>& words, std::size_t b, std::size_t e) {
        std::string s;
        for (std::size_t i = b; i < e; ++i) {
            s += (i > b ? " " : "") + words[i];
        }
        return s;
    };
    for (const std::string lang : {"ar", "fa"}) {
        const Tagline& t = shipped(lang);
        INFO(lang, ": ", t.text);
        // The runs, as lists of words.
        std::vector<std::vector<std::string>> runs;
        std::vector<std::string> words;
        std::u32string word;
        auto end_word = [&] {
            if (!word.empty()) {
                words.push_back(pdfua::u32_to_utf8(word));
                word.clear();
            }
        };
        for (char32_t c : pdfua::utf8_to_u32(t.text) + U"|") {
            if (arabic_letter(c)) {
                word += c;
            } else if (c == U' ') {
                end_word();
            } else {
                end_word();
                if (!words.empty()) {
                    runs.push_back(words);
                    words.clear();
                }
            }
        }
        REQUIRE(runs.size() >= 4);
        for (const auto& run : runs) {
            std::string whole = join(run, 0, run.size());
            INFO("run «", whole, "»");
            bool found = false;
            for (std::size_t i = 0; i < lines.size() && !found; ++i) {
                found = bounded(lines[i], whole);
                for (std::size_t k = 1; k < run.size() && !found && i + 1 < lines.size(); ++k) {
                    found = bounded(lines[i], join(run, 0, k)) && bounded(lines[i + 1], join(run, k, run.size()));
                }
            }
            CHECK_MESSAGE(found, "not found in logical order; the right-to-left lines read:\n", [&] {
                std::string s;
                for (const auto& l : lines) {
                    s += has_arabic(l) ? l + "\n" : "";
                }
                return s;
            }());
        }
    }
}

TEST_CASE("the phone number in every tagline stays on one line, isolated left to right in right-to-left ones") {
    // The text layer: every line holding the number holds it whole. poppler files the number's
    // opening bracket into the Arabic segment beside it on the ar line («( (رقم555) 014-2368»), so
    // on lines with Arabic-script text the bracket is not asked for.
    const std::string text = pdftotext(shipped_pdf().pdf);
    std::size_t with_number = 0, whole = 0;
    for (const std::string& raw : split_lines(text)) {
        std::string line = without_embeddings(raw);
        if (!contains(line, "555") && !contains(line, "2368")) {
            continue;
        }
        INFO("line «", line, "»");
        ++with_number;
        CHECK(contains(line, "555) 014-2368"));
        if (!has_arabic(line)) {
            CHECK(contains(line, phone));
        }
        whole += contains(line, phone) ? 1 : 0;
    }
    CHECK(with_number == shipped_taglines().size() + 1);  // each tagline and the introduction
    CHECK(whole >= shipped_taglines().size());

    // The display list: per paragraph, one line holds the whole number; in a right-to-left
    // paragraph it is a run of its own, left to right, its glyphs in the text's order.
    const Pages& pages = shipped_pages().pages;
    std::vector<int> nodes = {-1};
    for (std::size_t i = 0; i < pages.nodes.size(); ++i) {
        if (pages.nodes[i].type == StructType::p && pages.nodes[i].lang.empty() && nodes.front() < 0) {
            nodes.front() = static_cast<int>(i);  // the introduction
        }
    }
    REQUIRE(nodes.front() >= 0);
    for (const Tagline& t : shipped_taglines()) {
        nodes.push_back(node_of(pages, t.lang));
    }
    for (int n : nodes) {
        const std::string lang = pages.nodes[static_cast<std::size_t>(n)].lang;
        INFO("node ", n, " ", lang);
        auto lines = lines_of(pages, n);
        REQUIRE(!lines.empty());
        std::size_t holding = 0, pieces = 0;
        for (const Line& l : lines) {
            bool any = false;
            for (const GlyphRun* run : l.runs) {
                any = any || contains(run->text, "555") || contains(run->text, "014") || contains(run->text, "2368");
            }
            pieces += any ? 1 : 0;
            holding += contains(ltr_text(l), phone) ? 1 : 0;
        }
        CHECK(pieces == 1);
        if (n != nodes.front() && (lang == "ar" || lang == "fa")) {
            const GlyphRun* number = nullptr;
            for (const Line& l : lines) {
                for (const GlyphRun* run : l.runs) {
                    number = run->text == phone ? run : number;
                }
            }
            REQUIRE_MESSAGE(number != nullptr, "no run of its own for the number");
            CHECK_FALSE(number->rtl);
            CHECK(number->glyphs.size() == phone.size());
            for (std::size_t g = 1; g < number->glyphs.size(); ++g) {
                CHECK(number->glyphs[g].cluster > number->glyphs[g - 1].cluster);
            }
        } else {
            CHECK(holding == 1);
        }
    }
}

// ==== 4. fonts =================================================================================

TEST_CASE("the taglines' scripts get embedded subset fonts with ToUnicode, and each Han variant its own face") {
    const Rendered& r = shipped_pdf();
    std::string raw;
    auto fonts = pdffonts(r.pdf, raw);
    INFO(raw);
    const std::map<std::string, std::string> faces = {
        {"NotoNaskhArabic-Regular", "CID TrueType"}, {"NotoSansDevanagari-Regular", "CID TrueType"},
        {"NotoSansBengali-Regular", "CID TrueType"}, {"NotoSansCJKsc-Regular", "CID Type 0C"},
        {"NotoSansCJKtc-Regular", "CID Type 0C"},    {"NotoSansCJKjp-Regular", "CID Type 0C"},
        {"NotoSansCJKkr-Regular", "CID Type 0C"},
    };
    for (const auto& [face, type] : faces) {
        INFO(face);
        auto row = std::find_if(fonts.begin(), fonts.end(), [&](const FontRow& f) { return face_name(f.name) == face; });
        REQUIRE_MESSAGE(row != fonts.end(), "pdffonts lists no ", face);
        CHECK(subset_tagged(row->name));
        CHECK(row->type == type);
        CHECK(row->emb == "yes");
        CHECK(row->sub == "yes");
        CHECK(row->uni == "yes");
    }

    // In the PDF: the fonts each tagline's marked content shows.
    const std::map<std::string, std::string> script_face = {
        {"zh-Hans", "NotoSansCJKsc-Regular"}, {"zh-Hant", "NotoSansCJKtc-Regular"}, {"ja", "NotoSansCJKjp-Regular"},
        {"ko", "NotoSansCJKkr-Regular"},      {"ar", "NotoNaskhArabic-Regular"},   {"fa", "NotoNaskhArabic-Regular"},
        {"hi", "NotoSansDevanagari-Regular"}, {"bn", "NotoSansBengali-Regular"},
    };
    auto tagged = tagged_paragraphs(paragraphs(r.pdf));
    REQUIRE(tagged.size() == shipped_taglines().size());
    for (const auto& p : tagged) {
        const std::string lang = *p.lang;
        INFO(lang, " shows ", doctest::StringMaker<std::vector<std::string>>::convert(p.fonts));
        std::set<std::string> used, cjk;
        for (const std::string& f : p.fonts) {
            used.insert(face_name(f));
            if (contains(f, "CJK")) {
                cjk.insert(face_name(f));
            }
        }
        auto it = script_face.find(lang);
        if (it == script_face.end()) {
            CHECK(std::vector<std::string>(used.begin(), used.end()) == std::vector<std::string>{"NotoSans-Regular"});
        } else {
            CHECK(used.count(it->second) == 1);
            if (contains(it->second, "CJK")) {
                // No other variant's glyph forms.
                CHECK(std::vector<std::string>(cjk.begin(), cjk.end()) == std::vector<std::string>{it->second});
            }
        }
    }

    // In the display list: the face each CJK run is drawn with, by the name in the font file, and
    // no tagline glyph is .notdef.
    const Pages& pages = shipped_pages().pages;
    const std::map<std::string, std::string> variant = {
        {"zh-Hans", "Noto Sans CJK SC"}, {"zh-Hant", "Noto Sans CJK TC"}, {"ja", "Noto Sans CJK JP"}, {"ko", "Noto Sans CJK KR"}};
    for (const Tagline& t : shipped_taglines()) {
        INFO(t.lang);
        int n = node_of(pages, t.lang);
        std::size_t cjk_runs = 0;
        for (const Line& l : lines_of(pages, n)) {
            for (const GlyphRun* run : l.runs) {
                INFO("run «", run->text, "»");
                CHECK(std::none_of(run->glyphs.begin(), run->glyphs.end(), [](const Glyph& g) { return g.id == 0; }));
                if (!has_cjk(run->text)) {
                    continue;
                }
                ++cjk_runs;
                REQUIRE(run->font < pages.fonts.size());
                const FontRef& f = pages.fonts[run->font];
                auto v = variant.find(t.lang);
                REQUIRE_MESSAGE(v != variant.end(), "CJK characters in a tagline that is not CJK");
                CHECK_MESSAGE(face_family(f) == v->second, f.file, " #", f.index, " (", f.family, ")");
            }
        }
        CHECK((cjk_runs > 0) == (variant.count(t.lang) == 1));
    }
}

// ==== 5. right to left, seen =====================================================================

TEST_CASE("right-to-left taglines are set flush right, left-to-right ones flush left") {
    // What the CLI drew is this display list: the boxes below are the PDF's.
    const Laid& laid = shipped_pages();
    auto dump = test::run_cli_env({"render", shipped_content, "-l", shipped_layout, "--format", "dump", "-o", "-"}, {epoch});
    REQUIRE_MESSAGE(dump.exit_code == 0, dump.err);
    bool same = dump.out == dump_pages(laid.pages);
    REQUIRE_MESSAGE(same, "the CLI's display list differs from the one typeset here");

    const double dpi = 100, k = dpi / 72.0;
    const Layout& layout = laid.layout->layout;
    const double left = layout.margin.left * k, right = (layout.page_width - layout.margin.right) * k;
    const double measure = right - left;
    test::TempDir dir;
    std::map<std::size_t, std::unique_ptr<Grey>> page_png;
    auto page = [&](std::size_t p) -> const Grey& {
        auto& g = page_png[p];
        if (!g) {
            g = std::make_unique<Grey>(pdftoppm_page(shipped_pdf().pdf, p, dir, "page" + std::to_string(p + 1), static_cast<int>(dpi)));
            REQUIRE(g->ok());
        }
        return *g;
    };
    for (const std::string lang : {"ar", "fa"}) {
        auto lines = lines_of(laid.pages, node_of(laid.pages, lang));
        REQUIRE(lines.size() >= 2);
        for (std::size_t i = 0; i < lines.size(); ++i) {
            INFO(lang, " line ", i + 1, " of ", lines.size(), " (margins at ", left, " and ", right, " px)");
            auto [lo, hi] = line_ink(page(lines[i].page), lines[i], dpi);
            INFO("ink from ", lo, " to ", hi, " px");
            REQUIRE(lo >= 0);
            CHECK(hi >= right - 4);  // at the right margin
            CHECK(hi <= right + 1);
            if (i + 1 == lines.size()) {
                CHECK(lo > left + measure / 4);  // the short last line is ragged at the left
            }
        }
    }
    {
        auto lines = lines_of(laid.pages, node_of(laid.pages, "en"));
        REQUIRE(lines.size() >= 2);
        for (std::size_t i = 0; i < lines.size(); ++i) {
            INFO("en line ", i + 1);
            auto [lo, hi] = line_ink(page(lines[i].page), lines[i], dpi);
            INFO("ink from ", lo, " to ", hi, " px; margins at ", left, " and ", right);
            REQUIRE(lo >= 0);
            CHECK(lo >= left - 1);  // at the left margin
            CHECK(lo <= left + 3);
            if (i + 1 == lines.size()) {
                CHECK(hi < right - measure / 4);
            }
        }
    }

    // One-line taglines: the Arabic line's first (and only) line ends at the right margin and
    // starts far from the left one; the English line starts at the left margin.
    const std::string md = dir / "short.md";
    test::write_file(md, "---\ntitle: \"Short taglines\"\n---\n\n::: taglines\n"
                         "- en: ATTENTION: Call (555) 014-2368.\n"
                         "- ar: ملحوظة: اتصل برقم (555) 014-2368.\n"
                         ":::\n");
    const std::string pdf = dir / "short.pdf";
    auto r = test::run_cli_env({"render", md, "-l", shipped_layout, "-o", pdf}, {epoch});
    REQUIRE_MESSAGE((r.exit_code == 0 && test::exists(pdf)), r.err);
    CHECK_MESSAGE(r.err.empty(), r.err);
    Laid short_laid = lay_out(md, shipped_layout);
    Grey png(pdftoppm_page(pdf, 0, dir, "short", static_cast<int>(dpi)));
    REQUIRE(png.ok());
    auto ar = lines_of(short_laid.pages, node_of(short_laid.pages, "ar"));
    auto en = lines_of(short_laid.pages, node_of(short_laid.pages, "en"));
    REQUIRE(ar.size() == 1);
    REQUIRE(en.size() == 1);
    auto [ar_lo, ar_hi] = line_ink(png, ar[0], dpi);
    auto [en_lo, en_hi] = line_ink(png, en[0], dpi);
    INFO("ar ink ", ar_lo, "–", ar_hi, " px, en ink ", en_lo, "–", en_hi, " px; margins at ", left, " and ", right);
    CHECK(ar_hi >= right - 4);
    CHECK(ar_hi <= right + 1);
    CHECK(ar_lo > left + measure / 2);
    CHECK(en_lo >= left - 1);
    CHECK(en_lo <= left + 3);
    CHECK(en_hi < right - measure / 2);
}

// ==== 6. three renderers ===========================================================================

TEST_CASE("the language-assistance page draws in poppler, MuPDF and Ghostscript without a message, CJK taglines inked") {
    const Rendered& r = shipped_pdf();
    const Pages& pages = shipped_pages().pages;
    const int dpi = 100;
    const double k = dpi / 72.0;
    test::TempDir dir;

    auto pp = test::run_command({"pdftoppm", "-r", std::to_string(dpi), "-png", r.pdf, dir / "poppler"});
    CHECK_MESSAGE(pp.exit_code == 0, pp.err);
    CHECK_MESSAGE(pp.err.empty(), "pdftoppm: ", pp.err);

    auto mu = test::run_command({"mutool", "draw", "-q", "-o", dir / "mupdf-%d.png", "-r", std::to_string(dpi), r.pdf});
    CHECK_MESSAGE(mu.exit_code == 0, mu.err);
    std::string mu_err = test::mutool_messages(mu.err);
    CHECK_MESSAGE(mu_err.empty(), "mutool: ", mu_err);

    auto gs = test::run_command({"gs", "-q", "-dNOPAUSE", "-dBATCH", "-sDEVICE=png16m", "-r" + std::to_string(dpi),
                                 "-sOutputFile=" + dir / "ghostscript-%d.png", r.pdf});
    CHECK_MESSAGE(gs.exit_code == 0, gs.err);
    CHECK_MESSAGE((gs.out + gs.err).empty(), "gs: ", gs.out, gs.err);

    auto files = test::list_files(dir.path());
    INFO("files: ", [&] {
        std::string s;
        for (const auto& f : files) {
            s += f + " ";
        }
        return s;
    }());
    for (const char* renderer : {"poppler", "mupdf", "ghostscript"}) {
        std::size_t n = static_cast<std::size_t>(
            std::count_if(files.begin(), files.end(), [&](const std::string& f) { return f.rfind(renderer, 0) == 0; }));
        CHECK_MESSAGE(n == pages.pages.size(), renderer, " drew ", n, " pages");
    }

    // Every run of a CJK face in the CJK taglines has ink in its box, in every renderer.
    std::map<std::string, std::unique_ptr<Grey>> decoded;
    auto png_of = [&](const std::string& path) -> const Grey& {
        auto& g = decoded[path];
        if (!g) {
            g = std::make_unique<Grey>(path);
            REQUIRE_MESSAGE(g->ok(), "cannot read ", path);
        }
        return *g;
    };
    for (const std::string lang : {"zh-Hans", "zh-Hant", "ja", "ko"}) {
        auto lines = lines_of(pages, node_of(pages, lang));
        REQUIRE(!lines.empty());
        std::size_t letter_runs = 0;
        for (const Line& l : lines) {
            for (const GlyphRun* run : l.runs) {
                std::u32string chars = pdfua::utf8_to_u32(run->text);
                if (!contains(pages.fonts[run->font].family, "CJK") || std::none_of(chars.begin(), chars.end(), cjk_letter)) {
                    continue;
                }
                ++letter_runs;
                const std::string page_no = std::to_string(l.page + 1);
                for (const std::string& png : {dir / ("poppler-" + page_no + ".png"), dir / ("mupdf-" + page_no + ".png"),
                                               dir / ("ghostscript-" + page_no + ".png")}) {
                    INFO(lang, " run «", run->text, "» in ", png);
                    const Grey& g = png_of(png);
                    int x0 = static_cast<int>(run->origin.x * k), x1 = static_cast<int>((run->origin.x + advance_of(*run)) * k);
                    int y0 = static_cast<int>((run->origin.y - 0.85 * run->size) * k), y1 = static_cast<int>((run->origin.y + 0.1 * run->size) * k);
                    double ink = g.darkness(x0, y0, x1, y1);
                    CHECK_MESSAGE(ink > 0.05, "mean darkness ", ink);  // 0.12 and up as drawn; a blank box is 0
                }
            }
        }
        CHECK_MESSAGE(letter_runs >= 1, lang, ": ", letter_runs, " runs of CJK letters");
    }
}

}  // TEST_SUITE
