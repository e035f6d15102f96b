#include "render/cairo/render_cairo.hpp"

#include "core/cairo_ptr.hpp"
#include "core/fc_ptr.hpp"
#include "core/glib_ptr.hpp"
#include "core/overloaded.hpp"
#include "image/png_decode.hpp"
#include "image/rsvg_lazy.hpp"
#include "pages/hyphen_joins.hpp"
#include "render/cairo/jpeg_surface.hpp"

#include <cairo-ft.h>
#include <cairo-pdf.h>
#include <harfbuzz/hb.h>
#include <pango/pango.h>

#include <charconv>
#include <cmath>
#include <map>
#include <unordered_map>

namespace handout {

namespace {

using SurfacePtr = CairoSurfacePtr;
using FontFacePtr = CairoFontFacePtr;
using FontOptionsPtr = CairoFontOptionsPtr;
using PatternPtr = FcPatternPtr;

std::string num(double v) {
    char buf[32];
    auto r = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed, 3);
    return std::string(buf, r.ptr);
}

}  // namespace

struct CairoCache::Impl {
    std::map<std::pair<std::string, int>, FontFacePtr> faces;
    /// Keyed by the shared bytes: the same picture in every document of a batch.
    std::map<const std::string*, SurfacePtr> pngs;  ///< PNG and JPEG pictures, decoded
    std::map<const std::string*, GObjectPtr<RsvgHandle>> svgs;
    std::vector<std::shared_ptr<const std::string>> keep_alive;  ///< the keys stay valid

    cairo_font_face_t* face(const FontRef& f) {
        auto key = std::make_pair(f.file, f.index);
        auto it = faces.find(key);
        if (it != faces.end()) {
            return it->second.get();
        }
        // Cairo loads FC_FILE/FC_INDEX directly; no fontconfig matching happens here.
        PatternPtr pat(FcPatternCreate());
        FcPatternAddString(pat.get(), FC_FILE, reinterpret_cast<const FcChar8*>(f.file.c_str()));
        FcPatternAddInteger(pat.get(), FC_INDEX, f.index);
        FcPatternAddBool(pat.get(), FC_HINTING, FcFalse);
        return faces.emplace(key, FontFacePtr(cairo_ft_font_face_create_for_pattern(pat.get()))).first->second.get();
    }
};

CairoCache::CairoCache() : m_impl(std::make_unique<Impl>()) {}
CairoCache::~CairoCache() = default;

namespace {

/// The document's fonts, by its font ids.
class FontFaces {
public:
    FontFaces(const std::vector<FontRef>& fonts, CairoCache::Impl& cache) {
        for (const auto& f : fonts) {
            m_faces.push_back(cache.face(f));
        }
    }
    cairo_font_face_t* operator[](std::size_t i) const { return m_faces.at(i); }

private:
    std::vector<cairo_font_face_t*> m_faces;  ///< owned by the cache
};

void set_color(cairo_t* cr, const Color& c) {
    cairo_set_source_rgb(cr, c.r, c.g, c.b);
}

void rounded_rect(cairo_t* cr, const Rect& r, double radius) {
    if (radius <= 0) {
        cairo_rectangle(cr, r.x, r.y, r.w, r.h);
        return;
    }
    double rr = std::min(radius, std::min(r.w, r.h) / 2);
    cairo_new_sub_path(cr);
    cairo_arc(cr, r.x + r.w - rr, r.y + rr, rr, -M_PI / 2, 0);
    cairo_arc(cr, r.x + r.w - rr, r.y + r.h - rr, rr, 0, M_PI / 2);
    cairo_arc(cr, r.x + rr, r.y + r.h - rr, rr, M_PI / 2, M_PI);
    cairo_arc(cr, r.x + rr, r.y + rr, rr, M_PI, 3 * M_PI / 2);
    cairo_close_path(cr);
}

void draw_glyphs(cairo_t* cr, const GlyphRun& run, const FontFaces& faces, bool with_text) {
    if (run.glyphs.empty()) {
        return;
    }
    cairo_set_font_face(cr, faces[run.font]);
    cairo_set_font_size(cr, run.size);
    set_color(cr, run.color);
    std::vector<cairo_glyph_t> glyphs;
    glyphs.reserve(run.glyphs.size());
    double pen = run.origin.x;
    for (const auto& g : run.glyphs) {
        glyphs.push_back(cairo_glyph_t{g.id, pen + g.dx, run.origin.y + g.dy});
        pen += g.advance;
    }
    if (!with_text) {
        cairo_show_glyphs(cr, glyphs.data(), static_cast<int>(glyphs.size()));
        return;
    }
    // Spaces Pango blanked at the line end are not text of the last glyph.
    std::string_view text = run.text;
    while (text.size() > run.glyphs.back().cluster + 1 && text.back() == ' ') {
        text.remove_suffix(1);
    }
    // Clusters: consecutive glyphs sharing a text offset form one cluster; its bytes run to
    // the next cluster's offset. Text before the first glyph's offset joins the first cluster.
    std::vector<cairo_text_cluster_t> clusters;
    if (run.rtl) {
        // Right to left: the text runs forward while the glyphs (in visual order) are taken
        // from the end, cluster by cluster.
        std::size_t k = run.glyphs.size();
        while (k > 0) {
            std::size_t j = k;
            while (j > 0 && run.glyphs[j - 1].cluster == run.glyphs[k - 1].cluster) {
                --j;
            }
            std::size_t begin = k == run.glyphs.size() ? 0 : run.glyphs[k - 1].cluster;
            std::size_t end = j > 0 ? run.glyphs[j - 1].cluster : text.size();
            begin = std::min(begin, text.size());
            end = std::max(begin, std::min(end, text.size()));
            clusters.push_back(cairo_text_cluster_t{static_cast<int>(end - begin), static_cast<int>(k - j)});
            k = j;
        }
        cairo_show_text_glyphs(cr, text.data(), static_cast<int>(text.size()), glyphs.data(), static_cast<int>(glyphs.size()),
                               clusters.data(), static_cast<int>(clusters.size()), CAIRO_TEXT_CLUSTER_FLAG_BACKWARD);
        return;
    }
    std::size_t i = 0;
    while (i < run.glyphs.size()) {
        std::size_t j = i;
        while (j < run.glyphs.size() && run.glyphs[j].cluster == run.glyphs[i].cluster) {
            ++j;
        }
        std::size_t begin = i == 0 ? 0 : run.glyphs[i].cluster;
        std::size_t end = j < run.glyphs.size() ? run.glyphs[j].cluster : text.size();
        begin = std::min(begin, text.size());
        end = std::max(begin, std::min(end, text.size()));
        clusters.push_back(cairo_text_cluster_t{static_cast<int>(end - begin), static_cast<int>(j - i)});
        i = j;
    }
    // Glyphs with no text left (the rest of a hyphenated word, read with its first half) form
    // clusters of zero bytes.
    cairo_show_text_glyphs(cr, text.data(), static_cast<int>(text.size()), glyphs.data(),
                           static_cast<int>(glyphs.size()), clusters.data(), static_cast<int>(clusters.size()),
                           static_cast<cairo_text_cluster_flags_t>(0));
}

std::string escape_attr(const std::string& s) {
    std::string out;
    for (char c : s) {
        if (c == '\'' || c == '\\') {
            out += '\\';
        }
        out += c;
    }
    return out;
}

using TextOverrides = std::unordered_map<const GlyphRun*, GlyphRun>;

/// Cairo has no ActualText of its own, so a word hyphenated at a line end would extract as
/// two pieces. Give the hyphen the text of the word's second half and let that half's
/// glyphs carry no text: extraction and copy-paste then read the word whole.
TextOverrides rejoin_hyphenated_words(const Pages& pages) {
    TextOverrides out;
    for (const auto& j : hyphen_joins(pages)) {
        GlyphRun head = out.count(j.head) != 0 ? out[j.head] : *j.head;
        head.text.resize(head.text.size() - 2);
        head.text += j.tail->text.substr(0, j.tail_bytes);
        GlyphRun rest = out.count(j.tail) != 0 ? out[j.tail] : *j.tail;
        rest.text.erase(0, j.tail_bytes);
        for (auto& g : rest.glyphs) {
            g.cluster = g.cluster < j.tail_bytes ? 0 : static_cast<std::uint32_t>(g.cluster - j.tail_bytes);
        }
        out[j.head] = std::move(head);
        out[j.tail] = std::move(rest);
    }
    return out;
}

/// Draws one page; `pdf` enables text clusters and link annotations.
void draw_page(cairo_t* cr, const Page& page, const Pages& doc, const FontFaces& faces, CairoCache::Impl& cache, bool pdf,
               const TextOverrides& overrides, Diagnostics& diags) {
    for (const auto& item : page.items) {
        std::visit(Overloaded{
                       [&](const GlyphRun& run) {
                           auto it = overrides.find(&run);
                           draw_glyphs(cr, it != overrides.end() ? it->second : run, faces, pdf);
                       },
                       [&](const Rule& r) {
                           set_color(cr, r.color);
                           cairo_set_line_width(cr, r.width);
                           cairo_set_line_cap(cr, CAIRO_LINE_CAP_BUTT);
                           cairo_move_to(cr, r.from.x, r.from.y);
                           cairo_line_to(cr, r.to.x, r.to.y);
                           cairo_stroke(cr);
                       },
                       [&](const Box& b) {
                           rounded_rect(cr, b.rect, b.radius);
                           if (b.filled) {
                               set_color(cr, b.fill);
                               if (b.stroke_width > 0) {
                                   cairo_fill_preserve(cr);
                               } else {
                                   cairo_fill(cr);
                               }
                           }
                           if (b.stroke_width > 0) {
                               set_color(cr, b.stroke);
                               cairo_set_line_width(cr, b.stroke_width);
                               cairo_stroke(cr);
                           }
                           cairo_new_path(cr);
                       },
                       [&](const Picture& p) {
                           const ImageData& img = doc.images.at(p.image);
                           const std::string* key = img.bytes.get();
                           cairo_save(cr);
                           if (img.kind != ImageData::Kind::svg) {
                               auto it = cache.pngs.find(key);
                               if (it == cache.pngs.end()) {
                                   SurfacePtr decoded = img.kind == ImageData::Kind::jpeg ? SurfacePtr(jpeg_surface(img.bytes))
                                                                                          : decode_png(*key);
                                   it = cache.pngs.emplace(key, std::move(decoded)).first;
                                   cache.keep_alive.push_back(img.bytes);
                               }
                               cairo_surface_t* s = it->second.get();
                               if (cairo_surface_status(s) != CAIRO_STATUS_SUCCESS) {
                                   diags.push_back(Diagnostic{Severity::error, nullptr, 0, "cannot decode picture `" + img.path + "`", {}});
                               } else {
                                   double sw = cairo_image_surface_get_width(s);
                                   double sh = cairo_image_surface_get_height(s);
                                   cairo_translate(cr, p.rect.x, p.rect.y);
                                   cairo_scale(cr, p.rect.w / sw, p.rect.h / sh);
                                   cairo_set_source_surface(cr, s, 0, 0);
                                   cairo_paint(cr);
                               }
                           } else {
                               auto it = cache.svgs.find(key);
                               if (it == cache.svgs.end()) {
                                   const RsvgApi* rsvg = rsvg_api();
                                   GObjectPtr<RsvgHandle> h(rsvg == nullptr ? nullptr : rsvg->new_from_data(reinterpret_cast<const guint8*>(key->data()), key->size(), nullptr));
                                   it = cache.svgs.emplace(key, std::move(h)).first;
                                   cache.keep_alive.push_back(img.bytes);
                               }
                               if (it->second == nullptr) {
                                   diags.push_back(Diagnostic{Severity::error, nullptr, 0, "cannot read SVG `" + img.path + "`", {}});
                               } else {
                                   RsvgRectangle viewport{p.rect.x, p.rect.y, p.rect.w, p.rect.h};
                                   rsvg_api()->render_document(it->second.get(), cr, &viewport, nullptr);
                               }
                           }
                           cairo_restore(cr);
                       },
                       [&](const Link& l) {
                           if (!pdf) {
                               return;
                           }
                           std::string attrs = "rect=[" + num(l.rect.x) + " " + num(l.rect.y) + " " + num(l.rect.w) + " " +
                                               num(l.rect.h) + "] uri='" + escape_attr(l.uri) + "'";
                           cairo_tag_begin(cr, CAIRO_TAG_LINK, attrs.c_str());
                           cairo_tag_end(cr, CAIRO_TAG_LINK);
                       },
                   },
                   item.v);
    }
}

cairo_status_t append_bytes(void* closure, const unsigned char* data, unsigned int length) {
    static_cast<std::string*>(closure)->append(reinterpret_cast<const char*>(data), length);
    return CAIRO_STATUS_SUCCESS;
}

void set_text_options(cairo_t* cr) {
    FontOptionsPtr opts(cairo_font_options_create());
    cairo_font_options_set_hint_style(opts.get(), CAIRO_HINT_STYLE_NONE);
    cairo_font_options_set_hint_metrics(opts.get(), CAIRO_HINT_METRICS_OFF);
    cairo_font_options_set_antialias(opts.get(), CAIRO_ANTIALIAS_GRAY);
    cairo_set_font_options(cr, opts.get());
}

}  // namespace

std::string cairo_engine_version() {
    return std::string("cairo ") + cairo_version_string() + ", pango " + pango_version_string() + ", harfbuzz " +
           hb_version_string();
}

Result<std::string> render_pdf_cairo(const Pages& pages, CairoCache* shared) {
    Result<std::string> r;
    std::unique_ptr<CairoCache> own;
    if (shared == nullptr) {
        own = std::make_unique<CairoCache>();
        shared = own.get();
    }
    CairoCache::Impl& cache = shared->impl();
    std::string out;
    double w0 = pages.pages.empty() ? 612 : pages.pages[0].width;
    double h0 = pages.pages.empty() ? 792 : pages.pages[0].height;
    {
        SurfacePtr surface(cairo_pdf_surface_create_for_stream(append_bytes, &out, w0, h0));
        cairo_pdf_surface_restrict_to_version(surface.get(), CAIRO_PDF_VERSION_1_5);
        const DocInfo& info = pages.info;
        cairo_pdf_surface_set_metadata(surface.get(), CAIRO_PDF_METADATA_TITLE, info.title.c_str());
        cairo_pdf_surface_set_metadata(surface.get(), CAIRO_PDF_METADATA_AUTHOR, info.author.c_str());
        cairo_pdf_surface_set_metadata(surface.get(), CAIRO_PDF_METADATA_SUBJECT, info.subject.c_str());
        cairo_pdf_surface_set_metadata(surface.get(), CAIRO_PDF_METADATA_KEYWORDS, info.keywords.c_str());
        cairo_pdf_surface_set_metadata(surface.get(), CAIRO_PDF_METADATA_CREATOR, info.creator.c_str());
        cairo_pdf_surface_set_metadata(surface.get(), CAIRO_PDF_METADATA_CREATE_DATE, info.date.c_str());
        cairo_pdf_surface_set_metadata(surface.get(), CAIRO_PDF_METADATA_MOD_DATE, info.date.c_str());
        FontFaces faces(pages.fonts, cache);
        TextOverrides overrides = rejoin_hyphenated_words(pages);
        CairoPtr cr(cairo_create(surface.get()));
        set_text_options(cr.get());
        // The outline: level-1 entries at the root, deeper ones under the latest shallower one.
        std::vector<int> parents{CAIRO_PDF_OUTLINE_ROOT};
        for (const auto& o : pages.outline) {
            while (static_cast<int>(parents.size()) > o.level) {
                parents.pop_back();
            }
            while (static_cast<int>(parents.size()) < o.level) {
                parents.push_back(parents.back());
            }
            std::string dest = "page=" + std::to_string(o.page + 1) + " pos=[0 " + num(o.y) + "]";
            int id = cairo_pdf_surface_add_outline(surface.get(), parents.back(), o.title.c_str(), dest.c_str(),
                                                   static_cast<cairo_pdf_outline_flags_t>(CAIRO_PDF_OUTLINE_FLAG_OPEN));
            parents.push_back(id);
        }
        for (const auto& page : pages.pages) {
            cairo_pdf_surface_set_size(surface.get(), page.width, page.height);
            draw_page(cr.get(), page, pages, faces, cache, true, overrides, r.diagnostics);
            cairo_show_page(cr.get());
        }
        cr.reset();
        cairo_surface_finish(surface.get());
        if (cairo_surface_status(surface.get()) != CAIRO_STATUS_SUCCESS) {
            r.diagnostics.push_back(Diagnostic{Severity::error, nullptr, 0,
                                               std::string("Cairo could not write the PDF: ") +
                                                   cairo_status_to_string(cairo_surface_status(surface.get())),
                                               {}});
            return r;
        }
    }
    r.value = std::move(out);
    return r;
}

Result<std::vector<std::string>> render_png_cairo(const Pages& pages, double dpi, CairoCache* shared) {
    Result<std::vector<std::string>> r;
    std::unique_ptr<CairoCache> own;
    if (shared == nullptr) {
        own = std::make_unique<CairoCache>();
        shared = own.get();
    }
    CairoCache::Impl& cache = shared->impl();
    std::vector<std::string> out;
    FontFaces faces(pages.fonts, cache);
    const double scale = dpi / 72.0;
    for (const auto& page : pages.pages) {
        int w = static_cast<int>(std::lround(page.width * scale));
        int h = static_cast<int>(std::lround(page.height * scale));
        SurfacePtr surface(cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h));
        CairoPtr cr(cairo_create(surface.get()));
        cairo_set_source_rgb(cr.get(), 1, 1, 1);
        cairo_paint(cr.get());
        cairo_scale(cr.get(), scale, scale);
        set_text_options(cr.get());
        draw_page(cr.get(), page, pages, faces, cache, false, {}, r.diagnostics);
        cr.reset();
        std::string png;
        cairo_surface_write_to_png_stream(surface.get(), append_bytes, &png);
        out.push_back(std::move(png));
    }
    r.value = std::move(out);
    return r;
}

}  // namespace handout
