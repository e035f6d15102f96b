#include "render/cairo/jpeg_surface.hpp"

#include "image/jpeg_decode.hpp"

#include <cstring>

namespace handout {

cairo_surface_t* jpeg_surface(const std::shared_ptr<const std::string>& bytes) {
    auto decoded = decode_jpeg(*bytes);
    if (!decoded) {
        return cairo_image_surface_create(CAIRO_FORMAT_INVALID, 0, 0);
    }
    cairo_surface_t* surface = cairo_image_surface_create(CAIRO_FORMAT_RGB24, decoded->width, decoded->height);
    unsigned char* data = cairo_image_surface_get_data(surface);
    int stride = cairo_image_surface_get_stride(surface);
    for (int y = 0; y < decoded->height; ++y) {
        std::memcpy(data + static_cast<std::ptrdiff_t>(y) * stride, decoded->pixels.data() + static_cast<std::size_t>(y) * static_cast<std::size_t>(decoded->width),
                    static_cast<std::size_t>(decoded->width) * 4);
    }
    cairo_surface_mark_dirty(surface);
    // Cairo's PDF surface then embeds the JPEG itself.
    auto* keep = new std::shared_ptr<const std::string>(bytes);
    cairo_surface_set_mime_data(surface, CAIRO_MIME_TYPE_JPEG, reinterpret_cast<const unsigned char*>(bytes->data()), bytes->size(),
                                [](void* p) { delete static_cast<std::shared_ptr<const std::string>*>(p); }, keep);
    return surface;
}

}  // namespace handout
