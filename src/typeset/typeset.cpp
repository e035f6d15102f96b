#include "typeset/typeset.hpp"

#include "typeset/font_system.hpp"
#include "typeset/hyphenator.hpp"
#include "typeset/para_cache.hpp"
#include "typeset/paragraph.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace handout {

namespace {

/// An unbreakable piece of the flow: items positioned relative to its top-left corner.
struct Slice {
    double height = 0;
    double space_before = 0;           ///< dropped at the top of a page
    bool keep_with_next = false;
    double first_baseline = 0;         ///< y of the first text baseline, for list labels
    std::vector<Item> items;
    std::vector<OutlineEntry> outline; ///< y relative to the slice
    int table = -1;                    ///< table whose header repeats above this slice after a break
    bool table_header = false;
};

using Slices = std::vector<Slice>;

/// Moves every item by (dx, dy).
void translate(Item& item, double dx, double dy) {
    std::visit(
        [&](auto& x) {
            using T = std::decay_t<decltype(x)>;
            if constexpr (std::is_same_v<T, GlyphRun>) {
                x.origin.x += dx;
                x.origin.y += dy;
            } else if constexpr (std::is_same_v<T, Rule>) {
                x.from.x += dx;
                x.from.y += dy;
                x.to.x += dx;
                x.to.y += dy;
            } else if constexpr (std::is_same_v<T, Box> || std::is_same_v<T, Picture> || std::is_same_v<T, Link>) {
                x.rect.x += dx;
                x.rect.y += dy;
            }
        },
        item.v);
}

class Typesetter {
public:
    explicit Typesetter(const TypesetInput& in) : m_in(in), m_l(*in.layout), m_fs(*in.fonts), m_size(in.layout->body_size) {}

    Result<Pages> run();

private:
    // ---- structure ----
    int node(StructType type, int parent, std::string id = {}) {
        m_pages.nodes.push_back(StructNode{type, parent, "", "", std::move(id), ""});
        return static_cast<int>(m_pages.nodes.size()) - 1;
    }

    // ---- styles ----
    /// The entry of a `[fonts.lang]` table for `lang`: the longest tag that equals it or begins it.
    template <class T>
    static const T* for_lang(const std::map<std::string, T>& table, const std::string& lang) {
        const T* best = nullptr;
        std::size_t best_size = 0;
        for (const auto& [tag, value] : table) {
            bool match = lang == tag || (lang.size() > tag.size() && lang.compare(0, tag.size(), tag) == 0 && lang[tag.size()] == '-');
            if (match && tag.size() >= best_size) {
                best = &value;
                best_size = tag.size();
            }
        }
        return best;
    }

    /// `first`, then the layout's family for `lang`, then its fallback chain: a Pango family list.
    std::string families(const std::string& first, const std::string& lang) const {
        std::vector<std::string> list{first};
        const std::string* found = for_lang(m_l.lang_families, lang);
        std::string by_lang = found != nullptr ? *found : std::string();
        if (!by_lang.empty()) {
            // After the body font, so digits and Latin punctuation (a phone number) stay in one
            // face; before the fallback chain, so a script's own marks (the Bengali danda) win.
            list.push_back(by_lang);
        }
        list.insert(list.end(), m_l.fallback.begin(), m_l.fallback.end());
        std::string out;
        for (const auto& f : list) {
            if (out.find(f) == std::string::npos) {
                out += (out.empty() ? "" : ",") + f;
            }
        }
        return out;
    }

    ParaStyle body_style(double size) const {
        ParaStyle s;
        s.family = families(m_l.body_family, m_in.doc->meta.lang);
        s.mono_family = m_l.mono_family;
        s.size = size;
        s.line_height = m_l.line_height;
        s.color = m_l.text_color;
        s.link_color = m_l.link_color;
        s.link_underline = m_l.link_underline;
        s.align = m_l.justify ? TextAlign::justify : TextAlign::left;
        s.hyphenate = m_l.hyphenate;
        s.lang = m_in.doc->meta.lang;
        return s;
    }

    /// Bold, flush left, unhyphenated: titles, headings.
    ParaStyle display_style(double size, const Color& color, double line_height) const {
        ParaStyle s = body_style(size);
        s.family = families(m_l.heading_family, s.lang);
        s.bold = true;
        s.color = color;
        s.line_height = line_height;
        s.align = TextAlign::left;
        s.hyphenate = false;
        return s;
    }

    /// Appends the items of `lines` to `into`, stacked downwards from `y`; returns the y below them.
    static double stack(Slices& lines, double y, std::vector<Item>& into) {
        for (auto& ls : lines) {
            for (auto& item : ls.items) {
                translate(item, 0, y);
                into.push_back(std::move(item));
            }
            y += ls.height;
        }
        return y;
    }

    ParaBox lay(const Spans& spans, const ParaStyle& style, double width) {
        if (m_in.cache == nullptr) {
            return break_paragraph(m_fs, m_in.hyphenator, spans, style, width);
        }
        std::string key = ParaCache::key(spans, style, width);
        if (key.empty()) {
            return break_paragraph(m_fs, m_in.hyphenator, spans, style, width);
        }
        if (const ParaBox* hit = m_in.cache->find_box(key)) {
            return *hit;
        }
        ParaBox box = break_paragraph(m_fs, m_in.hyphenator, spans, style, width);
        m_in.cache->put_box(std::move(key), box);
        return box;
    }

    ParaExtent measure(const Spans& spans, const ParaStyle& style) {
        std::string key = m_in.cache != nullptr ? ParaCache::key(spans, style, -1) : std::string();
        if (!key.empty()) {
            if (const ParaExtent* hit = m_in.cache->find_extent(key)) {
                return *hit;
            }
        }
        ParaExtent e = measure_paragraph(m_fs, spans, style);
        if (!key.empty()) {
            m_in.cache->put_extent(std::move(key), e);
        }
        return e;
    }

    /// Font ids so far are the font system's; number the document's own fonts in first-use
    /// order so the display list does not depend on what the worker set before.
    void number_fonts() {
        const auto& all = m_fs.fonts();
        std::vector<std::int64_t> map(all.size(), -1);
        for (auto& page : m_pages.pages) {
            for (auto& item : page.items) {
                if (auto* run = std::get_if<GlyphRun>(&item.v)) {
                    if (map[run->font] < 0) {
                        map[run->font] = static_cast<std::int64_t>(m_pages.fonts.size());
                        m_pages.fonts.push_back(all[run->font]);
                    }
                    run->font = static_cast<std::uint32_t>(map[run->font]);
                }
            }
        }
    }

    /// Lines of a laid-out paragraph as slices (widows and orphans kept off by keep flags).
    void line_slices(const ParaBox& box, double x, int owner, Slices& out, double space_before, bool keep_all) {
        std::size_t n = box.lines.size();
        for (std::size_t i = 0; i < n; ++i) {
            Slice s;
            s.height = box.pitch;
            s.space_before = i == 0 ? space_before : 0;
            s.first_baseline = box.ascent;
            // No orphan: lines 1–2 stay together; no widow: the last two stay together.
            s.keep_with_next = keep_all || (n >= 2 && (i == 0 || i + 2 == n));
            const LineBox& line = box.lines[i];
            for (const auto& run : line.runs) {
                GlyphRun r = run;
                r.origin.x += x;
                r.origin.y = box.ascent;
                s.items.push_back(Item{std::move(r), owner, ArtifactKind::none});
            }
            for (const auto& u : line.underlines) {
                Rule r = u;
                r.from.x += x;
                r.to.x += x;
                r.from.y += box.ascent;
                r.to.y += box.ascent;
                s.items.push_back(Item{r, -1, ArtifactKind::decoration});
            }
            for (const auto& lk : line.links) {
                Link k = lk;
                k.rect.x += x;
                k.rect.y += box.ascent;
                int link_node = node(StructType::link, owner);
                s.items.push_back(Item{k, link_node, ArtifactKind::none});
            }
            out.push_back(std::move(s));
        }
    }

    void blocks(const Blocks& bs, double x, double width, int parent, Slices& out, bool first_in_container);
    /// own_node false: the lines belong to `parent` itself (a list item's body that is one paragraph).
    void paragraph(const Paragraph& p, double x, double width, int parent, Slices& out, double space_before, bool own_node = true);
    void heading(const Heading& h, double x, double width, int parent, Slices& out, bool first);
    void list(const List& l, double x, double width, int parent, Slices& out, double space_before);
    void table(const Table& t, double x, double width, int parent, Slices& out, double space_before);
    void div(const Div& d, double x, double width, int parent, Slices& out, double space_before);
    void callout(const Div& d, const BoxStyle& style, double x, double width, int parent, Slices& out,
                 double space_before);
    void signature(const Div& d, double x, double width, int parent, Slices& out, double space_before);
    void image(const Image& im, double x, double width, int parent, Slices& out, double space_before);
    void title(Slices& out);

    void paginate(Slices& slices);
    void running(const RunningStyle& style, double baseline, bool header, std::size_t page_index, double indent);

    double body_width() const { return m_l.page_width - m_l.margin.left - m_l.margin.right; }
    double body_height() const { return m_l.page_height - m_l.margin.top - m_l.margin.bottom; }

    const TypesetInput& m_in;
    const Layout& m_l;
    FontSystem& m_fs;
    Pages m_pages;
    Diagnostics m_diags;
    std::vector<Slice> m_table_headers;
    int m_root = 0;
    double m_size = 0;  ///< body text size of the container being set (callouts have their own)
};

void Typesetter::title(Slices& out) {
    const Meta& meta = m_in.doc->meta;
    ParaStyle s = display_style(m_l.title_size, m_l.title_color, 1.2);
    Spans spans{Span{Span::Kind::text, meta.title, style_plain, "", 0}};
    ParaBox box = lay(spans, s, body_width());
    int h1 = node(StructType::h1, m_root, "title");
    std::size_t first = out.size();
    line_slices(box, 0, h1, out, 0, true);
    out[first].outline.push_back(OutlineEntry{1, meta.title, 0, 0});
    if (m_l.title_rule) {
        Slice rule;
        rule.height = 10;
        rule.items.push_back(Item{Rule{{0, 6}, {body_width(), 6}, 1.0, m_l.rule_color}, -1, ArtifactKind::decoration});
        rule.keep_with_next = true;
        out.push_back(std::move(rule));
    } else {
        out.back().height += 6;
    }
}

void Typesetter::paragraph(const Paragraph& p, double x, double width, int parent, Slices& out, double space_before, bool own_node) {
    ParaStyle s = body_style(m_size);
    if (p.code) {
        s.family = m_l.mono_family;
        s.size = m_size * 0.9;
        s.align = TextAlign::left;
        s.hyphenate = false;
    }
    if (!p.lang.empty()) {
        // A paragraph in another language (a tagline): its own fonts, set flush to its start
        // (Pango puts right-to-left paragraphs at the right), no hyphens.
        s.lang = p.lang;
        s.family = families(m_l.body_family, p.lang);
        if (const double* scale = for_lang(m_l.lang_scales, p.lang)) {
            s.size *= *scale;
        }
        s.align = TextAlign::left;
        s.hyphenate = false;
    }
    ParaBox box = lay(p.spans, s, width);
    int pn = own_node ? node(StructType::p, parent) : parent;
    if (!p.lang.empty() && own_node) {
        StructNode& n = m_pages.nodes[static_cast<std::size_t>(pn)];
        n.lang = p.lang;
        if (rtl_language(p.lang)) {
            // Its glyphs sit in visual order; the structure tree has the text as written.
            for (const auto& sp : p.spans) {
                n.actual_text += sp.kind == Span::Kind::line_break ? std::string(" ") : sp.text;
            }
        }
    }
    line_slices(box, x, pn, out, space_before, false);
}

void Typesetter::heading(const Heading& h, double x, double width, int parent, Slices& out, bool first) {
    const HeadingStyle& hs = h.level <= 1 ? m_l.h1 : h.level == 2 ? m_l.h2 : m_l.h3;
    StructType type = h.level <= 1 ? StructType::h1 : h.level == 2 ? StructType::h2 : StructType::h3;
    ParaStyle s = display_style(hs.size, hs.color, 1.25);
    ParaBox box = lay(h.spans, s, width);
    int hn = node(type, parent, h.id);
    std::size_t start = out.size();
    line_slices(box, x, hn, out, first ? 0 : hs.space_before, true);
    out.back().height += hs.space_after;
    int level = h.level <= 2 ? 2 : 3;
    out[start].outline.push_back(OutlineEntry{level, plain_text(h.spans), 0, 0});
}

void Typesetter::list(const List& l, double x, double width, int parent, Slices& out, double space_before) {
    int ln = node(StructType::l, parent);
    const double size = m_size;
    bool tasks = std::any_of(l.items.begin(), l.items.end(), [](const ListItem& i) { return i.task != Task::none; });
    double indent = l.ordered ? size * 1.6 : tasks ? size * 1.7 : size * 1.2;
    unsigned number = l.start;
    for (std::size_t i = 0; i < l.items.size(); ++i) {
        const ListItem& item = l.items[i];
        int li = node(StructType::li, ln);
        int lbl = node(StructType::lbl, li);
        int body = node(StructType::lbody, li);
        Slices inner;
        if (item.blocks.size() == 1 && std::holds_alternative<Paragraph>(item.blocks.front().v)) {
            paragraph(std::get<Paragraph>(item.blocks.front().v), x + indent, width - indent, body, inner, 0, false);
        } else {
            blocks(item.blocks, x + indent, width - indent, body, inner, true);
        }
        if (inner.empty()) {
            continue;
        }
        inner.front().space_before = i == 0 ? space_before : size * (tasks ? 0.2 : 0.15);
        Slice& first = inner.front();
        double baseline = first.first_baseline;
        if (item.task != Task::none) {
            double side = size * 0.8;
            Box b;
            b.rect = Rect{x + size * 0.1, baseline - side * 0.85, side, side};
            b.stroke_width = 0.9;
            b.stroke = m_l.text_color;
            b.radius = 1.5;
            first.items.insert(first.items.begin(), Item{b, lbl, ArtifactKind::none});
            if (item.task == Task::checked) {
                Rule r1{{b.rect.x + side * 0.2, b.rect.y + side * 0.55}, {b.rect.x + side * 0.42, b.rect.y + side * 0.78}, 1.2, m_l.text_color};
                Rule r2{{b.rect.x + side * 0.42, b.rect.y + side * 0.78}, {b.rect.x + side * 0.82, b.rect.y + side * 0.22}, 1.2, m_l.text_color};
                first.items.insert(first.items.begin() + 1, Item{r1, lbl, ArtifactKind::none});
                first.items.insert(first.items.begin() + 2, Item{r2, lbl, ArtifactKind::none});
            }
        } else {
            std::string label = l.ordered ? std::to_string(number) + "." : "\xE2\x80\xA2";
            ParaStyle s = body_style(size);
            s.align = TextAlign::left;
            s.hyphenate = false;
            Spans spans{Span{Span::Kind::text, label, style_plain, "", item.offset}};
            ParaBox lb = lay(spans, s, indent);
            if (!lb.lines.empty()) {
                for (const auto& run : lb.lines[0].runs) {
                    GlyphRun r = run;
                    r.origin.x += x + (l.ordered ? 0 : size * 0.15);
                    r.origin.y = baseline;
                    first.items.insert(first.items.begin(), Item{std::move(r), lbl, ArtifactKind::none});
                }
            }
        }
        ++number;
        for (auto& s : inner) {
            out.push_back(std::move(s));
        }
    }
}

void Typesetter::table(const Table& t, double x, double width, int parent, Slices& out, double space_before) {
    if (t.rows.empty()) {
        return;
    }
    const double pad = m_l.table_padding;
    std::size_t cols = 0;
    for (const auto& r : t.rows) {
        cols = std::max(cols, r.size());
    }
    ParaStyle cell_style = body_style(m_l.table_size);
    cell_style.align = TextAlign::left;
    cell_style.line_height = std::min(m_l.line_height, 1.3);
    // Column widths: each column's widest word is its floor; the rest of the width goes
    // to columns in proportion to how much more they would like.
    std::vector<double> mins(cols, 0), maxs(cols, 0);
    for (std::size_t r = 0; r < t.rows.size(); ++r) {
        for (std::size_t c = 0; c < t.rows[r].size(); ++c) {
            ParaStyle s = cell_style;
            s.bold = r == 0;
            ParaExtent e = measure(t.rows[r][c], s);
            mins[c] = std::max(mins[c], e.min + 2 * pad);
            maxs[c] = std::max(maxs[c], e.max + 2 * pad);
        }
    }
    double sum_min = std::accumulate(mins.begin(), mins.end(), 0.0);
    double sum_max = std::accumulate(maxs.begin(), maxs.end(), 0.0);
    std::vector<double> widths(cols);
    for (std::size_t c = 0; c < cols; ++c) {
        if (sum_max <= width) {
            widths[c] = maxs[c] + (width - sum_max) * (maxs[c] / sum_max);
        } else if (sum_min >= width) {
            widths[c] = width * mins[c] / sum_min;
        } else {
            double want = sum_max - sum_min;
            widths[c] = mins[c] + (width - sum_min) * ((maxs[c] - mins[c]) / (want > 0 ? want : 1));
        }
    }
    int tn = node(StructType::table, parent);
    int table_id = static_cast<int>(m_table_headers.size());
    m_table_headers.emplace_back();
    for (std::size_t r = 0; r < t.rows.size(); ++r) {
        bool header = r == 0;
        int tr = node(StructType::tr, tn);
        Slice row;
        row.space_before = header ? space_before : 0;
        row.table = table_id;
        row.table_header = header;
        // As with lines: the header with the first two rows, and no last row alone on a page.
        row.keep_with_next = header || (r == 1 && t.rows.size() > 2) || (r >= 2 && r + 2 == t.rows.size());
        double cx = x;
        double row_h = 0;
        std::vector<Item> cell_items;
        for (std::size_t c = 0; c < cols; ++c) {
            int cell = node(header ? StructType::th : StructType::td, tr);
            if (c < t.rows[r].size()) {
                ParaStyle s = cell_style;
                s.bold = header;
                Align a = c < t.aligns.size() ? t.aligns[c] : Align::start;
                s.align = a == Align::center ? TextAlign::center : a == Align::right ? TextAlign::right : TextAlign::left;
                ParaBox box = lay(t.rows[r][c], s, widths[c] - 2 * pad);
                Slices lines;
                line_slices(box, cx + pad, cell, lines, 0, true);
                double y = stack(lines, pad, cell_items);
                row_h = std::max(row_h, y + pad);
                if (row.first_baseline == 0 && !lines.empty()) {
                    row.first_baseline = pad + lines.front().first_baseline;
                }
            }
            cx += widths[c];
        }
        row.height = row_h;
        if (header) {
            Box fill;
            fill.rect = Rect{x, 0, width, row_h};
            fill.filled = true;
            fill.fill = m_l.table_header_fill;
            row.items.push_back(Item{fill, -1, ArtifactKind::decoration});
            row.items.push_back(Item{Rule{{x, 0}, {x + width, 0}, 0.8, m_l.table_border}, -1, ArtifactKind::decoration});
        }
        for (auto& item : cell_items) {
            row.items.push_back(std::move(item));
        }
        double w = (header || r + 1 == t.rows.size()) ? 0.8 : 0.4;
        row.items.push_back(Item{Rule{{x, row_h}, {x + width, row_h}, w, m_l.table_border}, -1, ArtifactKind::decoration});
        if (header) {
            m_table_headers[static_cast<std::size_t>(table_id)] = row;
        }
        out.push_back(std::move(row));
    }
}

void Typesetter::callout(const Div& d, const BoxStyle& style, double x, double width, int parent, Slices& out,
                         double space_before) {
    const double pad = m_l.callout_padding;
    const double bw = m_l.callout_border_width;
    const double accent = 4;  // the thicker bar on the left edge
    int dn = node(StructType::div, parent, d.id);
    Slices inner;
    double ix = x + accent + pad;
    double outer_size = m_size;
    m_size = m_l.callout_size;
    blocks(d.blocks, ix, width - accent - 2 * pad, dn, inner, true);
    m_size = outer_size;
    double h = pad;
    std::vector<Item> items;
    std::vector<OutlineEntry> outline;
    for (std::size_t i = 0; i < inner.size(); ++i) {
        if (i > 0) {
            h += inner[i].space_before;
        }
        for (auto& item : inner[i].items) {
            translate(item, 0, h);
            items.push_back(std::move(item));
        }
        for (auto o : inner[i].outline) {
            o.y += h;
            outline.push_back(std::move(o));
        }
        h += inner[i].height;
    }
    h += pad;
    if (h <= body_height()) {
        Slice s;
        s.space_before = space_before;
        s.height = h;
        s.first_baseline = inner.empty() ? pad : pad + inner.front().first_baseline;
        Box box;
        box.rect = Rect{x + bw / 2, bw / 2, width - bw, h - bw};
        box.filled = true;
        box.fill = style.fill;
        box.stroke_width = bw;
        box.stroke = style.border;
        box.radius = m_l.callout_radius;
        s.items.push_back(Item{box, -1, ArtifactKind::decoration});
        Box bar;
        bar.rect = Rect{x, 0, accent, h};
        bar.filled = true;
        bar.fill = style.border;
        bar.radius = 0;
        s.items.push_back(Item{bar, -1, ArtifactKind::decoration});
        for (auto& item : items) {
            s.items.push_back(std::move(item));
        }
        s.outline = std::move(outline);
        out.push_back(std::move(s));
        return;
    }
    // Taller than a page: let it break, with the accent bar beside every piece.
    for (std::size_t i = 0; i < inner.size(); ++i) {
        Slice& s = inner[i];
        if (i == 0) {
            s.space_before = space_before;
        }
        Box bar;
        bar.rect = Rect{x, -s.space_before, accent, s.height + s.space_before};
        bar.filled = true;
        bar.fill = style.border;
        s.items.insert(s.items.begin(), Item{bar, -1, ArtifactKind::decoration});
        out.push_back(std::move(s));
    }
}

void Typesetter::signature(const Div& d, double x, double width, int parent, Slices& out, double space_before) {
    int dn = node(StructType::div, parent, d.id);
    std::vector<std::string> roles;
    for (const auto& b : d.blocks) {
        if (const auto* p = std::get_if<Paragraph>(&b.v)) {
            std::string text = plain_text(p->spans);
            std::size_t pos = 0;
            while (pos <= text.size()) {
                std::size_t e = text.find_first_of("\n", pos);
                if (e == std::string::npos) {
                    e = text.size();
                }
                std::string role = text.substr(pos, e - pos);
                while (!role.empty() && role.back() == ' ') {
                    role.pop_back();
                }
                while (!role.empty() && role.front() == ' ') {
                    role.erase(0, 1);
                }
                if (!role.empty()) {
                    roles.push_back(role);
                }
                pos = e + 1;
            }
        }
    }
    const double size = m_size;
    const double small = std::max(m_l.min_body_size, size * 0.75);
    const double gap = 14;
    const double fields[3] = {0.42, 0.38, 0.20};
    const bool es = m_in.doc->meta.lang.rfind("es", 0) == 0;
    const char* captions[3] = {es ? "Nombre (en letra de molde)" : "Name (print)", es ? "Firma" : "Signature",
                               es ? "Fecha" : "Date"};
    for (std::size_t i = 0; i < roles.size(); ++i) {
        Slice s;
        s.space_before = i == 0 ? space_before : size * 0.5;
        ParaStyle label = body_style(size);
        label.bold = true;
        label.align = TextAlign::left;
        label.hyphenate = false;
        int pn = node(StructType::p, dn);
        ParaBox lb = lay(Spans{Span{Span::Kind::text, roles[i], style_plain, "", d.offset}}, label, width);
        Slices label_lines;
        line_slices(lb, x, pn, label_lines, 0, true);
        double y = stack(label_lines, 0, s.items);
        s.first_baseline = lb.ascent;
        double line_y = y + size * 2.0;
        double fx = x;
        double usable = width - 2 * gap;
        ParaStyle cap = body_style(small);
        cap.align = TextAlign::left;
        cap.hyphenate = false;
        cap.color = Color{0.3, 0.3, 0.3};
        double below = line_y + 2 + small * 1.25;  // the tallest caption's foot: a caption may wrap (large print, Spanish)
        for (int f = 0; f < 3; ++f) {
            double fw = usable * fields[f];
            s.items.push_back(Item{Rule{{fx, line_y}, {fx + fw, line_y}, 0.8, m_l.text_color}, -1, ArtifactKind::decoration});
            int cn = node(StructType::p, dn);
            ParaBox cb = lay(Spans{Span{Span::Kind::text, captions[f], style_plain, "", d.offset}}, cap, fw);
            Slices cap_lines;
            line_slices(cb, fx, cn, cap_lines, 0, true);
            below = std::max(below, stack(cap_lines, line_y + 2, s.items));
            fx += fw + gap;
        }
        s.height = below;
        s.keep_with_next = i + 1 < roles.size();  // the signers of one sheet sign on one page
        out.push_back(std::move(s));
    }
}

void Typesetter::image(const Image& im, double x, double width, int parent, Slices& out, double space_before) {
    auto it = m_in.image_by_src.find(im.src);
    if (it == m_in.image_by_src.end()) {
        m_diags.push_back(error_at(m_in.doc->source, im.offset, "image `" + im.src + "` was not loaded",
                                   {"check the path; it is relative to the content file"}));
        return;
    }
    const ImageData& data = m_in.images[it->second];
    double w = std::min(data.width, width);
    double h = data.height * (w / std::max(data.width, 1.0));
    if (h > body_height() * 0.8) {
        h = body_height() * 0.8;
        w = data.width * (h / std::max(data.height, 1.0));
    }
    int fig = node(StructType::figure, parent);
    m_pages.nodes[static_cast<std::size_t>(fig)].alt = im.alt;
    Slice s;
    s.space_before = space_before;
    s.height = h;
    s.items.push_back(Item{Picture{Rect{x + (width - w) / 2, 0, w, h}, it->second}, fig, ArtifactKind::none});
    out.push_back(std::move(s));
}

void Typesetter::div(const Div& d, double x, double width, int parent, Slices& out, double space_before) {
    if (d.kind == "caveat") {
        callout(d, m_l.caveat, x, width, parent, out, space_before);
    } else if (d.kind == "note") {
        callout(d, m_l.note, x, width, parent, out, space_before);
    } else if (d.kind == "signature") {
        signature(d, x, width, parent, out, space_before);
    } else {
        // checklist, taglines: their content, in a Div of their own.
        int dn = node(StructType::div, parent, d.id);
        std::size_t first = out.size();
        blocks(d.blocks, x, width, dn, out, true);
        if (first < out.size()) {
            out[first].space_before = space_before;
        }
    }
}

void Typesetter::blocks(const Blocks& bs, double x, double width, int parent, Slices& out, bool first_in_container) {
    bool first = first_in_container;
    bool after_heading = false;
    for (const auto& b : bs) {
        double sb = first ? 0 : m_l.paragraph_spacing;
        std::size_t start = out.size();
        std::visit(
            [&](const auto& v) {
                using T = std::decay_t<decltype(v)>;
                if constexpr (std::is_same_v<T, Paragraph>) {
                    paragraph(v, x, width, parent, out, sb);
                } else if constexpr (std::is_same_v<T, Heading>) {
                    heading(v, x, width, parent, out, first);
                } else if constexpr (std::is_same_v<T, List>) {
                    list(v, x, width, parent, out, sb);
                } else if constexpr (std::is_same_v<T, Table>) {
                    table(v, x, width, parent, out, sb + 2);
                } else if constexpr (std::is_same_v<T, Div>) {
                    div(v, x, width, parent, out, sb + (v.kind == "caveat" || v.kind == "note" ? 4 : 0));
                } else if constexpr (std::is_same_v<T, Image>) {
                    image(v, x, width, parent, out, sb);
                } else if constexpr (std::is_same_v<T, ThematicBreak>) {
                    Slice s;
                    s.space_before = sb;
                    s.height = 12;
                    s.items.push_back(Item{Rule{{x, 6}, {x + width, 6}, 0.6, m_l.rule_color}, -1, ArtifactKind::decoration});
                    out.push_back(std::move(s));
                }
            },
            b.v);
        first = false;
        // An introduction stays with what it introduces: a paragraph ending in ':' and a short
        // paragraph right under a heading keep with the next block.
        if (const auto* p = std::get_if<Paragraph>(&b.v); p != nullptr && out.size() > start) {
            std::string text = plain_text(p->spans);
            while (!text.empty() && (text.back() == ' ' || text.back() == '\n')) {
                text.pop_back();
            }
            if ((!text.empty() && text.back() == ':') || (after_heading && out.size() - start <= 2)) {
                out.back().keep_with_next = true;
            }
        }
        after_heading = std::holds_alternative<Heading>(b.v);
    }
}

void Typesetter::paginate(Slices& slices) {
    const double top = m_l.margin.top;
    const double bottom = m_l.page_height - m_l.margin.bottom;
    auto new_page = [&]() {
        m_pages.pages.push_back(Page{m_l.page_width, m_l.page_height, {}});
    };
    new_page();
    double y = top;
    int last_table = -1;
    auto place = [&](const Slice& s, double at, bool copy_as_artifact) {
        Page& page = m_pages.pages.back();
        for (const auto& item : s.items) {
            Item it = item;
            translate(it, m_l.margin.left, at);
            if (copy_as_artifact && it.node >= 0) {
                it.node = -1;
                it.artifact = ArtifactKind::pagination;
            }
            if (copy_as_artifact && std::holds_alternative<Link>(it.v)) {
                continue;
            }
            page.items.push_back(std::move(it));
        }
        if (!copy_as_artifact) {
            for (auto o : s.outline) {
                o.page = static_cast<int>(m_pages.pages.size()) - 1;
                o.y = at + o.y;
                m_pages.outline.push_back(std::move(o));
            }
        }
    };
    for (std::size_t i = 0; i < slices.size(); ++i) {
        const Slice& s = slices[i];
        bool at_top = y == top;
        double need = (at_top ? 0 : s.space_before) + s.height;
        for (std::size_t j = i; slices[j].keep_with_next && j + 1 < slices.size(); ++j) {
            need += slices[j + 1].space_before + slices[j + 1].height;
        }
        if (!at_top && y + need > bottom + 0.01) {
            new_page();
            y = top;
            at_top = true;
        }
        if (at_top && s.table >= 0 && !s.table_header && s.table == last_table) {
            const Slice& header = m_table_headers[static_cast<std::size_t>(s.table)];
            place(header, y, true);
            y += header.height;
        }
        if (!at_top) {
            y += s.space_before;
        }
        place(s, y, false);
        y += s.height;
        last_table = s.table;
    }
}

void Typesetter::running(const RunningStyle& style, double baseline, bool header, std::size_t page_index,
                         double indent) {
    const Meta& meta = m_in.doc->meta;
    std::string page = std::to_string(page_index + 1);
    std::string pages = std::to_string(m_pages.pages.size());
    // "Page 1 of 2" in the document's language.
    std::string page_of = (meta.lang.rfind("es", 0) == 0 ? "Página " + page + " de " : "Page " + page + " of ") + pages;
    auto lookup = [&](std::string_view name) -> const std::string* {
        if (name == "page") return &page;
        if (name == "pages") return &pages;
        if (name == "page_of") return &page_of;
        if (name == "title") return &meta.title;
        if (name == "revision") return &meta.revision;
        if (name == "author") return &meta.author;
        if (m_in.vars != nullptr) {
            auto it = m_in.vars->find(std::string(name));
            if (it != m_in.vars->end()) return &it->second;
        }
        if (name == "date") return &meta.date;
        return nullptr;
    };
    ParaStyle s = body_style(style.size);
    s.color = style.color;
    s.hyphenate = false;
    s.line_height = 1.2;
    const double width = body_width();
    const std::string* parts[3] = {&style.left, &style.center, &style.right};
    const TextAlign aligns[3] = {TextAlign::left, TextAlign::center, TextAlign::right};
    Page& pg = m_pages.pages[page_index];
    ArtifactKind kind = header ? ArtifactKind::header : ArtifactKind::footer;
    for (int k = 0; k < 3; ++k) {
        if (parts[k]->empty()) {
            continue;
        }
        std::vector<std::string> unknown;
        std::string text = fill_template(*parts[k], lookup, &unknown);
        if (page_index == 0) {
            for (const auto& u : unknown) {
                std::size_t off = m_l.source ? m_l.source->text.find("{{" + u) : 0;
                m_diags.push_back(error_at(m_l.source, off == std::string::npos ? 0 : off,
                                           "the " + std::string(header ? "header" : "footer") + " uses `{{" + u +
                                               "}}`, which has no value",
                                           {"use page, pages, title, revision, date, author or a record variable"}));
            }
        }
        s.align = aligns[k];
        ParaBox box = lay(Spans{Span{Span::Kind::text, text, style_plain, "", 0}}, s, width);
        if (box.lines.empty()) {
            continue;
        }
        for (const auto& run : box.lines[0].runs) {
            GlyphRun r = run;
            r.origin.x += m_l.margin.left + (k == 0 ? indent : 0);
            r.origin.y = baseline;
            pg.items.push_back(Item{std::move(r), -1, kind});
        }
    }
    if (style.rule) {
        double ry = header ? baseline + style.size * 0.6 : baseline - style.size * 1.3;
        pg.items.push_back(Item{Rule{{m_l.margin.left, ry}, {m_l.margin.left + width, ry}, 0.5, m_l.rule_color}, -1, kind});
    }
}

Result<Pages> Typesetter::run() {
    const Meta& meta = m_in.doc->meta;
    m_pages.info.title = meta.title;
    m_pages.info.author = meta.author;
    m_pages.info.subject = meta.subject.empty() ? meta.title : meta.subject;
    for (const auto& k : meta.keywords) {
        m_pages.info.keywords += (m_pages.info.keywords.empty() ? "" : ", ") + k;
    }
    m_pages.info.lang = meta.lang;
    m_pages.info.creator = "handout";
    m_pages.info.date = m_in.date_iso;
    m_pages.images = m_in.images;
    m_root = node(StructType::document, -1);

    Slices slices;
    title(slices);
    blocks(m_in.doc->blocks, 0, body_width(), m_root, slices, true);
    if (!slices.empty() && slices.size() > 1) {
        // The first block after the title keeps its own spacing.
        slices[1].space_before = std::max(slices[1].space_before, 4.0);
    }
    paginate(slices);
    // Running header and footer sit in the margins.
    double header_baseline = m_l.margin.top * 0.5;
    double footer_baseline = m_l.page_height - m_l.margin.bottom * 0.45;
    for (std::size_t p = 0; p < m_pages.pages.size(); ++p) {
        double indent = 0;
        if (m_in.logo >= 0) {
            // The logo sits at the start of the header line, the left template after it.
            const ImageData& logo = m_pages.images[static_cast<std::size_t>(m_in.logo)];
            double h = std::min(m_l.header.size * 2.2, m_l.margin.top * 0.45);
            double w = logo.width * h / std::max(logo.height, 1.0);
            if (m_l.logo_width > 0 && m_l.logo_width < w) {
                w = m_l.logo_width;
                h = logo.height * w / std::max(logo.width, 1.0);
            }
            m_pages.pages[p].items.push_back(Item{Picture{Rect{m_l.margin.left, header_baseline + m_l.header.size * 0.3 - h, w, h},
                                                          static_cast<std::uint32_t>(m_in.logo)},
                                                  -1, ArtifactKind::header});
            indent = w + m_l.header.size * 0.6;
        }
        running(m_l.header, header_baseline, true, p, indent);
        running(m_l.footer, footer_baseline, false, p, 0);
    }
    number_fonts();
    Result<Pages> r;
    r.diagnostics = std::move(m_diags);
    r.value = std::move(m_pages);
    return r;
}

}  // namespace

Result<Pages> typeset(const TypesetInput& in) {
    Result<Pages> r = Typesetter(in).run();
    const Layout& l = *in.layout;
    if (l.max_pages <= 0 || !r.value || static_cast<int>(r.value->pages.size()) <= l.max_pages) {
        return r;
    }
    // Too long: shrink the text half a point at a time, never below the layout's minimum.
    std::size_t at = l.offset_of_key("page.max_pages");
    const std::size_t natural_pages = r.value->pages.size();
    Layout smaller = l;
    TypesetInput in2 = in;
    in2.layout = &smaller;
    while (smaller.body_size - 0.5 >= l.min_body_size - 1e-9) {
        smaller.body_size -= 0.5;
        double f = smaller.body_size / l.body_size;
        smaller.callout_size = std::max(l.min_body_size, l.callout_size * f);
        smaller.table_size = std::max(std::min(l.table_size, l.min_body_size), l.table_size * f);
        Result<Pages> attempt = Typesetter(in2).run();
        if (attempt.value && static_cast<int>(attempt.value->pages.size()) <= l.max_pages) {
            attempt.diagnostics.push_back(warning_at(
                l.source, at,
                "body text set at " + std::to_string(smaller.body_size).substr(0, 4) + " pt instead of " +
                    std::to_string(l.body_size).substr(0, 4) + " pt to fit " + std::to_string(l.max_pages) + " page(s)",
                {"shorten the content, or raise `max_pages`, to keep the full size"}));
            return attempt;
        }
    }
    r.diagnostics.push_back(error_at(
        l.source, at,
        "the document needs " + std::to_string(natural_pages) + " pages; the layout allows " +
            std::to_string(l.max_pages) + (l.min_body_size < l.body_size ? " even at the smallest size allowed" : ""),
        {"shorten the content, raise `max_pages`, or lower `[body] min_size`"}));
    return r;
}

}  // namespace handout
