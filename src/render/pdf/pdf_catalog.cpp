#include "render/pdf/pdf_catalog.hpp"

#include "render/pdf/pdf_syntax.hpp"

namespace handout::pdf {

namespace {

void write_metadata(QPDF& pdf, const DocInfo& info) {
    QPDFObjectHandle root = pdf.getRoot();
    // Kept short: a metadata stream is never compressed. The Info dictionary has the rest.
    std::string xmp =
        "<?xpacket begin=\"\xEF\xBB\xBF\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>"
        "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\"><rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">"
        "<rdf:Description rdf:about=\"\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\" xmlns:pdfuaid=\"http://www.aiim.org/pdfua/ns/id/\">"
        "<dc:title><rdf:Alt><rdf:li xml:lang=\"x-default\">" + xml_escape(info.title) + "</rdf:li></rdf:Alt></dc:title>"
        "<dc:creator><rdf:Seq><rdf:li>" + xml_escape(info.author) + "</rdf:li></rdf:Seq></dc:creator>"
        "<pdfuaid:part>1</pdfuaid:part></rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end=\"r\"?>";
    QPDFObjectHandle meta = deflated_stream(pdf, xmp);
    meta.getDict().replaceKey("/Type", QPDFObjectHandle::newName("/Metadata"));
    meta.getDict().replaceKey("/Subtype", QPDFObjectHandle::newName("/XML"));
    root.replaceKey("/Metadata", meta);
    std::string date = pdf_date(info.date);
    QPDFObjectHandle info_dict = pdf.makeIndirectObject(QPDFObjectHandle::newDictionary());
    info_dict.replaceKey("/Title", text_string(info.title));
    info_dict.replaceKey("/Author", text_string(info.author));
    info_dict.replaceKey("/Subject", text_string(info.subject));
    info_dict.replaceKey("/Keywords", text_string(info.keywords));
    info_dict.replaceKey("/Creator", text_string(info.creator));
    info_dict.replaceKey("/Producer", text_string("handout"));
    info_dict.replaceKey("/CreationDate", QPDFObjectHandle::newString(date));
    info_dict.replaceKey("/ModDate", QPDFObjectHandle::newString(date));
    pdf.getTrailer().replaceKey("/Info", info_dict);
}

void write_outline(QPDF& pdf, const Pages& doc, const std::vector<QPDFObjectHandle>& page_objs) {
    QPDFObjectHandle root = pdf.getRoot();
    QPDFObjectHandle outlines = pdf.makeIndirectObject(QPDFObjectHandle::newDictionary());
    outlines.replaceKey("/Type", QPDFObjectHandle::newName("/Outlines"));
    std::vector<QPDFObjectHandle> stack{outlines};
    std::vector<QPDFObjectHandle> last_child{QPDFObjectHandle::newNull()};
    for (const auto& o : doc.outline) {
        while (static_cast<int>(stack.size()) > o.level) {
            stack.pop_back();
            last_child.pop_back();
        }
        QPDFObjectHandle parent = stack.back();
        QPDFObjectHandle item = pdf.makeIndirectObject(QPDFObjectHandle::newDictionary());
        item.replaceKey("/Title", text_string(o.title));
        item.replaceKey("/Parent", parent);
        QPDFObjectHandle dest = QPDFObjectHandle::newArray();
        dest.appendItem(page_objs.at(static_cast<std::size_t>(o.page)));
        dest.appendItem(QPDFObjectHandle::newName("/XYZ"));
        dest.appendItem(QPDFObjectHandle::newInteger(0));
        dest.appendItem(QPDFObjectHandle::newReal(doc.pages[static_cast<std::size_t>(o.page)].height - o.y, 2));
        dest.appendItem(QPDFObjectHandle::newNull());
        item.replaceKey("/Dest", dest);
        QPDFObjectHandle prev = last_child.back();
        if (prev.isNull()) {
            parent.replaceKey("/First", item);
        } else {
            prev.replaceKey("/Next", item);
            item.replaceKey("/Prev", prev);
        }
        parent.replaceKey("/Last", item);
        parent.replaceKey("/Count", QPDFObjectHandle::newInteger(parent.hasKey("/Count") ? parent.getKey("/Count").getIntValue() + 1 : 1));
        last_child.back() = item;
        stack.push_back(item);
        last_child.push_back(QPDFObjectHandle::newNull());
    }
    root.replaceKey("/Outlines", outlines);
    root.replaceKey("/PageMode", QPDFObjectHandle::newName("/UseOutlines"));
}

}  // namespace

void write_catalog(QPDF& pdf, const Pages& doc, const std::vector<QPDFObjectHandle>& page_objs) {
    QPDFObjectHandle root = pdf.getRoot();
    root.replaceKey("/MarkInfo", QPDFObjectHandle::parse("<< /Marked true >>"));
    root.replaceKey("/Lang", text_string(doc.info.lang.empty() ? "en" : doc.info.lang));
    root.replaceKey("/ViewerPreferences", QPDFObjectHandle::parse("<< /DisplayDocTitle true >>"));
    root.replaceKey("/PageLabels", QPDFObjectHandle::parse("<< /Nums [0 << /S /D >>] >>"));
    write_metadata(pdf, doc.info);
    if (!doc.outline.empty()) {
        write_outline(pdf, doc, page_objs);
    }
}

}  // namespace handout::pdf
