#include "typeset/paragraph.hpp"

#include "core/glib_ptr.hpp"
#include "core/pango_ptr.hpp"
#include "typeset/break_chooser.hpp"
#include "typeset/break_points.hpp"
#include "typeset/font_system.hpp"
#include "typeset/hyphenator.hpp"
#include "typeset/letter_spacing.hpp"

#include <harfbuzz/hb.h>
#include <pango/pangocairo.h>

#include <algorithm>
#include <cmath>
#include <optional>

namespace handout {

namespace {

constexpr std::string_view soft_hyphen = "\xC2\xAD";

/// The length of the word joiner or directional isolate (U+2060, U+2066–U+2069) that `s`
/// starts with, or 0: the layout controls protect_numbers() adds, not text.
std::size_t isolate_length(std::string_view s) {
    return s.size() >= 3 && s[0] == '\xE2' && s[1] == '\x81' && (s[2] == '\xA0' || (s[2] >= '\xA6' && s[2] <= '\xA9')) ? 3 : 0;
}


/// The paragraph as Pango sees it: text, attributes, and where each piece came from.
struct Prepared {
    std::string text;
    PangoAttrListPtr attrs;
    struct Piece {
        std::size_t begin, end;     ///< byte range in text
        std::size_t source;         ///< byte offset in the content file
        std::string link;
        bool marked = false;        ///< text holds soft hyphens and joiners the source does not
    };
    std::vector<Piece> pieces;  ///< in text order, not overlapping

    /// The piece holding byte `at`, or null: a binary search (a paragraph may hold many pieces).
    const Piece* piece_at(std::size_t at) const {
        auto it = std::upper_bound(pieces.begin(), pieces.end(), at, [](std::size_t b, const Piece& q) { return b < q.begin; });
        if (it == pieces.begin()) {
            return nullptr;
        }
        --it;
        return at < it->end ? &*it : nullptr;
    }

    /// The content file's byte offset of text byte `at` (in `piece`): the soft hyphens,
    /// word joiners and isolates added to a marked piece are not in the file.
    std::size_t source_at(const Piece& piece, std::size_t at) const {
        if (!piece.marked) {
            return piece.source + (at - piece.begin);
        }
        std::size_t n = 0;
        for (std::size_t i = piece.begin; i < at;) {
            std::string_view rest = std::string_view(text).substr(i, at - i);
            if (std::size_t k = std::max(isolate_length(rest), rest.substr(0, 2) == soft_hyphen ? std::size_t{2} : 0)) {
                i += k;
            } else {
                ++i;
                ++n;
            }
        }
        return piece.source + n;
    }
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
        if (std::size_t k = isolate_length(s.substr(i))) {
            i += k;
            continue;
        }
        out += s[i++];
    }
    return out;
}

Prepared prepare(Hyphenator* hyph, const Spans& spans, const ParaStyle& style) {
    Prepared p;
    const bool rtl = rtl_language(style.lang);
    p.attrs.reset(pango_attr_list_new());
    auto add = [&](PangoAttribute* a, std::size_t b, std::size_t e) {
        a->start_index = static_cast<guint>(b);
        a->end_index = static_cast<guint>(e);
        pango_attr_list_insert(p.attrs.get(), a);  // the list owns it
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
        const bool marked = end - begin != s.text.size();
        p.pieces.push_back({begin, end, s.offset, s.link, marked});
        if (std::string_view(p.text).substr(begin, end - begin).find(soft_hyphen) == std::string_view::npos) {
            // A word broken between letters because it is wider than the line (an address, a
            // name) shows no hyphen, as in a browser: a hyphen would read as part of the value.
            // Text with soft hyphens keeps Pango's hyphens, which it shows at those.
            add(pango_attr_insert_hyphens_new(FALSE), begin, end);
        }
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

/// Pango's layout of `p` in lines no wider than `width` pt (none when `width` ≤ 0). A word wider
/// than the measure is broken between characters (PANGO_WRAP_WORD_CHAR: as a browser's
/// overflow-wrap, only where no break between words fits); `wrap` = PANGO_WRAP_WORD measures a
/// paragraph's widest word instead.
PangoLayoutPtr make_layout(FontSystem& fs, const Prepared& p, const ParaStyle& style, double width,
                           PangoWrapMode wrap = PANGO_WRAP_WORD_CHAR) {
    PangoLayoutPtr layout(pango_layout_new(fs.context()));
    PangoFontDescriptionPtr desc(pango_font_description_new());
    pango_font_description_set_family(desc.get(), style.family.c_str());
    pango_font_description_set_absolute_size(desc.get(), style.size * PANGO_SCALE);
    pango_font_description_set_weight(desc.get(), style.bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
    pango_layout_set_font_description(layout.get(), desc.get());  // copies
    PangoAttrListPtr attrs(pango_attr_list_copy(p.attrs.get()));
    PangoAttribute* lang = pango_attr_language_new(pango_language_from_string(style.lang.c_str()));
    lang->start_index = 0;
    lang->end_index = G_MAXUINT;
    pango_attr_list_insert_before(attrs.get(), lang);  // the list owns it
    pango_layout_set_attributes(layout.get(), attrs.get());  // takes a reference
    if (width > 0) {
        pango_layout_set_width(layout.get(), static_cast<int>(width * PANGO_SCALE));
        pango_layout_set_wrap(layout.get(), wrap);
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

/// The glyphs [first, last) of a Pango run whose clusters start in the bytes [lo, hi). Clusters
/// are monotone (HarfBuzz's default cluster level): rising left to right, falling right to
/// left, so those glyphs are one stretch, found by binary search — a line of a long paragraph
/// never walks the glyphs of the whole run.
std::pair<int, int> glyph_range(const PangoItem* item, const PangoGlyphString* gs, std::size_t lo, std::size_t hi) {
    const auto item_offset = static_cast<std::size_t>(item->offset);
    auto first_glyph = [&](auto before) {  // the first glyph for which before(its byte) is false
        int lo_j = 0, hi_j = gs->num_glyphs;
        while (lo_j < hi_j) {
            const int mid = lo_j + (hi_j - lo_j) / 2;
            if (before(item_offset + static_cast<std::size_t>(gs->log_clusters[mid]))) {
                lo_j = mid + 1;
            } else {
                hi_j = mid;
            }
        }
        return lo_j;
    };
    if (item->analysis.level % 2 != 0) {
        return {first_glyph([&](std::size_t b) { return b >= hi; }), first_glyph([&](std::size_t b) { return b >= lo; })};
    }
    return {first_glyph([&](std::size_t b) { return b < lo; }), first_glyph([&](std::size_t b) { return b < hi; })};
}

/// Converts the glyphs of one Pango run whose clusters start in [lo, hi) into a GlyphRun;
/// x is the left edge of the first of them, in pt from the line start. `extra` (sorted by byte)
/// widens the clusters starting at those bytes: the spaces of a justified line.
GlyphRun convert_run(FontSystem& fs, const Prepared& p, PangoGlyphItem* run, double x, std::size_t lo = 0,
                     std::size_t hi = std::string::npos, const std::vector<std::pair<std::size_t, double>>* extra = nullptr) {
    PangoItem* item = run->item;
    PangoGlyphString* gs = run->glyphs;
    GlyphRun out;
    out.origin = {x, 0};
    out.font = fs.font_id(item->analysis.font);
    PangoFontDescriptionPtr d(pango_font_describe_with_absolute_size(item->analysis.font));
    out.size = pango_font_description_get_size(d.get()) / double(PANGO_SCALE);

    const auto item_begin = std::max(static_cast<std::size_t>(item->offset), lo);
    const auto item_end = std::min(static_cast<std::size_t>(item->offset) + static_cast<std::size_t>(item->length), hi);
    if (const Prepared::Piece* piece = p.piece_at(item_begin)) {
        out.source = p.source_at(*piece, item_begin);
    }
    double pending = 0;  // advance of dropped glyphs, added to the next glyph's offset
    const auto item_offset = static_cast<std::size_t>(item->offset);
    // Right to left: glyphs stay in visual order, the text in logical order, each glyph's
    // cluster an offset into it.
    out.rtl = item->analysis.level % 2 != 0;
    const auto [j_begin, j_end] = glyph_range(item, gs, item_begin, item_end);
    // Right to left, each glyph's cluster is an offset into the run's text without the isolates
    // protect_numbers() adds: their places, to count those before a byte.
    std::vector<std::size_t> isolates;
    if (out.rtl) {
        for (std::size_t b = item_begin; b + 2 < item_end; ++b) {
            if (isolate_length(std::string_view(p.text).substr(b, item_end - b)) != 0) {
                isolates.push_back(b);
                b += 2;
            }
        }
    }
    for (int j = j_begin; j < j_end; ++j) {
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
        double widen = 0;
        if (extra != nullptr && !same_cluster) {
            auto it = std::lower_bound(extra->begin(), extra->end(), cb, [](const auto& e, std::size_t b) { return e.first < b; });
            widen = it != extra->end() && it->first == cb ? it->second : 0;
        }
        if (gi.glyph == PANGO_GLYPH_EMPTY || ((gi.glyph & PANGO_GLYPH_UNKNOWN_FLAG) != 0 && gi.geometry.width == 0)) {
            // Blank glyphs (the space Pango blanks at a line end, unused soft hyphens): no glyph,
            // keep the text and the advance.
            out.text += text;
            if (out.glyphs.empty()) {
                pending += pt(gi.geometry.width) + widen;
            } else {
                out.glyphs.back().advance += pt(gi.geometry.width) + widen;
            }
            continue;
        }
        Glyph g;
        g.id = (gi.glyph & PANGO_GLYPH_UNKNOWN_FLAG) != 0 ? 0 : gi.glyph;
        g.advance = pt(gi.geometry.width) + widen;
        g.dx = pt(gi.geometry.x_offset) + pending;
        g.dy = pt(gi.geometry.y_offset);
        pending = 0;
        if (out.rtl) {
            const auto dropped = static_cast<std::size_t>(std::lower_bound(isolates.begin(), isolates.end(), cb) - isolates.begin());
            g.cluster = static_cast<std::uint32_t>(cb - item_begin - 3 * dropped);
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
    const Prepared::Piece* piece = p.piece_at(static_cast<std::size_t>(item->offset));
    return piece != nullptr && !piece->link.empty() ? piece : nullptr;
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

// Penalties in TeX's units (demerits grow with their square).
constexpr double hyphen_penalty = 50;     ///< TeX's \hyphenpenalty: a break at a soft hyphen
constexpr double ex_hyphen_penalty = 50;  ///< TeX's \exhyphenpenalty: after a hyphen in the text
/// A break inside a web or email address (no hyphen shown): only when it clearly helps the
/// lines around it.
constexpr double address_penalty = 100;
/// A break between two characters of a piece of text wider than the measure, which has no
/// other break that would let it fit (CSS's overflow-wrap: anywhere; no hyphen shown).
constexpr double anywhere_penalty = 100;

/// The paragraph shaped on one line per forced break (no width): its runs and each cluster's x.
struct OneLine {
    PangoLayoutPtr layout;
    struct Run {
        PangoGlyphItem* run;  ///< owned by the layout
        std::size_t begin, end;  ///< bytes
    };
    std::vector<Run> runs;
    std::vector<std::pair<std::size_t, double>> starts;  ///< cluster start byte → x in pt, ascending
    double total = 0;  ///< pt

    /// x of the first cluster that starts at or after `byte`.
    double x_at(std::size_t byte) const {
        auto it = std::lower_bound(starts.begin(), starts.end(), byte, [](const auto& a, std::size_t b) { return a.first < b; });
        return it == starts.end() ? total : it->second;
    }
    bool cluster_starts(std::size_t byte) const {
        auto it = std::lower_bound(starts.begin(), starts.end(), byte, [](const auto& a, std::size_t b) { return a.first < b; });
        return it != starts.end() && it->first == byte;
    }
    PangoFont* font_at(std::size_t byte) const {
        auto it = first_run(byte);
        if (it != runs.end() && byte >= it->begin) {
            return it->run->item->analysis.font;
        }
        return runs.empty() ? nullptr : runs.back().run->item->analysis.font;
    }
    /// The first run that ends after `byte` (runs are left to right, in text order).
    std::vector<Run>::const_iterator first_run(std::size_t byte) const {
        return std::partition_point(runs.begin(), runs.end(), [&](const Run& r) { return r.end <= byte; });
    }
};

constexpr std::string_view line_separator = "\xE2\x80\xA8";  // a forced break inside one paragraph

/// A paragraph not justified is broken by Pango up to this size, and past it by this file's own
/// breaker (first fit over one shaping): Pango's cost per line grows with the paragraph (a 1 MB
/// paragraph took 2.8 s, 100 KB 0.18 s — measured), ours does not.
constexpr std::size_t max_pango_paragraph_bytes = 32 * 1024;

/// Shapes `p` without a width. Nothing when a run is right to left (the chooser works in logical
/// order) or Pango starts lines for anything but the forced breaks.
std::optional<OneLine> shape_one_line(FontSystem& fs, const Prepared& p, const ParaStyle& style) {
    OneLine s{make_layout(fs, p, style, -1), {}, {}, 0};
    std::size_t forced = 0;
    for (std::size_t at = p.text.find(line_separator); at != std::string::npos; at = p.text.find(line_separator, at + 1)) {
        ++forced;
    }
    if (static_cast<std::size_t>(pango_layout_get_line_count(s.layout.get())) != forced + 1) {
        return std::nullopt;
    }
    double x = 0;
    for (GSList* l = pango_layout_get_lines_readonly(s.layout.get()); l != nullptr; l = l->next) {
        auto* line = static_cast<PangoLayoutLine*>(l->data);
        for (GSList* r = line->runs; r != nullptr; r = r->next) {
            auto* run = static_cast<PangoGlyphItem*>(r->data);
            if (run->item->analysis.level % 2 != 0) {
                return std::nullopt;
            }
            auto ib = static_cast<std::size_t>(run->item->offset);
            s.runs.push_back({run, ib, ib + static_cast<std::size_t>(run->item->length)});
            const PangoGlyphString* gs = run->glyphs;
            for (int j = 0; j < gs->num_glyphs; ++j) {
                if (j == 0 || gs->log_clusters[j] != gs->log_clusters[j - 1]) {
                    s.starts.emplace_back(ib + static_cast<std::size_t>(gs->log_clusters[j]), x);
                }
                x += pt(gs->glyphs[j].geometry.width);
            }
        }
    }
    s.total = x;
    return s;
}

/// The hyphen glyph a font shows at a soft hyphen break, and its width; cached per font.
class Hyphens {
public:
    struct Glyph {
        PangoGlyph glyph = 0;
        double width = -1;  ///< pt; negative when the font has no hyphen
    };
    Glyph of(PangoFont* font) {
        for (const auto& [f, g] : m_known) {
            if (f == font) {
                return g;
            }
        }
        Glyph g;
        hb_codepoint_t id = 0;
        hb_font_t* hb = pango_font_get_hb_font(font);  // transfer none
        if (hb_font_get_nominal_glyph(hb, 0x2010, &id) || hb_font_get_nominal_glyph(hb, '-', &id)) {
            PangoRectangle logical;
            pango_font_get_glyph_extents(font, id, nullptr, &logical);
            g = {id, pt(logical.width)};
        }
        m_known.emplace_back(font, g);
        return g;
    }

private:
    std::vector<std::pair<PangoFont*, Glyph>> m_known;
};

/// Knuth–Plass items for the shaped paragraph, with the bytes each stands for.
struct Breakable {
    std::vector<BreakItem> items;
    std::vector<std::pair<std::size_t, std::size_t>> bytes;  ///< per item: [begin, end) in the text; a penalty is empty, at its break

    void add(BreakItem item, std::size_t begin, std::size_t end) {
        items.push_back(item);
        bytes.emplace_back(begin, end);
    }
};

/// Boxes for the text between breaks, glue for each space (TeX's stretch of a half and shrink of a
/// third), and penalties where Pango's line-break rules, a soft hyphen or an address allow a
/// break without a space. (Letter spacing is not offered to the chooser: told that loose lines
/// cost less, it chose looser lines than the letter spacing limit could take up — measured.)
Breakable items_of(const Prepared& p, const OneLine& shaped, Hyphens& hyphens, double width, bool justify) {
    enum : unsigned char { no_break, text_break, address_break };
    const std::size_t n = p.text.size();
    std::vector<unsigned char> before(n + 1, no_break);  // may a line break before this byte?
    std::vector<bool> grapheme(n + 1, false);             // does a grapheme cluster start here?
    int n_attrs = 0;
    const PangoLogAttr* attrs = pango_layout_get_log_attrs_readonly(shaped.layout.get(), &n_attrs);
    std::size_t byte = 0;
    for (int i = 0; i < n_attrs && byte < n; ++i) {
        if (i > 0 && attrs[i].is_line_break) {
            before[byte] = text_break;
        }
        grapheme[byte] = attrs[i].is_cursor_position != 0;
        byte = static_cast<std::size_t>(g_utf8_next_char(p.text.data() + byte) - p.text.data());
    }
    // Inside an address only its own break points count (no break after its hyphen: the line
    // would end as if the word had been hyphenated).
    for (const AddressSpan& a : address_breaks(p.text)) {
        std::fill(before.begin() + static_cast<std::ptrdiff_t>(a.begin) + 1, before.begin() + static_cast<std::ptrdiff_t>(a.end), no_break);
        for (std::size_t b : a.breaks) {
            if (shaped.cluster_starts(b)) {
                before[b] = address_break;
            }
        }
    }

    // The last word is not hyphenated: its end alone would make the last line (CSS's
    // hyphenate-limit-last, InDesign's "Hyphenate Last Word" off).
    const std::size_t text_end = p.text.find_last_not_of(' ');
    const std::size_t last_space = text_end == std::string::npos ? std::string::npos : p.text.find_last_of(' ', text_end);
    const std::size_t last_word = last_space == std::string::npos ? 0 : last_space;

    Breakable out;
    std::size_t box_start = 0;
    auto close_box = [&](std::size_t upto) {
        if (upto > box_start) {
            if (shaped.x_at(upto) - shaped.x_at(box_start) > width) {
                // Wider than the measure with no break of its own (a 100-character address part,
                // a name with no space): a break between any two graphemes that start a cluster.
                std::size_t from = box_start;
                auto it = std::upper_bound(shaped.starts.begin(), shaped.starts.end(), box_start,
                                           [](std::size_t b, const auto& st) { return b < st.first; });
                for (; it != shaped.starts.end() && it->first < upto; ++it) {
                    if (grapheme[it->first]) {
                        out.add(BreakItem::box_of(it->second - shaped.x_at(from)), from, it->first);
                        out.add(BreakItem::penalty_of(anywhere_penalty), it->first, it->first);
                        from = it->first;
                    }
                }
                out.add(BreakItem::box_of(shaped.x_at(upto) - shaped.x_at(from)), from, upto);
            } else {
                out.add(BreakItem::box_of(shaped.x_at(upto) - shaped.x_at(box_start)), box_start, upto);
            }
        }
        box_start = upto;
    };
    auto end_line = [&](std::size_t at) {
        std::vector<BreakItem> tail;
        end_paragraph(tail);
        for (const auto& item : tail) {
            out.add(item, at, at);
        }
    };
    std::size_t i = 0;
    while (i < n) {
        if (p.text[i] == ' ') {
            std::size_t j = i;
            while (j < n && p.text[j] == ' ') {
                ++j;
            }
            close_box(i);
            if (j == n || before[j] == no_break) {
                out.add(BreakItem::penalty_of(BreakItem::infinite_penalty), i, i);  // a space that holds, e.g. in a phone number
            }
            for (std::size_t k = i; k < j; ++k) {
                const double w = shaped.x_at(k + 1) - shaped.x_at(k);
                out.add(BreakItem::glue_of(w, w / 2, justify ? w / 3 : 0), k, k + 1);  // ragged lines never shrink
            }
            box_start = i = j;
            continue;
        }
        if (p.text.compare(i, line_separator.size(), line_separator) == 0) {
            close_box(i);
            end_line(i);
            box_start = i = i + line_separator.size();
            continue;
        }
        const auto next = static_cast<std::size_t>(g_utf8_next_char(p.text.data() + i) - p.text.data());
        if (next < n && before[next] != no_break && p.text[next] != ' ') {
            std::string_view ch(p.text.data() + i, next - i);
            if (ch == soft_hyphen) {
                const Hyphens::Glyph h = hyphens.of(shaped.font_at(i));
                if (h.width >= 0 && i < last_word) {
                    close_box(next);
                    out.add(BreakItem::penalty_of(hyphen_penalty, h.width, true), next, next);
                }
            } else {
                close_box(next);
                if (before[next] == address_break) {
                    out.add(BreakItem::penalty_of(address_penalty), next, next);
                } else if (ch == "-" || ch == "\xE2\x80\x90") {
                    out.add(BreakItem::penalty_of(ex_hyphen_penalty, 0, true), next, next);
                } else {
                    out.add(BreakItem::penalty_of(0), next, next);  // after a dash, between ideographs …
                }
            }
        }
        i = next;
    }
    close_box(n);
    end_line(n);
    return out;
}

/// The glyphs other than spaces that the text [a, e) shows, and whether letter spacing suits it:
/// no right-to-left run (Arabic letters join) and no glyph set off its pen position (marks of
/// Indic scripts).
struct LineGlyphs {
    std::size_t count = 0;
    bool spaceable = true;
};

LineGlyphs glyphs_of(const std::string& text, const OneLine& shaped, std::size_t a, std::size_t e) {
    LineGlyphs out;
    for (auto ra_it = shaped.first_run(a); ra_it != shaped.runs.end() && ra_it->begin < e; ++ra_it) {
        const OneLine::Run& ra = *ra_it;
        const PangoItem* item = ra.run->item;
        const PangoGlyphString* gs = ra.run->glyphs;
        const auto offset = static_cast<std::size_t>(item->offset);
        const std::size_t lo = std::max(offset, a), hi = std::min(offset + static_cast<std::size_t>(item->length), e);
        out.spaceable = out.spaceable && item->analysis.level % 2 == 0;
        const auto [j_begin, j_end] = glyph_range(item, gs, lo, hi);
        for (int j = j_begin; j < j_end; ++j) {
            const std::size_t cb = offset + static_cast<std::size_t>(gs->log_clusters[j]);
            const PangoGlyphInfo& gi = gs->glyphs[j];
            if (cb < lo || cb >= hi || gi.glyph == PANGO_GLYPH_EMPTY ||
                ((gi.glyph & PANGO_GLYPH_UNKNOWN_FLAG) != 0 && gi.geometry.width == 0)) {
                continue;  // as convert_run: blank glyphs are not drawn
            }
            out.count += text[cb] == ' ' ? 0 : 1;
            out.spaceable = out.spaceable && gi.geometry.x_offset == 0 && gi.geometry.y_offset == 0;
        }
    }
    return out;
}

/// Total-fit line breaking (Knuth–Plass, as TeX and Typst do) over one shaping of the whole
/// paragraph: the items from the shaping, the breaks from choose_breaks (first fit past its
/// size limit), then each line's spaces set by its adjustment ratio — or, not `justify`, at
/// their natural width, the line placed by the alignment. A piece of text wider than the measure
/// is broken between graphemes (items_of). Returns nothing when it cannot help (right-to-left
/// text, a single grapheme wider than the measure): the caller then lets Pango break.
std::optional<ParaBox> total_fit(FontSystem& fs, const Prepared& p, const ParaStyle& style, double width,
                                 const FontMetrics& m, const ParaBox& metrics_only, bool justify) {
    if (width <= 0) {
        return std::nullopt;
    }
    std::optional<OneLine> shaped = shape_one_line(fs, p, style);
    if (!shaped) {
        return std::nullopt;
    }
    Hyphens hyphens;
    const LetterSpacing letters;
    const bool spaceable = glyphs_of(p.text, *shaped, 0, p.text.size()).spaceable;
    const Breakable b = items_of(p, *shaped, hyphens, width, justify);
    BreakParams params;
    params.line_width = width;
    const BreakResult chosen = choose_breaks(b.items, params);
    if (chosen.any_overfull()) {
        return std::nullopt;
    }

    ParaBox box = metrics_only;
    std::size_t first = 0;  // the first item of the line
    for (const BrokenLine& line : chosen.lines) {
        const std::size_t k = line.end;
        const BreakItem& at = b.items[k];
        const double ratio = justify ? line.ratio : 0;
        // Glue and penalties after a break are dropped; the line's text is that of its boxes.
        while (first < k && b.items[first].kind != BreakItem::Kind::box) {
            ++first;
        }
        std::size_t a = p.text.size(), e = a;
        std::vector<std::pair<std::size_t, double>> extra;  // space byte → pt added to its advance
        for (std::size_t q = first; q < k; ++q) {
            const BreakItem& it = b.items[q];
            if (it.kind == BreakItem::Kind::box) {
                a = std::min(a, b.bytes[q].first);
                e = b.bytes[q].second;
            } else if (it.kind == BreakItem::Kind::glue && !it.fill) {
                extra.emplace_back(b.bytes[q].first, ratio * (ratio >= 0 ? it.stretch : it.shrink));
            }
        }
        std::size_t next = k + 1;
        while (next < b.items.size() && b.items[next].kind != BreakItem::Kind::box) {
            ++next;
        }
        first = k + 1;
        if (a >= e) {
            continue;  // nothing but spaces between two forced breaks
        }
        while (!extra.empty() && extra.back().first >= e) {
            extra.pop_back();  // spaces after the last word (before a forced break)
        }
        const bool hyphenated = at.kind == BreakItem::Kind::penalty && at.flagged && at.width > 0;
        // A loose line gives part of its excess to its letters (none to a line that shrinks);
        // the spaces take the rest.
        double tracking = 0;
        if (ratio > 0 && !extra.empty()) {
            double excess = 0;
            for (const auto& x : extra) {
                excess += x.second;
            }
            const LineGlyphs lg = glyphs_of(p.text, *shaped, a, e);
            const std::size_t glyphs = lg.count + (hyphenated ? 1 : 0);
            if (spaceable && glyphs > 1) {
                tracking = letter_spacing(excess, excess / ratio, glyphs - 1, style.size, letters);
            }
            const double keep = (excess - tracking * static_cast<double>(glyphs > 1 ? glyphs - 1 : 0)) / excess;
            for (auto& x : extra) {
                x.second *= keep;
            }
        }
        auto extra_before = [&](std::size_t byte) {
            double sum = 0;
            for (const auto& [sb, d] : extra) {
                sum += sb < byte ? d : 0;
            }
            return sum;
        };

        LineBox lb;
        std::vector<const Prepared::Piece*> links;
        const double x0 = shaped->x_at(a);
        for (auto ra_it = shaped->first_run(a); ra_it != shaped->runs.end() && ra_it->begin < e; ++ra_it) {
            const OneLine::Run& ra = *ra_it;
            std::size_t lo = std::max(ra.begin, a);
            GlyphRun gr = convert_run(fs, p, ra.run, shaped->x_at(lo) - x0 + extra_before(lo), lo, e, &extra);
            add_run(lb, links, std::move(gr), link_of(p, ra.run->item), style);
        }
        if (lb.runs.empty()) {
            continue;
        }
        GlyphRun& tail = lb.runs.back();
        double natural = shaped->x_at(e) - x0;
        if (hyphenated) {
            // The hyphen Pango would have inserted: its glyph, with U+00AD as its text so the
            // word extracts whole.
            const Hyphens::Glyph h = hyphens.of(shaped->font_at(e - soft_hyphen.size()));
            tail.glyphs.push_back(Glyph{h.glyph, h.width, 0, 0, static_cast<std::uint32_t>(tail.text.size())});
            tail.text += soft_hyphen;
            natural += h.width;
        } else if (at.kind == BreakItem::Kind::glue && next < b.items.size()) {
            tail.text.append(p.text, e, b.bytes[next].first - e);  // the spaces at the break keep their text
        }
        track_line(lb, tracking);
        lb.width = natural;
        if (!justify && style.align != TextAlign::left && natural < width) {
            const double shift = style.align == TextAlign::right ? width - natural : (width - natural) / 2;
            for (auto& run : lb.runs) {
                run.origin.x += shift;
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
    if (style.align == TextAlign::justify || p.text.size() > max_pango_paragraph_bytes) {
        if (auto fitted = total_fit(fs, p, style, width, m, box, style.align == TextAlign::justify)) {
            return std::move(*fitted);
        }
    }
    PangoLayoutPtr layout = make_layout(fs, p, style, width);
    PangoLayoutIterPtr iter(pango_layout_get_iter(layout.get()));
    do {
        PangoLayoutLine* line = pango_layout_iter_get_line_readonly(iter.get());
        PangoRectangle logical;
        pango_layout_iter_get_line_extents(iter.get(), nullptr, &logical);
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
    } while (pango_layout_iter_next_line(iter.get()));
    return box;
}

double narrowest_paragraph(FontSystem& fs, const Spans& spans, const ParaStyle& style) {
    Prepared p = prepare(nullptr, spans, style);
    PangoLayoutPtr narrow = make_layout(fs, p, style, 1, PANGO_WRAP_WORD_CHAR);
    PangoLayoutIterPtr iter(pango_layout_get_iter(narrow.get()));
    double widest = 0;
    do {
        PangoRectangle r;
        pango_layout_iter_get_line_extents(iter.get(), nullptr, &r);
        widest = std::max(widest, pt(r.width));
    } while (pango_layout_iter_next_line(iter.get()));
    return widest;
}

ParaExtent measure_paragraph(FontSystem& fs, const Spans& spans, const ParaStyle& style) {
    ParaExtent e;
    Prepared p = prepare(nullptr, spans, style);
    PangoLayoutPtr whole = make_layout(fs, p, style, -1);
    PangoRectangle logical;
    pango_layout_get_extents(whole.get(), nullptr, &logical);
    e.max = pt(logical.width);
    PangoLayoutPtr narrow = make_layout(fs, p, style, 1, PANGO_WRAP_WORD);
    PangoLayoutIterPtr iter(pango_layout_get_iter(narrow.get()));
    do {
        PangoRectangle r;
        pango_layout_iter_get_line_extents(iter.get(), nullptr, &r);
        e.min = std::max(e.min, pt(r.width));
    } while (pango_layout_iter_next_line(iter.get()));
    return e;
}

}  // namespace handout
