#include "content/text_check.hpp"

#include <array>
#include <cstdio>

namespace handout {

std::size_t decode_utf8(std::string_view text, std::size_t pos, char32_t& out) {
    auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
    const unsigned char b0 = byte(pos);
    if (b0 < 0x80) {
        out = b0;
        return 1;
    }
    std::size_t len = 0;
    char32_t cp = 0;
    char32_t min = 0;
    if (b0 >= 0xC2 && b0 <= 0xDF) {
        len = 2;
        cp = b0 & 0x1FU;
        min = 0x80;
    } else if (b0 >= 0xE0 && b0 <= 0xEF) {
        len = 3;
        cp = b0 & 0x0FU;
        min = 0x800;
    } else if (b0 >= 0xF0 && b0 <= 0xF4) {
        len = 4;
        cp = b0 & 0x07U;
        min = 0x10000;
    } else {
        return 0;  // a continuation byte, C0/C1 (overlong two-byte lead) or F5–FF
    }
    if (pos + len > text.size()) {
        return 0;
    }
    for (std::size_t k = 1; k < len; ++k) {
        const unsigned char b = byte(pos + k);
        if ((b & 0xC0U) != 0x80U) {
            return 0;
        }
        cp = (cp << 6) | (b & 0x3FU);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
        return 0;
    }
    out = cp;
    return len;
}

void append_utf8(std::string& out, char32_t cp) {
    if (cp < 0x80) {
        out += static_cast<char>(cp);
    } else if (cp < 0x800) {
        out += static_cast<char>(0xC0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        out += static_cast<char>(0xE0 | (cp >> 12));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (cp >> 18));
        out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    }
}

bool is_forbidden_control(char32_t c) {
    if (c == '\t' || c == '\n' || c == '\r') {
        return false;
    }
    return c < 0x20 || (c >= 0x7F && c <= 0x9F);
}

TextProblem next_text_problem(std::string_view text, std::size_t from) {
    std::size_t pos = from;
    while (pos < text.size()) {
        const auto b = static_cast<unsigned char>(text[pos]);
        if (b >= 0x20 && b < 0x7F) {  // printable ASCII: the common case, no decoding
            ++pos;
            continue;
        }
        char32_t c = 0;
        std::size_t len = decode_utf8(text, pos, c);
        if (len == 0) {
            return TextProblem{TextFault::invalid_utf8, pos, 1, b};
        }
        if (is_forbidden_control(c)) {
            return TextProblem{c == 0 ? TextFault::nul : TextFault::control, pos, len, c};
        }
        pos += len;
    }
    return TextProblem{TextFault::none, text.size(), 0, 0};
}

bool valid_utf8(std::string_view text) {
    std::size_t pos = 0;
    while (pos < text.size()) {
        if (static_cast<unsigned char>(text[pos]) < 0x80) {
            ++pos;
            continue;
        }
        char32_t c = 0;
        std::size_t len = decode_utf8(text, pos, c);
        if (len == 0) {
            return false;
        }
        pos += len;
    }
    return true;
}

std::string control_name(char32_t c) {
    static constexpr std::array<const char*, 32> c0 = {
        "NUL", "SOH", "STX", "ETX", "EOT", "ENQ", "ACK", "BEL", "BS", "TAB", "LF", "VT", "FF", "CR", "SO", "SI",
        "DLE", "DC1", "DC2", "DC3", "DC4", "NAK", "SYN", "ETB", "CAN", "EM", "SUB", "ESC", "FS", "GS", "RS", "US"};
    char buf[16];
    std::snprintf(buf, sizeof buf, "U+%04X", static_cast<unsigned>(c));
    std::string out = buf;
    if (c < 0x20) {
        out += std::string(" (") + c0[c] + ")";
    } else if (c == 0x7F) {
        out += " (DEL)";
    } else if (c == 0x85) {
        out += " (NEL)";
    } else if (c >= 0x80 && c <= 0x9F) {
        out += " (a C1 control)";
    }
    return out;
}

bool is_bidi_control(char32_t c) {
    return c == 0x061C || c == 0x200E || c == 0x200F || (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069);
}

bool is_rtl_letter(char32_t c) {
    return (c >= 0x0590 && c <= 0x08FF) ||    // Hebrew, Arabic, Syriac, Thaana, N'Ko, Samaritan, Mandaic, Arabic extensions
           (c >= 0xFB1D && c <= 0xFDFF) ||    // Hebrew and Arabic presentation forms A
           (c >= 0xFE70 && c <= 0xFEFF && c != 0xFEFF) ||  // Arabic presentation forms B
           (c >= 0x10800 && c <= 0x10FFF) ||  // Cypriot … Old Hungarian, Hanifi Rohingya, Yezidi, …
           (c >= 0x1E800 && c <= 0x1EFFF);    // Mende Kikakui, Adlam, Arabic mathematical symbols
}

}  // namespace handout
