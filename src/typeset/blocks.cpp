// typeset: the blocks of the flow — title, paragraphs, headings, lists, pictures, rules — each
// laid out as slices at x with a width; tables are in table.cpp, fenced divs in divs.cpp.
#include "typeset/typesetter.hpp"

#include "core/overloaded.hpp"

#include <algorithm>

namespace handout {

void Typesetter::title(Slices& out) {
    const Meta& meta = m_input.doc->meta;
    ParaStyle s = display_style(m_layout.title_size, m_layout.title_color, 1.2);
    Spans spans{Span{Span::Kind::text, meta.title, style_plain, "", 0}};
    ParaBox box = lay(spans, s, body_width());
    int h1 = node(StructType::h1, m_root, "title");
    std::size_t first = out.size();
    line_slices(box, 0, h1, out, 0, true);
    out[first].outline.push_back(OutlineEntry{1, meta.title, 0, 0});
    if (m_layout.title_rule) {
        Slice rule;
        rule.height = 10;
        rule.items.push_back(Item{Rule{{0, 6}, {body_width(), 6}, 1.0, m_layout.rule_color}, -1, ArtifactKind::decoration});
        rule.keep_with_next = true;
        out.push_back(std::move(rule));
    } else {
        out.back().height += 6;
    }
}

void Typesetter::paragraph(const Paragraph& p, double x, double width, int parent, Slices& out, double space_before, bool own_node) {
    ParaStyle s = body_style(m_size);
    if (p.code) {
        s.family = m_layout.mono_family;
        s.size = m_size * 0.9;
        s.align = TextAlign::left;
        s.hyphenate = false;
    }
    if (!p.lang.empty()) {
        // A paragraph in another language (a tagline): its own fonts, set flush to its start
        // (Pango puts right-to-left paragraphs at the right), no hyphens.
        s.lang = p.lang;
        s.family = families(m_layout.body_family, p.lang);
        if (const double* scale = for_lang(m_layout.lang_scales, p.lang)) {
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
    const HeadingStyle& hs = h.level <= 1 ? m_layout.h1 : h.level == 2 ? m_layout.h2 : m_layout.h3;
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
    double indent = nested_indent(l.ordered ? size * 1.6 : tasks ? size * 1.7 : size * 1.2, width);
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
            b.stroke = m_layout.text_color;
            b.radius = 1.5;
            first.items.insert(first.items.begin(), Item{b, lbl, ArtifactKind::none});
            if (item.task == Task::checked) {
                Rule r1{{b.rect.x + side * 0.2, b.rect.y + side * 0.55}, {b.rect.x + side * 0.42, b.rect.y + side * 0.78}, 1.2, m_layout.text_color};
                Rule r2{{b.rect.x + side * 0.42, b.rect.y + side * 0.78}, {b.rect.x + side * 0.82, b.rect.y + side * 0.22}, 1.2, m_layout.text_color};
                first.items.insert(first.items.begin() + 1, Item{r1, lbl, ArtifactKind::none});
                first.items.insert(first.items.begin() + 2, Item{r2, lbl, ArtifactKind::none});
            }
        } else {
            std::string label = l.ordered ? std::to_string(number) + "." : "\xE2\x80\xA2";
            ParaStyle s = body_style(size);
            s.align = TextAlign::left;
            s.hyphenate = false;
            Spans spans{Span{Span::Kind::text, label, style_plain, "", item.offset}};
            ParaBox lb = lay(spans, s, -1);  // one line, however wide the number: never cut
            if (!lb.lines.empty()) {
                // A number starts at the list's edge; a bullet sits half an em before the text
                // (LaTeX's \labelsep, Typst's body-indent), as near as a word space or two.
                const double label_x = l.ordered ? x : x + indent - size * 0.5 - lb.lines[0].width;
                for (const auto& run : lb.lines[0].runs) {
                    GlyphRun r = run;
                    r.origin.x += label_x;
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

void Typesetter::image(const Image& im, double x, double width, int parent, Slices& out, double space_before) {
    auto it = m_input.image_by_src.find(im.src);
    if (it == m_input.image_by_src.end()) {
        m_diagnostics.push_back(error_at(m_input.doc->source, im.offset, "image `" + im.src + "` was not loaded",
                                   {"check the path; it is relative to the content file"}));
        return;
    }
    const ImageData& data = m_input.images[it->second];
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

void Typesetter::thematic_break(double x, double width, Slices& out, double space_before) {
    Slice s;
    s.space_before = space_before;
    s.height = 12;
    s.items.push_back(Item{Rule{{x, 6}, {x + width, 6}, 0.6, m_layout.rule_color}, -1, ArtifactKind::decoration});
    out.push_back(std::move(s));
}

double Typesetter::nested_indent(double indent, double width) const {
    const double room = width - body_width() * min_nested_width_share;
    return std::clamp(room, 0.0, indent);
}

namespace {

std::size_t offset_of_block(const Block& b) {
    return std::visit([](const auto& v) { return v.offset; }, b.v);
}

}  // namespace

void Typesetter::blocks(const Blocks& bs, double x, double width, int parent, Slices& out, bool first_in_container) {
    if (bs.empty()) {
        return;
    }
    if (m_depth >= max_block_nesting) {
        if (!m_too_deep) {
            m_too_deep = true;
            m_diagnostics.push_back(error_at(m_input.doc->source, offset_of_block(bs.front()),
                                             "blocks are nested more than " + std::to_string(max_block_nesting) +
                                                 " levels deep (lists, quotes or `:::` blocks inside each other)",
                                             {"flatten the structure: close some of the blocks around this one"}));
        }
        return;
    }
    class Level {
    public:
        explicit Level(int& depth) : m_depth(++depth) {}
        ~Level() { --m_depth; }
        Level(const Level&) = delete;
        Level& operator=(const Level&) = delete;

    private:
        int& m_depth;
    } level(m_depth);
    bool first = first_in_container;
    bool after_heading = false;
    for (const auto& b : bs) {
        double sb = first ? 0 : m_layout.paragraph_spacing;
        std::size_t start = out.size();
        std::visit(Overloaded{
                       [&](const Paragraph& v) { paragraph(v, x, width, parent, out, sb); },
                       [&](const Heading& v) { heading(v, x, width, parent, out, first); },
                       [&](const List& v) { list(v, x, width, parent, out, sb); },
                       [&](const Table& v) { table(v, x, width, parent, out, sb + 2); },
                       [&](const Div& v) {
                           div(v, x, width, parent, out, sb + (v.kind == "caveat" || v.kind == "note" ? 4 : 0));
                       },
                       [&](const Image& v) { image(v, x, width, parent, out, sb); },
                       [&](const ThematicBreak&) { thematic_break(x, width, out, sb); },
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

}  // namespace handout
