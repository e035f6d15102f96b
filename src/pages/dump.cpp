#include "pages/pages.hpp"

#include "core/overloaded.hpp"

#include <charconv>

namespace handout {

const char* struct_type_name(StructType t) {
    switch (t) {
        case StructType::document: return "Document";
        case StructType::sect: return "Sect";
        case StructType::h1: return "H1";
        case StructType::h2: return "H2";
        case StructType::h3: return "H3";
        case StructType::p: return "P";
        case StructType::l: return "L";
        case StructType::li: return "LI";
        case StructType::lbl: return "Lbl";
        case StructType::lbody: return "LBody";
        case StructType::table: return "Table";
        case StructType::tr: return "TR";
        case StructType::th: return "TH";
        case StructType::td: return "TD";
        case StructType::figure: return "Figure";
        case StructType::link: return "Link";
        case StructType::note: return "Note";
        case StructType::div: return "Div";
    }
    return "Div";
}

namespace {

std::string num(double v) {
    char buf[32];
    auto r = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed, 2);
    std::string s(buf, r.ptr);
    if (s == "-0.00") {
        s = "0.00";
    }
    return s;
}

std::string rect_text(const Rect& r) {
    return num(r.x) + "," + num(r.y) + " " + num(r.w) + "x" + num(r.h);
}

std::string owner(const Item& item, const Pages& pages) {
    if (item.node < 0) {
        static constexpr const char* kinds[] = {"artifact", "artifact:header", "artifact:footer",
                                                "artifact:decoration", "artifact:pagination"};
        return kinds[static_cast<int>(item.artifact)];
    }
    const auto& n = pages.nodes[static_cast<std::size_t>(item.node)];
    return std::string(struct_type_name(n.type)) + "#" + std::to_string(item.node);
}

}  // namespace

std::string dump_pages(const Pages& pages) {
    std::string out;
    out += "nodes " + std::to_string(pages.nodes.size()) + "\n";
    for (std::size_t i = 0; i < pages.nodes.size(); ++i) {
        const auto& n = pages.nodes[i];
        out += "  node " + std::to_string(i) + " " + struct_type_name(n.type) + " parent=" + std::to_string(n.parent);
        if (!n.id.empty()) {
            out += " id=" + n.id;
        }
        if (!n.alt.empty()) {
            out += " alt=\"" + n.alt + "\"";
        }
        out += "\n";
    }
    for (const auto& o : pages.outline) {
        out += "outline " + std::to_string(o.level) + " page=" + std::to_string(o.page + 1) + " y=" + num(o.y) +
               " \"" + o.title + "\"\n";
    }
    for (std::size_t p = 0; p < pages.pages.size(); ++p) {
        const auto& page = pages.pages[p];
        out += "page " + std::to_string(p + 1) + " " + num(page.width) + "x" + num(page.height) + "\n";
        for (const auto& item : page.items) {
            const std::string who = owner(item, pages);
            out += std::visit(
                Overloaded{
                    [&](const GlyphRun& x) {
                        return "  text " + who + " at " + num(x.origin.x) + "," + num(x.origin.y) +
                               " font=" + std::to_string(x.font) + " size=" + num(x.size) +
                               (x.tracking != 0 ? " tracking=" + num(x.tracking) : std::string()) + " \"" + x.text + "\"\n";
                    },
                    [&](const Rule& x) {
                        return "  rule " + who + " " + num(x.from.x) + "," + num(x.from.y) + " -> " + num(x.to.x) +
                               "," + num(x.to.y) + " w=" + num(x.width) + "\n";
                    },
                    [&](const Box& x) {
                        return "  box " + who + " " + rect_text(x.rect) + (x.filled ? " filled" : "") +
                               (x.stroke_width > 0 ? " stroked" : "") + "\n";
                    },
                    [&](const Picture& x) {
                        return "  image " + who + " " + rect_text(x.rect) + " #" + std::to_string(x.image) + "\n";
                    },
                    [&](const Link& x) { return "  link " + who + " " + rect_text(x.rect) + " " + x.uri + "\n"; },
                },
                item.v);
        }
    }
    return out;
}

}  // namespace handout
