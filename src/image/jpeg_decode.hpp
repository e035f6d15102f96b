// image: decodes a JPEG (libjpeg) into 8-bit BGRX pixels — Cairo's RGB24 layout on
// little-endian machines — with CMYK converted; nullopt when the data does not decode.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace handout {

struct JpegPixels {
    int width = 0, height = 0;
    std::vector<std::uint32_t> pixels;  ///< width × height, 0xFFRRGGBB
};

std::optional<JpegPixels> decode_jpeg(std::string_view bytes);

}  // namespace handout
