#include "pdfua/pdfua.hpp"

#include "core/ft_ptr.hpp"
#include "core/glib_ptr.hpp"

#include <ft2build.h>
#include FT_FREETYPE_H
#include FT_ADVANCES_H
#include <glib.h>
#include <poppler.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <map>
#include <regex>
#include <set>

namespace pdfua {

namespace {

using handout::CPtr;
using handout::FtFacePtr;
using handout::FtLibraryPtr;
using handout::GCharPtr;
using handout::GErrorPtr;
using handout::GMallocPtr;
using handout::GObjectPtr;

struct Row {
    const char* id;
    const char* clause;
    const char* what;
};

// MP = Matterhorn Protocol 1.1 failure conditions. Clause numbers as veraPDF's PDF/UA-1 profile numbers them.
const Row check_rows[] = {
    {"tagged", "ISO 14289-1 7.1; MP 01-007", "/MarkInfo /Marked true, no /Suspects true"},
    {"struct-tree", "ISO 14289-1 7.1", "/StructTreeRoot present, with at least one element"},
    {"lang", "ISO 14289-1 7.2; MP 11-001…11-006", "catalog /Lang present; every /Lang (catalog, elements, marked content) a valid BCP 47 tag"},
    {"display-doc-title", "ISO 14289-1 7.1; MP 07-001, 07-002", "/ViewerPreferences /DisplayDocTitle true"},
    {"title", "ISO 14289-1 7.1; MP 06-003", "Info /Title or XMP dc:title, not a file name"},
    {"metadata", "ISO 14289-1 5, 7.1; MP 06-001, 06-002, 06-003", "XMP metadata stream with pdfuaid:part 1 and dc:title"},
    {"struct-types", "ISO 14289-1 7.1; MP 02-001, 02-003, 02-004", "every /S standard or role-mapped to one; no cycle, no standard type remapped"},
    {"headings", "ISO 14289-1 7.4.2, 7.4.4; MP 14-002, 14-003, 14-007", "numbered headings start at H1, never skip a level, not mixed with H"},
    {"figure-alt", "ISO 14289-1 7.3, 7.7; MP 13-004, 17-002", "Figure and Formula have /Alt or /ActualText"},
    {"tables", "ISO 14289-1 7.2, 7.5 (ISO 32000-1 Table 337); MP 09-004", "Table → TR (or THead/TBody/TFoot → TR) → TH/TD, at least one TH"},
    {"table-scope", "ISO 14289-1 7.5; MP 15-003", "each TH has /Scope (Row, Column, Both) in /A, unless the table uses /Headers"},
    {"table-regular", "ISO 14289-1 7.5", "each table's rows span the same number of columns (ColSpan and RowSpan counted)"},
    {"lists", "ISO 14289-1 7.2, 7.6 (ISO 32000-1 Table 336); MP 09-005", "L → LI → (Lbl) LBody"},
    {"parent-tree", "ISO 14289-1 7.1; ISO 32000-1 14.7.4.4", "ParentTree and /Pg agree with the MCRs both ways; annotations' /StructParent agree with OBJRs"},
    {"mcid-claims", "ISO 14289-1 7.1; ISO 32000-1 14.7.4.2", "every MCID in the content is claimed by exactly one structure element"},
    {"untagged-text", "ISO 14289-1 7.1; MP 01-005", "text-showing operators inside a claimed MCID or /Artifact"},
    {"untagged-graphics", "ISO 14289-1 7.1; MP 01-005", "path paints, images, shadings inside a claimed MCID or /Artifact"},
    {"mc-nesting", "ISO 14289-1 7.1; MP 01-003, 01-004", "BMC/BDC/EMC balanced; no Artifact in tagged content or tagged content in an Artifact; MCIDs unique per stream"},
    {"reading-order", "ISO 14289-1 7.2; MP 09-001 (a machine proxy)", "the structure tree's text, in tree order, is the extracted text's order"},
    {"annots-tagged", "ISO 14289-1 7.18.1, 7.18.4, 7.18.5; MP 28-002, 28-011", "each Link annotation in a Link element by OBJR (Widget in Form, others in Annot)"},
    {"annot-contents", "ISO 14289-1 7.18.1, 7.18.5; MP 28-004, 28-012", "Link annotations have /Contents; others /Contents or /Alt"},
    {"tab-order", "ISO 14289-1 7.18.3", "pages with annotations have /Tabs /S"},
    {"fonts-embedded", "ISO 14289-1 7.21.4.1", "every font has its program embedded"},
    {"fonts-unicode", "ISO 14289-1 7.21.7", "every font has ToUnicode or a standard encoding"},
    {"to-unicode", "ISO 14289-1 7.21.7; MP 10-001", "every code shown outside an ActualText span maps to Unicode"},
    {"font-widths", "ISO 14289-1 7.21.5", "/W (or /Widths) agrees with the font program's advances within 1 unit"},
    {"notdef", "ISO 14289-1 7.21.8, 7.21.4.1; MP 31-030", "no .notdef glyph shown; every glyph shown is in the embedded program"},
    {"text-extract", "ISO 14289-1 7.21.7 (a practical proxy)", "poppler's text has no U+FFFD, and some text where text is drawn"},
    {"encryption", "ISO 14289-1 7.16", "not encrypted, or accessibility permitted (P bit 10)"},
    {"pdfua-id", "ISO 14289-1 5; MP 06-002", "XMP pdfuaid:part (information only)"},
};

const Row& row(std::string_view id) {
    for (const Row& r : check_rows) {
        if (id == r.id) {
            return r;
        }
    }
    throw std::logic_error("no check " + std::string(id));
}

std::string join(const std::vector<std::string>& items, std::size_t n, const char* sep = "; ") {
    std::string s;
    for (std::size_t i = 0; i < items.size() && i < n; ++i) {
        s += (i ? sep : "") + items[i];
    }
    return s;
}

std::string hex_code(std::uint32_t c) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "0x%04X", c);
    return buf;
}

using PopplerDocPtr = GObjectPtr<PopplerDocument>;
using PopplerPagePtr = GObjectPtr<PopplerPage>;

bool is_space(char32_t c) {
    return (c >= 0x09 && c <= 0x0D) || c == 0x20 || c == 0x85 || c == 0xA0 || c == 0x1680 || (c >= 0x2000 && c <= 0x200A) ||
           c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F || c == 0x3000;
}

bool is_bidi_control(char32_t c) {
    return c == 0x200E || c == 0x200F || (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069);
}

bool is_rtl(char32_t c) {
    return (c >= 0x0590 && c <= 0x08FF) || (c >= 0xFB1D && c <= 0xFDFF) || (c >= 0xFE70 && c <= 0xFEFF);
}

/// Text for the reading-order comparison: white space (Unicode White_Space) and bidi controls
/// removed — poppler puts spaces where a line breaks, where the font changes inside a word and
/// between CJK lines, and marks right-to-left segments.
std::u32string folded(std::string_view utf8) {
    std::u32string out;
    for (char32_t c : utf8_to_u32(utf8)) {
        if (!is_space(c) && !is_bidi_control(c)) {
            out += c;
        }
    }
    return out;
}

class Checker {
public:
    explicit Checker(Document& doc) : m_doc(doc) {
        m_report.file = doc.path();
        m_report.pages = static_cast<int>(doc.pages().size());
    }

    Report run() {
        open_poppler();
        catalog();
        structure();
        parent_tree();
        mcid_claims();
        content();
        reading_order();
        annotations();
        fonts();
        glyphs();
        text_extract();
        encryption();
        std::stable_sort(m_report.checks.begin(), m_report.checks.end(), [](const Check& a, const Check& b) {
            auto ia = std::find(check_ids().begin(), check_ids().end(), a.id);
            auto ib = std::find(check_ids().begin(), check_ids().end(), b.id);
            return ia < ib;
        });
        return std::move(m_report);
    }

private:
    const Element& el(int i) const { return m_doc.elements()[static_cast<std::size_t>(i)]; }
    std::string parent_type(int i) const { return el(i).parent < 0 ? std::string() : el(el(i).parent).std_type; }

    /// Adds a row: pass when `items` is empty (unless `status` says otherwise).
    void add(const char* id, std::vector<std::string> items, std::string pass_detail, std::optional<Status> status = {},
             std::string fail_detail = {}) {
        const Row& r = row(id);
        Check c;
        c.id = r.id;
        c.clause = r.clause;
        c.what = r.what;
        c.status = status.value_or(items.empty() ? Status::pass : Status::fail);
        if (c.status == Status::pass || c.status == Status::fail) {
            c.count = items.size();
        }
        c.detail = c.status == Status::fail ? (fail_detail.empty() ? join(items, 2) : fail_detail) : pass_detail;
        c.items = std::move(items);
        m_report.checks.push_back(std::move(c));
    }
    void not_applicable(const char* id) { add(id, {}, "no structure elements", Status::not_applicable); }
    bool no_elements() const { return m_doc.elements().empty(); }

    void open_poppler() {
        GError* error = nullptr;
        GCharPtr uri(g_filename_to_uri(m_doc.path().c_str(), nullptr, &error));
        if (uri) {
            m_poppler.reset(poppler_document_new_from_file(uri.get(), nullptr, &error));
        }
        GErrorPtr owned_error(error);
        if (!m_poppler) {
            throw Unreadable("poppler: " + std::string(owned_error ? owned_error->message : "cannot open"));
        }
        for (int i = 0; i < poppler_document_get_n_pages(m_poppler.get()); ++i) {
            PopplerPagePtr page(poppler_document_get_page(m_poppler.get(), i));
            GCharPtr text(page ? poppler_page_get_text(page.get()) : nullptr);
            m_page_text.push_back(text ? std::string(text.get()) : std::string());
            PopplerRectangle* rects = nullptr;
            guint n = 0;
            std::vector<PopplerRectangle> boxes;
            if (page && poppler_page_get_text_layout(page.get(), &rects, &n)) {
                GMallocPtr<PopplerRectangle> owned(rects);
                boxes.assign(owned.get(), owned.get() + n);
            }
            m_page_rects.push_back(std::move(boxes));
        }
    }

    // ---- catalog ------------------------------------------------------------------------------

    void catalog() {
        QPDFObjectHandle root = m_doc.root();
        QPDFObjectHandle mi = root.getKey("/MarkInfo");
        bool marked = mi.isDictionary() && mi.getKey("/Marked").isBool() && mi.getKey("/Marked").getBoolValue();
        bool suspects = mi.isDictionary() && mi.getKey("/Suspects").isBool() && mi.getKey("/Suspects").getBoolValue();
        std::vector<std::string> items;
        if (!marked) {
            items.push_back(mi.isDictionary() ? "/MarkInfo without /Marked true" : "no /MarkInfo");
        }
        if (suspects) {
            items.push_back("/Suspects true");
        }
        add("tagged", items, "Marked true", items.empty() ? Status::pass : Status::fail);
        m_report.checks.back().count.reset();

        QPDFObjectHandle vp = root.getKey("/ViewerPreferences");
        QPDFObjectHandle ddt = vp.isDictionary() ? vp.getKey("/DisplayDocTitle") : QPDFObjectHandle::newNull();
        bool ok = ddt.isBool() && ddt.getBoolValue();
        add("display-doc-title", ok ? std::vector<std::string>{} : std::vector<std::string>{!vp.isDictionary() ? "no /ViewerPreferences" : ddt.isBool() ? "/DisplayDocTitle false" : "/DisplayDocTitle absent"},
            "true");
        m_report.checks.back().count.reset();

        std::string info = m_doc.info_title().value_or("");
        std::string dc = m_doc.xmp().title.value_or("");
        auto trim = [](std::string s) {
            s.erase(0, s.find_first_not_of(" \t\r\n"));
            s.erase(s.find_last_not_of(" \t\r\n") + 1);
            return s;
        };
        info = trim(info);
        dc = trim(dc);
        std::string title = info.empty() ? dc : info;
        std::vector<std::string> bad;
        if (title.empty()) {
            bad.push_back("no Info /Title, no XMP dc:title");
        } else {
            std::string low = title;
            std::transform(low.begin(), low.end(), low.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
            if (std::regex_search(low, std::regex("\\.(x?html?|pdf|docx?|odt|rtf|md|typ|tex|txt)$"))) {
                bad.push_back("title «" + title.substr(0, 50) + "» is a file name");
            }
        }
        std::string where = std::string(info.empty() ? "" : "Info /Title") + (info.empty() || dc.empty() ? "" : " + ") +
                            (dc.empty() ? "" : "XMP dc:title");
        add("title", bad, where + ": «" + title.substr(0, 50) + "»" + (dc.empty() ? "; no XMP dc:title" : ""));
        m_report.checks.back().count.reset();

        const Xmp& x = m_doc.xmp();
        std::vector<std::string> meta;
        if (!x.present) {
            meta.push_back("no XMP metadata stream (06-001)");
        } else {
            if (x.pdfua_part.value_or("") != "1") {
                meta.push_back(x.pdfua_part ? "pdfuaid:part " + *x.pdfua_part + ", not 1 (06-002)" : "no pdfuaid:part (06-002)");
            }
            if (trim(x.title.value_or("")).empty()) {
                meta.push_back("no dc:title (06-003)");
            }
        }
        add("metadata", meta, "XMP with pdfuaid:part 1 and dc:title");
        add("pdfua-id", {}, x.pdfua_part ? "pdfuaid:part=" + *x.pdfua_part : std::string(x.present ? "absent" : "absent (no XMP metadata stream)"),
            Status::info);
    }

    // ---- structure ----------------------------------------------------------------------------

    void structure() {
        const auto& els = m_doc.elements();
        if (!m_doc.has_struct_tree()) {
            add("struct-tree", {"no /StructTreeRoot"}, "");
            m_report.checks.back().count.reset();
        } else {
            std::map<std::string, int> hist;
            for (const Element& e : els) {
                ++hist[e.std_type.empty() ? e.s : e.std_type];
            }
            std::vector<std::pair<std::string, int>> top(hist.begin(), hist.end());
            std::stable_sort(top.begin(), top.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
            std::string detail = std::to_string(els.size()) + " elements:";
            for (std::size_t i = 0; i < top.size() && i < 8; ++i) {
                detail += (i ? ", " : " ") + top[i].first + " " + std::to_string(top[i].second);
            }
            add("struct-tree", els.empty() ? std::vector<std::string>{"structure tree is empty"} : std::vector<std::string>{}, detail);
            m_report.checks.back().count.reset();
        }
        lang();
        if (no_elements()) {
            for (const char* id : {"struct-types", "headings", "figure-alt", "tables", "table-scope", "table-regular", "lists"}) {
                not_applicable(id);
            }
            return;
        }
        std::vector<std::string> bad;
        for (std::size_t i = 0; i < els.size(); ++i) {
            if (els[i].std_type.empty() || !els[i].role_problem.empty()) {
                bad.push_back(m_doc.where(static_cast<int>(i)) + ": " + els[i].role_problem);
            }
        }
        add("struct-types", bad, "all standard" + (m_doc.role_map().empty() ? std::string() : " (RoleMap: " + std::to_string(m_doc.role_map().size()) + " entries)"));
        headings();
        figures();
        tables();
        table_scope();
        table_regular();
        lists();
    }

    void lang() {
        std::vector<std::string> bad;
        auto catalog = m_doc.root().getKey("/Lang");
        std::optional<std::string> lv;
        if (catalog.isString()) {
            lv = catalog.getUTF8Value();
        }
        std::string detail;
        if (!lv) {
            bad.push_back("no catalog /Lang");
        } else if (!valid_language_tag(*lv)) {
            bad.push_back("catalog /Lang «" + *lv + "» is not a BCP 47 tag");
        } else {
            detail = "catalog /Lang (" + *lv + ")";
        }
        std::size_t elements = 0, marked = 0;
        for (std::size_t i = 0; i < m_doc.elements().size(); ++i) {
            if (const auto& l = m_doc.elements()[i].lang) {
                ++elements;
                if (!valid_language_tag(*l)) {
                    bad.push_back(m_doc.where(static_cast<int>(i)) + ": /Lang «" + *l + "»");
                }
            }
        }
        for (const auto& [page, v] : m_doc.marked_content_langs()) {
            ++marked;
            if (!valid_language_tag(v)) {
                bad.push_back("p" + std::to_string(page) + " marked content /Lang «" + v + "»");
            }
        }
        detail += ", " + std::to_string(elements) + " element and " + std::to_string(marked) + " marked-content /Lang valid";
        add("lang", bad, detail);
    }

    void headings() {
        std::vector<std::string> probs;
        std::vector<int> numbered;
        std::size_t plain = 0;
        for (std::size_t i = 0; i < m_doc.elements().size(); ++i) {
            const std::string& t = m_doc.elements()[i].std_type;
            if (t == "H") {
                ++plain;
            } else if (t.size() == 2 && t[0] == 'H' && t[1] >= '1' && t[1] <= '6') {
                numbered.push_back(static_cast<int>(i));
            }
        }
        int prev = 0;
        std::string seq;
        for (int i : numbered) {
            int level = el(i).std_type[1] - '0';
            if (prev == 0 && level != 1) {
                probs.push_back("first heading is " + el(i).std_type + ", not H1 (" + m_doc.where(i) + ")");
            } else if (prev != 0 && level > prev + 1) {
                probs.push_back("H" + std::to_string(prev) + " → H" + std::to_string(level) + " skips a level (" + m_doc.where(i) + ")");
            }
            prev = level;
            seq += (seq.empty() ? "" : " ") + el(i).std_type;
        }
        if (!numbered.empty() && plain > 0) {
            probs.push_back("mixes H and H1–H6");
        }
        add("headings", probs, seq.empty() ? "no headings" : seq.substr(0, 60));
    }

    void figures() {
        std::vector<std::string> noalt;
        std::size_t n = 0;
        for (std::size_t i = 0; i < m_doc.elements().size(); ++i) {
            const Element& e = m_doc.elements()[i];
            if (e.std_type != "Figure" && e.std_type != "Formula") {
                continue;
            }
            ++n;
            auto blank = [](const std::optional<std::string>& s) {
                return !s || s->find_first_not_of(" \t\r\n") == std::string::npos;
            };
            if (blank(e.alt) && blank(e.actual_text)) {
                noalt.push_back(m_doc.where(static_cast<int>(i)));
            }
        }
        add("figure-alt", noalt, n ? std::to_string(n) + " figure(s), all with Alt" : "no Figure elements");
    }

    /// The rows of table `t`: its TRs, directly or in THead/TBody/TFoot, in order.
    std::vector<int> rows_of(int t) const {
        std::vector<int> rows;
        for (int k : el(t).kids) {
            if (el(k).std_type == "TR") {
                rows.push_back(k);
            } else if (el(k).std_type == "THead" || el(k).std_type == "TBody" || el(k).std_type == "TFoot") {
                for (int r : el(k).kids) {
                    if (el(r).std_type == "TR") {
                        rows.push_back(r);
                    }
                }
            }
        }
        return rows;
    }

    void tables() {
        std::vector<std::string> probs;
        std::size_t ntables = 0, nth = 0, ntd = 0;
        for (std::size_t ti = 0; ti < m_doc.elements().size(); ++ti) {
            int t = static_cast<int>(ti);
            if (el(t).std_type != "Table") {
                continue;
            }
            ++ntables;
            std::size_t th = 0;
            for (int k : el(t).kids) {
                const std::string& kt = el(k).std_type;
                if (kt == "THead" || kt == "TBody" || kt == "TFoot") {
                    for (int r : el(k).kids) {
                        if (el(r).std_type != "TR") {
                            probs.push_back(kt + " holds " + (el(r).std_type.empty() ? el(r).s : el(r).std_type) + " (" + m_doc.where(t) + ")");
                        }
                    }
                } else if (kt != "TR" && kt != "Caption") {
                    probs.push_back("Table holds " + (kt.empty() ? el(k).s : kt) + " (" + m_doc.where(t) + ")");
                }
            }
            auto rows = rows_of(t);
            if (rows.empty()) {
                probs.push_back("Table without TR (" + m_doc.where(t) + ")");
            }
            for (int r : rows) {
                std::size_t cells = 0;
                for (int c : el(r).kids) {
                    const std::string& ct = el(c).std_type;
                    if (ct == "TH" || ct == "TD") {
                        ++cells;
                        th += ct == "TH";
                        nth += ct == "TH";
                        ntd += ct == "TD";
                    } else {
                        probs.push_back("TR holds " + (ct.empty() ? el(c).s : ct) + " (" + m_doc.where(r) + ")");
                    }
                }
                if (cells == 0) {
                    probs.push_back("TR without TH/TD (" + m_doc.where(r) + ")");
                }
            }
            if (!rows.empty() && th == 0) {
                probs.push_back("Table without any TH (" + m_doc.where(t) + ")");
            }
        }
        for (std::size_t i = 0; i < m_doc.elements().size(); ++i) {
            int e = static_cast<int>(i);
            const std::string& t = el(e).std_type;
            std::string p = parent_type(e);
            if (t == "TR" && p != "Table" && p != "THead" && p != "TBody" && p != "TFoot") {
                probs.push_back("TR outside Table (" + m_doc.where(e) + ")");
            }
            if ((t == "TH" || t == "TD") && p != "TR") {
                probs.push_back(t + " outside TR (" + m_doc.where(e) + ")");
            }
            if ((t == "THead" || t == "TBody" || t == "TFoot") && p != "Table") {
                probs.push_back(t + " outside Table (" + m_doc.where(e) + ")");
            }
        }
        add("tables", probs,
            ntables ? std::to_string(ntables) + " table(s): " + std::to_string(nth) + " TH, " + std::to_string(ntd) + " TD" : "no tables");
    }

    /// The table element around element `e`, or -1.
    int table_of(int e) const {
        for (int p = el(e).parent; p >= 0; p = el(p).parent) {
            if (el(p).std_type == "Table") {
                return p;
            }
        }
        return -1;
    }

    void table_scope() {
        // A table whose cells name their headers (/Headers with /ID) needs no /Scope (ISO 32000-1
        // 14.8.5.7, PDF/UA-1 7.5).
        std::set<int> with_headers;
        std::size_t nth = 0;
        for (std::size_t i = 0; i < m_doc.elements().size(); ++i) {
            int e = static_cast<int>(i);
            if ((el(e).std_type == "TD" || el(e).std_type == "TH") && !el(e).attribute("/Headers").isNull()) {
                with_headers.insert(table_of(e));
            }
        }
        std::vector<std::string> bad;
        for (std::size_t i = 0; i < m_doc.elements().size(); ++i) {
            int e = static_cast<int>(i);
            if (el(e).std_type != "TH") {
                continue;
            }
            ++nth;
            if (with_headers.count(table_of(e))) {
                continue;
            }
            QPDFObjectHandle scope = el(e).attribute("/Scope");
            std::string s = scope.isName() ? scope.getName() : "";
            if (s != "/Row" && s != "/Column" && s != "/Both") {
                bad.push_back("TH without /Scope" + (s.empty() ? std::string() : " (" + s + ")") + " (" + m_doc.where(e) + ")");
            }
        }
        add("table-scope", bad, nth ? std::to_string(nth) + " TH, each with /Scope" : "no TH");
    }

    void table_regular() {
        std::vector<std::string> bad;
        std::size_t ntables = 0;
        for (std::size_t ti = 0; ti < m_doc.elements().size(); ++ti) {
            int t = static_cast<int>(ti);
            if (el(t).std_type != "Table") {
                continue;
            }
            ++ntables;
            // Rows left to right: a cell takes the first column no cell from a row above still
            // spans, and ColSpan columns from there for RowSpan rows.
            std::vector<int> carry;  // rows still covered, by column
            std::vector<std::size_t> widths;
            auto rows = rows_of(t);
            for (int r : rows) {
                std::size_t col = 0;
                std::vector<int> next = carry;
                for (int& n : next) {
                    n = std::max(0, n - 1);
                }
                for (int c : el(r).kids) {
                    if (el(c).std_type != "TH" && el(c).std_type != "TD") {
                        continue;
                    }
                    auto span = [&](const char* key) {
                        QPDFObjectHandle v = el(c).attribute(key);
                        return v.isInteger() && v.getIntValue() > 0 ? static_cast<int>(v.getIntValue()) : 1;
                    };
                    int cs = span("/ColSpan"), rs = span("/RowSpan");
                    while (col < carry.size() && carry[col] > 0) {
                        ++col;
                    }
                    for (int k = 0; k < cs; ++k, ++col) {
                        if (col >= next.size()) {
                            next.resize(col + 1, 0);
                        }
                        next[col] = std::max(next[col], rs - 1);
                    }
                }
                std::size_t width = col;
                for (std::size_t k = 0; k < carry.size(); ++k) {
                    if (carry[k] > 0) {
                        width = std::max(width, k + 1);
                    }
                }
                widths.push_back(width);
                carry = next;
            }
            if (std::any_of(carry.begin(), carry.end(), [](int n) { return n > 0; })) {
                bad.push_back("a RowSpan runs past the last row (" + m_doc.where(t) + ")");
            }
            for (std::size_t k = 1; k < widths.size(); ++k) {
                if (widths[k] != widths[0]) {
                    bad.push_back("row " + std::to_string(k + 1) + " spans " + std::to_string(widths[k]) + " columns, row 1 " +
                                  std::to_string(widths[0]) + " (" + m_doc.where(rows[k]) + ")");
                }
            }
        }
        add("table-regular", bad, ntables ? std::to_string(ntables) + " table(s), all rows of equal width" : "no tables");
    }

    void lists() {
        std::vector<std::string> probs;
        std::size_t nlists = 0, nli = 0;
        for (std::size_t i = 0; i < m_doc.elements().size(); ++i) {
            int e = static_cast<int>(i);
            const std::string& t = el(e).std_type;
            std::string p = parent_type(e);
            if (t == "L") {
                ++nlists;
                std::size_t lis = 0;
                bool nested = false;
                for (std::size_t k = 0; k < el(e).kids.size(); ++k) {
                    int kid = el(e).kids[k];
                    const std::string& kt = el(kid).std_type;
                    if (kt == "LI") {
                        ++lis;
                    } else if (kt == "L") {
                        nested = true;
                    } else if (!(kt == "Caption" && k == 0)) {
                        probs.push_back("L holds " + (kt.empty() ? el(kid).s : kt) + " (" + m_doc.where(e) + ")");
                    }
                }
                if (lis == 0 && !nested) {
                    probs.push_back("L without LI (" + m_doc.where(e) + ")");
                }
                nli += lis;
            }
            if (t == "LI") {
                std::vector<std::string> why;
                if (p != "L") {
                    why.push_back("outside L");
                }
                std::set<std::string> other;
                bool body = false;
                for (int k : el(e).kids) {
                    const std::string& kt = el(k).std_type;
                    body = body || kt == "LBody";
                    if (kt != "Lbl" && kt != "LBody") {
                        other.insert(kt.empty() ? el(k).s : kt);
                    }
                }
                if (!other.empty()) {
                    why.push_back("holds " + join(std::vector<std::string>(other.begin(), other.end()), 99, ","));
                }
                if (!body) {
                    why.push_back("no LBody");
                }
                if (!why.empty()) {
                    probs.push_back("LI " + join(why, 9, ", ") + " (" + m_doc.where(e) + ")");
                }
            }
            if ((t == "Lbl" || t == "LBody") && p != "LI" &&
                !(t == "Lbl" && (p == "BibEntry" || p == "Note" || p == "TOCI" || p == "Reference"))) {
                probs.push_back(t + " outside LI (" + m_doc.where(e) + ")");
            }
        }
        add("lists", probs, nlists ? std::to_string(nlists) + " list(s), " + std::to_string(nli) + " LI" : "no lists");
    }

    // ---- parent tree and MCIDs ----------------------------------------------------------------

    void parent_tree() {
        if (no_elements()) {
            not_applicable("parent-tree");
            return;
        }
        auto tree = m_doc.parent_tree();
        std::vector<std::string> probs;
        if (!m_doc.struct_root().getKey("/ParentTree").isDictionary()) {
            probs.push_back("no /ParentTree");
        }
        struct Target {
            StreamKey key;
            std::optional<int> sp;
            std::string label;
        };
        std::vector<Target> targets;
        for (std::size_t i = 0; i < m_doc.pages().size(); ++i) {
            targets.push_back({m_doc.pages()[i].og, m_doc.pages()[i].struct_parents, "p" + std::to_string(i + 1)});
        }
        for (const auto& [og, sp] : m_doc.forms_with_struct_parents()) {
            targets.push_back({og, sp, "form " + og.unparse(' ') + " R"});
        }
        // content → tree: ParentTree[StructParents][MCID] is the element whose MCR names it.
        for (const Target& t : targets) {
            auto used = m_doc.mcids_seen().find(t.key);
            if (used == m_doc.mcids_seen().end() || used->second.empty()) {
                continue;
            }
            if (!t.sp) {
                probs.push_back(t.label + " has marked content but no /StructParents");
                continue;
            }
            auto arr = tree.find(*t.sp);
            if (arr == tree.end() || !arr->second.isArray()) {
                probs.push_back(t.label + ": ParentTree has no array for /StructParents " + std::to_string(*t.sp));
                continue;
            }
            for (const auto& [mcid, n] : used->second) {
                auto claimers = m_doc.claims(McRef{t.key, mcid});
                if (claimers.empty()) {
                    continue;  // reported by mcid-claims and untagged-*
                }
                QPDFObjectHandle got = mcid >= 0 && mcid < arr->second.getArrayNItems() ? arr->second.getArrayItem(mcid)
                                                                                          : QPDFObjectHandle::newNull();
                const Element& want = el(claimers.front());
                if (!got.isDictionary()) {
                    probs.push_back(t.label + " MCID " + std::to_string(mcid) + ": no ParentTree entry");
                } else if (want.og.isIndirect() && got.getObjGen() != want.og) {
                    int g = m_doc.element_of(got.getObjGen());
                    probs.push_back(t.label + " MCID " + std::to_string(mcid) + ": ParentTree → " +
                                    (g >= 0 ? m_doc.where(g) : got.getObjGen().unparse(' ')) + ", tree → " + m_doc.where(claimers.front()));
                }
            }
        }
        // tree → content: every MCR resolves to a page (or form) and exists in its content.
        for (std::size_t i = 0; i < m_doc.elements().size(); ++i) {
            for (const McRef& r : el(static_cast<int>(i)).mcrs) {
                if (!r.key.isIndirect()) {
                    probs.push_back(m_doc.where(static_cast<int>(i)) + ": MCID " + std::to_string(r.mcid) + " without /Pg");
                    continue;
                }
                auto seen = m_doc.mcids_seen().find(r.key);
                if (seen == m_doc.mcids_seen().end() || !seen->second.count(r.mcid)) {
                    int p = m_doc.page_number(r.key);
                    probs.push_back(m_doc.where(static_cast<int>(i)) + ": MCID " + std::to_string(r.mcid) + " not in the content of " +
                                    (p ? "p" + std::to_string(p) : "its /Pg or /Stm"));
                }
            }
        }
        // annotations: /StructParent → the element with the OBJR, and an OBJR's target has one.
        std::size_t annots = 0;
        for (std::size_t i = 0; i < m_doc.pages().size(); ++i) {
            for (const Annotation& a : m_doc.pages()[i].annotations) {
                ++annots;
                std::string label = "p" + std::to_string(i + 1) + " " + a.subtype + " annotation " + a.og.unparse(' ');
                int owner = m_doc.objr_owner(a.og);
                if (!a.struct_parent) {
                    if (owner >= 0) {
                        probs.push_back(label + ": in " + m_doc.where(owner) + " by OBJR but no /StructParent");
                    }
                    continue;
                }
                auto got = tree.find(*a.struct_parent);
                if (got == tree.end() || !got->second.isDictionary()) {
                    probs.push_back(label + ": /StructParent " + std::to_string(*a.struct_parent) + " not in ParentTree");
                    continue;
                }
                int target = m_doc.element_of(got->second.getObjGen());
                if (owner >= 0 && el(owner).og.isIndirect() && got->second.getObjGen() != el(owner).og) {
                    probs.push_back(label + ": ParentTree and OBJR disagree");
                } else if (target < 0 ||
                           std::find(el(target).objrs.begin(), el(target).objrs.end(), a.og) == el(target).objrs.end()) {
                    probs.push_back(label + ": ParentTree → an element without an OBJR to it");
                }
            }
        }
        std::size_t with = static_cast<std::size_t>(std::count_if(m_doc.pages().begin(), m_doc.pages().end(),
                                                                  [](const Page& p) { return p.struct_parents.has_value(); }));
        add("parent-tree", probs,
            std::to_string(with) + "/" + std::to_string(m_doc.pages().size()) + " pages with /StructParents, " +
                std::to_string(tree.size()) + " tree entries, " + std::to_string(annots) + " annotation(s) resolve");
    }

    std::string stream_label(StreamKey key) const {
        int p = m_doc.page_number(key);
        return p ? "p" + std::to_string(p) : "form " + key.unparse(' ') + " R";
    }

    void mcid_claims() {
        if (no_elements()) {
            not_applicable("mcid-claims");
            return;
        }
        std::vector<std::string> bad;
        std::size_t n = 0;
        for (const auto& [key, mcids] : m_doc.mcids_seen()) {
            for (const auto& [mcid, opened] : mcids) {
                ++n;
                auto claimers = m_doc.claims(McRef{key, mcid});
                std::string label = stream_label(key) + " MCID " + std::to_string(mcid);
                if (claimers.empty()) {
                    bad.push_back(label + ": claimed by no element");
                } else if (claimers.size() > 1) {
                    std::string who;
                    for (int c : claimers) {
                        who += (who.empty() ? "" : ", ") + m_doc.where(c);
                    }
                    bad.push_back(label + ": claimed " + std::to_string(claimers.size()) + " times (" + who + ")");
                }
            }
        }
        add("mcid-claims", bad, std::to_string(n) + " MCIDs, each claimed once");
    }

    // ---- content ------------------------------------------------------------------------------

    void content() {
        std::vector<std::string> text_items, gfx_items;
        std::size_t text = 0, orphan = 0, paints = 0;
        std::string per_page, gfx_per_page;
        for (std::size_t i = 0; i < m_doc.pages().size(); ++i) {
            const Page& p = m_doc.pages()[i];
            text += p.text_ops;
            paints += p.paint_ops;
            orphan += p.orphan_text_ops;
            text_items.insert(text_items.end(), p.untagged_text.begin(), p.untagged_text.end());
            gfx_items.insert(gfx_items.end(), p.untagged_graphics.begin(), p.untagged_graphics.end());
            if (!p.untagged_text.empty()) {
                per_page += " p" + std::to_string(i + 1) + "=" + std::to_string(p.untagged_text.size());
            }
            if (!p.untagged_graphics.empty()) {
                gfx_per_page += " p" + std::to_string(i + 1) + "=" + std::to_string(p.untagged_graphics.size());
            }
        }
        for (const std::string& e : m_doc.content_errors()) {
            text_items.push_back("cannot read content: " + e);
        }
        std::string fail = std::to_string(text_items.size()) + " of " + std::to_string(text) + " text runs untagged (on" + per_page + ")" +
                           (orphan ? ", " + std::to_string(orphan) + " with an MCID no element claims" : "") +
                           (text_items.empty() ? "" : "; e.g. " + text_items.front().substr(0, 70));
        add("untagged-text", text_items, std::to_string(text) + " text runs, all tagged or artifacts", std::nullopt, fail);
        add("untagged-graphics", gfx_items, std::to_string(paints) + " paint/image operators, all tagged or artifacts", std::nullopt,
            std::to_string(gfx_items.size()) + " of " + std::to_string(paints) + " paint/image operators untagged (on" + gfx_per_page + ")");

        const Nesting& n = m_doc.nesting();
        std::vector<std::string> items;
        std::string summary;
        for (auto [name, list] : {std::pair{"artifact-in-tagged", &n.artifact_in_tagged}, std::pair{"tagged-in-artifact", &n.tagged_in_artifact},
                                  std::pair{"unbalanced", &n.unbalanced}, std::pair{"duplicate-mcid", &n.duplicate_mcid}}) {
            for (const std::string& x : *list) {
                items.push_back(std::string(name) + ": " + x);
            }
            if (!list->empty()) {
                summary += (summary.empty() ? "" : ", ") + std::string(name) + " " + std::to_string(list->size());
            }
        }
        add("mc-nesting", items, "balanced, no mixing", std::nullopt, summary);
    }

    // ---- reading order ------------------------------------------------------------------------

    struct Chunk {
        int page = 0;      ///< 1-based
        int element = -1;
        std::string text;
        double top = 0, bottom = 0;  ///< highest and lowest baseline (pt, y up)
        double size = 0;             ///< largest font size
    };

    Chunk chunk_of(int element, const std::vector<McRef>& refs, std::string text) const {
        Chunk c{0, element, std::move(text), -1e9, 1e9, 0};
        for (const McRef& r : refs) {
            for (const Piece* p : m_doc.marked_pieces(r)) {
                c.page = c.page ? c.page : p->page + 1;
                c.top = std::max(c.top, p->y);
                c.bottom = std::min(c.bottom, p->y);
                c.size = std::max(c.size, p->size);
            }
            c.page = c.page ? c.page : m_doc.marked_page(r);
        }
        return c;
    }

    void collect(int e, std::set<McRef>& used, std::vector<Chunk>& out) const {
        const Element& x = el(e);
        if (x.actual_text && !folded(*x.actual_text).empty()) {
            // What a screen reader reads for the element instead of its content.
            std::vector<McRef> refs;
            std::vector<int> todo = {e};
            for (std::size_t i = 0; i < todo.size(); ++i) {
                for (const McRef& r : el(todo[i]).mcrs) {
                    if (used.insert(r).second) {
                        refs.push_back(r);
                    }
                }
                todo.insert(todo.end(), el(todo[i]).kids.begin(), el(todo[i]).kids.end());
            }
            out.push_back(chunk_of(e, refs, *x.actual_text));
            if (out.back().page == 0) {
                out.back().page = m_doc.element_page(e);
            }
            return;
        }
        for (const Element::Kid& k : x.order) {
            if (k.kind == Element::Kid::Kind::element) {
                collect(k.element, used, out);
            } else if (k.kind == Element::Kid::Kind::marked_content && used.insert(k.mcr).second) {
                out.push_back(chunk_of(e, {k.mcr}, m_doc.marked_text(k.mcr)));
            }
        }
    }

    /// Poppler's text of page `i` (0-based) in plain visual order: its lines (as poppler splits
    /// them) sorted top to bottom, lines that share a band side by side left to right. Poppler's
    /// own order guesses columns, and reads side-by-side captions and table cells down a column.
    std::u32string visual_text(std::size_t i) const {
        std::u32string chars = utf8_to_u32(m_page_text[i]);
        const auto& rects = m_page_rects[i];
        if (rects.size() != chars.size()) {
            return folded(m_page_text[i]);
        }
        struct Line {
            std::u32string text;
            double x1 = 1e9, y1 = 1e9, y2 = -1e9;
        };
        std::vector<Line> lines(1);
        for (std::size_t k = 0; k < chars.size(); ++k) {
            char32_t c = chars[k];
            if (c == U'\n') {
                lines.emplace_back();
                continue;
            }
            if (is_space(c) || is_bidi_control(c)) {
                continue;
            }
            Line& l = lines.back();
            l.text += c;
            l.x1 = std::min(l.x1, rects[k].x1);
            l.y1 = std::min(l.y1, rects[k].y1);
            l.y2 = std::max(l.y2, rects[k].y2);
        }
        lines.erase(std::remove_if(lines.begin(), lines.end(), [](const Line& l) { return l.text.empty(); }), lines.end());
        std::stable_sort(lines.begin(), lines.end(), [](const Line& a, const Line& b) { return a.y1 < b.y1; });
        std::u32string out;
        std::size_t k = 0;
        while (k < lines.size()) {
            std::size_t e = k + 1;
            auto same_band = [&](const Line& a, const Line& b) {
                return std::min(a.y2, b.y2) - std::max(a.y1, b.y1) > 0.5 * std::min(a.y2 - a.y1, b.y2 - b.y1);
            };
            while (e < lines.size() && same_band(lines[k], lines[e])) {
                ++e;
            }
            std::stable_sort(lines.begin() + static_cast<long>(k), lines.begin() + static_cast<long>(e),
                             [](const Line& a, const Line& b) { return a.x1 < b.x1; });
            for (std::size_t j = k; j < e; ++j) {
                out += lines[j].text;
            }
            k = e;
        }
        return out;
    }

    // The rule. The structure tree's text is collected in tree order (depth first, /K order) as
    // chunks: one per marked-content reference — what that marked content shows through ToUnicode,
    // an ActualText span's text in place of its glyphs, artifacts left out, each sequence at its
    // first reference only — except that an element with a non-empty /ActualText gives that text
    // as one chunk for all its content. Chunks are grouped by the page their content is on, and
    // consecutive chunks whose baselines share a line (ranges [lowest − 0.3 size, highest + 0.3
    // size] overlap: the cells of a table row, captions side by side, a label and its item) form
    // one unit. The page's text is poppler's (poppler_page_get_text, with each character's box),
    // its lines put in visual order (top to bottom; lines sharing a band left to right). Both are
    // folded: every white-space character (Unicode White_Space) and bidi control (U+200E, U+200F,
    // U+202A–U+202E, U+2066–U+2069) is removed — poppler puts spaces at line ends, at font changes
    // inside a word and between CJK lines. Each unit must then occur in the page's text after the
    // unit before it: a one-chunk unit without right-to-left letters as the same characters in the
    // same order; any other unit (cells read line by line across, right-to-left segments that
    // poppler writes in visual order) as a run of the same characters in any order. What lies
    // between two units may only be text the tree does not claim — artifacts (running headers,
    // footers, page numbers) and untagged text, which untagged-text reports — each of its
    // characters used once.
    void reading_order() {
        if (no_elements()) {
            not_applicable("reading-order");
            return;
        }
        std::vector<Chunk> chunks;
        std::set<McRef> used;
        for (std::size_t i = 0; i < m_doc.elements().size(); ++i) {
            if (el(static_cast<int>(i)).parent < 0) {
                collect(static_cast<int>(i), used, chunks);
            }
        }
        std::vector<std::string> bad;
        std::size_t compared = 0;
        for (int page = 1; page <= static_cast<int>(m_page_text.size()); ++page) {
            std::u32string hay = visual_text(static_cast<std::size_t>(page - 1));
            // Text the tree does not claim: artifacts, and untagged text (untagged-text's business).
            std::map<char32_t, int> artifact;
            for (const Piece& p : m_doc.pieces()) {
                if (p.page + 1 == page && (p.artifact || !p.mcid || m_doc.claims(McRef{p.key, *p.mcid}).empty())) {
                    for (char32_t c : folded(p.text)) {
                        ++artifact[c];
                    }
                }
            }
            // Units of chunks on one line band.
            struct Unit {
                std::vector<const Chunk*> chunks;
                double lo = 0, hi = 0;
            };
            std::vector<Unit> units;
            for (const Chunk& c : chunks) {
                if (c.page != page || folded(c.text).empty()) {
                    continue;
                }
                double lo = c.bottom - 0.3 * c.size, hi = c.top + 0.3 * c.size;
                if (!units.empty() && c.size > 0 && units.back().lo < hi && lo < units.back().hi) {
                    units.back().chunks.push_back(&c);
                    units.back().lo = std::min(units.back().lo, lo);
                    units.back().hi = std::max(units.back().hi, hi);
                } else {
                    units.push_back({{&c}, lo, hi});
                }
            }
            std::size_t at = 0;
            std::string before = "the page's start";
            for (const Unit& u : units) {
                std::u32string needle;
                for (const Chunk* c : u.chunks) {
                    needle += folded(c->text);
                }
                ++compared;
                bool any_order = u.chunks.size() > 1 || std::any_of(needle.begin(), needle.end(), is_rtl);
                std::u32string sorted = needle;
                std::sort(sorted.begin(), sorted.end());
                std::map<char32_t, int> budget = artifact;
                std::size_t found = std::u32string::npos;
                for (std::size_t s = at; s + needle.size() <= hay.size(); ++s) {
                    if (s > at && --budget[hay[s - 1]] < 0) {
                        break;  // the gap holds text that is no artifact's
                    }
                    if (any_order) {
                        std::u32string window = hay.substr(s, needle.size());
                        std::sort(window.begin(), window.end());
                        if (window == sorted) {
                            found = s;
                        }
                    } else if (hay.compare(s, needle.size(), needle) == 0) {
                        found = s;
                    }
                    if (found != std::u32string::npos) {
                        for (std::size_t g = at; g < s; ++g) {
                            --artifact[hay[g]];
                        }
                        break;
                    }
                }
                std::string head = u32_to_utf8(needle.substr(0, 30));
                const Chunk& first = *u.chunks.front();
                if (found == std::u32string::npos) {
                    bool anywhere = hay.find(needle) != std::u32string::npos;
                    bad.push_back("p" + std::to_string(page) + " " + m_doc.where(first.element) + ": «" + head + "» " +
                                  (anywhere ? "is not next after " + before : "is not in the extracted text after " + before));
                    continue;
                }
                at = found + needle.size();
                before = "«" + u32_to_utf8(needle.substr(needle.size() > 20 ? needle.size() - 20 : 0)) + "»";
            }
        }
        for (const Chunk& c : chunks) {
            if (c.page == 0 && !folded(c.text).empty()) {
                bad.push_back(m_doc.where(c.element) + ": text on no page");
            }
        }
        add("reading-order", bad, std::to_string(compared) + " units of text in the extracted text's order");
    }

    // ---- annotations --------------------------------------------------------------------------

    void annotations() {
        std::vector<std::string> untagged, nocontents, tabs;
        std::size_t n = 0, links = 0, with = 0;
        for (std::size_t i = 0; i < m_doc.pages().size(); ++i) {
            const Page& p = m_doc.pages()[i];
            if (!p.annotations.empty()) {
                ++with;
                if (p.tabs.value_or("") != "S") {
                    tabs.push_back("p" + std::to_string(i + 1) + ": " + std::to_string(p.annotations.size()) + " annotation(s), /Tabs " +
                                   (p.tabs ? "/" + *p.tabs : std::string("absent")));
                }
            }
            for (const Annotation& a : p.annotations) {
                if (a.subtype == "Popup") {
                    continue;
                }
                ++n;
                links += a.subtype == "Link";
                int owner = m_doc.objr_owner(a.og);
                std::string want = a.subtype == "Link" ? "Link" : a.subtype == "Widget" ? "Form" : "Annot";
                std::string label = "p" + std::to_string(i + 1) + " " + a.subtype + " annotation " + a.og.unparse(' ');
                if (a.subtype != "PrinterMark" && (owner < 0 || el(owner).std_type != want)) {
                    untagged.push_back(label + ": " + (owner < 0 ? std::string("not in the structure tree") : "in " + el(owner).s + ", not " + want));
                }
                auto blank = [](const std::optional<std::string>& s) {
                    return !s || s->find_first_not_of(" \t\r\n") == std::string::npos;
                };
                bool alt = owner >= 0 && !blank(el(owner).alt);
                if (a.subtype == "Link" && blank(a.contents)) {
                    nocontents.push_back(label + ": no /Contents");
                } else if (a.subtype != "Link" && a.subtype != "Widget" && a.subtype != "PrinterMark" && blank(a.contents) && !alt) {
                    nocontents.push_back(label + ": no /Contents nor /Alt");
                }
            }
        }
        std::string all = n ? std::to_string(n) + " annotation(s) (" + std::to_string(links) + " Link)" : "no annotations";
        add("annots-tagged", untagged, all + (n ? ", all in place" : ""));
        add("annot-contents", nocontents, all + (n ? ", all described" : ""));
        add("tab-order", tabs, with ? std::to_string(with) + " page(s) with annotations, all /Tabs /S" : "no page has annotations");
    }

    // ---- fonts --------------------------------------------------------------------------------

    /// Why a font without ToUnicode is acceptable (ISO 14289-1 7.21.7), or empty.
    static std::string standard_encoding(const Font& f) {
        static const std::set<std::string> std_enc = {"WinAnsiEncoding", "MacRomanEncoding", "MacExpertEncoding"};
        if (f.subtype == "Type0") {
            static const std::set<std::string> orders = {"GB1", "CNS1", "Japan1", "Korea1"};
            if (f.encoding != "Identity-H" && f.encoding != "Identity-V" && orders.count(f.cid_ordering)) {
                return "Adobe-" + f.cid_ordering + " CIDFont";
            }
            return {};
        }
        if (f.subtype == "Type3") {
            return {};
        }
        return std_enc.count(f.encoding) && !f.differences ? f.encoding : std::string();
    }

    void fonts() {
        std::vector<std::string> notemb, nouni;
        std::size_t with_tu = 0;
        for (const auto& [og, f] : m_doc.fonts()) {
            std::string label = f.base_font + " (" + f.subtype + (f.descendant.empty() ? "" : "/" + f.descendant) + ")";
            if (!f.embedded) {
                notemb.push_back(label);
            }
            if (f.has_to_unicode) {
                ++with_tu;
            } else if (standard_encoding(f).empty()) {
                nouni.push_back(label + ": no ToUnicode");
            }
        }
        std::size_t n = m_doc.fonts().size();
        add("fonts-embedded", notemb, n ? std::to_string(n) + "/" + std::to_string(n) + " embedded" : "no fonts", std::nullopt,
            "not embedded: " + join(notemb, 3, ", "));
        add("fonts-unicode", nouni, n ? std::to_string(with_tu) + "/" + std::to_string(n) + " ToUnicode" : "no fonts");
    }

    /// The font program of `f` opened by FreeType, or null.
    FT_Face face(QPDFObjGen og, const Font& f) {
        auto it = m_faces.find(og);
        if (it != m_faces.end()) {
            return it->second.get();
        }
        FT_Face face = nullptr;
        if (!f.program.empty()) {
            if (!m_ft) {
                FT_Library lib = nullptr;
                if (FT_Init_FreeType(&lib) == 0) {
                    m_ft.reset(lib);
                }
            }
            if (m_ft && FT_New_Memory_Face(m_ft.get(), reinterpret_cast<const FT_Byte*>(f.program.data()),
                                           static_cast<FT_Long>(f.program.size()), 0, &face) != 0) {
                face = nullptr;
            }
        }
        return m_faces.emplace(og, FtFacePtr(face)).first->second.get();
    }

    /// A glyph's advance in 1/1000 em from the program, or nullopt when it has no such glyph.
    static std::optional<double> program_width(FT_Face face, std::uint32_t gid) {
        if (face == nullptr || face->units_per_EM == 0) {
            return std::nullopt;
        }
        if (!(face->face_flags & FT_FACE_FLAG_CID_KEYED) && gid >= static_cast<std::uint32_t>(face->num_glyphs)) {
            return std::nullopt;
        }
        FT_Fixed adv = 0;
        if (FT_Get_Advance(face, gid, FT_LOAD_NO_SCALE | FT_LOAD_NO_HINTING, &adv) != 0) {
            return std::nullopt;
        }
        return static_cast<double>(adv) * 1000.0 / face->units_per_EM;
    }

    void glyphs() {
        // Every code shown, by font: whether any showing of it was outside an ActualText span.
        std::map<QPDFObjGen, std::map<std::uint32_t, std::pair<bool, int>>> shown;  // code → (outside ActualText, first page)
        std::size_t codes_shown = 0;
        for (const Piece& p : m_doc.pieces()) {
            if (p.from_actual_text) {
                continue;
            }
            for (std::uint32_t c : p.codes) {
                ++codes_shown;
                auto [it, fresh] = shown[p.font].emplace(c, std::pair{!p.in_actual_text, p.page + 1});
                if (!fresh) {
                    it->second.first = it->second.first || !p.in_actual_text;
                }
            }
        }
        std::vector<std::string> unmapped, widths, notdef;
        std::size_t compared = 0, simple = 0, distinct = 0;
        for (const auto& [og, codes] : shown) {
            auto fit = m_doc.fonts().find(og);
            if (fit == m_doc.fonts().end()) {
                continue;
            }
            const Font& f = fit->second;
            bool standard = !f.has_to_unicode && !standard_encoding(f).empty();
            for (const auto& [code, where] : codes) {
                ++distinct;
                // 10-001: a code outside every ActualText span needs a ToUnicode entry (an entry
                // for the empty string counts: the glyph is part of a cluster an earlier code
                // already reads as).
                if (where.first && !standard && !f.to_unicode.count(code)) {
                    unmapped.push_back("p" + std::to_string(where.second) + " " + f.base_font + " code " + hex_code(code) + ": no ToUnicode entry");
                }
                if (f.subtype != "Type0") {
                    continue;
                }
                std::uint32_t gid = f.glyph(code);
                if (code == 0 || gid == 0) {
                    notdef.push_back("p" + std::to_string(where.second) + " " + f.base_font + " code " + hex_code(code) + ": .notdef");
                } else if (f.embedded && !program_width(face(og, f), gid)) {
                    notdef.push_back("p" + std::to_string(where.second) + " " + f.base_font + " code " + hex_code(code) +
                                     ": glyph " + std::to_string(gid) + " is not in the embedded program");
                }
            }
        }
        // 7.21.5: every /W entry, and /DW for codes shown without one, against the program.
        for (const auto& [og, f] : m_doc.fonts()) {
            if (f.subtype != "Type0") {
                simple += f.embedded ? 1 : 0;
                continue;
            }
            FT_Face ft = f.embedded ? face(og, f) : nullptr;
            if (ft == nullptr) {
                if (f.embedded) {
                    widths.push_back(f.base_font + ": FreeType cannot read the embedded program (" + f.program_kind + ")");
                }
                continue;
            }
            std::map<std::uint32_t, double> w = f.widths;
            if (auto s = shown.find(og); s != shown.end()) {
                for (const auto& [code, where] : s->second) {
                    w.emplace(code, f.default_width);
                }
            }
            for (const auto& [code, width] : w) {
                auto adv = program_width(ft, f.glyph(code));
                if (!adv) {
                    continue;  // a glyph the program lacks: notdef's business when shown
                }
                ++compared;
                if (std::abs(width - *adv) > 1.0) {
                    char buf[160];
                    std::snprintf(buf, sizeof buf, "%s code %s: /W %g, program %.1f", f.base_font.c_str(), hex_code(code).c_str(), width, *adv);
                    widths.push_back(buf);
                }
            }
        }
        add("to-unicode", unmapped, std::to_string(distinct) + " distinct codes (" + std::to_string(codes_shown) + " shown), all mapped or in ActualText");
        add("font-widths", widths,
            std::to_string(compared) + " widths agree with the programs" + (simple ? " (" + std::to_string(simple) + " simple font(s) not compared)" : ""));
        add("notdef", notdef, std::to_string(distinct) + " distinct codes, none .notdef, all in their programs");
    }

    void text_extract() {
        std::vector<std::string> bad;
        std::size_t chars = 0, pua = 0, fffd = 0, runs = 0;
        for (std::size_t i = 0; i < m_page_text.size(); ++i) {
            std::size_t here = 0;
            for (char32_t c : utf8_to_u32(m_page_text[i])) {
                chars += is_space(c) ? 0 : 1;
                pua += c >= 0xE000 && c <= 0xF8FF;
                here += c == 0xFFFD;
            }
            if (here) {
                bad.push_back("p" + std::to_string(i + 1) + ": " + std::to_string(here) + " U+FFFD");
            }
            fffd += here;
        }
        for (const Page& p : m_doc.pages()) {
            runs += p.text_ops;
        }
        std::string detail = std::to_string(fffd) + " U+FFFD in " + std::to_string(chars) + " characters";
        if (runs && chars == 0) {
            bad.push_back("no text extracted although " + std::to_string(runs) + " text runs are drawn");
            detail = bad.back();
        }
        if (pua) {
            detail += "; " + std::to_string(pua) + " private-use characters (suspicious)";
        }
        add("text-extract", bad, detail, std::nullopt, detail);
    }

    void encryption() {
        QPDF& q = m_doc.qpdf();
        if (!q.isEncrypted()) {
            add("encryption", {}, "not encrypted");
        } else {
            bool ok = q.allowAccessibility();
            add("encryption", ok ? std::vector<std::string>{} : std::vector<std::string>{"encrypted, accessibility NOT allowed"},
                "encrypted, accessibility allowed");
        }
        m_report.checks.back().count.reset();
    }

    Document& m_doc;
    Report m_report;
    PopplerDocPtr m_poppler;
    std::vector<std::string> m_page_text;
    std::vector<std::vector<PopplerRectangle>> m_page_rects;  ///< a box per character of m_page_text
    FtLibraryPtr m_ft;
    std::map<QPDFObjGen, FtFacePtr> m_faces;  // declared after m_ft: destroyed before it
};

}  // namespace

bool Report::passed() const {
    return std::none_of(checks.begin(), checks.end(), [](const Check& c) { return c.status == Status::fail; });
}

const Check* Report::find(std::string_view id) const {
    for (const Check& c : checks) {
        if (c.id == id) {
            return &c;
        }
    }
    return nullptr;
}

std::vector<std::string> Report::failed() const {
    std::vector<std::string> out;
    for (const Check& c : checks) {
        if (c.status == Status::fail) {
            out.push_back(c.id);
        }
    }
    return out;
}

const std::vector<std::string>& check_ids() {
    static const std::vector<std::string> ids = [] {
        std::vector<std::string> v;
        for (const Row& r : check_rows) {
            v.emplace_back(r.id);
        }
        return v;
    }();
    return ids;
}

Report check(Document& doc) {
    return Checker(doc).run();
}

Report check_file(const std::string& path) {
    Document doc(path);
    return check(doc);
}

bool valid_language_tag(std::string_view tag) {
    // RFC 5646 section 2.1 (ABNF), letters in any case.
    static const std::regex grandfathered(
        "en-GB-oed|i-ami|i-bnn|i-default|i-enochian|i-hak|i-klingon|i-lux|i-mingo|i-navajo|i-pwn|i-tao|i-tay|i-tsu|"
        "sgn-BE-FR|sgn-BE-NL|sgn-CH-DE|art-lojban|cel-gaulish|no-bok|no-nyn|zh-guoyu|zh-hakka|zh-min|zh-min-nan|zh-xiang",
        std::regex::icase);
    static const std::regex privateuse("x(-[a-z0-9]{1,8})+", std::regex::icase);
    static const std::regex langtag(
        "([a-z]{2,3}(-[a-z]{3}){0,3}|[a-z]{4}|[a-z]{5,8})"  // language, extlang
        "(-[a-z]{4})?"                                       // script
        "(-([a-z]{2}|[0-9]{3}))?"                            // region
        "((-([a-z0-9]{5,8}|[0-9][a-z0-9]{3}))*)"             // variants
        "((-[0-9a-wyz](-[a-z0-9]{2,8})+)*)"                  // extensions
        "(-x(-[a-z0-9]{1,8})+)?",                            // private use
        std::regex::icase);
    std::string t(tag);
    if (std::regex_match(t, grandfathered) || std::regex_match(t, privateuse)) {
        return true;
    }
    std::smatch m;
    if (!std::regex_match(t, m, langtag)) {
        return false;
    }
    // No variant twice, no extension singleton twice (sections 2.2.5, 2.2.6).
    auto lower = [](std::string s) {
        std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
        return s;
    };
    std::set<std::string> variants;
    std::string vs = lower(m[6].str());
    for (std::size_t at = 0; at < vs.size();) {
        std::size_t e = vs.find('-', at + 1);
        std::string v = vs.substr(at + 1, (e == std::string::npos ? vs.size() : e) - at - 1);
        if (!variants.insert(v).second) {
            return false;
        }
        at = e == std::string::npos ? vs.size() : e;
    }
    std::set<char> singletons;
    std::string es = lower(m[9].str());
    for (std::size_t at = 0; at < es.size();) {
        std::size_t e = es.find('-', at + 1);
        std::string sub = es.substr(at + 1, (e == std::string::npos ? es.size() : e) - at - 1);
        if (sub.size() == 1 && !singletons.insert(sub[0]).second) {
            return false;
        }
        at = e == std::string::npos ? es.size() : e;
    }
    return true;
}

std::string format(const Report& report, bool verbose, std::size_t max_items) {
    std::size_t w = 5;
    for (const Check& c : report.checks) {
        w = std::max(w, c.id.size());
    }
    auto pad = [](std::string s, std::size_t n) {
        s.resize(std::max(s.size(), n), ' ');
        return s;
    };
    auto status = [](Status s) {
        switch (s) {
            case Status::pass: return "pass";
            case Status::fail: return "FAIL";
            case Status::not_applicable: return "--";
            case Status::info: return "info";
        }
        return "?";
    };
    std::string out = report.file + "  (" + std::to_string(report.pages) + " pages)\n";
    out += "  " + pad("check", w) + "  result  count  detail\n";
    std::size_t npass = 0, nfail = 0, nna = 0;
    for (const Check& c : report.checks) {
        npass += c.status == Status::pass;
        nfail += c.status == Status::fail;
        nna += c.status == Status::not_applicable;
        std::string count = c.count ? std::to_string(*c.count) : "";
        out += "  " + pad(c.id, w) + "  " + pad(status(c.status), 6) + " " + std::string(count.size() < 5 ? 5 - count.size() : 0, ' ') + count + "  " +
               c.detail + "   [" + c.clause + "]\n";
        if (verbose && c.status == Status::fail) {
            std::size_t n = max_items == 0 ? c.items.size() : std::min(max_items, c.items.size());
            for (std::size_t i = 0; i < n; ++i) {
                out += "  " + std::string(w, ' ') + "      - " + c.items[i] + "\n";
            }
            if (n < c.items.size()) {
                out += "  " + std::string(w, ' ') + "      … " + std::to_string(c.items.size() - n) + " more\n";
            }
        }
    }
    out += std::string("  => ") + (nfail ? "FAIL" : "PASS") + ": " + std::to_string(npass) + " pass, " + std::to_string(nfail) + " fail" +
           (nna ? ", " + std::to_string(nna) + " not applicable" : "") + "\n";
    return out;
}

}  // namespace pdfua
