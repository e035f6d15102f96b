#include "pdfua/document.hpp"

#include <qpdf/QPDFPageDocumentHelper.hh>
#include <qpdf/QPDFPageObjectHelper.hh>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstring>
#include <functional>
#include <regex>

namespace pdfua {

// ---- text encodings ---------------------------------------------------------------------------

namespace {

void put_utf8(std::string& out, char32_t c) {
    if (c < 0x80) {
        out += static_cast<char>(c);
    } else if (c < 0x800) {
        out += static_cast<char>(0xC0 | (c >> 6));
        out += static_cast<char>(0x80 | (c & 0x3F));
    } else if (c < 0x10000) {
        out += static_cast<char>(0xE0 | (c >> 12));
        out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (c & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (c >> 18));
        out += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (c & 0x3F));
    }
}

}  // namespace

std::string utf16be_to_utf8(std::string_view b) {
    std::string out;
    for (std::size_t i = 0; i + 1 < b.size(); i += 2) {
        char32_t u = (static_cast<unsigned char>(b[i]) << 8) | static_cast<unsigned char>(b[i + 1]);
        if (u >= 0xD800 && u < 0xDC00 && i + 3 < b.size()) {
            char32_t lo = (static_cast<unsigned char>(b[i + 2]) << 8) | static_cast<unsigned char>(b[i + 3]);
            if (lo >= 0xDC00 && lo < 0xE000) {
                put_utf8(out, 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00));
                i += 2;
                continue;
            }
        }
        put_utf8(out, (u >= 0xD800 && u < 0xE000) ? 0xFFFD : u);
    }
    return out;
}

std::u32string utf8_to_u32(std::string_view s) {
    std::u32string out;
    for (std::size_t i = 0; i < s.size();) {
        auto b = static_cast<unsigned char>(s[i]);
        int n = b < 0x80 ? 1 : (b >> 5) == 6 ? 2 : (b >> 4) == 14 ? 3 : (b >> 3) == 30 ? 4 : 0;
        if (n == 0 || i + static_cast<std::size_t>(n) > s.size()) {
            out += U'\uFFFD';
            ++i;
            continue;
        }
        char32_t c = n == 1 ? b : n == 2 ? (b & 0x1F) : n == 3 ? (b & 0x0F) : (b & 0x07);
        for (int k = 1; k < n; ++k) {
            c = (c << 6) | (static_cast<unsigned char>(s[i + static_cast<std::size_t>(k)]) & 0x3F);
        }
        out += c;
        i += static_cast<std::size_t>(n);
    }
    return out;
}

std::string u32_to_utf8(std::u32string_view s) {
    std::string out;
    for (char32_t c : s) {
        put_utf8(out, c);
    }
    return out;
}

// ---- small helpers over qpdf objects ----------------------------------------------------------

namespace {

std::string name_of(QPDFObjectHandle o) {
    if (o.isName()) {
        std::string n = o.getName();
        return n.empty() ? n : n.substr(1);
    }
    return {};
}

std::optional<std::string> text_of(QPDFObjectHandle o) {
    if (o.isString()) {
        return o.getUTF8Value();
    }
    return std::nullopt;
}

std::optional<int> int_of(QPDFObjectHandle o) {
    if (o.isInteger()) {
        return o.getIntValueAsInt();
    }
    return std::nullopt;
}

std::string stream_bytes(QPDFObjectHandle s) {
    if (!s.isStream()) {
        return {};
    }
    auto buf = s.getStreamData(qpdf_dl_generalized);
    return std::string(reinterpret_cast<const char*>(buf->getBuffer()), buf->getSize());
}

std::uint32_t big_endian(std::string_view b) {
    std::uint32_t v = 0;
    for (unsigned char c : b) {
        v = (v << 8) | c;
    }
    return v;
}

const std::set<std::string>& standard_types() {
    static const std::set<std::string> types = {
        "Document", "Part", "Art", "Sect", "Div", "BlockQuote", "Caption", "TOC", "TOCI", "Index", "NonStruct",
        "Private", "P", "H", "H1", "H2", "H3", "H4", "H5", "H6", "L", "LI", "Lbl", "LBody", "Table", "TR", "TH",
        "TD", "THead", "TBody", "TFoot", "Span", "Quote", "Note", "Reference", "BibEntry", "Code", "Link", "Annot",
        "Ruby", "RB", "RT", "RP", "Warichu", "WT", "WP", "Figure", "Formula", "Form"};
    return types;
}

// ---- ToUnicode CMaps --------------------------------------------------------------------------

/// The tokens of a CMap that matter: hex strings (as bytes), '[' and ']', and words.
struct CMapToken {
    enum class Kind { hex, open, close, word, other } kind;
    std::string value;
};

std::vector<CMapToken> cmap_tokens(std::string_view d) {
    std::vector<CMapToken> out;
    auto is_space = [](char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f' || c == '\0'; };
    auto is_delim = [](char c) { return std::string_view("()<>[]{}/%").find(c) != std::string_view::npos; };
    std::size_t i = 0;
    while (i < d.size()) {
        char c = d[i];
        if (is_space(c)) {
            ++i;
        } else if (c == '%') {
            while (i < d.size() && d[i] != '\n' && d[i] != '\r') {
                ++i;
            }
        } else if (c == '<' && i + 1 < d.size() && d[i + 1] == '<') {
            out.push_back({CMapToken::Kind::other, "<<"});
            i += 2;
        } else if (c == '>' && i + 1 < d.size() && d[i + 1] == '>') {
            out.push_back({CMapToken::Kind::other, ">>"});
            i += 2;
        } else if (c == '<') {
            std::size_t e = d.find('>', i);
            if (e == std::string_view::npos) {
                e = d.size();
            }
            std::string hex;
            for (std::size_t k = i + 1; k < e; ++k) {
                if (std::isxdigit(static_cast<unsigned char>(d[k]))) {
                    hex += d[k];
                }
            }
            if (hex.size() % 2) {
                hex += '0';
            }
            std::string bytes;
            for (std::size_t k = 0; k < hex.size(); k += 2) {
                bytes += static_cast<char>(std::stoi(hex.substr(k, 2), nullptr, 16));
            }
            out.push_back({CMapToken::Kind::hex, bytes});
            i = e + 1;
        } else if (c == '[') {
            out.push_back({CMapToken::Kind::open, "["});
            ++i;
        } else if (c == ']') {
            out.push_back({CMapToken::Kind::close, "]"});
            ++i;
        } else if (c == '(') {
            int depth = 0;
            for (; i < d.size(); ++i) {
                if (d[i] == '\\') {
                    ++i;
                } else if (d[i] == '(') {
                    ++depth;
                } else if (d[i] == ')' && --depth == 0) {
                    ++i;
                    break;
                }
            }
            out.push_back({CMapToken::Kind::other, "()"});
        } else {
            std::size_t s = i;
            ++i;
            while (i < d.size() && !is_space(d[i]) && !is_delim(d[i])) {
                ++i;
            }
            out.push_back({c == '/' ? CMapToken::Kind::other : CMapToken::Kind::word, std::string(d.substr(s, i - s))});
        }
    }
    return out;
}

void read_to_unicode(std::string_view data, Font& f) {
    auto toks = cmap_tokens(data);
    enum class Block { none, bfchar, bfrange } block = Block::none;
    std::size_t i = 0;
    while (i < toks.size()) {
        const CMapToken& t = toks[i];
        if (t.kind == CMapToken::Kind::word) {
            if (t.value == "beginbfchar") {
                block = Block::bfchar;
            } else if (t.value == "beginbfrange") {
                block = Block::bfrange;
            } else if (t.value == "endbfchar" || t.value == "endbfrange") {
                block = Block::none;
            }
            ++i;
            continue;
        }
        if (block == Block::bfchar && t.kind == CMapToken::Kind::hex && i + 1 < toks.size() &&
            toks[i + 1].kind == CMapToken::Kind::hex) {
            f.to_unicode[big_endian(t.value)] = utf16be_to_utf8(toks[i + 1].value);
            i += 2;
            continue;
        }
        if (block == Block::bfrange && t.kind == CMapToken::Kind::hex && i + 2 < toks.size() &&
            toks[i + 1].kind == CMapToken::Kind::hex) {
            std::uint32_t lo = big_endian(t.value), hi = big_endian(toks[i + 1].value);
            if (hi < lo || hi - lo > 0xFFFF) {
                i += 3;
                continue;
            }
            if (toks[i + 2].kind == CMapToken::Kind::hex) {
                std::string dst = toks[i + 2].value;
                for (std::uint32_t k = lo; k <= hi; ++k) {
                    std::string u = dst;
                    if (u.size() >= 2) {
                        std::uint32_t last = big_endian(u.substr(u.size() - 2)) + (k - lo);
                        u[u.size() - 2] = static_cast<char>((last >> 8) & 0xFF);
                        u[u.size() - 1] = static_cast<char>(last & 0xFF);
                    }
                    f.to_unicode[k] = utf16be_to_utf8(u);
                }
                i += 3;
                continue;
            }
            if (toks[i + 2].kind == CMapToken::Kind::open) {
                std::size_t j = i + 3;
                std::uint32_t k = lo;
                while (j < toks.size() && toks[j].kind != CMapToken::Kind::close) {
                    if (toks[j].kind == CMapToken::Kind::hex && k <= hi) {
                        f.to_unicode[k] = utf16be_to_utf8(toks[j].value);
                    }
                    ++k;
                    ++j;
                }
                i = j + 1;
                continue;
            }
        }
        ++i;
    }
}

void read_cid_widths(QPDFObjectHandle w, Font& f) {
    if (!w.isArray()) {
        return;
    }
    auto items = w.getArrayAsVector();
    std::size_t i = 0;
    while (i < items.size()) {
        if (!items[i].isNumber()) {
            ++i;
            continue;
        }
        auto first = static_cast<std::uint32_t>(items[i].getNumericValue());
        if (i + 1 < items.size() && items[i + 1].isArray()) {
            std::uint32_t c = first;
            for (auto& v : items[i + 1].getArrayAsVector()) {
                if (v.isNumber()) {
                    f.widths[c] = v.getNumericValue();
                }
                ++c;
            }
            i += 2;
        } else if (i + 2 < items.size() && items[i + 1].isNumber() && items[i + 2].isNumber()) {
            auto last = static_cast<std::uint32_t>(items[i + 1].getNumericValue());
            for (std::uint32_t c = first; c <= last && c - first <= 0xFFFF; ++c) {
                f.widths[c] = items[i + 2].getNumericValue();
            }
            i += 3;
        } else {
            ++i;
        }
    }
}

void read_descriptor(QPDFObjectHandle desc, Font& f) {
    if (!desc.isDictionary()) {
        return;
    }
    for (const char* key : {"/FontFile", "/FontFile2", "/FontFile3"}) {
        QPDFObjectHandle s = desc.getKey(key);
        if (s.isStream()) {
            f.embedded = true;
            f.program_kind = std::string(key + 1);
            std::string sub = name_of(s.getDict().getKey("/Subtype"));
            if (!sub.empty()) {
                f.program_kind += "/" + sub;
            }
            try {
                f.program = stream_bytes(s);
            } catch (std::exception&) {
                f.program.clear();
            }
        }
    }
    if (desc.getKey("/MissingWidth").isNumber()) {
        f.default_width = desc.getKey("/MissingWidth").getNumericValue();
    }
}

std::string xml_unescape(std::string s) {
    static const std::pair<const char*, const char*> entities[] = {
        {"&lt;", "<"}, {"&gt;", ">"}, {"&quot;", "\""}, {"&apos;", "'"}};
    for (auto [from, to] : entities) {
        for (std::size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + 1)) {
            s.replace(at, std::strlen(from), to);
        }
    }
    std::regex num("&#(x?)([0-9A-Fa-f]+);");
    std::smatch m;
    std::string out;
    while (std::regex_search(s, m, num)) {
        out += m.prefix();
        put_utf8(out, static_cast<char32_t>(std::stoul(m[2], nullptr, m[1].length() ? 16 : 10)));
        s = m.suffix();
    }
    out += s;
    for (std::size_t at = out.find("&amp;"); at != std::string::npos; at = out.find("&amp;", at + 1)) {
        out.replace(at, 5, "&");
    }
    return out;
}

/// The prefix an XMP packet binds to namespace `uri`, or empty.
std::string xmlns_prefix(const std::string& xml, const std::string& uri) {
    std::regex re("xmlns:([A-Za-z_][A-Za-z0-9_.-]*)\\s*=\\s*[\"']" + std::regex_replace(uri, std::regex("[.]"), "\\.") + "[\"']");
    std::smatch m;
    return std::regex_search(xml, m, re) ? m[1].str() : std::string();
}

}  // namespace

// ---- Element / Font ---------------------------------------------------------------------------

QPDFObjectHandle Element::attribute(const std::string& key) const {
    QPDFObjectHandle self = obj;  // qpdf's accessors are not const
    QPDFObjectHandle a = self.getKey("/A");
    std::vector<QPDFObjectHandle> dicts;
    if (a.isDictionary()) {
        dicts.push_back(a);
    } else if (a.isArray()) {
        for (auto& x : a.getArrayAsVector()) {
            if (x.isDictionary()) {
                dicts.push_back(x);
            }
        }
    }
    for (auto& d : dicts) {
        if (d.hasKey(key)) {
            return d.getKey(key);
        }
    }
    return QPDFObjectHandle::newNull();
}

std::uint32_t Font::glyph(std::uint32_t code) const {
    if (descendant == "CIDFontType2" && !cid_to_gid_identity) {
        return code < cid_to_gid.size() ? cid_to_gid[code] : 0;
    }
    return code;
}

// ---- Document ---------------------------------------------------------------------------------

Document::Document(const std::string& path) : m_path(path), m_pdf(std::make_unique<QPDF>()) {
    try {
        m_pdf->setSuppressWarnings(true);
        m_pdf->processFile(path.c_str());
        read_pages();
        read_struct_tree();
        read_content();
        read_xmp();
    } catch (Unreadable&) {
        throw;
    } catch (std::exception& e) {
        throw Unreadable(e.what());
    }
}

Document::~Document() = default;

int Document::page_number(QPDFObjGen og) const {
    auto it = m_page_index.find(og);
    return it == m_page_index.end() ? 0 : it->second + 1;
}

void Document::read_pages() {
    for (QPDFPageObjectHelper& helper : QPDFPageDocumentHelper(*m_pdf).getAllPages()) {
        Page p;
        p.dict = helper.getObjectHandle();
        p.og = p.dict.getObjGen();
        p.struct_parents = int_of(p.dict.getKey("/StructParents"));
        if (p.dict.getKey("/Tabs").isName()) {
            p.tabs = name_of(p.dict.getKey("/Tabs"));
        }
        QPDFObjectHandle annots = p.dict.getKey("/Annots");
        if (annots.isArray()) {
            for (auto& a : annots.getArrayAsVector()) {
                if (!a.isDictionary()) {
                    continue;
                }
                Annotation an;
                an.dict = a;
                an.og = a.getObjGen();
                an.subtype = name_of(a.getKey("/Subtype"));
                an.struct_parent = int_of(a.getKey("/StructParent"));
                an.contents = text_of(a.getKey("/Contents"));
                p.annotations.push_back(std::move(an));
            }
        }
        m_page_index[p.og] = static_cast<int>(m_pages.size());
        m_pages.push_back(std::move(p));
    }
}

void Document::read_struct_tree() {
    QPDFObjectHandle st = root().getKey("/StructTreeRoot");
    if (!st.isDictionary()) {
        return;
    }
    m_struct_root = st;
    QPDFObjectHandle rm = st.getKey("/RoleMap");
    if (rm.isDictionary()) {
        for (auto& [k, v] : rm.getDictAsMap()) {
            m_role_map[k.substr(1)] = name_of(v);
        }
    }
    std::set<QPDFObjGen> seen;
    // Depth first, children in /K order; an element reached twice is read once.
    std::function<void(QPDFObjectHandle, int, QPDFObjGen, int)> visit = [&](QPDFObjectHandle obj, int parent, QPDFObjGen pg,
                                                                             int depth) {
        if (depth > 200) {
            return;
        }
        if (obj.isInteger()) {
            if (parent >= 0) {
                McRef ref{pg, obj.getIntValueAsInt()};
                m_elements[static_cast<std::size_t>(parent)].mcrs.push_back(ref);
                m_elements[static_cast<std::size_t>(parent)].order.push_back({Element::Kid::Kind::marked_content, -1, ref, {}});
            }
            return;
        }
        if (obj.isArray()) {
            for (auto& k : obj.getArrayAsVector()) {
                visit(k, parent, pg, depth + 1);
            }
            return;
        }
        if (!obj.isDictionary()) {
            return;
        }
        std::string type = name_of(obj.getKey("/Type"));
        if (type == "MCR") {
            QPDFObjectHandle stm = obj.getKey("/Stm");
            QPDFObjGen key = stm.isNull() ? (obj.getKey("/Pg").isDictionary() ? obj.getKey("/Pg").getObjGen() : pg) : stm.getObjGen();
            auto mcid = int_of(obj.getKey("/MCID"));
            if (parent >= 0 && mcid) {
                McRef ref{key, *mcid};
                m_elements[static_cast<std::size_t>(parent)].mcrs.push_back(ref);
                m_elements[static_cast<std::size_t>(parent)].order.push_back({Element::Kid::Kind::marked_content, -1, ref, {}});
            }
            return;
        }
        if (type == "OBJR") {
            QPDFObjectHandle target = obj.getKey("/Obj");
            if (parent >= 0 && target.isIndirect()) {
                m_elements[static_cast<std::size_t>(parent)].objrs.push_back(target.getObjGen());
                m_elements[static_cast<std::size_t>(parent)].order.push_back(
                    {Element::Kid::Kind::object, -1, {}, target.getObjGen()});
            }
            return;
        }
        if (!obj.hasKey("/S")) {
            return;
        }
        QPDFObjGen og = obj.getObjGen();
        if (obj.isIndirect()) {
            if (seen.count(og)) {
                return;
            }
            seen.insert(og);
        }
        Element e;
        e.obj = obj;
        e.og = og;
        e.s = name_of(obj.getKey("/S"));
        e.parent = parent;
        e.pg = obj.getKey("/Pg").isDictionary() ? obj.getKey("/Pg").getObjGen() : pg;
        e.lang = text_of(obj.getKey("/Lang"));
        e.alt = text_of(obj.getKey("/Alt"));
        e.actual_text = text_of(obj.getKey("/ActualText"));
        int index = static_cast<int>(m_elements.size());
        QPDFObjGen epg = e.pg;
        m_elements.push_back(std::move(e));
        if (obj.isIndirect()) {
            m_element_by_og[og] = index;
        }
        if (parent >= 0) {
            m_elements[static_cast<std::size_t>(parent)].kids.push_back(index);
            m_elements[static_cast<std::size_t>(parent)].order.push_back({Element::Kid::Kind::element, index, {}, {}});
        }
        visit(obj.getKey("/K"), index, epg, depth + 1);
    };
    visit(st.getKey("/K"), -1, QPDFObjGen(), 0);

    for (std::size_t i = 0; i < m_elements.size(); ++i) {
        Element& e = m_elements[i];
        for (const McRef& r : e.mcrs) {
            m_claims[r].push_back(static_cast<int>(i));
        }
        for (QPDFObjGen t : e.objrs) {
            m_objr_owner.emplace(t, static_cast<int>(i));
        }
        // The role map: a standard type stays (and must not be remapped); others map, in a
        // chain without cycles, to a standard type.
        if (standard_types().count(e.s)) {
            e.std_type = e.s;
            if (m_role_map.count(e.s)) {
                e.role_problem = "standard type " + e.s + " is remapped";
            }
            continue;
        }
        std::vector<std::string> chain = {e.s};
        std::string cur = e.s;
        for (;;) {
            auto it = m_role_map.find(cur);
            auto joined = [&] {
                std::string s;
                for (const auto& c : chain) {
                    s += (s.empty() ? "" : "→") + c;
                }
                return s;
            };
            if (it == m_role_map.end()) {
                e.role_problem = joined() + " is not standard and not role-mapped";
                break;
            }
            if (std::find(chain.begin(), chain.end(), it->second) != chain.end()) {
                chain.push_back(it->second);
                e.role_problem = "circular role map " + joined();
                break;
            }
            chain.push_back(it->second);
            if (standard_types().count(it->second)) {
                e.std_type = it->second;
                break;
            }
            cur = it->second;
        }
    }
}

int Document::objr_owner(QPDFObjGen og) const {
    auto it = m_objr_owner.find(og);
    return it == m_objr_owner.end() ? -1 : it->second;
}

std::vector<int> Document::claims(const McRef& ref) const {
    auto it = m_claims.find(ref);
    return it == m_claims.end() ? std::vector<int>{} : it->second;
}

int Document::element_of(QPDFObjGen og) const {
    auto it = m_element_by_og.find(og);
    return it == m_element_by_og.end() ? -1 : it->second;
}

int Document::element_page(int element) const {
    std::vector<int> todo = {element};
    for (std::size_t i = 0; i < todo.size(); ++i) {
        const Element& e = m_elements[static_cast<std::size_t>(todo[i])];
        if (int p = page_number(e.pg)) {
            return p;
        }
        for (const McRef& r : e.mcrs) {
            if (int p = page_number(r.key)) {
                return p;
            }
        }
        todo.insert(todo.end(), e.kids.begin(), e.kids.end());
    }
    return 0;
}

std::string Document::where(int element) const {
    const Element& e = m_elements[static_cast<std::size_t>(element)];
    int p = element_page(element);
    return "#" + std::to_string(element) + " " + e.s + " p" + (p ? std::to_string(p) : std::string("?"));
}

std::optional<std::string> Document::info_title() const {
    QPDFObjectHandle info = m_pdf->getTrailer().getKey("/Info");
    return info.isDictionary() ? text_of(info.getKey("/Title")) : std::nullopt;
}

std::map<int, QPDFObjectHandle> Document::parent_tree() const {
    std::map<int, QPDFObjectHandle> out;
    QPDFObjectHandle st = m_struct_root;  // qpdf's accessors are not const
    if (!st.isDictionary()) {
        return out;
    }
    std::vector<QPDFObjectHandle> todo = {st.getKey("/ParentTree")};
    std::set<QPDFObjGen> seen;
    while (!todo.empty() && out.size() < 100000) {
        QPDFObjectHandle node = todo.back();
        todo.pop_back();
        if (!node.isDictionary()) {
            continue;
        }
        if (node.isIndirect() && !seen.insert(node.getObjGen()).second) {
            continue;
        }
        QPDFObjectHandle nums = node.getKey("/Nums");
        if (nums.isArray()) {
            auto v = nums.getArrayAsVector();
            for (std::size_t i = 0; i + 1 < v.size(); i += 2) {
                if (v[i].isInteger()) {
                    out[v[i].getIntValueAsInt()] = v[i + 1];
                }
            }
        }
        QPDFObjectHandle kids = node.getKey("/Kids");
        if (kids.isArray()) {
            for (auto& k : kids.getArrayAsVector()) {
                todo.push_back(k);
            }
        }
    }
    return out;
}

std::string Document::marked_text(const McRef& ref) const {
    std::string out;
    auto it = m_pieces_by_mcr.find(ref);
    if (it != m_pieces_by_mcr.end()) {
        for (std::size_t i : it->second) {
            out += m_pieces[i].text;
        }
    }
    return out;
}

std::vector<const Piece*> Document::marked_pieces(const McRef& ref) const {
    std::vector<const Piece*> out;
    auto it = m_pieces_by_mcr.find(ref);
    if (it != m_pieces_by_mcr.end()) {
        for (std::size_t i : it->second) {
            out.push_back(&m_pieces[i]);
        }
    }
    return out;
}

int Document::marked_page(const McRef& ref) const {
    auto it = m_pieces_by_mcr.find(ref);
    if (it != m_pieces_by_mcr.end() && !it->second.empty()) {
        return m_pieces[it->second.front()].page + 1;
    }
    return page_number(ref.key);
}

const Font& Document::font(QPDFObjectHandle dict) {
    QPDFObjGen og = dict.getObjGen();
    auto it = m_fonts.find(og);
    if (it != m_fonts.end() && dict.isIndirect()) {
        return it->second;
    }
    Font f;
    f.dict = dict;
    f.subtype = name_of(dict.getKey("/Subtype"));
    f.base_font = name_of(dict.getKey("/BaseFont"));
    QPDFObjectHandle enc = dict.getKey("/Encoding");
    if (enc.isName()) {
        f.encoding = name_of(enc);
    } else if (enc.isDictionary()) {
        f.encoding = name_of(enc.getKey("/BaseEncoding"));
        f.differences = enc.hasKey("/Differences");
    }
    if (f.subtype == "Type0") {
        f.code_bytes = 2;
        QPDFObjectHandle df = dict.getKey("/DescendantFonts");
        QPDFObjectHandle d = df.isArray() && df.getArrayNItems() > 0 ? df.getArrayItem(0) : QPDFObjectHandle::newNull();
        if (d.isDictionary()) {
            f.descendant = name_of(d.getKey("/Subtype"));
            QPDFObjectHandle csi = d.getKey("/CIDSystemInfo");
            if (csi.isDictionary()) {
                f.cid_ordering = text_of(csi.getKey("/Ordering")).value_or("");
            }
            read_descriptor(d.getKey("/FontDescriptor"), f);
            read_cid_widths(d.getKey("/W"), f);
            f.default_width = d.getKey("/DW").isNumber() ? d.getKey("/DW").getNumericValue() : 1000;
            QPDFObjectHandle map = d.getKey("/CIDToGIDMap");
            if (map.isStream()) {
                f.cid_to_gid_identity = false;
                std::string b = stream_bytes(map);
                for (std::size_t i = 0; i + 1 < b.size(); i += 2) {
                    f.cid_to_gid.push_back(static_cast<std::uint16_t>(big_endian(b.substr(i, 2))));
                }
            }
        }
    } else {
        if (f.subtype == "Type3") {
            f.embedded = true;
        }
        read_descriptor(dict.getKey("/FontDescriptor"), f);
        QPDFObjectHandle widths = dict.getKey("/Widths");
        auto first = int_of(dict.getKey("/FirstChar"));
        if (widths.isArray() && first) {
            std::uint32_t c = static_cast<std::uint32_t>(*first);
            for (auto& v : widths.getArrayAsVector()) {
                if (v.isNumber()) {
                    f.widths[c] = v.getNumericValue();
                }
                ++c;
            }
        }
    }
    QPDFObjectHandle tu = dict.getKey("/ToUnicode");
    if (tu.isStream()) {
        f.has_to_unicode = true;
        try {
            read_to_unicode(stream_bytes(tu), f);
        } catch (std::exception&) {
            // an unreadable CMap maps nothing: the code checks report each code then
        }
    }
    return m_fonts.insert_or_assign(og, std::move(f)).first->second;
}

// ---- content streams --------------------------------------------------------------------------

/// An affine matrix [a b c d e f] as PDF writes it; `then(m)` is this followed by m.
struct Matrix {
    double a = 1, b = 0, c = 0, d = 1, e = 0, f = 0;
    Matrix then(const Matrix& m) const {
        return {a * m.a + b * m.c, a * m.b + b * m.d, c * m.a + d * m.c, c * m.b + d * m.d, e * m.a + f * m.c + m.e, e * m.b + f * m.d + m.f};
    }
    static Matrix of(std::vector<QPDFObjectHandle> v, std::size_t from = 0) {  // by value: qpdf's accessors are not const
        Matrix m;
        double* slots[] = {&m.a, &m.b, &m.c, &m.d, &m.e, &m.f};
        for (std::size_t i = 0; i < 6 && from + i < v.size(); ++i) {
            if (v[from + i].isNumber()) {
                *slots[i] = v[from + i].getNumericValue();
            }
        }
        return m;
    }
};

/// One marked-content span open in a content stream.
struct Marked {
    std::string tag;
    StreamKey key;
    std::optional<int> mcid;
    bool actual = false;  ///< carries /ActualText
};

class ContentWalker : public QPDFObjectHandle::ParserCallbacks {
public:
    ContentWalker(Document& doc, int page, QPDFObjectHandle resources, StreamKey key, std::vector<Marked>& mc, int depth,
                  std::set<QPDFObjGen> active, Matrix ctm = {})
        : m_doc(doc), m_page(page), m_resources(resources), m_key(key), m_mc(mc), m_base(mc.size()), m_depth(depth),
          m_active(std::move(active)), m_ctm(ctm) {}

    void handleObject(QPDFObjectHandle obj, size_t, size_t) override {
        if (obj.isOperator()) {
            op(obj.getOperatorValue());
            m_operands.clear();
        } else if (obj.isInlineImage()) {
            classify_graphics("inline image");
        } else {
            m_operands.push_back(obj);
        }
    }

    void handleEOF() override {
        if (m_mc.size() > m_base) {
            m_doc.m_nesting.unbalanced.push_back("p" + std::to_string(m_page + 1) + ": " + std::to_string(m_mc.size() - m_base) +
                                                 " BMC/BDC without EMC");
            m_mc.resize(m_base);
        }
    }

private:
    Page& page() { return m_doc.m_pages[static_cast<std::size_t>(m_page)]; }
    std::string p_label() const { return "p" + std::to_string(m_page + 1); }

    QPDFObjectHandle resource(const char* kind, const std::string& name) {
        if (!m_resources.isDictionary()) {
            return QPDFObjectHandle::newNull();
        }
        QPDFObjectHandle d = m_resources.getKey(kind);
        return d.isDictionary() ? d.getKey(name) : QPDFObjectHandle::newNull();
    }

    bool in_artifact() const {
        return std::any_of(m_mc.begin(), m_mc.end(), [](const Marked& m) { return m.tag == "Artifact"; });
    }
    bool in_actual_text() const {
        return std::any_of(m_mc.begin(), m_mc.end(), [](const Marked& m) { return m.actual; });
    }
    const Marked* innermost_mcid() const {
        for (auto it = m_mc.rbegin(); it != m_mc.rend(); ++it) {
            if (it->mcid) {
                return &*it;
            }
        }
        return nullptr;
    }
    bool claimed(const Marked* m) const { return m != nullptr && !m_doc.claims(McRef{m->key, *m->mcid}).empty(); }

    void classify_graphics(const std::string& what) {
        ++page().paint_ops;
        if (in_artifact() || claimed(innermost_mcid())) {
            return;
        }
        page().untagged_graphics.push_back(p_label() + " " + what);
    }

    void begin_marked(const std::string& op) {
        std::string tag = m_operands.empty() ? "?" : name_of(m_operands[0]);
        Marked m{tag, m_key, std::nullopt, false};
        QPDFObjectHandle props = QPDFObjectHandle::newNull();
        if (op == "BDC" && m_operands.size() > 1) {
            props = m_operands[1].isName() ? resource("/Properties", m_operands[1].getName()) : m_operands[1];
        }
        std::optional<std::string> actual;
        if (props.isDictionary()) {
            QPDFObjectHandle id = props.getKey("/MCID");
            if (id.isInteger()) {
                m.mcid = id.getIntValueAsInt();
            }
            if (auto lang = text_of(props.getKey("/Lang"))) {
                m_doc.m_mc_langs.emplace_back(m_page + 1, *lang);
            }
            actual = text_of(props.getKey("/ActualText"));
        }
        if (tag == "Artifact" && innermost_mcid() != nullptr) {
            m_doc.m_nesting.artifact_in_tagged.push_back(p_label());
        }
        if (m.mcid && in_artifact()) {
            m_doc.m_nesting.tagged_in_artifact.push_back(p_label() + " MCID " + std::to_string(*m.mcid));
        }
        if (m.mcid) {
            int& n = m_doc.m_mcids_seen[m_key][*m.mcid];
            if (++n == 2) {
                m_doc.m_nesting.duplicate_mcid.push_back(p_label() + " MCID " + std::to_string(*m.mcid));
            }
        }
        bool outer_actual = actual.has_value() && !in_actual_text();
        m.actual = actual.has_value();
        m_mc.push_back(m);
        if (outer_actual) {
            Piece p = piece();
            p.from_actual_text = true;
            p.text = *actual;
            add(std::move(p));
        }
    }

    Piece piece() const {
        Piece p;
        p.page = m_page;
        p.key = m_key;
        p.artifact = in_artifact();
        p.block = m_block;
        if (const Marked* m = innermost_mcid()) {
            p.mcid = m->mcid;
            p.key = m->key;
        }
        Matrix at = m_tm.then(m_ctm);
        p.x = at.e;
        p.y = at.f;
        p.size = m_font_size * std::sqrt(std::abs(at.a * at.d - at.b * at.c));
        return p;
    }

    void add(Piece p) {
        if (p.mcid && !p.artifact) {
            m_doc.m_pieces_by_mcr[McRef{p.key, *p.mcid}].push_back(m_doc.m_pieces.size());
        }
        m_doc.m_pieces.push_back(std::move(p));
    }

    void show_text() {
        std::string bytes;
        QPDFObjectHandle operand = m_operands.empty() ? QPDFObjectHandle::newNull() : m_operands.back();
        if (operand.isArray()) {
            for (auto& x : operand.getArrayAsVector()) {
                if (x.isString()) {
                    bytes += x.getStringValue();
                }
            }
        } else if (operand.isString()) {
            bytes = operand.getStringValue();
        }
        Piece p = piece();
        p.in_actual_text = in_actual_text();
        const Font* f = nullptr;
        if (m_font.isDictionary()) {
            f = &m_doc.font(m_font);
            p.font = m_font.getObjGen();
            p.font_name = f->base_font;
        }
        int n = f != nullptr ? f->code_bytes : 1;
        std::string sample;
        for (std::size_t i = 0; i + static_cast<std::size_t>(n) <= bytes.size(); i += static_cast<std::size_t>(n)) {
            std::uint32_t code = big_endian(std::string_view(bytes).substr(i, static_cast<std::size_t>(n)));
            p.codes.push_back(code);
            std::string t;
            if (f != nullptr) {
                auto it = f->to_unicode.find(code);
                if (it != f->to_unicode.end()) {
                    t = it->second;
                } else if (!f->has_to_unicode && f->subtype != "Type0" && code >= 0x20 && code < 0x7F) {
                    t = std::string(1, static_cast<char>(code));  // a simple font's standard encoding, ASCII part
                }
            }
            sample += t.empty() ? "\xEF\xBF\xBD" : t;  // U+FFFD in samples only
            if (!p.in_actual_text) {
                p.text += t;
            }
        }
        ++page().text_ops;
        const Marked* m = innermost_mcid();
        if (p.artifact) {
            ++page().artifact_text_ops;
        } else if (claimed(m)) {
            ++page().tagged_text_ops;
        } else {
            if (m != nullptr) {
                ++page().orphan_text_ops;
            }
            std::string s = p_label() + " «" + sample.substr(0, 60) + "»" +
                            (m != nullptr ? " (MCID " + std::to_string(*m->mcid) + " not in the structure tree)" : "");
            page().untagged_text.push_back(s);
        }
        add(std::move(p));
    }

    void do_xobject() {
        if (m_operands.empty() || !m_operands[0].isName()) {
            return;
        }
        QPDFObjectHandle xo = resource("/XObject", m_operands[0].getName());
        if (!xo.isStream()) {
            return;
        }
        std::string sub = name_of(xo.getDict().getKey("/Subtype"));
        if (sub == "Image") {
            classify_graphics("image " + m_operands[0].getName());
        } else if (sub == "Form") {
            QPDFObjGen g = xo.getObjGen();
            if (m_depth > 12 || m_active.count(g)) {
                return;
            }
            StreamKey key = m_key;
            QPDFObjectHandle sp = xo.getDict().getKey("/StructParents");
            if (sp.isInteger() && xo.isIndirect()) {
                m_doc.m_forms[g] = sp.getIntValueAsInt();
                key = g;
            }
            QPDFObjectHandle res = xo.getDict().getKey("/Resources");
            auto active = m_active;
            active.insert(g);
            Matrix form = xo.getDict().getKey("/Matrix").isArray() ? Matrix::of(xo.getDict().getKey("/Matrix").getArrayAsVector()) : Matrix{};
            ContentWalker inner(m_doc, m_page, res.isDictionary() ? res : m_resources, key, m_mc, m_depth + 1, active, form.then(m_ctm));
            inner.m_font = m_font;
            inner.m_block = m_block;
            try {
                xo.parseAsContents(&inner);
            } catch (std::exception& e) {
                m_doc.m_content_errors.push_back(p_label() + " form: " + e.what());
            }
        }
    }

    void op(const std::string& o) {
        static const std::set<std::string> paint = {"S", "s", "f", "F", "f*", "B", "B*", "b", "b*", "sh"};
        if (o == "BDC" || o == "BMC") {
            begin_marked(o);
        } else if (o == "EMC") {
            if (m_mc.size() > m_base) {
                m_mc.pop_back();
            } else {
                m_doc.m_nesting.unbalanced.push_back(p_label() + ": EMC without BMC/BDC");
            }
        } else if (o == "Tj" || o == "TJ") {
            show_text();
        } else if (o == "'" || o == "\"") {
            next_line(0, -m_leading);
            show_text();
        } else if (o == "Tf") {
            m_font = m_operands.empty() || !m_operands[0].isName() ? QPDFObjectHandle::newNull()
                                                                    : resource("/Font", m_operands[0].getName());
            m_font_size = m_operands.size() > 1 && m_operands[1].isNumber() ? m_operands[1].getNumericValue() : 0;
        } else if (o == "q") {
            m_font_stack.push_back(m_font);
            m_ctm_stack.push_back(m_ctm);
        } else if (o == "Q") {
            if (!m_font_stack.empty()) {
                m_font = m_font_stack.back();
                m_font_stack.pop_back();
            }
            if (!m_ctm_stack.empty()) {
                m_ctm = m_ctm_stack.back();
                m_ctm_stack.pop_back();
            }
        } else if (o == "cm") {
            m_ctm = Matrix::of(m_operands).then(m_ctm);
        } else if (o == "Td" || o == "TD") {
            double tx = number(0), ty = number(1);
            if (o == "TD") {
                m_leading = -ty;
            }
            next_line(tx, ty);
        } else if (o == "T*") {
            next_line(0, -m_leading);
        } else if (o == "TL") {
            m_leading = number(0);
        } else if (o == "Tm") {
            m_tm = m_tlm = Matrix::of(m_operands);
        } else if (o == "BT") {
            m_tm = m_tlm = Matrix{};
            m_block = m_doc.m_blocks++;
        } else if (o == "ET") {
            m_block = -1;
        } else if (paint.count(o)) {
            classify_graphics(o == "sh" ? "shading" : "path paint '" + o + "'");
        } else if (o == "Do") {
            do_xobject();
        }
    }

    double number(std::size_t i) const {
        return i < m_operands.size() && QPDFObjectHandle(m_operands[i]).isNumber() ? QPDFObjectHandle(m_operands[i]).getNumericValue() : 0;
    }
    void next_line(double tx, double ty) {
        m_tlm = Matrix{1, 0, 0, 1, tx, ty}.then(m_tlm);
        m_tm = m_tlm;
    }

    Document& m_doc;
    int m_page;
    QPDFObjectHandle m_resources;
    StreamKey m_key;
    std::vector<Marked>& m_mc;
    std::size_t m_base;
    int m_depth;
    std::set<QPDFObjGen> m_active;
    std::vector<QPDFObjectHandle> m_operands;
    QPDFObjectHandle m_font;
    std::vector<QPDFObjectHandle> m_font_stack;
    int m_block = -1;
    Matrix m_ctm, m_tm, m_tlm;  ///< current transformation, text and text line matrices
    std::vector<Matrix> m_ctm_stack;
    double m_font_size = 0, m_leading = 0;
};

void Document::read_content() {
    auto helpers = QPDFPageDocumentHelper(*m_pdf).getAllPages();
    for (std::size_t i = 0; i < helpers.size(); ++i) {
        Page& p = m_pages[i];
        QPDFObjectHandle res = helpers[i].getAttribute("/Resources", false);
        std::vector<Marked> mc;
        ContentWalker walker(*this, static_cast<int>(i), res, p.og, mc, 0, {});
        try {
            helpers[i].parseContents(&walker);
        } catch (std::exception& e) {
            m_content_errors.push_back("p" + std::to_string(i + 1) + ": " + e.what());
        }
        // Fonts in resources count even when nothing is shown with them.
        if (res.isDictionary() && res.getKey("/Font").isDictionary()) {
            for (auto& [name, f] : res.getKey("/Font").getDictAsMap()) {
                if (f.isDictionary()) {
                    font(f);
                }
            }
        }
    }
}

void Document::read_xmp() {
    QPDFObjectHandle m = root().getKey("/Metadata");
    if (!m.isStream()) {
        return;
    }
    m_xmp.present = true;
    std::string xml;
    try {
        xml = stream_bytes(m);
    } catch (std::exception&) {
        return;
    }
    std::string dc = xmlns_prefix(xml, "http://purl.org/dc/elements/1.1/");
    if (!dc.empty()) {
        std::smatch t;
        if (std::regex_search(xml, t, std::regex("<" + dc + ":title\\b[^>]*>([\\s\\S]*?)</" + dc + ":title>"))) {
            std::string inner = t[1];
            std::smatch li;
            if (std::regex_search(inner, li, std::regex("<[A-Za-z0-9_.-]+:li\\b[^>]*>([^<]*)<"))) {
                m_xmp.title = xml_unescape(li[1]);
            } else if (inner.find('<') == std::string::npos) {
                m_xmp.title = xml_unescape(inner);
            }
        }
    }
    std::string ua = xmlns_prefix(xml, "http://www.aiim.org/pdfua/ns/id/");
    if (!ua.empty()) {
        std::smatch p;
        if (std::regex_search(xml, p, std::regex("<" + ua + ":part>\\s*([^<\\s]*)\\s*<")) ||
            std::regex_search(xml, p, std::regex(ua + ":part\\s*=\\s*[\"']([^\"']*)[\"']"))) {
            m_xmp.pdfua_part = p[1];
        }
    }
}

}  // namespace pdfua
