// render/pdf: the structure tree as the pages are written — one element per display-list node,
// its kids (marked content and annotations) in reading order, /Pg, MCRs where content sits on
// another page, the ParentTree root.
#pragma once

#include "pages/pages.hpp"

#include <qpdf/QPDF.hh>
#include <qpdf/QPDFObjectHandle.hh>

#include <cstddef>
#include <vector>

namespace handout::pdf {

/// Where an element's content sits in reading order: marked content (MCID on a page) or an OBJR.
struct StructKid {
    std::size_t seq = 0;      ///< order of arrival (set by StructureTree::add)
    QPDFObjectHandle obj;     ///< an OBJR, or a child element
    int page = -1;            ///< for marked content: its page, so a same-page MCR can be a plain MCID
    int mcid = -1;
};

class StructureTree {
public:
    /// One element per node of `doc`, with /S, /P, /Alt, /Lang, /ActualText, /ID and a TH's /Scope.
    StructureTree(QPDF& pdf, const Pages& doc);

    /// Node `node` holds `kid` next, in reading order.
    void add(std::size_t node, StructKid kid);
    QPDFObjectHandle element(std::size_t node) const { return m_elems[node]; }
    QPDFObjectHandle root() const { return m_root; }

    /// Child elements take their place among their parent's kids by their first content; an
    /// element's /Pg is the page of its first marked content; the root gets its /ParentTree.
    void finish(const Pages& doc, const std::vector<QPDFObjectHandle>& page_objs, QPDFObjectHandle parent_tree, int next_key);

private:
    QPDFObjectHandle m_root;
    std::vector<QPDFObjectHandle> m_elems;
    std::vector<std::vector<StructKid>> m_kids;
    std::vector<std::size_t> m_first_seq;
    std::size_t m_seq = 0;
};

}  // namespace handout::pdf
