#include "render/pdf/render_pdf.hpp"

#include "core/stage_times.hpp"
#include "pages/hyphen_joins.hpp"
#include "render/pdf/pdf_cache.hpp"
#include "render/pdf/pdf_catalog.hpp"
#include "render/pdf/pdf_fonts.hpp"
#include "render/pdf/pdf_glyphs.hpp"
#include "render/pdf/pdf_images.hpp"
#include "render/pdf/pdf_syntax.hpp"
#include "render/pdf/pdf_writer.hpp"


#include <algorithm>
#include <climits>
#include <map>

namespace handout {

PdfCache::PdfCache(const SvgStore* svgs) : m_impl(std::make_unique<Impl>()) {
    m_impl->svg_store = svgs;
}
PdfCache::~PdfCache() = default;

namespace {

using pdf::num;

template <class... Ts>
struct overloaded : Ts... {
    using Ts::operator()...;
};
template <class... Ts>
overloaded(Ts...) -> overloaded<Ts...>;

const char* artifact_type(ArtifactKind k) {
    switch (k) {
        case ArtifactKind::header: return "/Artifact <</Type /Pagination /Subtype /Header>> BDC\n";
        case ArtifactKind::footer: return "/Artifact <</Type /Pagination /Subtype /Footer>> BDC\n";
        case ArtifactKind::pagination: return "/Artifact <</Type /Pagination>> BDC\n";
        case ArtifactKind::none:
        case ArtifactKind::decoration: return "/Artifact <</Type /Layout>> BDC\n";
    }
    return "/Artifact BMC\n";
}

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

std::string color(const Color& col, bool stroke) {
    std::string c;
    num(c, col.r);
    std::string r = c;
    num(c, col.g), num(c, col.b);
    if (c == r + r + r) {
        return r + (stroke ? "G " : "g ");  // a grey
    }
    c += stroke ? "RG " : "rg ";
    return c;
}

/// Where an element's content sits in reading order: marked content (MCID on a page) or an OBJR.
struct Kid {
    std::size_t seq;
    QPDFObjectHandle obj;
    int page = -1;   ///< for marked content: its page, so a same-page MCR can be a plain MCID
    int mcid = -1;
};

/// The structure tree as the pages are written: elements, their kids, the parent tree.
struct StructureTree {
    QPDFObjectHandle root;
    std::vector<QPDFObjectHandle> elems;
    std::vector<std::vector<Kid>> kids;
    std::vector<std::size_t> first_seq;
    std::size_t seq = 0;

    StructureTree(QPDF& pdf, const Pages& doc) : kids(doc.nodes.size()), first_seq(doc.nodes.size(), SIZE_MAX) {
        root = pdf.makeIndirectObject(QPDFObjectHandle::newDictionary());
        elems.resize(doc.nodes.size());
        for (std::size_t i = 0; i < doc.nodes.size(); ++i) {
            elems[i] = pdf.makeIndirectObject(QPDFObjectHandle::newDictionary());
            const StructNode& n = doc.nodes[i];
            elems[i].replaceKey("/S", QPDFObjectHandle::newName(std::string("/") + struct_type_name(n.type)));
            elems[i].replaceKey("/P", n.parent < 0 ? root : elems[static_cast<std::size_t>(n.parent)]);
            if (!n.alt.empty()) {
                elems[i].replaceKey("/Alt", pdf::text_string(n.alt));
            }
            if (!n.lang.empty()) {
                elems[i].replaceKey("/Lang", pdf::text_string(n.lang));
            }
            if (!n.actual_text.empty()) {
                elems[i].replaceKey("/ActualText", pdf::text_string(n.actual_text));
            }
            if (!n.id.empty()) {
                elems[i].replaceKey("/ID", QPDFObjectHandle::newString(n.id));
            }
            if (n.type == StructType::th) {
                elems[i].replaceKey("/A", QPDFObjectHandle::parse("<< /O /Table /Scope /Column >>"));
            }
        }
    }

    void add(std::size_t node, Kid kid) {
        kid.seq = seq++;
        first_seq[node] = std::min(first_seq[node], kid.seq);
        kids[node].push_back(std::move(kid));
    }

    /// Child elements take their place among their parent's kids by their first content; an
    /// element's /Pg is the page of its first marked content.
    void finish(const Pages& doc, const std::vector<QPDFObjectHandle>& page_objs, QPDFObjectHandle parent_tree, int next_key) {
        for (std::size_t i = doc.nodes.size(); i-- > 0;) {
            int parent = doc.nodes[i].parent;
            if (parent >= 0) {
                auto p = static_cast<std::size_t>(parent);
                first_seq[p] = std::min(first_seq[p], first_seq[i]);
            }
        }
        for (std::size_t i = 0; i < doc.nodes.size(); ++i) {
            int parent = doc.nodes[i].parent;
            if (parent >= 0) {
                kids[static_cast<std::size_t>(parent)].push_back({first_seq[i], elems[i]});
            }
        }
        for (std::size_t i = 0; i < doc.nodes.size(); ++i) {
            std::stable_sort(kids[i].begin(), kids[i].end(), [](const Kid& a, const Kid& b) { return a.seq < b.seq; });
            int pg = -1;
            for (auto& k : kids[i]) {
                if (k.page >= 0) {
                    pg = k.page;
                    break;
                }
            }
            if (pg >= 0) {
                elems[i].replaceKey("/Pg", page_objs[static_cast<std::size_t>(pg)]);
            }
            QPDFObjectHandle arr = QPDFObjectHandle::newArray();
            for (auto& k : kids[i]) {
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
            elems[i].replaceKey("/K", arr.getArrayNItems() == 1 && arr.getArrayItem(0).isInteger() ? arr.getArrayItem(0) : arr);
        }
        root.replaceKey("/Type", QPDFObjectHandle::newName("/StructTreeRoot"));
        root.replaceKey("/K", doc.nodes.empty() ? QPDFObjectHandle::newArray() : QPDFObjectHandle::newArray({elems[0]}));
        root.replaceKey("/ParentTree", parent_tree);
        root.replaceKey("/ParentTreeNextKey", QPDFObjectHandle::newInteger(next_key));
    }
};

}  // namespace

Result<std::string> render_pdf_tagged(const Pages& doc, PdfCache* shared) {
    Result<std::string> result;
    std::unique_ptr<PdfCache> own;
    if (shared == nullptr) {
        own = std::make_unique<PdfCache>();
        shared = own.get();
    }
    PdfCache::Impl& cache = shared->impl();

    QPDF pdf;
    pdf.emptyPDF();
    QPDFObjectHandle root = pdf.getRoot();
    QPDFObjectHandle pages_obj = root.getKey("/Pages");

    StageTimer fonts_time(Stage::pdf_fonts);
    std::vector<pdf::FontUse> uses = pdf::collect_font_uses(doc);
    std::vector<std::optional<pdf::EmbeddedFont>> fonts(doc.fonts.size());
    for (std::size_t f = 0; f < doc.fonts.size(); ++f) {
        if (uses[f].gids.empty()) {
            continue;
        }
        fonts[f] = pdf::embed_font(pdf, cache, doc.fonts[f], uses[f]);
        if (!fonts[f]) {
            result.diagnostics.push_back(Diagnostic{Severity::error, nullptr, 0, "cannot subset font `" + doc.fonts[f].file + "`", {}});
            return result;
        }
    }

    fonts_time.stop();
    StageTimer content_time(Stage::pdf_content);
    StructureTree tree(pdf, doc);
    std::map<const GlyphRun*, std::string> heads;  // run ending in a break hyphen → the word's rest
    std::map<const GlyphRun*, std::size_t> tails;  // run starting with that rest → its bytes
    for (const auto& j : hyphen_joins(doc)) {
        heads[j.head] = j.tail->text.substr(0, j.tail_bytes);
        tails[j.tail] = j.tail_bytes;
    }
    std::map<std::uint32_t, QPDFObjectHandle> image_objs;  // one XObject per picture, however often it is drawn

    std::vector<QPDFObjectHandle> page_objs;
    // One resource dictionary for all pages: what any page uses.
    QPDFObjectHandle resources = pdf.makeIndirectObject(QPDFObjectHandle::newDictionary());
    QPDFObjectHandle font_res = QPDFObjectHandle::newDictionary();
    QPDFObjectHandle xobjects = QPDFObjectHandle::newDictionary();
    resources.replaceKey("/Font", font_res);
    QPDFObjectHandle parent_tree_nums = QPDFObjectHandle::newArray();
    int next_struct_parent = 0;
    std::vector<std::pair<QPDFObjectHandle, QPDFObjectHandle>> annot_objs;  // annotation with a /StructParent → its element
    for (std::size_t pi = 0; pi < doc.pages.size(); ++pi) {
        const Page& page = doc.pages[pi];
        const double H = page.height;
        QPDFObjectHandle page_obj = pdf.makeIndirectObject(QPDFObjectHandle::newDictionary());
        page_obj.replaceKey("/Type", QPDFObjectHandle::newName("/Page"));
        page_obj.replaceKey("/Parent", pages_obj);
        if (page.width != doc.pages[0].width || H != doc.pages[0].height) {  // else the Pages node's
            page_obj.replaceKey("/MediaBox", QPDFObjectHandle::newArray(QPDFObjectHandle::Rectangle(0, 0, page.width, H)));
        }
        QPDFObjectHandle annots = QPDFObjectHandle::newArray();
        QPDFObjectHandle mcid_parents = QPDFObjectHandle::newArray();
        std::string c;
        std::string fill_state, stroke_state, font_state;  // in force: not set again for every item
        int mcid = 0;
        // Consecutive items of one element (a paragraph's lines) or one kind of artifact share
        // one marked-content sequence; text stays in one text object across sequences until a
        // graphic comes.
        constexpr int none = INT_MIN;
        int open_key = none;
        bool in_text = false;
        bool mc_in_text = false;  // the open sequence began inside the text object
        double tx = 0, ty = 0;    // the text line matrix's origin, as written (rounded)
        auto begin_text = [&] {
            if (!in_text) {
                c += "BT ";
                in_text = true;
                tx = ty = 0;
            }
        };
        auto end_text = [&] {
            if (in_text) {
                c += "ET\n";
                in_text = false;
            }
        };
        auto close_content = [&] {
            if (open_key != none) {
                if (!mc_in_text) {
                    end_text();
                }
                c += "EMC\n";
                open_key = none;
            }
        };
        auto open_content = [&](const Item& item, bool merge, bool text) {
            int key = item.node >= 0 ? item.node : -1 - static_cast<int>(item.artifact);
            if (merge && key == open_key && (text || !mc_in_text)) {
                text ? begin_text() : end_text();
                return;
            }
            close_content();
            text ? begin_text() : end_text();
            mc_in_text = text;
            open_key = key;
            if (item.node < 0) {
                c += artifact_type(item.artifact);
                return;
            }
            auto node = static_cast<std::size_t>(item.node);
            c += "/" + std::string(struct_type_name(doc.nodes[node].type)) + " <</MCID " + std::to_string(mcid) + ">> BDC\n";
            tree.add(node, {0, QPDFObjectHandle(), static_cast<int>(pi), mcid});  // an MCR is made only if needed
            mcid_parents.appendItem(tree.elems[node]);
            ++mcid;
        };
        auto set_stroke = [&](const Color& col, double width) {  // butt caps: the default
            std::string stroke = color(col, true);
            num(stroke, width);
            stroke += "w ";
            if (stroke != stroke_state) {
                c += stroke;
                stroke_state = std::move(stroke);
            }
        };
        auto set_fill = [&](const Color& col) {
            std::string fill = color(col, false);
            if (fill != fill_state) {
                c += fill;
                fill_state = std::move(fill);
            }
        };
        for (const auto& item : page.items) {
            std::visit(overloaded{
                           [&](const GlyphRun& run) {
                               if (run.glyphs.empty()) {
                                   return;
                               }
                               open_content(item, true, true);
                               set_fill(run.color);
                               std::string fname = "/F" + std::to_string(run.font);
                               font_res.replaceKey(fname, fonts[run.font]->font);
                               std::string font = fname + " ";
                               num(font, run.size);
                               font += "Tf ";
                               if (font != font_state) {
                                   c += font;
                                   font_state = std::move(font);
                               }
                               // Td moves by what was written, so rounding never adds up. (T* with
                               // TL, or Tj for arrays without numbers, deflate larger: measured.)
                               std::string dx, dy;
                               num(dx, run.origin.x + run.glyphs.front().dx - tx);
                               num(dy, H - run.origin.y - ty);
                               tx += std::stod(dx);
                               ty += std::stod(dy);
                               c += dx + dy + "Td ";
                               pdf::RunText text;
                               text.use = &uses[run.font];
                               if (auto h = heads.find(&run); h != heads.end()) {
                                   text.head_rest = h->second;
                               }
                               if (auto t = tails.find(&run); t != tails.end()) {
                                   text.tail_bytes = t->second;
                               }
                               pdf::write_glyphs(c, run, *fonts[run.font], cache.face(doc.fonts[run.font]), text);
                               c += '\n';
                           },
                           [&](const Rule& r) {
                               open_content(item, item.node < 0, false);
                               set_stroke(r.color, r.width);
                               num(c, r.from.x), num(c, H - r.from.y);
                               c += "m ";
                               num(c, r.to.x), num(c, H - r.to.y);
                               c += "l S\n";
                           },
                           [&](const Box& b) {
                               open_content(item, item.node < 0, false);
                               if (b.filled) {
                                   set_fill(b.fill);
                               }
                               if (b.stroke_width > 0) {
                                   set_stroke(b.stroke, b.stroke_width);
                               }
                               path_box(c, b.rect, b.radius, H);
                               c += b.filled && b.stroke_width > 0 ? "B\n" : b.filled ? "f\n" : "S\n";
                           },
                           [&](const Picture& p) {
                               const ImageData& img = doc.images.at(p.image);
                               double sx = p.rect.w, sy = p.rect.h;  // the unit square's scale, for an image
                               auto it = image_objs.find(p.image);
                               if (img.kind == ImageData::Kind::svg && cache.vector(img).form.isInitialized()) {
                                   const auto& vec = cache.vector(img);
                                   if (it == image_objs.end()) {
                                       it = image_objs.emplace(p.image, pdf.copyForeignObject(vec.form)).first;
                                   }
                                   sx /= vec.width;
                                   sy /= vec.height;
                               } else if (it == image_objs.end()) {
                                   const auto& ras = cache.raster(img);
                                   if (ras.w == 0) {
                                       result.diagnostics.push_back(Diagnostic{Severity::error, nullptr, 0, "cannot decode picture `" + img.path + "`", {}});
                                       return;
                                   }
                                   it = image_objs.emplace(p.image, pdf::image_xobject(pdf, ras)).first;
                               }
                               std::string name = "/Im" + std::to_string(p.image);
                               xobjects.replaceKey(name, it->second);
                               open_content(item, false, false);
                               c += "q ";
                               num(c, sx), c += "0 0 ", num(c, sy), num(c, p.rect.x), num(c, H - p.rect.y - p.rect.h);
                               c += "cm " + name + " Do Q\n";
                           },
                           [&](const Link& l) {
                               QPDFObjectHandle a = pdf.makeIndirectObject(QPDFObjectHandle::newDictionary());
                               a.replaceKey("/Type", QPDFObjectHandle::newName("/Annot"));
                               a.replaceKey("/Subtype", QPDFObjectHandle::newName("/Link"));
                               a.replaceKey("/Rect", QPDFObjectHandle::newArray(QPDFObjectHandle::Rectangle(
                                                         l.rect.x, H - l.rect.y - l.rect.h, l.rect.x + l.rect.w, H - l.rect.y)));
                               a.replaceKey("/Border", QPDFObjectHandle::parse("[0 0 0]"));
                               a.replaceKey("/Contents", pdf::text_string(l.uri));
                               QPDFObjectHandle action = QPDFObjectHandle::newDictionary();
                               action.replaceKey("/S", QPDFObjectHandle::newName("/URI"));
                               action.replaceKey("/URI", QPDFObjectHandle::newString(l.uri));
                               a.replaceKey("/A", action);
                               a.replaceKey("/P", page_obj);
                               annots.appendItem(a);
                               if (item.node >= 0) {
                                   auto node = static_cast<std::size_t>(item.node);
                                   QPDFObjectHandle objr = QPDFObjectHandle::newDictionary();
                                   objr.replaceKey("/Type", QPDFObjectHandle::newName("/OBJR"));
                                   objr.replaceKey("/Obj", a);
                                   objr.replaceKey("/Pg", page_obj);
                                   tree.add(node, {0, objr});
                                   annot_objs.emplace_back(a, tree.elems[node]);
                                   a.replaceKey("/StructParent", QPDFObjectHandle::newInteger(0));  // numbered below
                               }
                           },
                       },
                       item.v);
        }
        close_content();
        end_text();
        page_obj.replaceKey("/Resources", resources);
        page_obj.replaceKey("/Contents", pdf::deflated_stream(pdf, c));
        if (annots.getArrayNItems() > 0) {
            page_obj.replaceKey("/Annots", annots);
            page_obj.replaceKey("/Tabs", QPDFObjectHandle::newName("/S"));
        }
        page_obj.replaceKey("/StructParents", QPDFObjectHandle::newInteger(next_struct_parent));
        parent_tree_nums.appendItem(QPDFObjectHandle::newInteger(next_struct_parent));
        parent_tree_nums.appendItem(mcid_parents);
        ++next_struct_parent;
        page_objs.push_back(page_obj);
    }
    content_time.stop();
    StageTimer structure_time(Stage::pdf_structure);
    // Annotations' StructParent keys follow the pages'.
    for (auto& [a, elem] : annot_objs) {
        a.replaceKey("/StructParent", QPDFObjectHandle::newInteger(next_struct_parent));
        parent_tree_nums.appendItem(QPDFObjectHandle::newInteger(next_struct_parent));
        parent_tree_nums.appendItem(elem);
        ++next_struct_parent;
    }
    QPDFObjectHandle kids_arr = QPDFObjectHandle::newArray();
    for (auto& p : page_objs) {
        kids_arr.appendItem(p);
    }
    if (!xobjects.getKeys().empty()) {
        resources.replaceKey("/XObject", xobjects);
    }
    if (!doc.pages.empty()) {
        pages_obj.replaceKey("/MediaBox", QPDFObjectHandle::newArray(QPDFObjectHandle::Rectangle(0, 0, doc.pages[0].width, doc.pages[0].height)));
    }
    pages_obj.replaceKey("/Kids", kids_arr);
    pages_obj.replaceKey("/Count", QPDFObjectHandle::newInteger(static_cast<long long>(page_objs.size())));

    QPDFObjectHandle ptree = pdf.makeIndirectObject(QPDFObjectHandle::newDictionary());
    ptree.replaceKey("/Nums", parent_tree_nums);
    tree.finish(doc, page_objs, ptree, next_struct_parent);
    root.replaceKey("/StructTreeRoot", tree.root);
    pdf::write_catalog(pdf, doc, page_objs);

    structure_time.stop();
    StageTimer write_time(Stage::pdf_write);
    result.value = pdf::write_pdf(pdf, root, pdf.getTrailer().getKey("/Info"));
    return result;
}

}  // namespace handout
