// image: reads a JPEG file's frame header — size and colour components — without decoding it.
#pragma once

#include <optional>
#include <string_view>

namespace handout {

struct JpegHeader {
    int width = 0, height = 0;
    int components = 3;   ///< 1 grey, 3 YCbCr/RGB, 4 CMYK
    bool adobe = false;   ///< has an Adobe APP14 marker (CMYK stored inverted)
};

/// nullopt unless `bytes` start as a JPEG and reach a start-of-frame marker.
std::optional<JpegHeader> read_jpeg_header(std::string_view bytes);

}  // namespace handout
