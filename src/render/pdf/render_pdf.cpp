#include "render/pdf/render_pdf.hpp"

#include "core/stage_times.hpp"
#include "pages/hyphen_joins.hpp"
#include "core/overloaded.hpp"
#include "render/pdf/pdf_cache.hpp"
#include "render/pdf/pdf_catalog.hpp"
#include "render/pdf/pdf_content.hpp"
#include "render/pdf/pdf_fonts.hpp"
#include "render/pdf/pdf_glyphs.hpp"
#include "render/pdf/pdf_images.hpp"
#include "render/pdf/pdf_structure.hpp"
#include "render/pdf/pdf_syntax.hpp"
#include "render/pdf/pdf_writer.hpp"

#include <algorithm>
#include <map>

namespace handout {

PdfCache::PdfCache(const SvgStore* svgs) : m_impl(std::make_unique<Impl>()) {
    m_impl->svg_store = svgs;
}
PdfCache::~PdfCache() = default;

namespace {

using pdf::ContentStream;
using pdf::num;

void path_box(std::string& c, const Rect& r, double radius, double page_h) {
    double x = r.x, y = page_h - r.y - r.h, w = r.w, h = r.h;
    if (radius <= 0) {
        num(c, x), num(c, y), num(c, w), num(c, h);
        c += "re\n";
        return;
    }
    double rr = std::min(radius, std::min(w, h) / 2);
    double k = 0.5523 * rr;  // Bézier circle constant
    num(c, x + rr), num(c, y), c += "m ";
    num(c, x + w - rr), num(c, y), c += "l ";
    num(c, x + w - rr + k), num(c, y), num(c, x + w), num(c, y + rr - k), num(c, x + w), num(c, y + rr), c += "c ";
    num(c, x + w), num(c, y + h - rr), c += "l ";
    num(c, x + w), num(c, y + h - rr + k), num(c, x + w - rr + k), num(c, y + h), num(c, x + w - rr), num(c, y + h), c += "c ";
    num(c, x + rr), num(c, y + h), c += "l ";
    num(c, x + rr - k), num(c, y + h), num(c, x), num(c, y + h - rr + k), num(c, x), num(c, y + h - rr), c += "c ";
    num(c, x), num(c, y + rr), c += "l ";
    num(c, x), num(c, y + rr - k), num(c, x + rr - k), num(c, y), num(c, x + rr), num(c, y), c += "c h\n";
}

/// One page while its items are drawn.
struct PageDraft {
    std::size_t index = 0;
    double height = 0;             ///< pt: the display list's y runs down, PDF's up
    QPDFObjectHandle obj;          ///< the page dictionary
    QPDFObjectHandle annots = QPDFObjectHandle::newArray();
    ContentStream content;
};

/// One document while it is written: the fonts embedded, the pictures placed so far, the one
/// resource dictionary every page shares, the structure tree and the parent tree's numbers.
class DocumentWriter {
public:
    DocumentWriter(const Pages& doc, PdfCache::Impl& cache, Diagnostics& diagnostics)
        : m_doc(doc), m_cache(cache), m_diagnostics(diagnostics) {
        m_pdf.emptyPDF();
    }

    /// Subsets and embeds each font the pages use; false (with an error) when one cannot be.
    bool embed_fonts() {
        m_uses = pdf::collect_font_uses(m_doc);
        m_fonts.resize(m_doc.fonts.size());
        for (std::size_t f = 0; f < m_doc.fonts.size(); ++f) {
            if (m_uses[f].gids.empty()) {
                continue;
            }
            m_fonts[f] = pdf::embed_font(m_pdf, m_cache, m_doc.fonts[f], m_uses[f]);
            if (!m_fonts[f]) {
                m_diagnostics.push_back(Diagnostic{Severity::error, nullptr, 0, "cannot subset font `" + m_doc.fonts[f].file + "`", {}});
                return false;
            }
        }
        return true;
    }

    /// The structure tree's elements, the words hyphenated across lines, the shared resources.
    void prepare_pages() {
        m_tree.emplace(m_pdf, m_doc);
        for (const auto& j : hyphen_joins(m_doc)) {
            m_heads[j.head] = j.tail->text.substr(0, j.tail_bytes);
            m_tails[j.tail] = j.tail_bytes;
        }
        m_resources = m_pdf.makeIndirectObject(QPDFObjectHandle::newDictionary());
        m_resources.replaceKey("/Font", m_font_res);
    }

    void write_page(std::size_t index) {
        const Page& page = m_doc.pages[index];
        PageDraft draft{index, page.height, m_pdf.makeIndirectObject(QPDFObjectHandle::newDictionary()), QPDFObjectHandle::newArray(),
                        ContentStream(m_doc, *m_tree, index)};
        draft.obj.replaceKey("/Type", QPDFObjectHandle::newName("/Page"));
        draft.obj.replaceKey("/Parent", m_pdf.getRoot().getKey("/Pages"));
        if (page.width != m_doc.pages[0].width || page.height != m_doc.pages[0].height) {  // else the Pages node's
            draft.obj.replaceKey("/MediaBox", QPDFObjectHandle::newArray(QPDFObjectHandle::Rectangle(0, 0, page.width, page.height)));
        }
        for (const Item& item : page.items) {
            std::visit(Overloaded{
                           [&](const GlyphRun& run) { draw_text(draft, item, run); },
                           [&](const Rule& rule) { draw_rule(draft, item, rule); },
                           [&](const Box& box) { draw_box(draft, item, box); },
                           [&](const Picture& picture) { draw_picture(draft, item, picture); },
                           [&](const Link& link) { add_link(draft, item, link); },
                       },
                       item.v);
        }
        finish_page(draft);
    }

    /// Numbers the annotations' /StructParent after the pages', closes the page tree, the
    /// structure tree and the catalog.
    void finish_document() {
        for (auto& [annot, elem] : m_annots) {
            annot.replaceKey("/StructParent", QPDFObjectHandle::newInteger(m_next_struct_parent));
            m_parent_tree_nums.appendItem(QPDFObjectHandle::newInteger(m_next_struct_parent));
            m_parent_tree_nums.appendItem(elem);
            ++m_next_struct_parent;
        }
        QPDFObjectHandle pages = m_pdf.getRoot().getKey("/Pages");
        QPDFObjectHandle kids = QPDFObjectHandle::newArray();
        for (auto& p : m_page_objs) {
            kids.appendItem(p);
        }
        if (!m_xobjects.getKeys().empty()) {
            m_resources.replaceKey("/XObject", m_xobjects);
        }
        if (!m_doc.pages.empty()) {
            pages.replaceKey("/MediaBox", QPDFObjectHandle::newArray(QPDFObjectHandle::Rectangle(0, 0, m_doc.pages[0].width, m_doc.pages[0].height)));
        }
        pages.replaceKey("/Kids", kids);
        pages.replaceKey("/Count", QPDFObjectHandle::newInteger(static_cast<long long>(m_page_objs.size())));

        QPDFObjectHandle parent_tree = m_pdf.makeIndirectObject(QPDFObjectHandle::newDictionary());
        parent_tree.replaceKey("/Nums", m_parent_tree_nums);
        m_tree->finish(m_doc, m_page_objs, parent_tree, m_next_struct_parent);
        m_pdf.getRoot().replaceKey("/StructTreeRoot", m_tree->root());
        pdf::write_catalog(m_pdf, m_doc, m_page_objs);
    }

    std::string write() {
        QPDFObjectHandle root = m_pdf.getRoot();
        return pdf::write_pdf(m_pdf, root, m_pdf.getTrailer().getKey("/Info"));
    }

private:
    // ---- one item each -------------------------------------------------------------------

    void draw_text(PageDraft& page, const Item& item, const GlyphRun& run) {
        if (run.glyphs.empty()) {
            return;
        }
        ContentStream& c = page.content;
        c.mark(item, true, true);
        c.set_fill(run.color);
        std::string name = "/F" + std::to_string(run.font);
        m_font_res.replaceKey(name, m_fonts[run.font]->font);
        c.set_font(name, run.size);
        c.set_char_spacing(run.tracking);
        c.move_text_to(run.origin.x + run.glyphs.front().dx, page.height - run.origin.y);
        pdf::RunText text;
        text.use = &m_uses[run.font];
        if (auto h = m_heads.find(&run); h != m_heads.end()) {
            text.head_rest = h->second;
        }
        if (auto t = m_tails.find(&run); t != m_tails.end()) {
            text.tail_bytes = t->second;
        }
        pdf::write_glyphs(c.operators(), run, *m_fonts[run.font], m_cache.face(m_doc.fonts[run.font]), text);
        c.operators() += '\n';
    }

    void draw_rule(PageDraft& page, const Item& item, const Rule& r) {
        ContentStream& c = page.content;
        c.mark(item, item.node < 0, false);
        c.set_stroke(r.color, r.width);
        std::string& ops = c.operators();
        num(ops, r.from.x), num(ops, page.height - r.from.y);
        ops += "m ";
        num(ops, r.to.x), num(ops, page.height - r.to.y);
        ops += "l S\n";
    }

    void draw_box(PageDraft& page, const Item& item, const Box& b) {
        ContentStream& c = page.content;
        c.mark(item, item.node < 0, false);
        if (b.filled) {
            c.set_fill(b.fill);
        }
        if (b.stroke_width > 0) {
            c.set_stroke(b.stroke, b.stroke_width);
        }
        path_box(c.operators(), b.rect, b.radius, page.height);
        c.operators() += b.filled && b.stroke_width > 0 ? "B\n" : b.filled ? "f\n" : "S\n";
    }

    void draw_picture(PageDraft& page, const Item& item, const Picture& p) {
        double sx = p.rect.w, sy = p.rect.h;  // the unit square's scale, for an image
        QPDFObjectHandle xobject = picture_xobject(p, sx, sy);
        if (!xobject.isInitialized()) {
            return;
        }
        std::string name = "/Im" + std::to_string(p.image);
        m_xobjects.replaceKey(name, xobject);
        ContentStream& c = page.content;
        c.mark(item, false, false);
        std::string& ops = c.operators();
        ops += "q ";
        num(ops, sx), ops += "0 0 ", num(ops, sy), num(ops, p.rect.x), num(ops, page.height - p.rect.y - p.rect.h);
        ops += "cm " + name + " Do Q\n";
    }

    /// A link annotation over glyphs its element's runs draw: in the element by an OBJR.
    void add_link(PageDraft& page, const Item& item, const Link& l) {
        const double h = page.height;
        QPDFObjectHandle a = m_pdf.makeIndirectObject(QPDFObjectHandle::newDictionary());
        a.replaceKey("/Type", QPDFObjectHandle::newName("/Annot"));
        a.replaceKey("/Subtype", QPDFObjectHandle::newName("/Link"));
        a.replaceKey("/Rect", QPDFObjectHandle::newArray(QPDFObjectHandle::Rectangle(l.rect.x, h - l.rect.y - l.rect.h, l.rect.x + l.rect.w, h - l.rect.y)));
        a.replaceKey("/Border", QPDFObjectHandle::parse("[0 0 0]"));
        a.replaceKey("/Contents", pdf::text_string(l.uri));
        QPDFObjectHandle action = QPDFObjectHandle::newDictionary();
        action.replaceKey("/S", QPDFObjectHandle::newName("/URI"));
        action.replaceKey("/URI", QPDFObjectHandle::newString(l.uri));
        a.replaceKey("/A", action);
        a.replaceKey("/P", page.obj);
        page.annots.appendItem(a);
        if (item.node < 0) {
            return;
        }
        auto node = static_cast<std::size_t>(item.node);
        QPDFObjectHandle objr = QPDFObjectHandle::newDictionary();
        objr.replaceKey("/Type", QPDFObjectHandle::newName("/OBJR"));
        objr.replaceKey("/Obj", a);
        objr.replaceKey("/Pg", page.obj);
        m_tree->add(node, pdf::StructKid{0, objr});
        m_annots.emplace_back(a, m_tree->element(node));
        a.replaceKey("/StructParent", QPDFObjectHandle::newInteger(0));  // numbered by finish_document
    }

    /// The XObject drawing `p` (one per picture, however often it is drawn), and the scale of its
    /// unit square in `sx`, `sy`; an uninitialized handle (and an error) when it cannot be decoded.
    QPDFObjectHandle picture_xobject(const Picture& p, double& sx, double& sy) {
        const ImageData& img = m_doc.images.at(p.image);
        auto it = m_image_objs.find(p.image);
        if (img.kind == ImageData::Kind::svg && m_cache.vector(img).form.isInitialized()) {
            const auto& vec = m_cache.vector(img);
            if (it == m_image_objs.end()) {
                it = m_image_objs.emplace(p.image, m_pdf.copyForeignObject(vec.form)).first;
            }
            sx /= vec.width;
            sy /= vec.height;
        } else if (it == m_image_objs.end()) {
            const auto& ras = m_cache.raster(img);
            if (ras.w == 0) {
                m_diagnostics.push_back(Diagnostic{Severity::error, nullptr, 0, "cannot decode picture `" + img.path + "`", {}});
                return QPDFObjectHandle();
            }
            it = m_image_objs.emplace(p.image, pdf::image_xobject(m_pdf, ras)).first;
        }
        return it->second;
    }

    /// The page's content stream, annotations, tab order and ParentTree entry.
    void finish_page(PageDraft& page) {
        std::string content = page.content.finish();
        page.obj.replaceKey("/Resources", m_resources);
        page.obj.replaceKey("/Contents", pdf::deflated_stream(m_pdf, content));
        if (page.annots.getArrayNItems() > 0) {
            page.obj.replaceKey("/Annots", page.annots);
            page.obj.replaceKey("/Tabs", QPDFObjectHandle::newName("/S"));
        }
        page.obj.replaceKey("/StructParents", QPDFObjectHandle::newInteger(m_next_struct_parent));
        m_parent_tree_nums.appendItem(QPDFObjectHandle::newInteger(m_next_struct_parent));
        m_parent_tree_nums.appendItem(page.content.mcid_parents());
        ++m_next_struct_parent;
        m_page_objs.push_back(page.obj);
    }

    const Pages& m_doc;
    PdfCache::Impl& m_cache;
    Diagnostics& m_diagnostics;
    QPDF m_pdf;
    std::vector<pdf::FontUse> m_uses;
    std::vector<std::optional<pdf::EmbeddedFont>> m_fonts;
    std::optional<pdf::StructureTree> m_tree;
    std::map<const GlyphRun*, std::string> m_heads;  ///< run ending in a break hyphen → the word's rest
    std::map<const GlyphRun*, std::size_t> m_tails;  ///< run starting with that rest → its bytes
    std::map<std::uint32_t, QPDFObjectHandle> m_image_objs;
    QPDFObjectHandle m_resources;
    QPDFObjectHandle m_font_res = QPDFObjectHandle::newDictionary();
    QPDFObjectHandle m_xobjects = QPDFObjectHandle::newDictionary();
    QPDFObjectHandle m_parent_tree_nums = QPDFObjectHandle::newArray();
    int m_next_struct_parent = 0;
    std::vector<QPDFObjectHandle> m_page_objs;
    std::vector<std::pair<QPDFObjectHandle, QPDFObjectHandle>> m_annots;  ///< annotation with a /StructParent → its element
};

}  // namespace

Result<std::string> render_pdf_tagged(const Pages& doc, PdfCache* shared) {
    Result<std::string> result;
    std::unique_ptr<PdfCache> own;
    if (shared == nullptr) {
        own = std::make_unique<PdfCache>();
        shared = own.get();
    }
    DocumentWriter writer(doc, shared->impl(), result.diagnostics);

    StageTimer fonts_time(Stage::pdf_fonts);
    if (!writer.embed_fonts()) {
        return result;
    }
    fonts_time.stop();

    StageTimer content_time(Stage::pdf_content);
    writer.prepare_pages();
    for (std::size_t i = 0; i < doc.pages.size(); ++i) {
        writer.write_page(i);
    }
    content_time.stop();

    StageTimer structure_time(Stage::pdf_structure);
    writer.finish_document();
    structure_time.stop();

    StageTimer write_time(Stage::pdf_write);
    result.value = writer.write();
    return result;
}

}  // namespace handout
