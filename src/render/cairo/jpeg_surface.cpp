#include "render/cairo/jpeg_surface.hpp"

#include <csetjmp>
#include <cstdio>
#include <jpeglib.h>

namespace handout {

namespace {

struct ErrorManager {
    jpeg_error_mgr base;
    std::jmp_buf jump;
};

}  // namespace

cairo_surface_t* jpeg_surface(const std::shared_ptr<const std::string>& bytes) {
    jpeg_decompress_struct info{};
    ErrorManager err{};
    info.err = jpeg_std_error(&err.base);
    err.base.error_exit = [](j_common_ptr c) { std::longjmp(reinterpret_cast<ErrorManager*>(c->err)->jump, 1); };
    err.base.output_message = [](j_common_ptr) {};  // no warnings on stderr
    cairo_surface_t* surface = nullptr;
    if (setjmp(err.jump) != 0) {
        jpeg_destroy_decompress(&info);
        if (surface != nullptr) {
            cairo_surface_destroy(surface);
        }
        return cairo_image_surface_create(CAIRO_FORMAT_INVALID, 0, 0);
    }
    jpeg_create_decompress(&info);
    jpeg_mem_src(&info, reinterpret_cast<const unsigned char*>(bytes->data()), static_cast<unsigned long>(bytes->size()));
    jpeg_read_header(&info, TRUE);
    bool cmyk = info.jpeg_color_space == JCS_CMYK || info.jpeg_color_space == JCS_YCCK;
    info.out_color_space = cmyk ? JCS_CMYK : JCS_EXT_BGRX;  // BGRX is Cairo's RGB24 on little-endian machines
    jpeg_start_decompress(&info);
    auto w = static_cast<int>(info.output_width);
    auto h = static_cast<int>(info.output_height);
    surface = cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h);
    unsigned char* data = cairo_image_surface_get_data(surface);
    int stride = cairo_image_surface_get_stride(surface);
    std::string cmyk_row(cmyk ? static_cast<std::size_t>(w) * 4 : 0, '\0');
    bool inverted = info.saw_Adobe_marker != 0;
    while (info.output_scanline < info.output_height) {
        unsigned char* row = data + static_cast<std::ptrdiff_t>(info.output_scanline) * stride;
        if (!cmyk) {
            jpeg_read_scanlines(&info, &row, 1);
            continue;
        }
        auto* in = reinterpret_cast<unsigned char*>(cmyk_row.data());
        jpeg_read_scanlines(&info, &in, 1);
        auto* out = reinterpret_cast<std::uint32_t*>(row);
        for (int x = 0; x < w; ++x) {
            unsigned k4[4];
            for (int i = 0; i < 4; ++i) {
                k4[i] = inverted ? in[x * 4 + i] : 255U - in[x * 4 + i];  // now: 255 = no ink
            }
            unsigned r = k4[0] * k4[3] / 255, g = k4[1] * k4[3] / 255, b = k4[2] * k4[3] / 255;
            out[x] = 0xFF000000U | (r << 16) | (g << 8) | b;
        }
    }
    jpeg_finish_decompress(&info);
    jpeg_destroy_decompress(&info);
    cairo_surface_mark_dirty(surface);
    if (!cmyk) {
        auto* keep = new std::shared_ptr<const std::string>(bytes);
        cairo_surface_set_mime_data(surface, CAIRO_MIME_TYPE_JPEG, reinterpret_cast<const unsigned char*>(bytes->data()),
                                    bytes->size(), [](void* p) { delete static_cast<std::shared_ptr<const std::string>*>(p); }, keep);
    }
    return surface;
}

}  // namespace handout
