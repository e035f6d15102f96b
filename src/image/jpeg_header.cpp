#include "image/jpeg_header.hpp"

namespace handout {

std::optional<JpegHeader> read_jpeg_header(std::string_view b) {
    auto byte = [&](std::size_t at) { return static_cast<unsigned>(static_cast<unsigned char>(b[at])); };
    if (b.size() < 4 || byte(0) != 0xFF || byte(1) != 0xD8) {
        return std::nullopt;
    }
    JpegHeader h;
    std::size_t p = 2;
    while (p + 4 <= b.size()) {
        if (byte(p) != 0xFF) {
            return std::nullopt;
        }
        unsigned marker = byte(p + 1);
        if (marker == 0xFF) {  // fill byte
            ++p;
            continue;
        }
        std::size_t len = (byte(p + 2) << 8) | byte(p + 3);
        if (len < 2 || p + 2 + len > b.size()) {
            return std::nullopt;
        }
        if (marker == 0xEE && len >= 7 && b.substr(p + 4, 5) == "Adobe") {
            h.adobe = true;
        }
        bool sof = marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
        if (sof) {
            if (len < 8) {
                return std::nullopt;
            }
            h.height = static_cast<int>((byte(p + 5) << 8) | byte(p + 6));
            h.width = static_cast<int>((byte(p + 7) << 8) | byte(p + 8));
            h.components = static_cast<int>(byte(p + 9));
            if (h.width <= 0 || h.height <= 0 || (h.components != 1 && h.components != 3 && h.components != 4)) {
                return std::nullopt;
            }
            return h;
        }
        p += 2 + len;
    }
    return std::nullopt;
}

}  // namespace handout
