#include "render/raster.hpp"

#include "core/cairo_ptr.hpp"
#include "core/glib_ptr.hpp"
#include "image/picture_limits.hpp"
#include "image/png_decode.hpp"
#include "image/rsvg_lazy.hpp"

#include <cairo.h>

#include <algorithm>
#include <cmath>
#include <cstdint>

namespace handout {

namespace {

/// A vector picture becomes pixels, sized by svg_raster_size.
CairoSurfacePtr draw_svg(const ImageData& img) {
    const RsvgApi* rsvg = rsvg_api();
    if (rsvg == nullptr || !std::isfinite(img.width) || !std::isfinite(img.height)) {
        return nullptr;
    }
    const auto [w, h] = svg_raster_size(img.width, img.height);
    CairoSurfacePtr s(cairo_image_surface_create(CAIRO_FORMAT_ARGB32, w, h));
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

/// Cairo's premultiplied pixels → RGB samples and, unless opaque, an alpha channel.
Pixels take_pixels(cairo_surface_t* s) {
    Pixels r;
    r.w = cairo_image_surface_get_width(s);
    r.h = cairo_image_surface_get_height(s);
    bool has_alpha = cairo_image_surface_get_format(s) == CAIRO_FORMAT_ARGB32;
    int stride = cairo_image_surface_get_stride(s);
    const unsigned char* data = cairo_image_surface_get_data(s);
    std::string alpha;
    r.rgb.reserve(static_cast<std::size_t>(r.w * r.h * 3));
    bool opaque = true;
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
        r.alpha = std::move(alpha);
    }
    return r;
}

}  // namespace

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

std::optional<Pixels> picture_pixels(const ImageData& img) {
    CairoSurfacePtr s = img.kind == ImageData::Kind::png ? decode_png(*img.bytes) : draw_svg(img);
    if (!s || cairo_surface_status(s.get()) != CAIRO_STATUS_SUCCESS) {
        return std::nullopt;
    }
    return take_pixels(s.get());
}

}  // namespace handout
