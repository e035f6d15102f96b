// typeset: fenced divs — caveat and note callouts (a box kept on one page when it fits),
// signature fields, and divs that only group their content (checklists, taglines).
#include "typeset/typesetter.hpp"

#include <algorithm>

namespace handout {

void Typesetter::div(const Div& d, double x, double width, int parent, Slices& out, double space_before) {
    if (d.kind == "caveat") {
        callout(d, m_layout.caveat, x, width, parent, out, space_before);
    } else if (d.kind == "note") {
        callout(d, m_layout.note, x, width, parent, out, space_before);
    } else if (d.kind == "signature") {
        signature(d, x, width, parent, out, space_before);
    } else {
        group(d, x, width, parent, out, space_before);
    }
}

void Typesetter::group(const Div& d, double x, double width, int parent, Slices& out, double space_before) {
    int dn = node(StructType::div, parent, d.id);
    std::size_t first = out.size();
    blocks(d.blocks, x, width, dn, out, true);
    if (first < out.size()) {
        out[first].space_before = space_before;
    }
}

void Typesetter::callout(const Div& d, const BoxStyle& style, double x, double width, int parent, Slices& out,
                         double space_before) {
    const double pad = m_layout.callout_padding;
    const double bw = m_layout.callout_border_width;
    const double accent = 4;  // the thicker bar on the left edge
    if (nested_indent(accent + 2 * pad, width) < accent + 2 * pad) {
        // Nested so deep that a box inside would leave too little room: its content as it is.
        group(d, x, width, parent, out, space_before);
        return;
    }
    int dn = node(StructType::div, parent, d.id);
    Slices inner;
    double ix = x + accent + pad;
    double outer_size = m_size;
    m_size = m_layout.callout_size;
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
        box.radius = m_layout.callout_radius;
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
    const double small = std::max(m_layout.min_body_size, size * 0.75);
    const double gap = 14;
    const double fields[3] = {0.42, 0.38, 0.20};
    const bool es = m_input.doc->meta.lang.rfind("es", 0) == 0;
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
            Item field{Rule{{fx, line_y}, {fx + fw, line_y}, 0.8, m_layout.text_color}, -1, ArtifactKind::decoration};
            s.items.push_back(field);  // a copy: moving the temporary makes GCC 12 warn, wrongly, of uninitialised glyphs
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

}  // namespace handout
