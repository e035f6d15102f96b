#include "typeset/paragraph.hpp"

#include "typeset/font_system.hpp"
#include "typeset/hyphenator.hpp"

#include <harfbuzz/hb.h>
#include <pango/pangocairo.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>
#include <cstring>

namespace handout {

namespace {

constexpr std::string_view soft_hyphen = "\xC2\xAD";

using LayoutPtr = std::unique_ptr<PangoLayout, void (*)(gpointer)>;

/// The paragraph as Pango sees it: text, attributes, and where each piece came from.
struct Prepared {
    std::string text;
    PangoAttrList* attrs = nullptr;
    struct Piece {
        std::size_t begin, end;     ///< byte range in text
        std::size_t source;         ///< byte offset in the content file
        std::string link;
    };
    std::vector<Piece> pieces;
};

}  // namespace

bool rtl_language(std::string_view lang) {
    std::string_view primary = lang.substr(0, lang.find('-'));
    for (std::string_view l : {"ar", "fa", "he", "ur", "ps", "sd", "ug", "yi", "dv", "ckb"}) {
        if (primary == l) {
            return true;
        }
    }
    return false;
}

namespace {

constexpr std::string_view lri = "\xE2\x81\xA6", pdi = "\xE2\x81\xA9";  // LEFT-TO-RIGHT ISOLATE, POP DIRECTIONAL ISOLATE
constexpr std::string_view word_joiner = "\xE2\x81\xA0";

/// A phone number like (555) 014-2368 (7 digits or more) stays on one line: a word joiner after
/// each space in it. In right-to-left text it is also isolated as left-to-right, or the bidi
/// algorithm would reorder its parts (they become Arabic numbers around neutral separators).
std::string protect_numbers(std::string_view t, bool rtl) {
    std::string out;
    std::size_t i = 0;
    auto digit = [&](std::size_t k) { return k < t.size() && t[k] >= '0' && t[k] <= '9'; };
    while (i < t.size()) {
        bool start = digit(i) || ((t[i] == '(' || t[i] == '+') && digit(i + 1));
        if (!start) {
            out += t[i++];
            continue;
        }
        std::size_t j = i, end = i;
        int digits = 0, open = 0;
        while (j < t.size() && (digit(j) || std::string_view("()+-. ").find(t[j]) != std::string_view::npos)) {
            if (digit(j)) {
                ++digits;
                end = j + 1;
            } else if (t[j] == '(') {
                ++open;
            } else if (t[j] == ')' && open > 0) {
                --open;
                end = j + 1;
            } else if (t[j] == ')') {
                break;
            }
            ++j;
        }
        if (digits >= 7) {
            out += rtl ? lri : "";
            for (char ch : t.substr(i, end - i)) {
                out += ch;
                if (ch == ' ') {
                    out += word_joiner;
                }
            }
            out += rtl ? pdi : "";
        } else {
            out += t.substr(i, end - i);
        }
        i = end;
    }
    return out;
}

/// `s` without the word joiner and directional isolates (U+2060, U+2066–U+2069) that
/// protect_numbers() adds: layout controls, not text.
std::string without_isolates(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size();) {
        if (i + 2 < s.size() && s[i] == '\xE2' && s[i + 1] == '\x81' &&
            (s[i + 2] == '\xA0' || (s[i + 2] >= '\xA6' && s[i + 2] <= '\xA9'))) {
            i += 3;
            continue;
        }
        out += s[i++];
    }
    return out;
}

Prepared prepare(Hyphenator* hyph, const Spans& spans, const ParaStyle& style) {
    Prepared p;
    const bool rtl = rtl_language(style.lang);
    p.attrs = pango_attr_list_new();
    auto add = [&](PangoAttribute* a, std::size_t b, std::size_t e) {
        a->start_index = static_cast<guint>(b);
        a->end_index = static_cast<guint>(e);
        pango_attr_list_insert(p.attrs, a);  // the list owns it
    };
    for (const auto& s : spans) {
        std::size_t begin = p.text.size();
        if (s.kind == Span::Kind::line_break) {
            p.text += "\xE2\x80\xA8";  // LINE SEPARATOR: a forced break inside one paragraph
        } else if (hyph != nullptr && style.hyphenate && s.link.empty() && (s.style & style_code) == 0 && !s.personal) {
            // A patient's name or a date is never broken by a hyphen.
            p.text += protect_numbers(hyph->hyphenate(s.text, style.lang), rtl);
        } else if ((s.style & style_code) == 0 && s.link.empty()) {
            p.text += protect_numbers(s.text, rtl);
        } else {
            p.text += s.text;
        }
        std::size_t end = p.text.size();
        if (end == begin) {
            continue;
        }
        p.pieces.push_back({begin, end, s.offset, s.link});
        if ((s.style & style_bold) != 0 && !style.bold) {
            add(pango_attr_weight_new(PANGO_WEIGHT_BOLD), begin, end);
        }
        if ((s.style & style_italic) != 0) {
            add(pango_attr_style_new(PANGO_STYLE_ITALIC), begin, end);
        }
        if ((s.style & style_code) != 0) {
            add(pango_attr_family_new(style.mono_family.c_str()), begin, end);
            add(pango_attr_size_new_absolute(static_cast<int>(style.size * 0.92 * PANGO_SCALE)), begin, end);
        }
        if (!s.link.empty()) {
            // A distinct foreground splits Pango's items at the link's edges.
            add(pango_attr_foreground_new(static_cast<guint16>(style.link_color.r * 65535),
                                          static_cast<guint16>(style.link_color.g * 65535),
                                          static_cast<guint16>(style.link_color.b * 65535)),
                begin, end);
        }
    }
    return p;
}

LayoutPtr make_layout(FontSystem& fs, const Prepared& p, const ParaStyle& style, double width) {
    LayoutPtr layout(pango_layout_new(fs.context()), g_object_unref);
    PangoFontDescription* desc = pango_font_description_new();
    pango_font_description_set_family(desc, style.family.c_str());
    pango_font_description_set_absolute_size(desc, style.size * PANGO_SCALE);
    pango_font_description_set_weight(desc, style.bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
    pango_layout_set_font_description(layout.get(), desc);  // copies
    pango_font_description_free(desc);
    PangoAttrList* attrs = pango_attr_list_copy(p.attrs);
    PangoAttribute* lang = pango_attr_language_new(pango_language_from_string(style.lang.c_str()));
    lang->start_index = 0;
    lang->end_index = G_MAXUINT;
    pango_attr_list_insert_before(attrs, lang);
    pango_layout_set_attributes(layout.get(), attrs);  // takes a reference
    pango_attr_list_unref(attrs);
    if (width > 0) {
        pango_layout_set_width(layout.get(), static_cast<int>(width * PANGO_SCALE));
        pango_layout_set_wrap(layout.get(), PANGO_WRAP_WORD);
    }
    pango_layout_set_justify(layout.get(), style.align == TextAlign::justify);
    pango_layout_set_alignment(layout.get(), style.align == TextAlign::center  ? PANGO_ALIGN_CENTER
                                             : style.align == TextAlign::right ? PANGO_ALIGN_RIGHT
                                                                               : PANGO_ALIGN_LEFT);
    pango_layout_set_text(layout.get(), p.text.data(), static_cast<int>(p.text.size()));
    return layout;
}

/// Removes soft hyphens from a cluster's text.
std::string without_shy(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    std::size_t i = 0;
    while (i < s.size()) {
        if (s.substr(i, 2) == soft_hyphen) {
            i += 2;
            continue;
        }
        out += s[i++];
    }
    return out;
}

double pt(int pango_units) {
    return pango_units / double(PANGO_SCALE);
}

/// Converts one Pango run into a GlyphRun; x is the run's left edge in pt from the line start.
/// Converts the glyphs of one Pango run whose clusters start in [lo, hi) into a GlyphRun;
/// x is the left edge of the first of them, in pt from the line start.
GlyphRun convert_run(FontSystem& fs, const Prepared& p, PangoGlyphItem* run, double x, std::size_t lo = 0,
                     std::size_t hi = std::string::npos) {
    PangoItem* item = run->item;
    PangoGlyphString* gs = run->glyphs;
    GlyphRun out;
    out.origin = {x, 0};
    out.font = fs.font_id(item->analysis.font);
    PangoFontDescription* d = pango_font_describe_with_absolute_size(item->analysis.font);
    out.size = pango_font_description_get_size(d) / double(PANGO_SCALE);
    pango_font_description_free(d);

    const auto item_begin = std::max(static_cast<std::size_t>(item->offset), lo);
    const auto item_end = std::min(static_cast<std::size_t>(item->offset) + static_cast<std::size_t>(item->length), hi);
    for (const auto& piece : p.pieces) {
        if (item_begin >= piece.begin && item_begin < piece.end) {
            out.source = piece.source + (item_begin - piece.begin);
            break;
        }
    }
    double pending = 0;  // advance of dropped glyphs, added to the next glyph's offset
    const auto item_offset = static_cast<std::size_t>(item->offset);
    // Right to left: glyphs stay in visual order, the text in logical order, each glyph's
    // cluster an offset into it.
    out.rtl = item->analysis.level % 2 != 0;
    for (int j = 0; j < gs->num_glyphs; ++j) {
        const PangoGlyphInfo& gi = gs->glyphs[j];
        std::size_t cb = item_offset + static_cast<std::size_t>(gs->log_clusters[j]);
        if (cb < item_begin || cb >= item_end) {
            continue;
        }
        bool same_cluster = j > 0 && gs->log_clusters[j] == gs->log_clusters[j - 1] && !out.glyphs.empty();
        // The cluster ends where the nearest larger cluster starts: the next glyph's left to
        // right, the previous glyph's right to left.
        std::size_t ce = item_end;
        for (int k = j + 1; k < gs->num_glyphs; ++k) {
            if (gs->log_clusters[k] != gs->log_clusters[j]) {
                if (gs->log_clusters[k] > gs->log_clusters[j]) {
                    ce = std::min(item_end, item_offset + static_cast<std::size_t>(gs->log_clusters[k]));
                }
                break;
            }
        }
        for (int k = j - 1; k >= 0; --k) {
            if (gs->log_clusters[k] != gs->log_clusters[j]) {
                if (gs->log_clusters[k] > gs->log_clusters[j]) {
                    ce = std::min(ce, item_offset + static_cast<std::size_t>(gs->log_clusters[k]));
                }
                break;
            }
        }
        std::string_view cluster_text(p.text.data() + cb, ce - cb);
        std::string text;
        if (!same_cluster) {
            // At a break Pango shows a hyphen for the soft hyphen, in its own cluster or in the
            // cluster of the letter before it; elsewhere the soft hyphen has an empty glyph.
            // The break hyphen keeps U+00AD as its text, so extraction can rejoin the word.
            bool ends_shy = cluster_text.size() >= 2 && cluster_text.substr(cluster_text.size() - 2) == soft_hyphen;
            bool visible = false;
            for (int k = j; k < gs->num_glyphs && gs->log_clusters[k] == gs->log_clusters[j]; ++k) {
                visible = visible || gs->glyphs[k].glyph != PANGO_GLYPH_EMPTY;
            }
            bool is_break_hyphen = ends_shy && visible && ce == item_end && (cluster_text == soft_hyphen || gs->num_glyphs > 1);
            text = without_isolates(without_shy(cluster_text));
            if (is_break_hyphen) {
                text += soft_hyphen;
            }
            if (cluster_text == "\xE2\x80\xA8") {
                text.clear();
            }
        }
        if (gi.glyph == PANGO_GLYPH_EMPTY || ((gi.glyph & PANGO_GLYPH_UNKNOWN_FLAG) != 0 && gi.geometry.width == 0)) {
            // Blank glyphs (the space Pango blanks at a line end, unused soft hyphens): no glyph,
            // keep the text and the advance.
            out.text += text;
            if (out.glyphs.empty()) {
                pending += pt(gi.geometry.width);
            } else {
                out.glyphs.back().advance += pt(gi.geometry.width);
            }
            continue;
        }
        Glyph g;
        g.id = (gi.glyph & PANGO_GLYPH_UNKNOWN_FLAG) != 0 ? 0 : gi.glyph;
        g.advance = pt(gi.geometry.width);
        g.dx = pt(gi.geometry.x_offset) + pending;
        g.dy = pt(gi.geometry.y_offset);
        pending = 0;
        if (out.rtl) {
            g.cluster = static_cast<std::uint32_t>(without_isolates(std::string_view(p.text).substr(item_begin, cb - item_begin)).size());
        } else if (same_cluster && !out.glyphs.empty()) {
            g.cluster = out.glyphs.back().cluster;
        } else {
            g.cluster = static_cast<std::uint32_t>(out.text.size());
            out.text += text;
        }
        out.glyphs.push_back(g);
    }
    if (out.glyphs.empty()) {
        out.origin.x += pending;
    }
    if (out.rtl) {
        out.text = without_isolates(std::string_view(p.text).substr(item_begin, item_end - item_begin));
    }
    return out;
}

/// Pango 1.50 sometimes returns a justified line that ends in an inserted hyphen a few points
/// wider than the measure. Take the excess back from the line's spaces so it sits flush.
void fit_line(LineBox& lb, double width) {
    if (lb.runs.empty()) {
        return;
    }
    double end = 0;
    int spaces = 0;
    for (const auto& r : lb.runs) {
        double pen = r.origin.x;
        for (std::size_t i = 0; i < r.glyphs.size(); ++i) {
            pen += r.glyphs[i].advance;
            std::size_t next = i + 1 < r.glyphs.size() ? r.glyphs[i + 1].cluster : r.text.size();
            if (i + 1 < r.glyphs.size() || &r != &lb.runs.back()) {
                spaces += r.text.compare(r.glyphs[i].cluster, next - r.glyphs[i].cluster, " ") == 0 ? 1 : 0;
            }
        }
        end = std::max(end, pen);
    }
    double excess = end - width;
    if (excess <= 0.01 || spaces == 0) {
        return;
    }
    double each = excess / spaces;
    double shift = 0;
    for (auto& r : lb.runs) {
        r.origin.x -= shift;
        for (std::size_t i = 0; i < r.glyphs.size(); ++i) {
            std::size_t next = i + 1 < r.glyphs.size() ? r.glyphs[i + 1].cluster : r.text.size();
            bool last = i + 1 == r.glyphs.size() && &r == &lb.runs.back();
            if (!last && r.text.compare(r.glyphs[i].cluster, next - r.glyphs[i].cluster, " ") == 0) {
                r.glyphs[i].advance -= each;
                shift += each;
            }
        }
    }
}

}  // namespace

namespace {

/// The link (if any) a Pango run belongs to, and the run's colour.
const Prepared::Piece* link_of(const Prepared& p, const PangoItem* item) {
    std::size_t ib = static_cast<std::size_t>(item->offset);
    for (const auto& piece : p.pieces) {
        if (!piece.link.empty() && ib >= piece.begin && ib < piece.end) {
            return &piece;
        }
    }
    return nullptr;
}

/// Adds a converted run to the line (a run with no glyphs gives its text to the one before).
void add_run(LineBox& lb, std::vector<const Prepared::Piece*>& links, GlyphRun gr, const Prepared::Piece* link,
             const ParaStyle& style) {
    gr.color = link != nullptr ? style.link_color : style.color;
    if (!gr.glyphs.empty()) {
        lb.runs.push_back(std::move(gr));
        links.push_back(link);
    } else if (!gr.text.empty() && !lb.runs.empty()) {
        lb.runs.back().text += gr.text;
    }
}

/// Link areas and underlines from the line's final glyph positions.
void decorate(LineBox& lb, const std::vector<const Prepared::Piece*>& links, const ParaStyle& style, const FontMetrics& m) {
    for (std::size_t k = 0; k < lb.runs.size(); ++k) {
        if (links[k] == nullptr) {
            continue;
        }
        const GlyphRun& gr = lb.runs[k];
        double rx = gr.origin.x;
        double run_width = 0;
        for (const auto& g : gr.glyphs) {
            run_width += g.advance;
        }
        double top = -(m.ascent + 1), h = m.ascent + m.descent + 2;
        const std::string& uri = links[k]->link;
        if (!lb.links.empty() && lb.links.back().uri == uri && std::abs(lb.links.back().rect.x + lb.links.back().rect.w - rx) < 0.01) {
            lb.links.back().rect.w += run_width;
        } else {
            lb.links.push_back(Link{Rect{rx, top, run_width, h}, uri});
        }
        if (style.link_underline) {
            double uy = style.size * 0.13;
            // Trailing blanks are not underlined.
            double w = run_width;
            std::size_t last = gr.glyphs.back().cluster;
            if (gr.text.compare(last, std::string::npos, " ") == 0) {
                w -= gr.glyphs.back().advance;
            }
            lb.underlines.push_back(Rule{{rx, uy}, {rx + w, uy}, style.size * 0.06, style.link_color});
        }
    }
}

/// Total-fit line breaking (Knuth–Plass, as TeX and Typst do) over one shaping of the whole
/// paragraph: break opportunities from Pango's log attributes (spaces, soft hyphens), widths
/// from the shaped glyphs, then justification by setting each line's spaces. Returns nothing
/// when it cannot help (right-to-left text, forced breaks, a word wider than the measure):
/// the caller then breaks greedily.
std::optional<ParaBox> total_fit(FontSystem& fs, const Prepared& p, const ParaStyle& style, double width,
                                 const FontMetrics& m, const ParaBox& metrics_only) {
    if (p.text.find("\xE2\x80\xA8") != std::string::npos || width <= 0) {
        return std::nullopt;
    }
    LayoutPtr layout = make_layout(fs, p, style, -1);
    if (pango_layout_get_line_count(layout.get()) != 1) {
        return std::nullopt;
    }
    PangoLayoutLine* line = pango_layout_get_line_readonly(layout.get(), 0);
    struct RunAt {
        PangoGlyphItem* run;
        std::size_t begin, end;  ///< bytes
    };
    std::vector<RunAt> runs;
    std::vector<std::pair<std::size_t, double>> starts;  // cluster start byte → x, ascending
    double x = 0;
    for (GSList* r = line->runs; r != nullptr; r = r->next) {
        auto* run = static_cast<PangoGlyphItem*>(r->data);
        if (run->item->analysis.level % 2 != 0) {
            return std::nullopt;
        }
        auto ib = static_cast<std::size_t>(run->item->offset);
        runs.push_back({run, ib, ib + static_cast<std::size_t>(run->item->length)});
        const PangoGlyphString* gs = run->glyphs;
        for (int j = 0; j < gs->num_glyphs; ++j) {
            if (j == 0 || gs->log_clusters[j] != gs->log_clusters[j - 1]) {
                starts.emplace_back(ib + static_cast<std::size_t>(gs->log_clusters[j]), x);
            }
            x += pt(gs->glyphs[j].geometry.width);
        }
    }
    const double total = x;
    auto x_at = [&](std::size_t byte) {
        auto it = std::lower_bound(starts.begin(), starts.end(), byte, [](const auto& a, std::size_t b) { return a.first < b; });
        return it == starts.end() ? total : it->second;
    };
    auto font_at = [&](std::size_t byte) -> PangoFont* {
        for (const auto& ra : runs) {
            if (byte >= ra.begin && byte < ra.end) {
                return ra.run->item->analysis.font;
            }
        }
        return runs.empty() ? nullptr : runs.back().run->item->analysis.font;
    };
    auto hyphen_of = [&](PangoFont* font, PangoGlyph& glyph) {
        hb_codepoint_t g = 0;
        hb_font_t* hb = pango_font_get_hb_font(font);  // transfer none
        if (!hb_font_get_nominal_glyph(hb, 0x2010, &g) && !hb_font_get_nominal_glyph(hb, '-', &g)) {
            return -1.0;
        }
        glyph = g;
        PangoRectangle logical;
        pango_font_get_glyph_extents(font, g, nullptr, &logical);
        return pt(logical.width);
    };

    // Break opportunities: before each character Pango may break at.
    int n_attrs = 0;
    const PangoLogAttr* attrs = pango_layout_get_log_attrs_readonly(layout.get(), &n_attrs);
    struct Break {
        std::size_t byte;
        bool hyphen;
        double hyphen_width;
    };
    std::vector<Break> breaks{{0, false, 0}};
    {
        std::size_t byte = 0;
        for (int i = 0; i < n_attrs - 1 && byte < p.text.size(); ++i) {
            if (i > 0 && attrs[i].is_line_break) {
                bool hyphen = byte >= 2 && p.text.compare(byte - 2, 2, soft_hyphen) == 0;
                PangoGlyph g = 0;
                double hw = hyphen ? hyphen_of(font_at(byte - 2), g) : 0;
                if (!hyphen || hw >= 0) {
                    breaks.push_back({byte, hyphen, hw});
                }
            }
            byte = static_cast<std::size_t>(g_utf8_next_char(p.text.data() + byte) - p.text.data());
        }
        breaks.push_back({p.text.size(), false, 0});
    }
    const double space = [&] {
        for (const auto& [b, sx] : starts) {
            if (p.text[b] == ' ') {
                return x_at(b + 1) - sx;
            }
        }
        return style.size * 0.26;
    }();
    auto content_end = [&](std::size_t start, std::size_t end) {
        while (end > start && p.text[end - 1] == ' ') {
            --end;
        }
        return end;
    };
    auto spaces_in = [&](std::size_t a, std::size_t b) {
        return static_cast<double>(std::count(p.text.begin() + static_cast<std::ptrdiff_t>(a), p.text.begin() + static_cast<std::ptrdiff_t>(b), ' '));
    };

    // Dynamic programme over the breaks: the least total demerits to end a line at each.
    const std::size_t n = breaks.size();
    const double inf = std::numeric_limits<double>::infinity();
    std::vector<double> best(n, inf);
    std::vector<std::size_t> from(n, 0);
    best[0] = 0;
    for (std::size_t j = 1; j < n; ++j) {
        const bool last = j + 1 == n;
        for (std::size_t i = j; i-- > 0;) {
            if (best[i] == inf) {
                continue;
            }
            std::size_t a = breaks[i].byte, e = content_end(a, breaks[j].byte);
            double natural = x_at(e) - x_at(a) + (breaks[j].hyphen ? breaks[j].hyphen_width : 0);
            double spaces = spaces_in(a, e);
            double stretch = spaces * space * 0.5, shrink = spaces * space * 0.33;  // TeX's proportions
            if (natural - shrink > width + 0.01) {
                if (j == i + 1) {
                    return std::nullopt;  // one word wider than the measure: leave it to Pango
                }
                break;  // starting earlier only makes it longer
            }
            double ratio = 0;
            if (natural > width) {
                ratio = shrink > 0 ? (width - natural) / shrink : 0;
            } else if (!last) {
                ratio = stretch > 0 ? (width - natural) / stretch : (width - natural > 1 ? 10 : 0);
            }
            double badness = std::min(100 * std::pow(std::abs(ratio), 3.0), 10000.0);
            double demerits = std::pow(10 + badness, 2);
            if (breaks[j].hyphen) {
                demerits += 1000 + (breaks[i].hyphen ? 10000 : 0);
            }
            if (best[i] + demerits < best[j]) {
                best[j] = best[i] + demerits;
                from[j] = i;
            }
        }
    }
    if (best[n - 1] == inf) {
        return std::nullopt;
    }
    std::vector<std::size_t> chosen{n - 1};
    while (chosen.back() != 0) {
        chosen.push_back(from[chosen.back()]);
    }
    std::reverse(chosen.begin(), chosen.end());

    ParaBox box = metrics_only;
    for (std::size_t k = 1; k < chosen.size(); ++k) {
        const Break& bi = breaks[chosen[k - 1]];
        const Break& bj = breaks[chosen[k]];
        const bool last = k + 1 == chosen.size();
        std::size_t a = bi.byte, e = content_end(a, bj.byte);
        LineBox lb;
        std::vector<const Prepared::Piece*> links;
        const double x0 = x_at(a);
        for (const auto& ra : runs) {
            if (ra.end <= a || ra.begin >= e) {
                continue;
            }
            std::size_t lo = std::max(ra.begin, a);
            GlyphRun gr = convert_run(fs, p, ra.run, x_at(lo) - x0, lo, e);
            add_run(lb, links, std::move(gr), link_of(p, ra.run->item), style);
        }
        if (lb.runs.empty()) {
            continue;
        }
        GlyphRun& tail = lb.runs.back();
        if (bj.hyphen) {
            // The hyphen Pango would have inserted: its glyph, with U+00AD as its text so the
            // word extracts whole.
            PangoGlyph g = 0;
            double hw = hyphen_of(font_at(e - 2), g);
            tail.glyphs.push_back(Glyph{g, hw, 0, 0, static_cast<std::uint32_t>(tail.text.size())});
            tail.text += soft_hyphen;
        } else if (bj.byte > e) {
            tail.text.append(p.text, e, bj.byte - e);  // the spaces at the break keep their text
        }
        // Justify: the spaces take up the difference (they may also give a little back).
        double natural = 0;
        for (const auto& r : lb.runs) {
            double end = r.origin.x;
            for (const auto& gl : r.glyphs) {
                end += gl.advance;
            }
            natural = std::max(natural, end);
        }
        lb.width = natural;
        if (!last || natural > width) {
            std::vector<Glyph*> gaps;
            for (auto& r : lb.runs) {
                for (std::size_t gi = 0; gi < r.glyphs.size(); ++gi) {
                    std::size_t next = gi + 1 < r.glyphs.size() ? r.glyphs[gi + 1].cluster : r.text.size();
                    if (r.text.compare(r.glyphs[gi].cluster, next - r.glyphs[gi].cluster, " ") == 0) {
                        gaps.push_back(&r.glyphs[gi]);
                    }
                }
            }
            if (!gaps.empty()) {
                double each = (width - natural) / static_cast<double>(gaps.size());
                double shift = 0;
                for (auto& r : lb.runs) {
                    r.origin.x += shift;
                    for (auto& gl : r.glyphs) {
                        if (std::find(gaps.begin(), gaps.end(), &gl) != gaps.end()) {
                            gl.advance += each;
                            shift += each;
                        }
                    }
                }
            }
        }
        decorate(lb, links, style, m);
        box.lines.push_back(std::move(lb));
    }
    return box;
}

}  // namespace

ParaBox break_paragraph(FontSystem& fs, Hyphenator* hyph, const Spans& spans, const ParaStyle& style, double width) {
    ParaBox box;
    FontMetrics m = fs.metrics(style.family, style.size, style.bold);
    box.pitch = style.size * style.line_height;
    // Half the leading above, half below: the line box is `pitch` high.
    double half_leading = (box.pitch - (m.ascent + m.descent)) / 2;
    box.ascent = half_leading + m.ascent;
    box.descent = box.pitch - box.ascent;

    Prepared p = prepare(hyph, spans, style);
    if (style.align == TextAlign::justify) {
        if (auto fitted = total_fit(fs, p, style, width, m, box)) {
            pango_attr_list_unref(p.attrs);
            return std::move(*fitted);
        }
    }
    LayoutPtr layout = make_layout(fs, p, style, width);
    pango_attr_list_unref(p.attrs);
    PangoLayoutIter* iter = pango_layout_get_iter(layout.get());
    do {
        PangoLayoutLine* line = pango_layout_iter_get_line_readonly(iter);
        PangoRectangle logical;
        pango_layout_iter_get_line_extents(iter, nullptr, &logical);
        LineBox lb;
        double x = pt(logical.x);
        std::vector<const Prepared::Piece*> links;
        for (GSList* r = line->runs; r != nullptr; r = r->next) {
            auto* run = static_cast<PangoGlyphItem*>(r->data);
            double run_width = 0;
            for (int j = 0; j < run->glyphs->num_glyphs; ++j) {
                run_width += pt(run->glyphs->glyphs[j].geometry.width);
            }
            add_run(lb, links, convert_run(fs, p, run, x), link_of(p, run->item), style);
            x += run_width;
        }
        if (style.align == TextAlign::justify && width > 0) {
            fit_line(lb, width);
        }
        decorate(lb, links, style, m);
        lb.width = pt(logical.width);
        box.lines.push_back(std::move(lb));
    } while (pango_layout_iter_next_line(iter));
    pango_layout_iter_free(iter);
    return box;
}

ParaExtent measure_paragraph(FontSystem& fs, const Spans& spans, const ParaStyle& style) {
    ParaExtent e;
    Prepared p = prepare(nullptr, spans, style);
    LayoutPtr whole = make_layout(fs, p, style, -1);
    PangoRectangle logical;
    pango_layout_get_extents(whole.get(), nullptr, &logical);
    e.max = pt(logical.width);
    LayoutPtr narrow = make_layout(fs, p, style, 1);
    PangoLayoutIter* iter = pango_layout_get_iter(narrow.get());
    do {
        PangoRectangle r;
        pango_layout_iter_get_line_extents(iter, nullptr, &r);
        e.min = std::max(e.min, pt(r.width));
    } while (pango_layout_iter_next_line(iter));
    pango_layout_iter_free(iter);
    pango_attr_list_unref(p.attrs);
    return e;
}

}  // namespace handout
