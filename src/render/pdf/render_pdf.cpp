#include "render/pdf/render_pdf.hpp"

#include "core/c_ptr.hpp"
#include "core/rsvg_lazy.hpp"
#include "pages/hyphen_joins.hpp"

#include <cairo.h>
#include <harfbuzz/hb-ot.h>
#include <harfbuzz/hb-subset.h>
#include <harfbuzz/hb.h>
#include <qpdf/Buffer.hh>
#include <qpdf/Pl_Flate.hh>
#include <qpdf/QPDF.hh>
#include <qpdf/QPDFObjectHandle.hh>
#include <qpdf/QPDFWriter.hh>

#include <zlib.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstring>
#include <map>
#include <optional>
#include <set>

namespace handout {

namespace {

using BlobPtr = CPtr<hb_blob_t, hb_blob_destroy>;
using FacePtr = CPtr<hb_face_t, hb_face_destroy>;
using HbFontPtr = CPtr<hb_font_t, hb_font_destroy>;
using SurfacePtr = CPtr<cairo_surface_t, cairo_surface_destroy>;

template <class... Ts>
struct overloaded : Ts... {
    using Ts::operator()...;
};
template <class... Ts>
overloaded(Ts...) -> overloaded<Ts...>;

/// Numbers for content streams: fixed, at most 2 decimals (1/7200 in), never the locale.
void num(std::string& out, double v) {
    if (std::abs(v) < 0.005) {
        v = 0;
    }
    char buf[32];
    auto r = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed, 2);
    std::string_view s(buf, static_cast<std::size_t>(r.ptr - buf));
    while (s.find('.') != std::string_view::npos && (s.back() == '0' || s.back() == '.')) {
        bool dot = s.back() == '.';
        s.remove_suffix(1);
        if (dot) {
            break;
        }
    }
    out.append(s);
    out += ' ';
}

void hex4(std::string& out, unsigned v) {
    static const char* d = "0123456789ABCDEF";
    out += d[(v >> 12) & 15];
    out += d[(v >> 8) & 15];
    out += d[(v >> 4) & 15];
    out += d[v & 15];
}

/// UTF-8 → UTF-16BE hex digits.
std::string utf16_hex(std::string_view s) {
    std::string out;
    const char* p = s.data();
    const char* end = s.data() + s.size();
    while (p < end) {
        gunichar c = g_utf8_get_char_validated(p, end - p);
        if (c == static_cast<gunichar>(-1) || c == static_cast<gunichar>(-2)) {
            ++p;
            continue;
        }
        p = g_utf8_next_char(p);
        if (c >= 0x10000) {
            c -= 0x10000;
            hex4(out, 0xD800 + (c >> 10));
            hex4(out, 0xDC00 + (c & 0x3FF));
        } else {
            hex4(out, c);
        }
    }
    return out;
}

/// zlib (FlateDecode) bytes, for streams handed to qpdf already encoded.
std::string deflated(std::string_view data) {
    uLongf size = compressBound(static_cast<uLong>(data.size()));
    std::string out(size, '\0');
    compress2(reinterpret_cast<Bytef*>(out.data()), &size, reinterpret_cast<const Bytef*>(data.data()),
              static_cast<uLong>(data.size()), Z_DEFAULT_COMPRESSION);
    out.resize(size);
    return out;
}

/// A stream whose data is already deflated: qpdf writes it as it is.
QPDFObjectHandle flate_stream(QPDF& pdf, const std::string& z) {
    QPDFObjectHandle s = QPDFObjectHandle::newStream(&pdf);
    s.replaceStreamData(z, QPDFObjectHandle::newName("/FlateDecode"), QPDFObjectHandle::newNull());
    return s;
}

QPDFObjectHandle text_string(std::string_view utf8) {
    return QPDFObjectHandle::newUnicodeString(std::string(utf8));
}

std::string pdf_date(const std::string& iso) {
    // 2026-11-01T00:00:00 → D:20261101000000Z
    std::string d;
    for (char c : iso) {
        if (c >= '0' && c <= '9') {
            d += c;
        }
    }
    d.resize(14, '0');
    return "D:" + d + "Z";
}

std::string xml_escape(std::string_view s) {
    std::string out;
    for (char c : s) {
        switch (c) {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '"': out += "&quot;"; break;
            default: out += c;
        }
    }
    return out;
}

}  // namespace

struct PdfCache::Impl {
    struct Face {
        BlobPtr blob;
        FacePtr face;
        HbFontPtr font;   ///< at upem scale: advances in font units
        unsigned upem = 1000;
        std::string ps_name;
        std::map<std::uint32_t, int> widths;  ///< glyph → advance in 1/1000 em, as /W says

        int width(std::uint32_t g) {
            auto it = widths.find(g);
            if (it == widths.end()) {
                it = widths.emplace(g, static_cast<int>(std::lround(hb_font_get_glyph_h_advance(font.get(), g) * 1000.0 / upem))).first;
            }
            return it->second;
        }
    };
    std::map<std::pair<std::string, int>, Face> faces;
    struct Raster {
        int w = 0, h = 0;
        std::string rgb, alpha;  ///< 8-bit samples, deflated once; alpha empty when opaque
    };
    /// Subset fonts by file and glyph set: a batch's sheets mostly use the same glyphs.
    struct Subset {
        std::string z;           ///< deflated font file
        std::size_t length1 = 0; ///< its size before deflating
    };
    std::map<std::string, Subset> subsets;  ///< at most 17: a batch has few distinct glyph sets worth keeping
    std::map<const std::string*, Raster> images;
    std::vector<std::shared_ptr<const std::string>> keep_alive;

    Face& face(const FontRef& f) {
        auto key = std::make_pair(f.file, f.index);
        auto it = faces.find(key);
        if (it != faces.end()) {
            return it->second;
        }
        Face fc;
        fc.blob.reset(hb_blob_create_from_file(f.file.c_str()));
        fc.face.reset(hb_face_create(fc.blob.get(), static_cast<unsigned>(f.index)));
        fc.upem = hb_face_get_upem(fc.face.get());
        fc.font.reset(hb_font_create(fc.face.get()));
        hb_font_set_scale(fc.font.get(), static_cast<int>(fc.upem), static_cast<int>(fc.upem));
        char name[128] = {0};
        unsigned len = sizeof name;
        hb_ot_name_get_utf8(fc.face.get(), HB_OT_NAME_ID_POSTSCRIPT_NAME, HB_LANGUAGE_INVALID, &len, name);
        fc.ps_name = name[0] != 0 ? name : "Font";
        return faces.emplace(key, std::move(fc)).first->second;
    }

    const Raster& raster(const ImageData& img) {
        const std::string* key = img.bytes.get();
        auto it = images.find(key);
        if (it != images.end()) {
            return it->second;
        }
        Raster r;
        SurfacePtr s;
        if (img.kind == ImageData::Kind::png) {
            struct Reader {
                const std::string* bytes;
                std::size_t pos;
            } reader{key, 0};
            s.reset(cairo_image_surface_create_from_png_stream(
                [](void* c, unsigned char* data, unsigned int length) {
                    auto* rd = static_cast<Reader*>(c);
                    if (rd->pos + length > rd->bytes->size()) {
                        return CAIRO_STATUS_READ_ERROR;
                    }
                    std::memcpy(data, rd->bytes->data() + rd->pos, length);
                    rd->pos += length;
                    return CAIRO_STATUS_SUCCESS;
                },
                &reader));
        } else if (const RsvgApi* rsvg = rsvg_api()) {
            // A vector picture becomes pixels at 4× its natural size (300 dpi and more).
            int w = std::max(1, static_cast<int>(img.width / 72.0 * 300));
            int h = std::max(1, static_cast<int>(img.height / 72.0 * 300));
            s.reset(cairo_image_surface_create(CAIRO_FORMAT_ARGB32, w, h));
            cairo_t* cr = cairo_create(s.get());
            if (RsvgHandle* handle = rsvg->new_from_data(reinterpret_cast<const guint8*>(key->data()), key->size(), nullptr)) {
                RsvgRectangle vp{0, 0, static_cast<double>(w), static_cast<double>(h)};
                rsvg->render_document(handle, cr, &vp, nullptr);
                g_object_unref(handle);
            }
            cairo_destroy(cr);
            cairo_surface_flush(s.get());
        }
        if (s && cairo_surface_status(s.get()) == CAIRO_STATUS_SUCCESS) {
            r.w = cairo_image_surface_get_width(s.get());
            r.h = cairo_image_surface_get_height(s.get());
            bool has_alpha = cairo_image_surface_get_format(s.get()) == CAIRO_FORMAT_ARGB32;
            int stride = cairo_image_surface_get_stride(s.get());
            const unsigned char* data = cairo_image_surface_get_data(s.get());
            r.rgb.reserve(static_cast<std::size_t>(r.w * r.h * 3));
            bool opaque = true;
            std::string alpha;
            for (int y = 0; y < r.h; ++y) {
                const auto* row = reinterpret_cast<const std::uint32_t*>(data + y * stride);
                for (int x = 0; x < r.w; ++x) {
                    std::uint32_t px = row[x];
                    unsigned a = has_alpha ? (px >> 24) & 255 : 255;
                    auto un = [&](unsigned c) { return a == 0 ? 0U : std::min(255U, (c * 255 + a / 2) / a); };  // unpremultiply
                    r.rgb += static_cast<char>(un((px >> 16) & 255));
                    r.rgb += static_cast<char>(un((px >> 8) & 255));
                    r.rgb += static_cast<char>(un(px & 255));
                    alpha += static_cast<char>(a);
                    opaque = opaque && a == 255;
                }
            }
            if (!opaque) {
                r.alpha = deflated(alpha);
            }
            r.rgb = deflated(r.rgb);
        }
        keep_alive.push_back(img.bytes);
        return images.emplace(key, std::move(r)).first->second;
    }
};

PdfCache::PdfCache() : m_impl(std::make_unique<Impl>()) {}
PdfCache::~PdfCache() = default;

namespace {

/// One document's use of one font: glyphs, their widths, and what text each stands for.
struct FontUse {
    std::set<std::uint32_t> gids;
    std::map<std::uint32_t, std::string> unicode;  ///< first text seen for each glyph
};

/// The font with only these glyphs: glyph ids kept (CIDToGIDMap Identity), hinting and layout
/// tables dropped.
std::optional<std::string> subset_font(hb_face_t* face, const std::set<std::uint32_t>& gids) {
    hb_subset_input_t* in = hb_subset_input_create_or_fail();
    if (in == nullptr) {
        return std::nullopt;
    }
    hb_set_t* glyphs = hb_subset_input_glyph_set(in);
    hb_set_add(glyphs, 0);
    for (auto g : gids) {
        hb_set_add(glyphs, g);
    }
    hb_subset_input_set_flags(in, HB_SUBSET_FLAGS_RETAIN_GIDS | HB_SUBSET_FLAGS_NO_HINTING);
    hb_set_t* drop = hb_subset_input_set(in, HB_SUBSET_SETS_DROP_TABLE_TAG);
    for (const char* t : {"GSUB", "GPOS", "GDEF", "kern", "hdmx", "VDMX", "LTSH", "DSIG", "morx", "BASE", "JSTF", "MATH"}) {
        hb_set_add(drop, hb_tag_from_string(t, 4));
    }
    FacePtr sub(hb_subset_or_fail(face, in));
    hb_subset_input_destroy(in);
    if (!sub) {
        return std::nullopt;
    }
    BlobPtr blob(hb_face_reference_blob(sub.get()));
    unsigned len = 0;
    const char* data = hb_blob_get_data(blob.get(), &len);
    return std::string(data, len);
}

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
    double k = 0.5523 * radius;  // Bézier circle constant
    double rr = std::min(radius, std::min(w, h) / 2);
    k = 0.5523 * rr;
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

void color(std::string& c, const Color& col, bool stroke) {
    num(c, col.r), num(c, col.g), num(c, col.b);
    c += stroke ? "RG " : "rg ";
}

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

    // ---- fonts used ----
    std::vector<FontUse> uses(doc.fonts.size());
    for (const auto& page : doc.pages) {
        for (const auto& item : page.items) {
            if (const auto* run = std::get_if<GlyphRun>(&item.v)) {
                FontUse& u = uses[run->font];
                for (std::size_t i = 0; i < run->glyphs.size(); ++i) {
                    const Glyph& g = run->glyphs[i];
                    u.gids.insert(g.id);
                    if (i > 0 && run->glyphs[i - 1].cluster == g.cluster) {
                        continue;  // a later glyph of one cluster: the first carries the text
                    }
                    std::size_t end = run->text.size();
                    for (std::size_t k = i + 1; k < run->glyphs.size(); ++k) {
                        if (run->glyphs[k].cluster != g.cluster) {
                            end = run->glyphs[k].cluster;
                            break;
                        }
                    }
                    std::string text = run->text.substr(g.cluster, end - g.cluster);
                    while (!text.empty() && text.back() == ' ' && text.size() > 1) {
                        text.pop_back();  // a space blanked at a line end rides on the glyph before it
                    }
                    u.unicode.emplace(g.id, text);
                }
            }
        }
    }
    std::vector<QPDFObjectHandle> font_objs(doc.fonts.size());
    for (std::size_t f = 0; f < doc.fonts.size(); ++f) {
        if (uses[f].gids.empty()) {
            continue;
        }
        PdfCache::Impl::Face& face = cache.face(doc.fonts[f]);
        std::string subset_key = doc.fonts[f].file + "#" + std::to_string(doc.fonts[f].index);
        for (auto g : uses[f].gids) {
            subset_key += "," + std::to_string(g);
        }
        auto cached = cache.subsets.find(subset_key);
        if (cached == cache.subsets.end()) {
            std::optional<std::string> bytes = subset_font(face.face.get(), uses[f].gids);
            if (!bytes) {
                result.diagnostics.push_back(Diagnostic{Severity::error, nullptr, 0, "cannot subset font `" + doc.fonts[f].file + "`", {}});
                return result;
            }
            if (cache.subsets.size() > 16) {
                cache.subsets.clear();
            }
            cached = cache.subsets.emplace(subset_key, PdfCache::Impl::Subset{deflated(*bytes), bytes->size()}).first;
        }
        // A subset tag from the glyphs: the same glyphs give the same name.
        std::uint64_t h = 1469598103934665603ULL;
        for (auto g : uses[f].gids) {
            h = (h ^ g) * 1099511628211ULL;
        }
        std::string tag;
        for (int i = 0; i < 6; ++i) {
            tag += static_cast<char>('A' + (h % 26));
            h /= 26;
        }
        std::string base = tag + "+" + face.ps_name;
        QPDFObjectHandle file = flate_stream(pdf, cached->second.z);
        file.getDict().replaceKey("/Length1", QPDFObjectHandle::newInteger(static_cast<long long>(cached->second.length1)));
        hb_font_extents_t ext{};
        hb_font_get_h_extents(face.font.get(), &ext);
        double k = 1000.0 / face.upem;
        QPDFObjectHandle desc = pdf.makeIndirectObject(QPDFObjectHandle::newDictionary());
        desc.replaceKey("/Type", QPDFObjectHandle::newName("/FontDescriptor"));
        desc.replaceKey("/FontName", QPDFObjectHandle::newName("/" + base));
        desc.replaceKey("/Flags", QPDFObjectHandle::newInteger(32));
        desc.replaceKey("/FontBBox", QPDFObjectHandle::parse("[-1000 " + std::to_string(static_cast<int>(ext.descender * k)) + " 2000 " +
                                                             std::to_string(static_cast<int>(ext.ascender * k)) + "]"));
        desc.replaceKey("/ItalicAngle", QPDFObjectHandle::newInteger(0));
        desc.replaceKey("/Ascent", QPDFObjectHandle::newInteger(static_cast<int>(ext.ascender * k)));
        desc.replaceKey("/Descent", QPDFObjectHandle::newInteger(static_cast<int>(ext.descender * k)));
        desc.replaceKey("/CapHeight", QPDFObjectHandle::newInteger(static_cast<int>(ext.ascender * k * 0.7)));
        desc.replaceKey("/StemV", QPDFObjectHandle::newInteger(80));
        desc.replaceKey("/FontFile2", file);
        // Exact widths, in runs of consecutive glyph ids.
        std::string w = "[";
        std::uint32_t prev = 0;
        bool open = false;
        for (auto g : uses[f].gids) {
            int adv = face.width(g);
            if (!open || g != prev + 1) {
                w += (open ? "] " : "") + std::to_string(g) + " [";
                open = true;
            }
            w += std::to_string(adv) + " ";
            prev = g;
        }
        w += open ? "]]" : "]";
        QPDFObjectHandle cid = pdf.makeIndirectObject(QPDFObjectHandle::newDictionary());
        cid.replaceKey("/Type", QPDFObjectHandle::newName("/Font"));
        cid.replaceKey("/Subtype", QPDFObjectHandle::newName("/CIDFontType2"));
        cid.replaceKey("/BaseFont", QPDFObjectHandle::newName("/" + base));
        cid.replaceKey("/CIDSystemInfo", QPDFObjectHandle::parse("<< /Registry (Adobe) /Ordering (Identity) /Supplement 0 >>"));
        cid.replaceKey("/FontDescriptor", desc);
        cid.replaceKey("/W", QPDFObjectHandle::parse(w));
        cid.replaceKey("/CIDToGIDMap", QPDFObjectHandle::newName("/Identity"));
        // ToUnicode from the clusters: ligatures map to their letters.
        std::string cmap =
            "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) "
            "/Supplement 0 >> def\n/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n";
        std::vector<std::pair<std::uint32_t, std::string>> maps;
        for (const auto& [g, text] : uses[f].unicode) {
            if (!text.empty()) {
                maps.emplace_back(g, utf16_hex(text == "\xC2\xAD" ? std::string_view("\xC2\xAD") : std::string_view(text)));
            }
        }
        for (std::size_t i = 0; i < maps.size(); i += 100) {
            std::size_t n = std::min<std::size_t>(100, maps.size() - i);
            cmap += std::to_string(n) + " beginbfchar\n";
            for (std::size_t j = i; j < i + n; ++j) {
                cmap += "<";
                hex4(cmap, maps[j].first);
                cmap += "> <" + maps[j].second + ">\n";
            }
            cmap += "endbfchar\n";
        }
        cmap += "endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n";
        QPDFObjectHandle type0 = pdf.makeIndirectObject(QPDFObjectHandle::newDictionary());
        type0.replaceKey("/Type", QPDFObjectHandle::newName("/Font"));
        type0.replaceKey("/Subtype", QPDFObjectHandle::newName("/Type0"));
        type0.replaceKey("/BaseFont", QPDFObjectHandle::newName("/" + base));
        type0.replaceKey("/Encoding", QPDFObjectHandle::newName("/Identity-H"));
        type0.replaceKey("/DescendantFonts", QPDFObjectHandle::newArray({cid}));
        type0.replaceKey("/ToUnicode", QPDFObjectHandle::newStream(&pdf, cmap));
        font_objs[f] = type0;
    }

    // ---- structure elements (made now, filled as pages are written) ----
    QPDFObjectHandle tree_root = pdf.makeIndirectObject(QPDFObjectHandle::newDictionary());
    std::vector<QPDFObjectHandle> elems(doc.nodes.size());
    for (std::size_t i = 0; i < doc.nodes.size(); ++i) {
        elems[i] = pdf.makeIndirectObject(QPDFObjectHandle::newDictionary());
        const StructNode& n = doc.nodes[i];
        elems[i].replaceKey("/S", QPDFObjectHandle::newName(std::string("/") + struct_type_name(n.type)));
        elems[i].replaceKey("/P", n.parent < 0 ? tree_root : elems[static_cast<std::size_t>(n.parent)]);
        if (!n.alt.empty()) {
            elems[i].replaceKey("/Alt", text_string(n.alt));
        }
        if (!n.lang.empty()) {
            elems[i].replaceKey("/Lang", text_string(n.lang));
        }
        if (!n.id.empty()) {
            elems[i].replaceKey("/ID", QPDFObjectHandle::newString(n.id));
        }
        if (n.type == StructType::th) {
            elems[i].replaceKey("/A", QPDFObjectHandle::parse("<< /O /Table /Scope /Column >>"));
        }
    }
    // Kids in reading order: each node's content (MCRs, OBJRs) and child elements, by the
    // order in which they first appear on the pages.
    struct Kid {
        std::size_t seq;
        QPDFObjectHandle obj;
        int page = -1;   ///< for marked content: its page, so a same-page MCR can be a plain MCID
        int mcid = -1;
    };
    std::vector<std::vector<Kid>> kids(doc.nodes.size());
    std::vector<std::size_t> first_seq(doc.nodes.size(), SIZE_MAX);
    std::size_t seq = 0;

    std::map<const GlyphRun*, std::string> heads;       // run ending in a break hyphen → the word's rest
    std::map<const GlyphRun*, std::size_t> tails;       // run starting with that rest → its bytes
    for (const auto& j : hyphen_joins(doc)) {
        heads[j.head] = j.tail->text.substr(0, j.tail_bytes);
        tails[j.tail] = j.tail_bytes;
    }
    std::map<std::uint32_t, QPDFObjectHandle> image_objs;  // one XObject per picture, however often it is drawn

    std::vector<QPDFObjectHandle> page_objs;
    QPDFObjectHandle parent_tree_nums = QPDFObjectHandle::newArray();
    int next_struct_parent = 0;
    std::vector<std::pair<int, QPDFObjectHandle>> annot_parents;
    for (std::size_t pi = 0; pi < doc.pages.size(); ++pi) {
        const Page& page = doc.pages[pi];
        const double H = page.height;
        QPDFObjectHandle page_obj = pdf.makeIndirectObject(QPDFObjectHandle::newDictionary());
        page_obj.replaceKey("/Type", QPDFObjectHandle::newName("/Page"));
        page_obj.replaceKey("/Parent", pages_obj);
        page_obj.replaceKey("/MediaBox", QPDFObjectHandle::newArray(QPDFObjectHandle::Rectangle(0, 0, page.width, H)));
        QPDFObjectHandle fonts = QPDFObjectHandle::newDictionary();
        QPDFObjectHandle xobjects = QPDFObjectHandle::newDictionary();
        QPDFObjectHandle annots = QPDFObjectHandle::newArray();
        QPDFObjectHandle mcid_parents = QPDFObjectHandle::newArray();
        std::string c;
        std::string fill_state;  // the fill colour in force: not set again for every run
        int mcid = 0;
        int image_no = 0;
        auto open_content = [&](const Item& item) {
            if (item.node < 0) {
                c += artifact_type(item.artifact);
                return;
            }
            auto node = static_cast<std::size_t>(item.node);
            c += "/" + std::string(struct_type_name(doc.nodes[node].type)) + " <</MCID " + std::to_string(mcid) + ">> BDC\n";
            QPDFObjectHandle mcr = QPDFObjectHandle::newDictionary();
            mcr.replaceKey("/Type", QPDFObjectHandle::newName("/MCR"));
            mcr.replaceKey("/Pg", page_obj);
            mcr.replaceKey("/MCID", QPDFObjectHandle::newInteger(mcid));
            kids[node].push_back({seq, mcr, static_cast<int>(pi), mcid});
            first_seq[node] = std::min(first_seq[node], seq);
            ++seq;
            mcid_parents.appendItem(elems[node]);
            ++mcid;
        };
        for (const auto& item : page.items) {
            std::visit(overloaded{
                           [&](const GlyphRun& run) {
                               if (run.glyphs.empty()) {
                                   return;
                               }
                               open_content(item);
                               std::string fname = "/F" + std::to_string(run.font);
                               fonts.replaceKey(fname, font_objs[run.font]);
                               PdfCache::Impl::Face& face = cache.face(doc.fonts[run.font]);
                               c += "BT ";
                               std::string fill;
                               color(fill, run.color, false);
                               if (fill != fill_state) {
                                   c += fill;
                                   fill_state = fill;
                               }
                               c += fname + " ";
                               num(c, run.size);
                               c += "Tf 1 0 0 1 ";
                               num(c, run.origin.x + run.glyphs.front().dx);
                               num(c, H - run.origin.y);
                               c += "Tm ";
                               // A TJ for glyphs [a, b): the numbers move the pen from the font's
                               // width to the laid-out advance (justification, kerning).
                               auto tj = [&](std::size_t a, std::size_t b) {
                                   c += "[<";
                                   for (std::size_t i = a; i < b; ++i) {
                                       const Glyph& g = run.glyphs[i];
                                       hex4(c, g.id);
                                       double natural = face.width(g.id) * run.size / 1000.0;
                                       double next_dx = i + 1 < run.glyphs.size() ? run.glyphs[i + 1].dx : 0;
                                       double adj = (natural - (g.advance + next_dx - g.dx)) * 1000.0 / run.size;
                                       if (std::abs(adj) > 0.05 && i + 1 < run.glyphs.size()) {
                                           c += "> ";
                                           num(c, adj);
                                           c += "<";
                                       }
                                   }
                                   c += ">] TJ ";
                               };
                               // A word hyphenated at the line end reads whole: the hyphen stands
                               // for the word's rest, and the rest on the next line for nothing.
                               std::size_t n = run.glyphs.size();
                               std::size_t first = 0;
                               if (auto t = tails.find(&run); t != tails.end()) {
                                   while (first < n && run.glyphs[first].cluster < t->second) {
                                       ++first;
                                   }
                                   c += "/Span <</ActualText <FEFF>>> BDC ";
                                   tj(0, first);
                                   c += "EMC ";
                               }
                               if (auto h = heads.find(&run); h != heads.end() && n - first >= 1) {
                                   if (n - 1 > first) {
                                       tj(first, n - 1);
                                   }
                                   c += "/Span <</ActualText <FEFF" + utf16_hex(h->second) + ">>> BDC ";
                                   tj(n - 1, n);
                                   c += "EMC ";
                               } else if (first < n) {
                                   tj(first, n);
                               }
                               c += "ET\nEMC\n";
                           },
                           [&](const Rule& r) {
                               open_content(item);
                               color(c, r.color, true);
                               num(c, r.width);
                               c += "w 0 J ";
                               num(c, r.from.x), num(c, H - r.from.y);
                               c += "m ";
                               num(c, r.to.x), num(c, H - r.to.y);
                               c += "l S\nEMC\n";
                           },
                           [&](const Box& b) {
                               open_content(item);
                               if (b.filled) {
                                   std::string fill;
                                   color(fill, b.fill, false);
                                   if (fill != fill_state) {
                                       c += fill;
                                       fill_state = fill;
                                   }
                               }
                               if (b.stroke_width > 0) {
                                   color(c, b.stroke, true);
                                   num(c, b.stroke_width);
                                   c += "w ";
                               }
                               path_box(c, b.rect, b.radius, H);
                               c += b.filled && b.stroke_width > 0 ? "B\n" : b.filled ? "f\n" : "S\n";
                               c += "EMC\n";
                           },
                           [&](const Picture& p) {
                               const ImageData& img = doc.images.at(p.image);
                               const auto& ras = cache.raster(img);
                               if (ras.w == 0) {
                                   result.diagnostics.push_back(Diagnostic{Severity::error, nullptr, 0, "cannot decode picture `" + img.path + "`", {}});
                                   return;
                               }
                               std::string name = "/Im" + std::to_string(p.image);
                               auto it = image_objs.find(p.image);
                               if (it == image_objs.end()) {
                                   auto image = [&](const std::string& z, const char* space) {
                                       QPDFObjectHandle xo = flate_stream(pdf, z);
                                       QPDFObjectHandle d = xo.getDict();
                                       d.replaceKey("/Type", QPDFObjectHandle::newName("/XObject"));
                                       d.replaceKey("/Subtype", QPDFObjectHandle::newName("/Image"));
                                       d.replaceKey("/Width", QPDFObjectHandle::newInteger(ras.w));
                                       d.replaceKey("/Height", QPDFObjectHandle::newInteger(ras.h));
                                       d.replaceKey("/ColorSpace", QPDFObjectHandle::newName(space));
                                       d.replaceKey("/BitsPerComponent", QPDFObjectHandle::newInteger(8));
                                       return xo;
                                   };
                                   QPDFObjectHandle xo = image(ras.rgb, "/DeviceRGB");
                                   if (!ras.alpha.empty()) {
                                       xo.getDict().replaceKey("/SMask", image(ras.alpha, "/DeviceGray"));
                                   }
                                   it = image_objs.emplace(p.image, xo).first;
                               }
                               ++image_no;
                               xobjects.replaceKey(name, it->second);
                               open_content(item);
                               c += "q ";
                               num(c, p.rect.w), c += "0 0 ", num(c, p.rect.h), num(c, p.rect.x), num(c, H - p.rect.y - p.rect.h);
                               c += "cm " + name + " Do Q\nEMC\n";
                           },
                           [&](const Link& l) {
                               QPDFObjectHandle a = pdf.makeIndirectObject(QPDFObjectHandle::newDictionary());
                               a.replaceKey("/Type", QPDFObjectHandle::newName("/Annot"));
                               a.replaceKey("/Subtype", QPDFObjectHandle::newName("/Link"));
                               a.replaceKey("/Rect", QPDFObjectHandle::newArray(QPDFObjectHandle::Rectangle(
                                                         l.rect.x, H - l.rect.y - l.rect.h, l.rect.x + l.rect.w, H - l.rect.y)));
                               a.replaceKey("/Border", QPDFObjectHandle::parse("[0 0 0]"));
                               a.replaceKey("/Contents", text_string(l.uri));
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
                                   kids[node].push_back({seq, objr});
                                   first_seq[node] = std::min(first_seq[node], seq);
                                   ++seq;
                                   annot_parents.emplace_back(-1, elems[node]);
                                   a.replaceKey("/StructParent", QPDFObjectHandle::newInteger(static_cast<long long>(annot_parents.size()) - 1));
                               }
                           },
                       },
                       item.v);
        }
        QPDFObjectHandle resources = QPDFObjectHandle::newDictionary();
        resources.replaceKey("/Font", fonts);
        if (image_no > 0) {
            resources.replaceKey("/XObject", xobjects);
        }
        page_obj.replaceKey("/Resources", resources);
        page_obj.replaceKey("/Contents", QPDFObjectHandle::newStream(&pdf, c));
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
    // Annotations' StructParent keys follow the pages'.
    for (std::size_t i = 0; i < annot_parents.size(); ++i) {
        parent_tree_nums.appendItem(QPDFObjectHandle::newInteger(next_struct_parent + static_cast<int>(i)));
        parent_tree_nums.appendItem(annot_parents[i].second);
    }
    // (renumber the annotations now that the page keys are known)
    {
        std::size_t ai = 0;
        for (auto& p : page_objs) {
            if (!p.hasKey("/Annots")) {
                continue;
            }
            for (auto a : p.getKey("/Annots").aitems()) {
                if (a.hasKey("/StructParent")) {
                    a.replaceKey("/StructParent", QPDFObjectHandle::newInteger(next_struct_parent + static_cast<int>(ai++)));
                }
            }
        }
    }
    QPDFObjectHandle kids_arr = QPDFObjectHandle::newArray();
    for (auto& p : page_objs) {
        kids_arr.appendItem(p);
    }
    pages_obj.replaceKey("/Kids", kids_arr);
    pages_obj.replaceKey("/Count", QPDFObjectHandle::newInteger(static_cast<long long>(page_objs.size())));

    // Child elements take their place among their parent's kids by their first content.
    for (std::size_t i = doc.nodes.size(); i-- > 0;) {
        int parent = doc.nodes[i].parent;
        if (parent >= 0) {
            first_seq[static_cast<std::size_t>(parent)] = std::min(first_seq[static_cast<std::size_t>(parent)], first_seq[i]);
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
        // The element's page is that of its first content; marked content on that page is
        // named by its MCID alone, elsewhere by an MCR dictionary.
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
            arr.appendItem(k.page >= 0 && k.page == pg ? QPDFObjectHandle::newInteger(k.mcid) : k.obj);
        }
        elems[i].replaceKey("/K", arr.getArrayNItems() == 1 && arr.getArrayItem(0).isInteger() ? arr.getArrayItem(0) : arr);
    }
    tree_root.replaceKey("/Type", QPDFObjectHandle::newName("/StructTreeRoot"));
    tree_root.replaceKey("/K", doc.nodes.empty() ? QPDFObjectHandle::newArray() : QPDFObjectHandle::newArray({elems[0]}));
    QPDFObjectHandle ptree = pdf.makeIndirectObject(QPDFObjectHandle::newDictionary());
    ptree.replaceKey("/Nums", parent_tree_nums);
    tree_root.replaceKey("/ParentTree", ptree);
    tree_root.replaceKey("/ParentTreeNextKey",
                         QPDFObjectHandle::newInteger(next_struct_parent + static_cast<long long>(annot_parents.size())));

    // ---- catalog, metadata, outline ----
    const DocInfo& info = doc.info;
    root.replaceKey("/StructTreeRoot", tree_root);
    root.replaceKey("/MarkInfo", QPDFObjectHandle::parse("<< /Marked true >>"));
    root.replaceKey("/Lang", text_string(info.lang.empty() ? "en" : info.lang));
    root.replaceKey("/ViewerPreferences", QPDFObjectHandle::parse("<< /DisplayDocTitle true >>"));
    root.replaceKey("/PageLabels", QPDFObjectHandle::parse("<< /Nums [0 << /S /D >>] >>"));
    std::string date = pdf_date(info.date);
    std::string xmp =
        "<?xpacket begin=\"\xEF\xBB\xBF\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>\n"
        "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\"><rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">\n"
        "<rdf:Description rdf:about=\"\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\" xmlns:pdf=\"http://ns.adobe.com/pdf/1.3/\""
        " xmlns:xmp=\"http://ns.adobe.com/xap/1.0/\" xmlns:pdfuaid=\"http://www.aiim.org/pdfua/ns/id/\">\n"
        "<dc:title><rdf:Alt><rdf:li xml:lang=\"x-default\">" + xml_escape(info.title) + "</rdf:li></rdf:Alt></dc:title>\n"
        "<dc:creator><rdf:Seq><rdf:li>" + xml_escape(info.author) + "</rdf:li></rdf:Seq></dc:creator>\n"
        "<dc:description><rdf:Alt><rdf:li xml:lang=\"x-default\">" + xml_escape(info.subject) + "</rdf:li></rdf:Alt></dc:description>\n"
        "<pdf:Keywords>" + xml_escape(info.keywords) + "</pdf:Keywords>\n<pdf:Producer>handout</pdf:Producer>\n"
        "<xmp:CreatorTool>" + xml_escape(info.creator) + "</xmp:CreatorTool>\n<xmp:CreateDate>" + xml_escape(info.date) + "Z</xmp:CreateDate>\n"
        "<pdfuaid:part>1</pdfuaid:part>\n</rdf:Description>\n</rdf:RDF></x:xmpmeta>\n<?xpacket end=\"w\"?>";
    QPDFObjectHandle meta = QPDFObjectHandle::newStream(&pdf, xmp);
    meta.getDict().replaceKey("/Type", QPDFObjectHandle::newName("/Metadata"));
    meta.getDict().replaceKey("/Subtype", QPDFObjectHandle::newName("/XML"));
    root.replaceKey("/Metadata", meta);
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
    if (!doc.outline.empty()) {
        QPDFObjectHandle outlines = pdf.makeIndirectObject(QPDFObjectHandle::newDictionary());
        outlines.replaceKey("/Type", QPDFObjectHandle::newName("/Outlines"));
        std::vector<QPDFObjectHandle> stack{outlines};
        std::vector<QPDFObjectHandle> last_child{QPDFObjectHandle::newNull()};
        std::vector<int> counts{0};
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

    QPDFWriter w(pdf);
    w.setOutputMemory();
    w.setStreamDataMode(qpdf_s_compress);
    w.setObjectStreamMode(qpdf_o_generate);
    w.setDeterministicID(true);
    w.setMinimumPDFVersion("1.7");
    w.write();
    auto buf = w.getBufferSharedPointer();
    result.value = std::string(reinterpret_cast<const char*>(buf->getBuffer()), buf->getSize());
    return result;
}

}  // namespace handout
