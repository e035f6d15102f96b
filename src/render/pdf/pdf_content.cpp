#include "render/pdf/pdf_content.hpp"

#include "render/pdf/pdf_syntax.hpp"

namespace handout::pdf {

namespace {

const char* artifact_type(ArtifactKind k) {
    switch (k) {
        case ArtifactKind::header: return "/Artifact <</Type /Pagination /Subtype /Header>> BDC\n";
        case ArtifactKind::footer: return "/Artifact <</Type /Pagination /Subtype /Footer>> BDC\n";
        case ArtifactKind::pagination: return "/Artifact <</Type /Pagination>> BDC\n";
        case ArtifactKind::none:
        case ArtifactKind::decoration: return "/Artifact <</Type /Layout>> BDC\n";
    }
    return "/Artifact BMC\n";
}

/// "r g b rg " (or "RG " to stroke), or "v g " for a grey.
std::string color_operator(const Color& col, bool stroke) {
    std::string c;
    num(c, col.r);
    std::string r = c;
    num(c, col.g), num(c, col.b);
    if (c == r + r + r) {
        return r + (stroke ? "G " : "g ");
    }
    c += stroke ? "RG " : "rg ";
    return c;
}

}  // namespace

ContentStream::ContentStream(const Pages& doc, StructureTree& tree, std::size_t page)
    : m_doc(doc), m_tree(tree), m_page(static_cast<int>(page)) {}

void ContentStream::begin_text() {
    if (!m_in_text) {
        m_c += "BT ";
        m_in_text = true;
        m_tx = m_ty = 0;
    }
}

void ContentStream::end_text() {
    if (m_in_text) {
        m_c += "ET\n";
        m_in_text = false;
    }
}

void ContentStream::close_marked() {
    if (m_open_key == no_sequence) {
        return;
    }
    if (!m_marked_in_text) {
        end_text();
    }
    m_c += "EMC\n";
    m_open_key = no_sequence;
}

void ContentStream::open_element(std::size_t node) {
    m_c += "/" + std::string(struct_type_name(m_doc.nodes[node].type)) + " <</MCID " + std::to_string(m_next_mcid) + ">> BDC\n";
    m_tree.add(node, StructKid{0, QPDFObjectHandle(), m_page, m_next_mcid});  // an MCR is made only if needed
    m_mcid_parents.appendItem(m_tree.element(node));
    ++m_next_mcid;
}

void ContentStream::mark(const Item& item, bool merge, bool text) {
    int key = item.node >= 0 ? item.node : -1 - static_cast<int>(item.artifact);
    if (merge && key == m_open_key && (text || !m_marked_in_text)) {
        text ? begin_text() : end_text();
        return;
    }
    close_marked();
    text ? begin_text() : end_text();
    m_marked_in_text = text;
    m_open_key = key;
    if (item.node < 0) {
        m_c += artifact_type(item.artifact);
    } else {
        open_element(static_cast<std::size_t>(item.node));
    }
}

void ContentStream::set_fill(const Color& c) {
    std::string fill = color_operator(c, false);
    if (fill != m_fill) {
        m_c += fill;
        m_fill = std::move(fill);
    }
}

void ContentStream::set_stroke(const Color& c, double width) {
    std::string stroke = color_operator(c, true);
    num(stroke, width);
    stroke += "w ";
    if (stroke != m_stroke) {
        m_c += stroke;
        m_stroke = std::move(stroke);
    }
}

void ContentStream::set_font(const std::string& name, double size) {
    std::string font = name + " ";
    num(font, size);
    font += "Tf ";
    if (font != m_font) {
        m_c += font;
        m_font = std::move(font);
    }
}

void ContentStream::set_char_spacing(double pt) {
    std::string tc;
    num(tc, pt, 3);  // as the typesetter rounds it: the TJ numbers need not make up a difference
    tc += "Tc ";
    if (tc != m_tc) {
        m_c += tc;
        m_tc = std::move(tc);
    }
}

void ContentStream::move_text_to(double x, double y) {
    std::string dx, dy;
    num(dx, x - m_tx);
    num(dy, y - m_ty);
    m_tx += std::stod(dx);
    m_ty += std::stod(dy);
    m_c += dx + dy + "Td ";
}

std::string ContentStream::finish() {
    close_marked();
    end_text();
    return std::move(m_c);
}

}  // namespace handout::pdf
