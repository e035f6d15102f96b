#include "render/pdf/pdf_syntax.hpp"

#include <glib.h>
#include <libdeflate.h>

#include <charconv>
#include <cmath>
#include <map>

namespace handout::pdf {

void num(std::string& out, double v, int decimals) {
    if (std::abs(v) < 0.5 * std::pow(10.0, -decimals)) {
        v = 0;
    }
    char buf[32];
    auto r = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed, decimals);
    std::string_view s(buf, static_cast<std::size_t>(r.ptr - buf));
    if (s.find('.') != std::string_view::npos) {
        while (s.back() == '0') {
            s.remove_suffix(1);
        }
        if (s.back() == '.') {
            s.remove_suffix(1);
        }
    }
    if (s == "-0") {
        s = "0";
    }
    out.append(s);
    out += ' ';
}

void hex4(std::string& out, unsigned v) {
    static const char* d = "0123456789ABCDEF";
    out += d[(v >> 12) & 15];
    out += d[(v >> 8) & 15];
    out += d[(v >> 4) & 15];
    out += d[v & 15];
}

std::string utf16_hex(std::string_view s) {
    std::string out;
    const char* p = s.data();
    const char* end = s.data() + s.size();
    while (p < end) {
        gunichar c = g_utf8_get_char_validated(p, end - p);
        if (c == static_cast<gunichar>(-1) || c == static_cast<gunichar>(-2)) {
            ++p;
            continue;
        }
        p = g_utf8_next_char(p);
        if (c >= 0x10000) {
            c -= 0x10000;
            hex4(out, 0xD800 + (c >> 10));
            hex4(out, 0xDC00 + (c & 0x3FF));
        } else {
            hex4(out, c);
        }
    }
    return out;
}

std::string deflated(std::string_view data, int level) {
    // libdeflate: smaller and faster than zlib at a like level. One compressor per thread and
    // level: making one costs more than compressing a small stream.
    struct Compressor {
        libdeflate_compressor* c = nullptr;
        ~Compressor() { libdeflate_free_compressor(c); }
    };
    thread_local std::map<int, Compressor> compressors;
    Compressor& comp = compressors[level];
    if (comp.c == nullptr) {
        comp.c = libdeflate_alloc_compressor(level);
    }
    std::string out(libdeflate_zlib_compress_bound(comp.c, data.size()), '\0');
    out.resize(libdeflate_zlib_compress(comp.c, data.data(), data.size(), out.data(), out.size()));
    return out;
}

QPDFObjectHandle deflated_stream(QPDF& pdf, std::string_view data) {
    return flate_stream(pdf, deflated(data));
}

QPDFObjectHandle flate_stream(QPDF& pdf, const std::string& z) {
    QPDFObjectHandle s = QPDFObjectHandle::newStream(&pdf);
    s.replaceStreamData(z, QPDFObjectHandle::newName("/FlateDecode"), QPDFObjectHandle::newNull());
    return s;
}

QPDFObjectHandle text_string(std::string_view utf8) {
    return QPDFObjectHandle::newUnicodeString(std::string(utf8));
}

std::string pdf_date(const std::string& iso) {
    std::string d;
    for (char c : iso) {
        if (c >= '0' && c <= '9') {
            d += c;
        }
    }
    d.resize(14, '0');
    return "D:" + d + "Z";
}

std::string xml_escape(std::string_view s) {
    std::string out;
    for (char c : s) {
        switch (c) {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '"': out += "&quot;"; break;
            default: out += c;
        }
    }
    return out;
}

}  // namespace handout::pdf
