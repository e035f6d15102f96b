#include "render/pdf/pdf_structure.hpp"

#include "render/pdf/pdf_syntax.hpp"

#include <algorithm>
#include <cstdint>
#include <string>

namespace handout::pdf {

StructureTree::StructureTree(QPDF& pdf, const Pages& doc)
    : m_kids(doc.nodes.size()), m_first_seq(doc.nodes.size(), SIZE_MAX) {
    m_root = pdf.makeIndirectObject(QPDFObjectHandle::newDictionary());
    m_elems.resize(doc.nodes.size());
    for (std::size_t i = 0; i < doc.nodes.size(); ++i) {
        m_elems[i] = pdf.makeIndirectObject(QPDFObjectHandle::newDictionary());
        const StructNode& n = doc.nodes[i];
        QPDFObjectHandle& e = m_elems[i];
        e.replaceKey("/S", QPDFObjectHandle::newName(std::string("/") + struct_type_name(n.type)));
        e.replaceKey("/P", n.parent < 0 ? m_root : m_elems[static_cast<std::size_t>(n.parent)]);
        if (!n.alt.empty()) {
            e.replaceKey("/Alt", text_string(n.alt));
        }
        if (!n.lang.empty()) {
            e.replaceKey("/Lang", text_string(n.lang));
        }
        if (!n.actual_text.empty()) {
            e.replaceKey("/ActualText", text_string(n.actual_text));
        }
        if (!n.id.empty()) {
            e.replaceKey("/ID", QPDFObjectHandle::newString(n.id));
        }
        if (n.type == StructType::th) {
            e.replaceKey("/A", QPDFObjectHandle::parse("<< /O /Table /Scope /Column >>"));
        }
    }
}

void StructureTree::add(std::size_t node, StructKid kid) {
    kid.seq = m_seq++;
    m_first_seq[node] = std::min(m_first_seq[node], kid.seq);
    m_kids[node].push_back(std::move(kid));
}

void StructureTree::finish(const Pages& doc, const std::vector<QPDFObjectHandle>& page_objs, QPDFObjectHandle parent_tree,
                           int next_key) {
    for (std::size_t i = doc.nodes.size(); i-- > 0;) {
        int parent = doc.nodes[i].parent;
        if (parent >= 0) {
            auto p = static_cast<std::size_t>(parent);
            m_first_seq[p] = std::min(m_first_seq[p], m_first_seq[i]);
        }
    }
    for (std::size_t i = 0; i < doc.nodes.size(); ++i) {
        int parent = doc.nodes[i].parent;
        if (parent >= 0) {
            m_kids[static_cast<std::size_t>(parent)].push_back({m_first_seq[i], m_elems[i]});
        }
    }
    for (std::size_t i = 0; i < doc.nodes.size(); ++i) {
        std::stable_sort(m_kids[i].begin(), m_kids[i].end(), [](const StructKid& a, const StructKid& b) { return a.seq < b.seq; });
        int pg = -1;
        for (auto& k : m_kids[i]) {
            if (k.page >= 0) {
                pg = k.page;
                break;
            }
        }
        if (pg >= 0) {
            m_elems[i].replaceKey("/Pg", page_objs[static_cast<std::size_t>(pg)]);
        }
        QPDFObjectHandle arr = QPDFObjectHandle::newArray();
        for (auto& k : m_kids[i]) {
            if (k.page >= 0 && k.page == pg) {
                arr.appendItem(QPDFObjectHandle::newInteger(k.mcid));
            } else if (k.page >= 0) {  // marked content on another page than the element's
                QPDFObjectHandle mcr = QPDFObjectHandle::newDictionary();
                mcr.replaceKey("/Type", QPDFObjectHandle::newName("/MCR"));
                mcr.replaceKey("/Pg", page_objs[static_cast<std::size_t>(k.page)]);
                mcr.replaceKey("/MCID", QPDFObjectHandle::newInteger(k.mcid));
                arr.appendItem(mcr);
            } else {
                arr.appendItem(k.obj);
            }
        }
        m_elems[i].replaceKey("/K", arr.getArrayNItems() == 1 && arr.getArrayItem(0).isInteger() ? arr.getArrayItem(0) : arr);
    }
    m_root.replaceKey("/Type", QPDFObjectHandle::newName("/StructTreeRoot"));
    m_root.replaceKey("/K", doc.nodes.empty() ? QPDFObjectHandle::newArray() : QPDFObjectHandle::newArray({m_elems[0]}));
    m_root.replaceKey("/ParentTree", parent_tree);
    m_root.replaceKey("/ParentTreeNextKey", QPDFObjectHandle::newInteger(next_key));
}

}  // namespace handout::pdf
