#include "image/jpeg_decode.hpp"

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

std::optional<JpegPixels> decode_jpeg(std::string_view bytes) {
    jpeg_decompress_struct info{};
    ErrorManager err{};
    info.err = jpeg_std_error(&err.base);
    err.base.error_exit = [](j_common_ptr c) { std::longjmp(reinterpret_cast<ErrorManager*>(c->err)->jump, 1); };
    err.base.output_message = [](j_common_ptr) {};  // nothing on stderr
    // Data that stops early only warns in libjpeg (it pads with grey): count warnings too.
    err.base.emit_message = [](j_common_ptr c, int level) {
        if (level < 0) {
            ++c->err->num_warnings;
        }
    };
    JpegPixels out;
    // libjpeg reports errors by longjmp back here, which would skip any destructor: the
    // decompressor lives on this frame and is released by hand on both paths (the one C object
    // not owned through core/c_ptr.hpp).
    if (setjmp(err.jump) != 0) {
        jpeg_destroy_decompress(&info);
        return std::nullopt;
    }
    jpeg_create_decompress(&info);
    jpeg_mem_src(&info, reinterpret_cast<const unsigned char*>(bytes.data()), static_cast<unsigned long>(bytes.size()));
    jpeg_read_header(&info, TRUE);
    bool cmyk = info.jpeg_color_space == JCS_CMYK || info.jpeg_color_space == JCS_YCCK;
    info.out_color_space = cmyk ? JCS_CMYK : JCS_EXT_BGRX;
    jpeg_start_decompress(&info);
    out.width = static_cast<int>(info.output_width);
    out.height = static_cast<int>(info.output_height);
    out.pixels.resize(static_cast<std::size_t>(out.width) * static_cast<std::size_t>(out.height));
    std::vector<unsigned char> cmyk_row(cmyk ? static_cast<std::size_t>(out.width) * 4 : 0);
    const bool inverted = info.saw_Adobe_marker != 0;
    while (info.output_scanline < info.output_height) {
        std::uint32_t* row = out.pixels.data() + static_cast<std::size_t>(info.output_scanline) * static_cast<std::size_t>(out.width);
        if (!cmyk) {
            auto* p = reinterpret_cast<unsigned char*>(row);
            jpeg_read_scanlines(&info, &p, 1);
            continue;
        }
        unsigned char* in = cmyk_row.data();
        jpeg_read_scanlines(&info, &in, 1);
        for (int x = 0; x < out.width; ++x) {
            unsigned k4[4];
            for (int i = 0; i < 4; ++i) {
                k4[i] = inverted ? in[x * 4 + i] : 255U - in[x * 4 + i];  // now: 255 = no ink
            }
            unsigned r = k4[0] * k4[3] / 255, g = k4[1] * k4[3] / 255, b = k4[2] * k4[3] / 255;
            row[x] = 0xFF000000U | (r << 16) | (g << 8) | b;
        }
    }
    for (auto& px : out.pixels) {
        px |= 0xFF000000U;
    }
    jpeg_finish_decompress(&info);
    bool complete = err.base.num_warnings == 0;
    jpeg_destroy_decompress(&info);
    if (!complete) {
        return std::nullopt;
    }
    return out;
}

}  // namespace handout
