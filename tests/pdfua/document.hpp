// tests/pdfua: a PDF read for accessibility checks — the structure tree, every content stream's
// marked content and text (through ToUnicode and ActualText), fonts with their programs, XMP —
// on qpdf's object model. The checks (pdfua.hpp) and the tests' structure probes read this.
#pragma once

#include <qpdf/QPDF.hh>
#include <qpdf/QPDFObjGen.hh>
#include <qpdf/QPDFObjectHandle.hh>

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

namespace pdfua {

/// A file that cannot be read as a PDF (not a PDF, damaged beyond repair, encrypted).
class Unreadable : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// Where a marked-content sequence lives: a page, or a form XObject with /StructParents.
using StreamKey = QPDFObjGen;

/// One marked-content reference: MCID `mcid` in the content of `key` (null key: an MCR with no
/// page to resolve it against).
struct McRef {
    StreamKey key;
    int mcid = -1;
    bool operator<(const McRef& o) const { return key < o.key || (!(o.key < key) && mcid < o.mcid); }
    bool operator==(const McRef& o) const { return key == o.key && mcid == o.mcid; }
};

/// One structure element, in depth-first order of the tree.
struct Element {
    QPDFObjectHandle obj;
    QPDFObjGen og;                ///< (0, 0) for a direct object
    std::string s;                ///< /S without the slash
    std::string std_type;         ///< the standard type it is or maps to; empty when none
    std::string role_problem;     ///< why std_type is empty or suspect (unmapped, circular, remapped)
    int parent = -1;              ///< index in Document::elements, -1 under the root
    std::vector<int> kids;        ///< child elements, in order
    std::vector<McRef> mcrs;      ///< marked content it holds directly, in order
    std::vector<QPDFObjGen> objrs;///< objects it references (annotations), in order
    QPDFObjGen pg;                ///< its /Pg, or its parent's

    /// Children in /K order: an element (index), marked content, or an object reference.
    struct Kid {
        enum class Kind { element, marked_content, object } kind = Kind::element;
        int element = -1;
        McRef mcr;
        QPDFObjGen object;
    };
    std::vector<Kid> order;

    std::optional<std::string> lang, alt, actual_text;  ///< /Lang, /Alt, /ActualText as UTF-8
    /// An attribute from /A (a dictionary, or an array of dictionaries and revision numbers).
    QPDFObjectHandle attribute(const std::string& key) const;
};

/// A stretch of text as the content shows it: one text-showing operator's glyphs, or the
/// /ActualText of a marked-content span (whose glyphs then add no text of their own).
struct Piece {
    int page = 0;                 ///< 0-based
    StreamKey key;                ///< the page, or the form with /StructParents it was drawn in
    std::optional<int> mcid;      ///< the innermost MCID around it
    bool artifact = false;        ///< inside /Artifact marked content
    bool from_actual_text = false;///< `text` is an ActualText span's
    bool in_actual_text = false;  ///< glyphs inside an ActualText span (their `text` is empty)
    int block = -1;               ///< BT … ET block, numbered through the document; -1 outside
    std::string text;             ///< UTF-8: through ToUnicode (unmapped codes add nothing)
    QPDFObjGen font;              ///< the font dictionary, for glyph pieces
    std::string font_name;        ///< its /BaseFont without the slash
    std::vector<std::uint32_t> codes;  ///< the character codes shown
    double x = 0, y = 0;          ///< where it starts: the text origin in default user space (pt, y up)
    double size = 0;              ///< the font size there, in pt
};

/// One font dictionary as the checks need it.
struct Font {
    QPDFObjectHandle dict;
    std::string base_font;        ///< without the slash
    std::string subtype;          ///< Type0, TrueType, Type1, Type3 …
    std::string descendant;       ///< CIDFontType0 / CIDFontType2 for Type0
    int code_bytes = 1;           ///< 2 for Type0 (Identity-H/V)
    bool embedded = false;        ///< a FontFile* (or Type3 procedures)
    std::string program_kind;     ///< FontFile, FontFile2, FontFile3/<Subtype>
    std::string program;          ///< the font program's bytes, decoded
    bool has_to_unicode = false;
    std::map<std::uint32_t, std::string> to_unicode;  ///< code → UTF-8 (may be empty)
    std::string encoding;         ///< /Encoding name, or /BaseEncoding of an encoding dictionary
    bool differences = false;     ///< the encoding dictionary has /Differences
    std::string cid_ordering;     ///< descendant's /CIDSystemInfo /Ordering
    std::map<std::uint32_t, double> widths;  ///< code → width in 1/1000 em (/W or /Widths)
    double default_width = 1000;  ///< /DW (or /MissingWidth for simple fonts)
    /// CIDToGIDMap as a table (empty: Identity or absent).
    std::vector<std::uint16_t> cid_to_gid;
    bool cid_to_gid_identity = true;
    /// Glyph index of `code` in the font program (CIDFontType2: through CIDToGIDMap; CFF: the
    /// CID itself, which FreeType maps through the charset).
    std::uint32_t glyph(std::uint32_t code) const;
};

struct Annotation {
    QPDFObjectHandle dict;
    QPDFObjGen og;
    std::string subtype;          ///< without the slash
    std::optional<int> struct_parent;
    std::optional<std::string> contents;
};

struct Page {
    QPDFObjectHandle dict;
    QPDFObjGen og;
    std::optional<int> struct_parents;
    std::optional<std::string> tabs;  ///< /Tabs without the slash
    std::vector<Annotation> annotations;
    std::size_t text_ops = 0, artifact_text_ops = 0, tagged_text_ops = 0;
    std::size_t paint_ops = 0;
    std::vector<std::string> untagged_text;      ///< a sample of each untagged run
    std::size_t orphan_text_ops = 0;             ///< with an MCID no element claims
    std::vector<std::string> untagged_graphics;
};

struct Xmp {
    bool present = false;
    std::optional<std::string> title;    ///< dc:title's first entry
    std::optional<std::string> pdfua_part;
};

/// Problems found while walking content streams, by kind.
struct Nesting {
    std::vector<std::string> artifact_in_tagged, tagged_in_artifact, unbalanced, duplicate_mcid;
};

class Document {
public:
    /// Reads `path`; throws Unreadable.
    explicit Document(const std::string& path);
    Document(const Document&) = delete;
    Document& operator=(const Document&) = delete;
    ~Document();

    const std::string& path() const { return m_path; }
    QPDF& qpdf() { return *m_pdf; }
    QPDFObjectHandle root() { return m_pdf->getRoot(); }

    const std::vector<Page>& pages() const { return m_pages; }
    /// 1-based page number of a page object, or 0.
    int page_number(QPDFObjGen og) const;

    bool has_struct_tree() const { return QPDFObjectHandle(m_struct_root).isDictionary(); }
    QPDFObjectHandle struct_root() const { return m_struct_root; }  // a copy: qpdf's accessors are not const
    const std::vector<Element>& elements() const { return m_elements; }
    const std::map<std::string, std::string>& role_map() const { return m_role_map; }
    /// The element holding an OBJR to `og`, or -1.
    int objr_owner(QPDFObjGen og) const;
    /// Every element that claims `ref`, in tree order.
    std::vector<int> claims(const McRef& ref) const;
    /// The element by its object, or -1.
    int element_of(QPDFObjGen og) const;
    /// "#12 P p2": an element for messages.
    std::string where(int element) const;
    /// First page (1-based) an element or a descendant is on, or 0.
    int element_page(int element) const;

    /// Every piece of text in content order, page by page.
    const std::vector<Piece>& pieces() const { return m_pieces; }
    /// MCIDs in each stream's content, with how often each was opened.
    const std::map<StreamKey, std::map<int, int>>& mcids_seen() const { return m_mcids_seen; }
    /// Forms with /StructParents: form → its StructParents value.
    const std::map<StreamKey, int>& forms_with_struct_parents() const { return m_forms; }
    const Nesting& nesting() const { return m_nesting; }
    /// /Lang values on marked content: page (1-based) and value.
    const std::vector<std::pair<int, std::string>>& marked_content_langs() const { return m_mc_langs; }
    /// Errors reading content streams (page, message).
    const std::vector<std::string>& content_errors() const { return m_content_errors; }

    /// Fonts reachable from pages' and forms' resources, by object.
    const std::map<QPDFObjGen, Font>& fonts() const { return m_fonts; }

    const Xmp& xmp() const { return m_xmp; }
    std::optional<std::string> info_title() const;
    /// The ParentTree flattened: key → value.
    std::map<int, QPDFObjectHandle> parent_tree() const;

    /// The text each marked-content sequence shows (its pieces in content order, artifacts left out).
    std::string marked_text(const McRef& ref) const;
    /// The pieces a marked-content sequence shows, in content order (artifacts left out).
    std::vector<const Piece*> marked_pieces(const McRef& ref) const;
    /// The page (1-based) a marked-content sequence is drawn on, or 0 when it is drawn nowhere.
    int marked_page(const McRef& ref) const;

private:
    void read_pages();
    void read_struct_tree();
    void read_content();
    void read_xmp();
    const Font& font(QPDFObjectHandle dict);
    friend class ContentWalker;

    std::string m_path;
    std::unique_ptr<QPDF> m_pdf;
    std::vector<Page> m_pages;
    std::map<QPDFObjGen, int> m_page_index;
    QPDFObjectHandle m_struct_root;
    std::vector<Element> m_elements;
    std::map<QPDFObjGen, int> m_element_by_og;
    std::map<std::string, std::string> m_role_map;
    std::map<McRef, std::vector<int>> m_claims;
    std::map<QPDFObjGen, int> m_objr_owner;
    std::vector<Piece> m_pieces;
    std::map<StreamKey, std::map<int, int>> m_mcids_seen;
    std::map<StreamKey, int> m_forms;
    Nesting m_nesting;
    std::vector<std::pair<int, std::string>> m_mc_langs;
    std::vector<std::string> m_content_errors;
    std::map<QPDFObjGen, Font> m_fonts;
    std::map<McRef, std::vector<std::size_t>> m_pieces_by_mcr;
    Xmp m_xmp;
    int m_blocks = 0;
};

/// UTF-16BE bytes → UTF-8 (unpaired surrogates become U+FFFD).
std::string utf16be_to_utf8(std::string_view bytes);
/// UTF-8 → code points (malformed bytes become U+FFFD).
std::u32string utf8_to_u32(std::string_view s);
std::string u32_to_utf8(std::u32string_view s);

}  // namespace pdfua
