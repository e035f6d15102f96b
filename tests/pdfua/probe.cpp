#include "pdfua/probe.hpp"

#include "pdfua/document.hpp"

#include <qpdf/Pl_Buffer.hh>
#include <qpdf/QPDFPageDocumentHelper.hh>
#include <qpdf/QPDFPageObjectHelper.hh>
#include <qpdf/QPDFWriter.hh>

#include <algorithm>
#include <functional>
#include <set>

namespace pdfua {

namespace {

std::string name_or_empty(QPDFObjectHandle o) {
    return o.isName() ? o.getName() : std::string();
}

}  // namespace

Summary summary(const std::string& pdf) {
    Document doc(pdf);
    Summary s;
    s.struct_tree_root = doc.has_struct_tree();
    for (const Element& e : doc.elements()) {
        ++s.types[e.s];
    }
    QPDFObjectHandle root = doc.root();
    if (root.getKey("/Lang").isString()) {
        s.lang = root.getKey("/Lang").getUTF8Value();
    }
    QPDFObjectHandle mi = root.getKey("/MarkInfo");
    s.marked = mi.isDictionary() && mi.getKey("/Marked").isBool() && mi.getKey("/Marked").getBoolValue();
    s.xmp_title = doc.xmp().title;
    s.pdfua_part = doc.xmp().pdfua_part;
    for (const Page& p : doc.pages()) {
        Summary::PageInfo info;
        info.links = static_cast<int>(std::count_if(p.annotations.begin(), p.annotations.end(),
                                                    [](const Annotation& a) { return a.subtype == "Link"; }));
        if (p.tabs) {
            info.tabs = "/" + *p.tabs;
        }
        s.pages.push_back(info);
    }
    return s;
}

std::vector<Paragraph> paragraphs(const std::string& pdf) {
    Document doc(pdf);
    std::vector<Paragraph> out;
    for (const Element& e : doc.elements()) {
        if (e.s != "P") {
            continue;
        }
        Paragraph p;
        p.lang = e.lang;
        p.actual_text = e.actual_text;
        std::set<std::string> fonts;
        for (const McRef& r : e.mcrs) {
            p.mcids.emplace_back(doc.page_number(r.key) - 1, r.mcid);
            for (const Piece* piece : doc.marked_pieces(r)) {
                if (!piece->from_actual_text && !piece->codes.empty()) {
                    fonts.insert(piece->font_name);
                }
            }
        }
        p.fonts.assign(fonts.begin(), fonts.end());
        out.push_back(std::move(p));
    }
    return out;
}

Content content(const std::string& pdf) {
    Document doc(pdf);
    Content c;
    std::set<QPDFObjGen> seen;
    std::function<void(QPDFObjectHandle, int)> walk = [&](QPDFObjectHandle res, int depth) {
        if (!res.isDictionary() || !res.getKey("/XObject").isDictionary()) {
            return;
        }
        for (auto& [name, x] : res.getKey("/XObject").getDictAsMap()) {
            if (!x.isStream() || (x.isIndirect() && !seen.insert(x.getObjGen()).second)) {
                continue;
            }
            QPDFObjectHandle d = x.getDict();
            Content::XObject e;
            e.name = name;
            e.subtype = name_or_empty(d.getKey("/Subtype"));
            e.depth = depth;
            QPDFObjectHandle filter = d.getKey("/Filter");
            if (filter.isName()) {
                e.filters.push_back(filter.getName());
            } else if (filter.isArray()) {
                for (auto& f : filter.getArrayAsVector()) {
                    e.filters.push_back(name_or_empty(f));
                }
            }
            if (e.subtype == "/Image") {
                e.width = d.getKey("/Width").isInteger() ? d.getKey("/Width").getIntValueAsInt() : 0;
                e.height = d.getKey("/Height").isInteger() ? d.getKey("/Height").getIntValueAsInt() : 0;
                e.colorspace = name_or_empty(d.getKey("/ColorSpace"));
                auto raw = x.getRawStreamData();
                e.raw.assign(reinterpret_cast<const char*>(raw->getBuffer()), raw->getSize());
            }
            if (e.subtype == "/Form" && d.getKey("/BBox").isArray()) {
                for (auto& v : d.getKey("/BBox").getArrayAsVector()) {
                    e.bbox.push_back(v.isNumber() ? v.getNumericValue() : 0);
                }
            }
            c.xobjects.push_back(std::move(e));
            walk(d.getKey("/Resources"), depth + 1);
        }
    };
    std::set<QPDFObjGen> fonts_seen;
    for (const Page& page : doc.pages()) {
        QPDFObjectHandle res = QPDFPageObjectHelper(page.dict).getAttribute("/Resources", false);
        walk(res, 0);
        if (!res.isDictionary() || !res.getKey("/Font").isDictionary()) {
            continue;
        }
        for (auto& [name, f] : res.getKey("/Font").getDictAsMap()) {
            if (!f.isDictionary() || !fonts_seen.insert(f.getObjGen()).second) {
                continue;
            }
            Content::FontInfo info;
            info.subtype = name_or_empty(f.getKey("/Subtype"));
            info.base_font = name_or_empty(f.getKey("/BaseFont"));
            info.to_unicode = f.hasKey("/ToUnicode");
            QPDFObjectHandle df = f.getKey("/DescendantFonts");
            if (df.isArray() && df.getArrayNItems() > 0) {
                QPDFObjectHandle d = df.getArrayItem(0);
                info.descendant = name_or_empty(d.getKey("/Subtype"));
                if (d.hasKey("/CIDToGIDMap")) {
                    info.cid_to_gid = name_or_empty(d.getKey("/CIDToGIDMap"));
                }
                QPDFObjectHandle fd = d.getKey("/FontDescriptor");
                for (const char* k : {"/FontFile", "/FontFile2", "/FontFile3"}) {
                    QPDFObjectHandle s = fd.isDictionary() ? fd.getKey(k) : QPDFObjectHandle::newNull();
                    if (s.isStream()) {
                        QPDFObjectHandle sub = s.getDict().getKey("/Subtype");
                        info.files[k] = sub.isName() ? std::optional<std::string>(sub.getName()) : std::nullopt;
                    }
                }
            }
            c.fonts.push_back(std::move(info));
        }
    }
    for (const Piece& p : doc.pieces()) {
        if (p.from_actual_text) {
            c.actual_texts.push_back(p.text);
        }
        if (p.block < 0 || p.in_actual_text) {
            continue;
        }
        if (static_cast<std::size_t>(p.block) >= c.blocks.size()) {
            c.blocks.resize(static_cast<std::size_t>(p.block) + 1);
        }
        std::string& block = c.blocks[static_cast<std::size_t>(p.block)];
        if (p.from_actual_text) {
            block += p.text;
            continue;
        }
        auto f = doc.fonts().find(p.font);
        for (std::uint32_t code : p.codes) {
            c.codes.push_back(code);
            const std::string* text = nullptr;
            if (f != doc.fonts().end()) {
                auto t = f->second.to_unicode.find(code);
                text = t == f->second.to_unicode.end() ? nullptr : &t->second;
            }
            block += text != nullptr ? *text : std::string("\xEF\xBF\xBD");
        }
    }
    return c;
}

namespace {

/// Byte ranges of a content stream to cut: each BDC with /ActualText (operands included) and
/// the EMC that closes it.
class ActualTextSpans : public QPDFObjectHandle::ParserCallbacks {
public:
    void handleObject(QPDFObjectHandle obj, size_t offset, size_t length) override {
        if (!obj.isOperator()) {
            if (!m_operands_start) {
                m_operands_start = offset;
            }
            m_operands.push_back(obj);
            return;
        }
        std::string op = obj.getOperatorValue();
        std::size_t start = m_operands_start.value_or(offset);
        if (op == "BDC" || op == "BMC") {
            bool actual = op == "BDC" && m_operands.size() > 1 && m_operands[1].isDictionary() && m_operands[1].hasKey("/ActualText");
            m_open.push_back(actual);
            if (actual) {
                cuts.emplace_back(start, offset + length);
            }
        } else if (op == "EMC" && !m_open.empty()) {
            if (m_open.back()) {
                cuts.emplace_back(start, offset + length);
            }
            m_open.pop_back();
        }
        m_operands.clear();
        m_operands_start.reset();
    }
    void handleEOF() override {}

    std::vector<std::pair<std::size_t, std::size_t>> cuts;

private:
    std::vector<QPDFObjectHandle> m_operands;
    std::optional<std::size_t> m_operands_start;
    std::vector<bool> m_open;
};

}  // namespace

void strip_actual_text(const std::string& in, const std::string& out) {
    QPDF pdf;
    pdf.processFile(in.c_str());
    for (QPDFPageObjectHelper& page : QPDFPageDocumentHelper(pdf).getAllPages()) {
        Pl_Buffer buf("content");
        page.pipeContents(&buf);
        auto b = buf.getBufferSharedPointer();
        std::string data(reinterpret_cast<const char*>(b->getBuffer()), b->getSize());
        ActualTextSpans spans;
        QPDFObjectHandle::newStream(&pdf, data).parseAsContents(&spans);
        std::string kept;
        std::size_t at = 0;
        for (auto [from, to] : spans.cuts) {
            kept += data.substr(at, from - at);
            at = to;
        }
        kept += data.substr(at);
        page.getObjectHandle().replaceKey("/Contents", QPDFObjectHandle::newStream(&pdf, kept));
    }
    QPDFWriter w(pdf, out.c_str());
    w.write();
}

}  // namespace pdfua
