// render/pdf: one page's content stream as it is written — owns the state a content stream
// carries between operators (the open marked-content sequence, the text object and its line
// origin, the font, the fill and stroke colours) so that each operator is written only when
// that state changes, and numbers the page's MCIDs for the structure tree.
#pragma once

#include "core/color.hpp"
#include "pages/pages.hpp"
#include "render/pdf/pdf_structure.hpp"

#include <qpdf/QPDFObjectHandle.hh>

#include <climits>
#include <cstddef>
#include <string>

namespace handout::pdf {

class ContentStream {
public:
    /// The content of page `page` (0-based) of `doc`; its marked content goes to `tree`.
    ContentStream(const Pages& doc, StructureTree& tree, std::size_t page);

    /// Puts what follows in the marked content of `item` — its element's (a new MCID) or its kind
    /// of artifact's — inside a text object for text, outside one for graphics. With `merge`,
    /// consecutive items of one element or artifact kind (a paragraph's lines) share a sequence,
    /// and text stays in one text object across sequences until a graphic comes.
    void mark(const Item& item, bool merge, bool text);

    void set_fill(const Color& c);
    /// Stroke colour and line width (butt caps: the default).
    void set_stroke(const Color& c, double width);
    /// `name` (as /F0) at `size` pt.
    void set_font(const std::string& name, double size);
    /// Letter spacing (Tc) in pt, added after every glyph shown.
    void set_char_spacing(double pt);
    /// Moves the text line origin to (x, y) (pt, PDF space) by a Td of what was written before,
    /// so rounding never adds up. (T* with TL, or Tj for arrays without numbers, deflate larger: measured.)
    void move_text_to(double x, double y);

    /// The operators so far, for the steps that write their own (glyphs, paths, images).
    std::string& operators() { return m_c; }

    /// Closes what is open; the stream's bytes.
    std::string finish();
    /// The element of each MCID opened, in MCID order: the page's ParentTree entry.
    QPDFObjectHandle mcid_parents() const { return m_mcid_parents; }

private:
    void begin_text();
    void end_text();
    void close_marked();
    void open_element(std::size_t node);

    static constexpr int no_sequence = INT_MIN;

    const Pages& m_doc;
    StructureTree& m_tree;
    int m_page;
    std::string m_c;
    QPDFObjectHandle m_mcid_parents = QPDFObjectHandle::newArray();
    int m_next_mcid = 0;
    int m_open_key = no_sequence;  ///< the open sequence: a node index, or -1 − artifact kind
    bool m_in_text = false;
    bool m_marked_in_text = false; ///< the open sequence began inside the text object
    double m_tx = 0, m_ty = 0;     ///< the text line matrix's origin, as written (rounded)
    std::string m_fill, m_stroke, m_font, m_tc = "0 Tc ";  ///< the operators in force
};

}  // namespace handout::pdf
