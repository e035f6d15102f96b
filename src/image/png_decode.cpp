#include "image/png_decode.hpp"

#include <cstring>

namespace handout {

CairoSurfacePtr decode_png(const std::string& bytes) {
    struct Reader {
        const std::string* bytes;
        std::size_t pos;
    } reader{&bytes, 0};
    return CairoSurfacePtr(cairo_image_surface_create_from_png_stream(
        [](void* c, unsigned char* data, unsigned int length) {
            auto* rd = static_cast<Reader*>(c);
            if (length > rd->bytes->size() - rd->pos) {
                return CAIRO_STATUS_READ_ERROR;  // cut off
            }
            std::memcpy(data, rd->bytes->data() + rd->pos, length);
            rd->pos += length;
            return CAIRO_STATUS_SUCCESS;
        },
        &reader));
}

}  // namespace handout
