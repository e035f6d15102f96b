#include "image/jpeg_decode.hpp"

#include <csetjmp>
#include <cstdio>
#include <new>
#include <jpeglib.h>

namespace handout {

namespace {

struct ErrorManager {
    jpeg_error_mgr base;
    std::jmp_buf jump;
};

/// Where decoded rows go. Holds every buffer, so that the function that runs libjpeg (which
/// reports errors by longjmp) owns nothing that needs a destructor.
class RowSink {
public:
    virtual ~RowSink() = default;
    /// The size is known; false (no memory) stops the decoding.
    virtual bool start(int width, int height, bool cmyk) noexcept = 0;
    /// Where libjpeg writes row `y`: width × 4 bytes, BGRX or CMYK.
    virtual unsigned char* row(int y) noexcept = 0;
    /// Row `y` is written; `inverted`: Adobe's CMYK, stored inverted.
    virtual void row_done(int y, bool inverted) noexcept = 0;
};

/// Decodes `bytes` into `sink`; false when the data does not decode whole, is over `max_pixels`
/// or has more than max_jpeg_scans scans.
bool run_jpeg(std::string_view bytes, std::uint64_t max_pixels, RowSink& sink) {
    jpeg_decompress_struct info{};
    ErrorManager err{};
    jpeg_progress_mgr progress{};
    info.err = jpeg_std_error(&err.base);
    err.base.error_exit = [](j_common_ptr c) { std::longjmp(reinterpret_cast<ErrorManager*>(c->err)->jump, 1); };
    err.base.output_message = [](j_common_ptr) {};  // nothing on stderr
    // Data that stops early only warns in libjpeg (it pads with grey): count warnings too.
    err.base.emit_message = [](j_common_ptr c, int level) {
        if (level < 0) {
            ++c->err->num_warnings;
        }
    };
    progress.progress_monitor = [](j_common_ptr c) {
        if (c->is_decompressor && reinterpret_cast<j_decompress_ptr>(c)->input_scan_number > max_jpeg_scans) {
            c->err->error_exit(c);
        }
    };
    // libjpeg reports errors by longjmp back here, which would skip any destructor: the
    // decompressor lives on this frame and is released by hand on every path (the one C object
    // not owned through core/c_ptr.hpp), and nothing else on this frame has a destructor.
    if (setjmp(err.jump) != 0) {
        jpeg_destroy_decompress(&info);
        return false;
    }
    jpeg_create_decompress(&info);
    info.progress = &progress;
    jpeg_mem_src(&info, reinterpret_cast<const unsigned char*>(bytes.data()), static_cast<unsigned long>(bytes.size()));
    jpeg_read_header(&info, TRUE);
    // Measured before any pixel memory is taken.
    if (static_cast<std::uint64_t>(info.image_width) * info.image_height > max_pixels) {
        jpeg_destroy_decompress(&info);
        return false;
    }
    const bool cmyk = info.jpeg_color_space == JCS_CMYK || info.jpeg_color_space == JCS_YCCK;
    info.out_color_space = cmyk ? JCS_CMYK : JCS_EXT_BGRX;
    jpeg_start_decompress(&info);
    if (!sink.start(static_cast<int>(info.output_width), static_cast<int>(info.output_height), cmyk)) {
        jpeg_destroy_decompress(&info);
        return false;
    }
    const bool inverted = info.saw_Adobe_marker != 0;
    while (info.output_scanline < info.output_height) {
        int y = static_cast<int>(info.output_scanline);
        unsigned char* p = sink.row(y);
        jpeg_read_scanlines(&info, &p, 1);
        sink.row_done(y, inverted);
    }
    jpeg_finish_decompress(&info);
    const bool complete = err.base.num_warnings == 0;
    jpeg_destroy_decompress(&info);
    return complete;
}

/// CMYK samples (255 = no ink, or inverted) → 0xFFRRGGBB.
void cmyk_to_rgb(const unsigned char* in, std::uint32_t* out, int width, bool inverted) {
    for (int x = 0; x < width; ++x) {
        unsigned k4[4];
        for (int i = 0; i < 4; ++i) {
            k4[i] = inverted ? in[x * 4 + i] : 255U - in[x * 4 + i];  // now: 255 = no ink
        }
        unsigned r = k4[0] * k4[3] / 255, g = k4[1] * k4[3] / 255, b = k4[2] * k4[3] / 255;
        out[x] = 0xFF000000U | (r << 16) | (g << 8) | b;
    }
}

/// Keeps every row.
class WholeSink final : public RowSink {
public:
    bool start(int width, int height, bool cmyk) noexcept override {
        try {
            m_out.width = width;
            m_out.height = height;
            m_out.pixels.resize(static_cast<std::size_t>(width) * static_cast<std::size_t>(height));
            m_cmyk_row.resize(cmyk ? static_cast<std::size_t>(width) * 4 : 0);
            m_cmyk = cmyk;
            return true;
        } catch (const std::bad_alloc&) {
            return false;
        }
    }
    unsigned char* row(int y) noexcept override {
        return m_cmyk ? m_cmyk_row.data() : reinterpret_cast<unsigned char*>(pixel_row(y));
    }
    void row_done(int y, bool inverted) noexcept override {
        std::uint32_t* out = pixel_row(y);
        if (m_cmyk) {
            cmyk_to_rgb(m_cmyk_row.data(), out, m_out.width, inverted);
            return;
        }
        for (int x = 0; x < m_out.width; ++x) {
            out[x] |= 0xFF000000U;
        }
    }
    JpegPixels take() { return std::move(m_out); }

private:
    std::uint32_t* pixel_row(int y) { return m_out.pixels.data() + static_cast<std::size_t>(y) * static_cast<std::size_t>(m_out.width); }
    JpegPixels m_out;
    std::vector<unsigned char> m_cmyk_row;
    bool m_cmyk = false;
};

/// Keeps one row: enough to know the picture decodes.
class CheckSink final : public RowSink {
public:
    bool start(int width, int, bool) noexcept override {
        try {
            m_row.resize(static_cast<std::size_t>(width) * 4);
            return true;
        } catch (const std::bad_alloc&) {
            return false;
        }
    }
    unsigned char* row(int) noexcept override { return m_row.data(); }
    void row_done(int, bool) noexcept override {}

private:
    std::vector<unsigned char> m_row;
};

}  // namespace

std::optional<JpegPixels> decode_jpeg(std::string_view bytes, std::uint64_t max_pixels) {
    WholeSink sink;
    if (!run_jpeg(bytes, max_pixels, sink)) {
        return std::nullopt;
    }
    return sink.take();
}

bool jpeg_decodes(std::string_view bytes, std::uint64_t max_pixels) {
    CheckSink sink;
    return run_jpeg(bytes, max_pixels, sink);
}

}  // namespace handout
