#include "render/haru/haru_text.hpp"

#include "pages/hyphen_joins.hpp"
#include "render/haru/haru_raw.hpp"
#include "render/pdf/pdf_syntax.hpp"

#include <glib.h>
#include <harfbuzz/hb.h>

#include <cmath>
#include <vector>

namespace handout::haru {

namespace {

/// A cluster: glyphs [a, b) of a run showing the run's text bytes [from, to).
struct Cluster {
    std::size_t a = 0, b = 0;
    std::size_t from = 0, to = 0;
};

/// The run's clusters in order (left to right). Text before the first glyph's offset joins the
/// first cluster; spaces Pango blanked at the line end are no cluster's.
std::vector<Cluster> clusters(const GlyphRun& run) {
    std::vector<Cluster> out;
    std::size_t end = run.text.size();
    while (!run.glyphs.empty() && end > run.glyphs.back().cluster + 1 && run.text[end - 1] == ' ') {
        --end;
    }
    std::size_t i = 0;
    while (i < run.glyphs.size()) {
        std::size_t j = i;
        while (j < run.glyphs.size() && run.glyphs[j].cluster == run.glyphs[i].cluster) {
            ++j;
        }
        std::size_t from = i == 0 ? 0 : run.glyphs[i].cluster;
        std::size_t to = j < run.glyphs.size() ? run.glyphs[j].cluster : end;
        from = std::min<std::size_t>(from, end);
        out.push_back({i, j, from, std::max(from, std::min<std::size_t>(to, end))});
        i = j;
    }
    return out;
}

std::vector<char32_t> code_points(std::string_view utf8) {
    std::vector<char32_t> out;
    const char* p = utf8.data();
    const char* end = p + utf8.size();
    while (p < end) {
        gunichar c = g_utf8_get_char_validated(p, end - p);
        if (c == static_cast<gunichar>(-1) || c == static_cast<gunichar>(-2)) {
            out.push_back(0xFFFD);
            ++p;
            continue;
        }
        out.push_back(c);
        p = g_utf8_next_char(p);
    }
    return out;
}

void append_utf8(std::string& out, char32_t c) {
    char buf[6];
    out.append(buf, static_cast<std::size_t>(g_unichar_to_utf8(c, buf)));
}

/// Scripts whose text is shaped, not spelled: their glyphs depend on their neighbours (joining,
/// conjuncts, reordering, stacking), so characters drawn one by one would be wrong.
const char* shaped_script(GUnicodeScript s) {
    switch (s) {
        case G_UNICODE_SCRIPT_ARABIC: return "Arabic";
        case G_UNICODE_SCRIPT_HEBREW: return "Hebrew";
        case G_UNICODE_SCRIPT_SYRIAC: return "Syriac";
        case G_UNICODE_SCRIPT_THAANA: return "Thaana";
        case G_UNICODE_SCRIPT_NKO: return "N'Ko";
        case G_UNICODE_SCRIPT_DEVANAGARI: return "Devanagari";
        case G_UNICODE_SCRIPT_BENGALI: return "Bengali";
        case G_UNICODE_SCRIPT_GURMUKHI: return "Gurmukhi";
        case G_UNICODE_SCRIPT_GUJARATI: return "Gujarati";
        case G_UNICODE_SCRIPT_ORIYA: return "Oriya";
        case G_UNICODE_SCRIPT_TAMIL: return "Tamil";
        case G_UNICODE_SCRIPT_TELUGU: return "Telugu";
        case G_UNICODE_SCRIPT_KANNADA: return "Kannada";
        case G_UNICODE_SCRIPT_MALAYALAM: return "Malayalam";
        case G_UNICODE_SCRIPT_SINHALA: return "Sinhala";
        case G_UNICODE_SCRIPT_THAI: return "Thai";
        case G_UNICODE_SCRIPT_LAO: return "Lao";
        case G_UNICODE_SCRIPT_TIBETAN: return "Tibetan";
        case G_UNICODE_SCRIPT_MYANMAR: return "Myanmar";
        case G_UNICODE_SCRIPT_KHMER: return "Khmer";
        case G_UNICODE_SCRIPT_MONGOLIAN: return "Mongolian";
        default: return nullptr;
    }
}

/// Scripts whose letters stand alone, so a cluster shaped into other glyphs (a ligature, a
/// composed accent) is drawn as its characters without harm.
bool spelled_script(GUnicodeScript s) {
    return s == G_UNICODE_SCRIPT_LATIN || s == G_UNICODE_SCRIPT_GREEK || s == G_UNICODE_SCRIPT_CYRILLIC ||
           s == G_UNICODE_SCRIPT_COMMON || s == G_UNICODE_SCRIPT_INHERITED;
}

std::uint32_t nominal(const HaruCache::Impl::Font& font, char32_t c) {
    hb_codepoint_t g = 0;
    return font.hb && hb_font_get_nominal_glyph(font.hb.get(), c, &g) ? g : 0;
}

/// The character a break hyphen (U+00AD in the text, a hyphen glyph on the page) is drawn as:
/// the one whose glyph the line shows, as typesetting chose it (U+2010, else '-').
char32_t hyphen_char(const HaruCache::Impl::Font& font, std::uint32_t glyph) {
    return nominal(font, 0x2010) == glyph && glyph != 0 ? 0x2010 : U'-';
}

std::string hex_code(char32_t c) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "U+%04X", static_cast<unsigned>(c));
    return buf;
}

}  // namespace

std::string unshaped_problem(const GlyphRun& run, const HaruCache::Impl::Font& font) {
    for (char32_t cp : code_points(run.text)) {
        if (const char* name = shaped_script(g_unichar_get_script(cp))) {
            return std::string(name) + " script needs shaping";
        }
    }
    if (run.rtl) {
        return "right-to-left text needs shaping";
    }
    for (const Cluster& c : clusters(run)) {
        std::vector<char32_t> cps = code_points(std::string_view(run.text).substr(c.from, c.to - c.from));
        bool spelled = true;
        for (char32_t cp : cps) {
            auto script = g_unichar_get_script(cp);
            if (cp > 0xFFFF) {
                return "the character " + hex_code(cp) + " is beyond U+FFFF, which libharu's UTF-8 encoder does not reach";
            }
            if (cp != 0xAD && !in_haru_repertoire(cp)) {
                return "the character " + hex_code(cp) +
                       " is outside the engine's characters (Latin, Greek, Cyrillic, punctuation, symbols)";
            }
            spelled = spelled && spelled_script(script);
        }
        bool own_glyphs = cps.size() == c.b - c.a;
        for (std::size_t k = 0; own_glyphs && k < cps.size(); ++k) {
            own_glyphs = nominal(font, cps[k]) == run.glyphs[c.a + k].id;
        }
        if (!own_glyphs && !spelled) {
            return "the glyphs of " + hex_code(cps.empty() ? 0 : cps.front()) + " come from shaping (" +
                   std::to_string(c.b - c.a) + " glyphs for " + std::to_string(cps.size()) + " characters)";
        }
        for (char32_t cp : cps) {
            if (cp != 0xAD && nominal(font, cp) == 0 && g_unichar_isgraph(cp)) {
                return "the font has no glyph of its own for " + hex_code(cp);
            }
        }
    }
    return {};
}

std::unordered_map<const GlyphRun*, RunText> hyphen_texts(const Pages& pages) {
    std::unordered_map<const GlyphRun*, RunText> out;
    for (const auto& j : hyphen_joins(pages)) {
        out[j.head].head_rest = j.tail->text.substr(0, j.tail_bytes);
        out[j.tail].tail_bytes = j.tail_bytes;
    }
    return out;
}

void draw_run(HPDF_Page page, HPDF_Font font, const HaruCache::Impl::Font& cmap, const GlyphRun& run, double page_height,
              const RunText& text) {
    if (run.glyphs.empty()) {
        return;
    }
    HPDF_Page_BeginText(page);
    HPDF_Page_SetFontAndSize(page, font, static_cast<HPDF_REAL>(run.size));
    HPDF_Page_SetRGBFill(page, static_cast<HPDF_REAL>(run.color.r), static_cast<HPDF_REAL>(run.color.g),
                         static_cast<HPDF_REAL>(run.color.b));
    if (std::abs(HPDF_Page_GetCharSpace(page) - run.tracking) > 1e-6) {
        HPDF_Page_SetCharSpace(page, static_cast<HPDF_REAL>(run.tracking));
    }

    // A stretch of characters shown by one string: where it starts and where the font's widths
    // (and the letter spacing) leave the pen after it.
    struct Stretch {
        double x = 0, y = 0, end = 0;
        std::string utf8;
    } s;
    double line_x = 0, line_y = 0;  // the text line's start, which a move is relative to
    auto flush = [&] {
        if (s.utf8.empty()) {
            return;
        }
        HPDF_Page_MoveTextPos(page, static_cast<HPDF_REAL>(s.x - line_x), static_cast<HPDF_REAL>(s.y - line_y));
        line_x = s.x;
        line_y = s.y;
        HPDF_Page_ShowText(page, s.utf8.c_str());
        s.utf8.clear();
    };
    auto show = [&](char32_t c, double x, double y) {
        if (s.utf8.empty() || std::abs(x - s.end) > 0.01 || y != s.y) {
            flush();
            s.x = x;
            s.y = y;
            s.end = x;
        }
        append_utf8(s.utf8, c);
        s.end += HPDF_Font_GetUnicodeWidth(font, static_cast<HPDF_UNICODE>(c)) * run.size / 1000.0 + run.tracking;
    };
    auto span = [&](const std::string& actual) {
        flush();
        write_ops(page, "/Span <</ActualText <FEFF" + pdf::utf16_hex(actual) + ">>> BDC\n");
    };
    auto end_span = [&] {
        flush();
        write_ops(page, "EMC\n");
    };

    std::vector<Cluster> cs = clusters(run);
    double pen = run.origin.x;
    bool in_tail = text.tail_bytes > 0;
    if (in_tail) {
        span("");  // the rest of a word already read at the hyphen
    }
    for (std::size_t k = 0; k < cs.size(); ++k) {
        const Cluster& c = cs[k];
        if (in_tail && c.from >= text.tail_bytes) {
            end_span();
            in_tail = false;
        }
        bool hyphen_cluster = text.head_rest && k + 1 == cs.size();
        const Glyph& first = run.glyphs[c.a];
        double x = pen + first.dx;
        double y = page_height - (run.origin.y + first.dy);
        std::vector<char32_t> cps = code_points(std::string_view(run.text).substr(c.from, c.to - c.from));
        bool own_glyphs = cps.size() == c.b - c.a;
        for (std::size_t i = 0; i < cps.size(); ++i) {
            // The break hyphen (the run's last character; its cluster may hold the letter before
            // it too) reads as the word's rest.
            bool hyphen = hyphen_cluster && i + 1 == cps.size();
            if (hyphen) {
                span(*text.head_rest);
            }
            char32_t cp = cps[i] == 0xAD ? hyphen_char(cmap, run.glyphs[c.a + std::min(i, c.b - c.a - 1)].id) : cps[i];
            if (own_glyphs && i > 0) {  // each glyph where it was laid out
                const Glyph& g = run.glyphs[c.a + i];
                double gx = pen;
                for (std::size_t m = c.a; m < c.a + i; ++m) {
                    gx += run.glyphs[m].advance;
                }
                show(cp, gx + g.dx, page_height - (run.origin.y + g.dy));
            } else if (i == 0) {
                show(cp, x, y);
            } else {  // a ligature's or composition's further characters: where the font puts them
                show(cp, s.end, s.y);
            }
            if (hyphen) {
                end_span();
            }
        }
        for (std::size_t m = c.a; m < c.b; ++m) {
            pen += run.glyphs[m].advance;
        }
    }
    if (in_tail) {
        end_span();
    }
    flush();
    HPDF_Page_EndText(page);
}

}  // namespace handout::haru
