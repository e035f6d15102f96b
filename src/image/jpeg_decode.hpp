// image: decodes a JPEG (libjpeg) into 8-bit BGRX pixels — Cairo's RGB24 layout on
// little-endian machines — with CMYK converted; nullopt when the data does not decode.
#pragma once

#include "image/picture_limits.hpp"

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace handout {

struct JpegPixels {
    int width = 0, height = 0;
    std::vector<std::uint32_t> pixels;  ///< width × height, 0xFFRRGGBB
};

/// Decodes the whole picture; nullopt when it does not decode, is cut off, has more than
/// max_jpeg_scans scans or more than `max_pixels` pixels (checked before any pixel memory is
/// taken).
std::optional<JpegPixels> decode_jpeg(std::string_view bytes, std::uint64_t max_pixels = max_picture_pixels);

/// Whether the picture decodes whole, under the same rules, holding one row of pixels at a time.
bool jpeg_decodes(std::string_view bytes, std::uint64_t max_pixels = max_picture_pixels);

}  // namespace handout
