#include "render/pdf/pdf_images.hpp"

#include "core/cairo_ptr.hpp"
#include "core/glib_ptr.hpp"
#include "image/jpeg_header.hpp"
#include "image/picture_limits.hpp"
#include "image/rsvg_lazy.hpp"
#include "render/pdf/pdf_syntax.hpp"
#include "render/raster.hpp"

#include <cairo-pdf.h>
#include <cairo.h>
#include <qpdf/QPDFPageObjectHelper.hh>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <utility>

namespace handout {

namespace {

/// Pixels as the PDF holds them: deflated samples and, unless opaque, a deflated alpha.
void take_pixels(Pixels p, PdfCache::Impl::Raster& r) {
    r.w = p.w;
    r.h = p.h;
    r.samples = pdf::deflated(p.rgb);
    if (!p.alpha.empty()) {
        r.alpha = pdf::deflated(p.alpha);
    }
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
        if (auto pixels = picture_pixels(img)) {
            take_pixels(std::move(*pixels), r);
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
            CairoSurfacePtr surface(cairo_pdf_surface_create_for_stream(
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
