#include "render/pdf/pdf_images.hpp"

#include "core/cairo_ptr.hpp"
#include "core/glib_ptr.hpp"
#include "image/jpeg_header.hpp"
#include "image/picture_limits.hpp"
#include "image/rsvg_lazy.hpp"
#include "render/pdf/pdf_syntax.hpp"

#include <cairo-pdf.h>
#include <cairo.h>
#include <qpdf/QPDFPageObjectHelper.hh>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <utility>

namespace handout {

namespace {

using SurfacePtr = CairoSurfacePtr;

SurfacePtr decode_png(const std::string& bytes) {
    struct Reader {
        const std::string* bytes;
        std::size_t pos;
    } reader{&bytes, 0};
    return SurfacePtr(cairo_image_surface_create_from_png_stream(
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
}

/// The pixel size of a vector picture of `width_pt` × `height_pt` drawn as pixels: 300 dpi of
/// its natural size, scaled down (aspect kept) to the picture limits when that is more —
/// max_picture_pixels (40 MP, over 25 × 17 in at 300 dpi: a page-sized print stays at 300 dpi
/// or more) and max_picture_side (Cairo's largest surface). The content's check held the SVG to
/// the limits in CSS pixels (96 dpi); at 300 dpi it may have nearly ten times as many.
std::pair<int, int> svg_raster_size(double width_pt, double height_pt) {
    double w = std::max(1.0, std::floor(width_pt / 72.0 * 300));
    double h = std::max(1.0, std::floor(height_pt / 72.0 * 300));
    const double side = static_cast<double>(max_picture_side), pixels = static_cast<double>(max_picture_pixels);
    const double fit = std::min({1.0, side / w, side / h, std::sqrt(pixels / (w * h))});
    if (fit < 1.0) {
        // Rounded down, but not a pixel short of a side limit through rounding error.
        w = std::clamp(std::floor(w * fit + 1e-6), 1.0, side);
        h = std::clamp(std::floor(h * fit + 1e-6), 1.0, side);
        while (w * h > pixels) {
            (w >= h ? w : h) -= 1;
        }
    }
    return {static_cast<int>(w), static_cast<int>(h)};
}

/// A vector picture becomes pixels (only when it cannot go in as vector graphics), sized by
/// svg_raster_size.
SurfacePtr draw_svg(const ImageData& img) {
    const RsvgApi* rsvg = rsvg_api();
    if (rsvg == nullptr || !std::isfinite(img.width) || !std::isfinite(img.height)) {
        return nullptr;
    }
    const auto [w, h] = svg_raster_size(img.width, img.height);
    SurfacePtr s(cairo_image_surface_create(CAIRO_FORMAT_ARGB32, w, h));
    if (cairo_surface_status(s.get()) != CAIRO_STATUS_SUCCESS) {
        return s;  // out of memory: the caller reports the picture it cannot draw
    }
    {
        CairoPtr cr(cairo_create(s.get()));
        GObjectPtr<RsvgHandle> handle(rsvg->new_from_data(reinterpret_cast<const guint8*>(img.bytes->data()), img.bytes->size(), nullptr));
        if (handle != nullptr) {
            RsvgRectangle vp{0, 0, static_cast<double>(w), static_cast<double>(h)};
            rsvg->render_document(handle.get(), cr.get(), &vp, nullptr);
        }
    }
    cairo_surface_flush(s.get());
    return s;
}

/// Cairo's premultiplied pixels → deflated RGB samples and, unless opaque, a deflated alpha.
void take_pixels(cairo_surface_t* s, PdfCache::Impl::Raster& r) {
    r.w = cairo_image_surface_get_width(s);
    r.h = cairo_image_surface_get_height(s);
    bool has_alpha = cairo_image_surface_get_format(s) == CAIRO_FORMAT_ARGB32;
    int stride = cairo_image_surface_get_stride(s);
    const unsigned char* data = cairo_image_surface_get_data(s);
    std::string rgb, alpha;
    rgb.reserve(static_cast<std::size_t>(r.w * r.h * 3));
    bool opaque = true;
    for (int y = 0; y < r.h; ++y) {
        const auto* row = reinterpret_cast<const std::uint32_t*>(data + y * stride);
        for (int x = 0; x < r.w; ++x) {
            std::uint32_t px = row[x];
            unsigned a = has_alpha ? (px >> 24) & 255 : 255;
            auto un = [&](unsigned c) { return a == 0 ? 0U : std::min(255U, (c * 255 + a / 2) / a); };  // unpremultiply
            rgb += static_cast<char>(un((px >> 16) & 255));
            rgb += static_cast<char>(un((px >> 8) & 255));
            rgb += static_cast<char>(un(px & 255));
            alpha += static_cast<char>(a);
            opaque = opaque && a == 255;
        }
    }
    if (!opaque) {
        r.alpha = pdf::deflated(alpha);
    }
    r.samples = pdf::deflated(rgb);
    r.components = 3;
}

}  // namespace

const PdfCache::Impl::Raster& PdfCache::Impl::raster(const ImageData& img) {
    const std::string* key = img.bytes.get();
    auto it = images.find(key);
    if (it != images.end()) {
        return it->second;
    }
    Raster r;
    if (img.kind == ImageData::Kind::jpeg) {
        if (auto h = read_jpeg_header(*key)) {  // decoded whole when the content was read
            r.w = h->width;
            r.h = h->height;
            r.components = h->components;
            r.jpeg = true;
            r.inverted = h->adobe && h->components == 4;
            r.samples = *key;
        }
    } else {
        SurfacePtr s = img.kind == ImageData::Kind::png ? decode_png(*key) : draw_svg(img);
        if (s && cairo_surface_status(s.get()) == CAIRO_STATUS_SUCCESS) {
            take_pixels(s.get(), r);
        }
    }
    keep_alive.push_back(img.bytes);
    return images.emplace(key, std::move(r)).first->second;
}

const PdfCache::Impl::Vector& PdfCache::Impl::vector(const ImageData& img) {
    const std::string* key = img.bytes.get();
    auto it = vectors.find(key);
    if (it != vectors.end()) {
        return it->second;
    }
    // The form from a drawing; false when its PDF does not read.
    auto load = [&](SvgRecord record, Vector& v) {
        try {
            v.bytes = std::make_shared<std::string>(std::move(record.pdf));
            v.source = std::make_unique<QPDF>();
            v.source->setSuppressWarnings(true);
            v.source->processMemoryFile(img.path.c_str(), v.bytes->data(), v.bytes->size());
            auto pages = v.source->getAllPages();
            if (pages.empty()) {
                return false;
            }
            v.form = QPDFPageObjectHelper(pages.front()).getFormXObjectForPage();
            v.width = record.width;
            v.height = record.height;
            return true;
        } catch (const std::exception&) {
            return false;
        }
    };
    Vector v;
    // An earlier run's drawing first: no librsvg. A damaged one is drawn again and replaced.
    std::optional<SvgRecord> cached = svg_store != nullptr ? svg_store->find(*key) : std::nullopt;
    bool loaded = cached && load(std::move(*cached), v);
    const RsvgApi* rsvg = loaded ? nullptr : rsvg_api();
    GObjectPtr<RsvgHandle> handle(rsvg == nullptr ? nullptr : rsvg->new_from_data(reinterpret_cast<const guint8*>(key->data()), key->size(), nullptr));
    if (handle != nullptr) {
        SvgRecord drawn{img.width, img.height, {}};
        bool ok = false;
        {
            SurfacePtr surface(cairo_pdf_surface_create_for_stream(
                [](void* closure, const unsigned char* data, unsigned int length) {
                    static_cast<std::string*>(closure)->append(reinterpret_cast<const char*>(data), length);
                    return CAIRO_STATUS_SUCCESS;
                },
                &drawn.pdf, img.width, img.height));
            {
                CairoPtr cr(cairo_create(surface.get()));
                RsvgRectangle vp{0, 0, img.width, img.height};
                rsvg->render_document(handle.get(), cr.get(), &vp, nullptr);
            }
            cairo_surface_finish(surface.get());
            ok = cairo_surface_status(surface.get()) == CAIRO_STATUS_SUCCESS;
        }
        v = Vector{};
        if (ok && load(drawn, v)) {
            if (svg_store != nullptr) {
                svg_store->store(*key, drawn);
            }
        } else {
            v = Vector{};  // the picture goes in as pixels
        }
    }
    keep_alive.push_back(img.bytes);
    return vectors.emplace(key, std::move(v)).first->second;
}

namespace pdf {

QPDFObjectHandle image_xobject(QPDF& pdf, const PdfCache::Impl::Raster& r) {
    auto image = [&](const std::string& data, const char* filter, int components) {
        QPDFObjectHandle xo = QPDFObjectHandle::newStream(&pdf);
        xo.replaceStreamData(data, QPDFObjectHandle::newName(filter), QPDFObjectHandle::newNull());
        QPDFObjectHandle d = xo.getDict();
        d.replaceKey("/Type", QPDFObjectHandle::newName("/XObject"));
        d.replaceKey("/Subtype", QPDFObjectHandle::newName("/Image"));
        d.replaceKey("/Width", QPDFObjectHandle::newInteger(r.w));
        d.replaceKey("/Height", QPDFObjectHandle::newInteger(r.h));
        d.replaceKey("/ColorSpace", QPDFObjectHandle::newName(components == 1 ? "/DeviceGray" : components == 4 ? "/DeviceCMYK" : "/DeviceRGB"));
        d.replaceKey("/BitsPerComponent", QPDFObjectHandle::newInteger(8));
        return xo;
    };
    QPDFObjectHandle xo = image(r.samples, r.jpeg ? "/DCTDecode" : "/FlateDecode", r.components);
    if (r.inverted) {
        // Adobe's CMYK JPEGs store inverted samples.
        xo.getDict().replaceKey("/Decode", QPDFObjectHandle::parse("[1 0 1 0 1 0 1 0]"));
    }
    if (!r.alpha.empty()) {
        xo.getDict().replaceKey("/SMask", image(r.alpha, "/FlateDecode", 1));
    }
    return xo;
}

}  // namespace pdf
}  // namespace handout
