#include "render/haru/render_haru.hpp"

#include "core/overloaded.hpp"
#include "render/haru/haru_cache.hpp"
#include "render/haru/haru_raw.hpp"
#include "render/haru/haru_text.hpp"

#include <hpdf.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <optional>
#include <unordered_map>
#include <vector>

namespace handout {

namespace {

void on_error(HPDF_STATUS error, HPDF_STATUS detail, void* user) {
    auto* errors = static_cast<HaruErrors*>(user);
    if (errors->error == 0) {  // the first: later ones follow from it
        errors->error = error;
        errors->detail = detail;
        errors->where = errors->doing;
    }
}

std::string hex(HPDF_STATUS v) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "0x%04X", static_cast<unsigned>(v));
    return buf;
}

HPDF_REAL real(double v) { return static_cast<HPDF_REAL>(v); }

/// ISO 8601 ("2026-11-01T00:00:00Z") as libharu's date; nothing when it does not read.
std::optional<HPDF_Date> haru_date(const std::string& iso) {
    HPDF_Date d{};
    int y = 0, mo = 0, da = 0, h = 0, mi = 0, s = 0;
    if (std::sscanf(iso.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d", &y, &mo, &da, &h, &mi, &s) < 3) {
        return std::nullopt;
    }
    d.year = y;
    d.month = mo;
    d.day = da;
    d.hour = h;
    d.minutes = mi;
    d.seconds = s;
    d.ind = 'Z';
    return d;
}

/// Where a rectangle from the top-left (y down) sits in PDF space (y up).
HPDF_Rect pdf_rect(const Rect& r, double page_height) {
    return HPDF_Rect{real(r.x), real(page_height - r.y - r.h), real(r.x + r.w), real(page_height - r.y)};
}

/// A rectangle's path, its corners rounded by `radius` (quarter circles as Bézier curves).
void box_path(HPDF_Page page, const Rect& r, double radius, double page_height) {
    const double x0 = r.x, x1 = r.x + r.w, y0 = page_height - r.y - r.h, y1 = page_height - r.y;
    const double rr = std::min(radius, std::min(r.w, r.h) / 2);
    if (rr <= 0) {
        HPDF_Page_Rectangle(page, real(x0), real(y0), real(r.w), real(r.h));
        return;
    }
    const double k = rr * 0.5522847498;  // control distance for a quarter circle
    HPDF_Page_MoveTo(page, real(x0 + rr), real(y0));
    HPDF_Page_LineTo(page, real(x1 - rr), real(y0));
    HPDF_Page_CurveTo(page, real(x1 - rr + k), real(y0), real(x1), real(y0 + rr - k), real(x1), real(y0 + rr));
    HPDF_Page_LineTo(page, real(x1), real(y1 - rr));
    HPDF_Page_CurveTo(page, real(x1), real(y1 - rr + k), real(x1 - rr + k), real(y1), real(x1 - rr), real(y1));
    HPDF_Page_LineTo(page, real(x0 + rr), real(y1));
    HPDF_Page_CurveTo(page, real(x0 + rr - k), real(y1), real(x0), real(y1 - rr + k), real(x0), real(y1 - rr));
    HPDF_Page_LineTo(page, real(x0), real(y0 + rr));
    HPDF_Page_CurveTo(page, real(x0), real(y0 + rr - k), real(x0 + rr - k), real(y0), real(x0 + rr), real(y0));
    HPDF_Page_ClosePath(page);
}

const char* item_kind(const Item& item) {
    return std::visit(Overloaded{[](const GlyphRun&) { return "text"; }, [](const Rule&) { return "rule"; },
                                 [](const Box&) { return "box"; }, [](const Picture&) { return "picture"; },
                                 [](const Link&) { return "link"; }},
                      item.v);
}

/// One document through the worker's libharu object.
class HaruDocument {
public:
    HaruDocument(const Pages& pages, HaruCache::Impl& cache, SourcePtr content)
        : m_doc(pages), m_cache(cache), m_pdf(cache.doc), m_content(std::move(content)) {}

    Result<std::string> render() {
        Result<std::string> r;
        if (auto problem = first_unshaped()) {
            r.diagnostics.push_back(std::move(*problem));
            return r;
        }
        HaruErrors& errors = m_cache.errors;
        HPDF_ResetError(m_pdf);
        errors = HaruErrors{};
        errors.doing = "starting the document";
        if (HPDF_NewDoc(m_pdf) == HPDF_OK) {
            HPDF_SetCompressionMode(m_pdf, HPDF_COMP_ALL);
            HPDF_SetCurrentEncoder(m_pdf, "UTF-8");
            write_info();
            for (std::size_t i = 0; i < m_doc.pages.size() && errors.error == 0; ++i) {
                write_page(i);
            }
            errors.doing = "writing the outline";
            write_outline();
            errors.doing = "writing the document";
            HPDF_AddPageLabel(m_pdf, 0, HPDF_PAGE_NUM_STYLE_DECIMAL, 1, nullptr);
            HPDF_SetViewerPreference(m_pdf, HPDF_PRINT_SCALING_NONE);  // print at actual size
            if (!m_doc.info.lang.empty()) {
                haru::set_lang(m_pdf, m_doc.info.lang);
            }
            if (errors.error == 0 && HPDF_SaveToStream(m_pdf) == HPDF_OK) {
                HPDF_UINT32 size = HPDF_GetStreamSize(m_pdf);
                std::string out(size, '\0');
                if (HPDF_ReadFromStream(m_pdf, reinterpret_cast<HPDF_BYTE*>(out.data()), &size) == HPDF_OK || size > 0) {
                    out.resize(size);
                    r.value = std::move(out);
                }
                HPDF_ResetStream(m_pdf);
            }
        }
        if (errors.error != 0 || !r.value) {
            r.value.reset();
            r.diagnostics.push_back(Diagnostic{Severity::error, nullptr, 0,
                                               "the haru engine failed: libharu error " + hex(errors.error) + " (detail " +
                                                   std::to_string(errors.detail) + ") while " + errors.where,
                                               {"render with the default engine (--engine handout) or --engine cairo"}});
        }
        HPDF_ResetError(m_pdf);  // the document stays until the next one starts (fonts load into it)
        return r;
    }

private:
    /// The first run libharu cannot draw as laid out, as an error at its place in the content.
    std::optional<Diagnostic> first_unshaped() {
        for (std::size_t p = 0; p < m_doc.pages.size(); ++p) {
            for (const Item& item : m_doc.pages[p].items) {
                const auto* run = std::get_if<GlyphRun>(&item.v);
                if (run == nullptr || run->glyphs.empty()) {
                    continue;
                }
                const FontRef& ref = m_doc.fonts.at(run->font);
                HaruCache::Impl::Font& font = m_cache.font(ref);
                std::string why = font.problem.empty() ? haru::unshaped_problem(*run, font) : font.problem;
                if (!why.empty()) {
                    std::string text = run->text;
                    if (text.size() > 40) {  // cut at a character's start
                        std::size_t n = 40;
                        while (n > 0 && (static_cast<unsigned char>(text[n]) & 0xC0) == 0x80) {
                            --n;
                        }
                        text = text.substr(0, n) + "…";
                    }
                    return Diagnostic{Severity::error, m_content, m_content ? std::min(run->source, m_content->text.size()) : 0,
                                      "the haru engine cannot draw the text “" + text + "” on page " + std::to_string(p + 1) +
                                          ": " + why,
                                      {"libharu 2.3 draws characters one by one, not shaped glyphs: the haru engine takes Latin, Greek and Cyrillic text in TrueType fonts",
                                       "render this document with the default engine (--engine handout) or --engine cairo"}};
                }
            }
        }
        return std::nullopt;
    }

    void write_info() {
        const DocInfo& info = m_doc.info;
        const std::pair<const char*, const std::string*> attrs[] = {
            {"Title", &info.title},       {"Author", &info.author},   {"Subject", &info.subject},
            {"Keywords", &info.keywords}, {"Creator", &info.creator}};
        for (const auto& [key, value] : attrs) {
            if (!value->empty()) {
                haru::set_text(m_pdf, haru::info(m_pdf), key, *value);
            }
        }
        if (auto date = haru_date(info.date)) {
            HPDF_SetInfoDateAttr(m_pdf, HPDF_INFO_CREATION_DATE, *date);
            HPDF_SetInfoDateAttr(m_pdf, HPDF_INFO_MOD_DATE, *date);
        }
    }

    /// The libharu font for the document's font `i`, made once a document (with a ToUnicode map
    /// readers accept).
    HPDF_Font font(std::uint32_t i) {
        if (m_fonts.size() <= i) {
            m_fonts.resize(i + 1, nullptr);
        }
        if (m_fonts[i] == nullptr) {
            const HaruCache::Impl::Font& f = m_cache.font(m_doc.fonts.at(i));
            m_fonts[i] = HPDF_GetFont(m_pdf, f.name.c_str(), "UTF-8");
            if (m_fonts[i] != nullptr) {
                haru::fix_to_unicode(m_fonts[i]);
            }
        }
        return m_fonts[i];
    }

    /// The libharu image for the document's picture `i`, made once a document; null when it
    /// cannot be.
    HPDF_Image image(std::uint32_t i) {
        auto it = m_images.find(i);
        if (it != m_images.end()) {
            return it->second;
        }
        const ImageData& img = m_doc.images.at(i);
        HPDF_Image made = nullptr;
        if (img.kind == ImageData::Kind::jpeg) {
            made = HPDF_LoadJpegImageFromMem(m_pdf, reinterpret_cast<const HPDF_BYTE*>(img.bytes->data()),
                                             static_cast<HPDF_UINT>(img.bytes->size()));
        } else if (const Pixels* px = m_cache.pixels(img)) {
            made = HPDF_LoadRawImageFromMem(m_pdf, reinterpret_cast<const HPDF_BYTE*>(px->rgb.data()), static_cast<HPDF_UINT>(px->w),
                                            static_cast<HPDF_UINT>(px->h), HPDF_CS_DEVICE_RGB, 8);
            if (made != nullptr && !px->alpha.empty()) {
                HPDF_Image mask = HPDF_LoadRawImageFromMem(m_pdf, reinterpret_cast<const HPDF_BYTE*>(px->alpha.data()),
                                                           static_cast<HPDF_UINT>(px->w), static_cast<HPDF_UINT>(px->h),
                                                           HPDF_CS_DEVICE_GRAY, 8);
                if (mask != nullptr) {
                    HPDF_Image_AddSMask(made, mask);
                }
            }
        }
        return m_images[i] = made;
    }

    void write_page(std::size_t index) {
        const Page& page = m_doc.pages[index];
        HaruErrors& errors = m_cache.errors;
        errors.doing = "starting page " + std::to_string(index + 1);
        HPDF_Page p = HPDF_AddPage(m_pdf);
        m_pages.push_back(p);
        if (p == nullptr) {
            return;
        }
        HPDF_Page_SetWidth(p, real(page.width));
        HPDF_Page_SetHeight(p, real(page.height));
        const double h = page.height;
        for (std::size_t k = 0; k < page.items.size() && errors.error == 0; ++k) {
            const Item& item = page.items[k];
            errors.doing = "drawing page " + std::to_string(index + 1) + ", item " + std::to_string(k + 1) + " (" + item_kind(item) + ")";
            std::visit(Overloaded{
                           [&](const GlyphRun& run) {
                               auto t = m_texts.find(&run);
                               haru::draw_run(p, font(run.font), m_cache.font(m_doc.fonts.at(run.font)), run, h,
                                              t != m_texts.end() ? t->second : haru::RunText{});
                           },
                           [&](const Rule& r) {
                               HPDF_Page_SetRGBStroke(p, real(r.color.r), real(r.color.g), real(r.color.b));
                               HPDF_Page_SetLineWidth(p, real(r.width));
                               HPDF_Page_SetLineCap(p, HPDF_BUTT_END);
                               HPDF_Page_MoveTo(p, real(r.from.x), real(h - r.from.y));
                               HPDF_Page_LineTo(p, real(r.to.x), real(h - r.to.y));
                               HPDF_Page_Stroke(p);
                           },
                           [&](const Box& b) {
                               bool stroke = b.stroke_width > 0;
                               if (!b.filled && !stroke) {
                                   return;
                               }
                               if (b.filled) {
                                   HPDF_Page_SetRGBFill(p, real(b.fill.r), real(b.fill.g), real(b.fill.b));
                               }
                               if (stroke) {
                                   HPDF_Page_SetRGBStroke(p, real(b.stroke.r), real(b.stroke.g), real(b.stroke.b));
                                   HPDF_Page_SetLineWidth(p, real(b.stroke_width));
                               }
                               box_path(p, b.rect, b.radius, h);
                               if (b.filled && stroke) {
                                   HPDF_Page_FillStroke(p);
                               } else if (b.filled) {
                                   HPDF_Page_Fill(p);
                               } else {
                                   HPDF_Page_Stroke(p);
                               }
                           },
                           [&](const Picture& pic) {
                               HPDF_Image img = image(pic.image);
                               if (img == nullptr) {
                                   if (errors.error == 0) {
                                       errors.error = HPDF_INVALID_IMAGE;
                                       errors.where = errors.doing + ": cannot draw the picture `" + m_doc.images.at(pic.image).path + "`";
                                   }
                                   return;
                               }
                               HPDF_Page_DrawImage(p, img, real(pic.rect.x), real(h - pic.rect.y - pic.rect.h), real(pic.rect.w),
                                                   real(pic.rect.h));
                           },
                           [&](const Link& l) {
                               HPDF_Annotation a = HPDF_Page_CreateURILinkAnnot(p, pdf_rect(l.rect, h), l.uri.c_str());
                               if (a != nullptr) {
                                   HPDF_LinkAnnot_SetBorderStyle(a, 0, 0, 0);
                               }
                           },
                       },
                       item.v);
        }
    }

    /// The outline: level-1 entries at the root, deeper ones under the latest shallower one.
    void write_outline() {
        std::vector<HPDF_Outline> parents{nullptr};
        for (const auto& o : m_doc.outline) {
            if (o.page < 0 || static_cast<std::size_t>(o.page) >= m_pages.size() || m_pages[o.page] == nullptr) {
                continue;
            }
            while (static_cast<int>(parents.size()) > o.level) {
                parents.pop_back();
            }
            while (static_cast<int>(parents.size()) < o.level) {
                parents.push_back(parents.back());
            }
            HPDF_Outline entry = HPDF_CreateOutline(m_pdf, parents.back(), "", nullptr);
            if (entry == nullptr) {
                return;
            }
            haru::set_text(m_pdf, entry, "Title", o.title);
            HPDF_Destination dest = HPDF_Page_CreateDestination(m_pages[o.page]);
            haru::set_xyz(m_pdf, dest, m_pages[o.page], 0, m_doc.pages[o.page].height - o.y);
            HPDF_Outline_SetDestination(entry, dest);
            HPDF_Outline_SetOpened(entry, HPDF_TRUE);
            parents.push_back(entry);
        }
    }

    const Pages& m_doc;
    HaruCache::Impl& m_cache;
    HPDF_Doc m_pdf;
    SourcePtr m_content;
    std::vector<HPDF_Font> m_fonts;
    std::map<std::uint32_t, HPDF_Image> m_images;
    std::vector<HPDF_Page> m_pages;
    std::unordered_map<const GlyphRun*, haru::RunText> m_texts = haru::hyphen_texts(m_doc);
};

}  // namespace

HaruCache::Impl::Impl() {
    doc = HPDF_New(on_error, &errors);
    if (doc != nullptr) {
        HPDF_UseUTFEncodings(doc);  // once: encoders, like fonts, outlive each document
    }
}

HaruCache::Impl::~Impl() {
    if (doc != nullptr) {
        HPDF_Free(doc);
    }
}

const Pixels* HaruCache::Impl::pixels(const ImageData& img) {
    const std::string* key = img.bytes.get();
    auto it = decoded.find(key);
    if (it == decoded.end()) {
        it = decoded.emplace(key, picture_pixels(img)).first;
        keep_alive.push_back(img.bytes);
    }
    return it->second ? &*it->second : nullptr;
}

HaruCache::HaruCache() : m_impl(std::make_unique<Impl>()) {}
HaruCache::~HaruCache() = default;

std::string haru_engine_version() { return std::string("libharu ") + HPDF_GetVersion(); }

Result<std::string> render_pdf_haru(const Pages& pages, HaruCache* shared, SourcePtr content) {
    std::unique_ptr<HaruCache> own;
    if (shared == nullptr) {
        own = std::make_unique<HaruCache>();
        shared = own.get();
    }
    HaruCache::Impl& cache = shared->impl();
    if (cache.doc == nullptr) {
        Result<std::string> r;
        r.diagnostics.push_back(Diagnostic{Severity::error, nullptr, 0, "the haru engine cannot start: libharu has no memory", {}});
        return r;
    }
    return HaruDocument(pages, cache, std::move(content)).render();
}

}  // namespace handout
