#include "render/haru/haru_raw.hpp"

#include <hpdf_doc.h>
#include <hpdf_objects.h>
#include <hpdf_pages.h>
#include <hpdf_streams.h>

#include <glib.h>

#include <cstdio>

namespace handout::haru {

namespace {

/// Codes of the BMP map to themselves, in ranges that differ in their last byte only (as a
/// bfrange must), surrogates left out; at most 100 entries a block, as the CMap syntax allows.
std::string identity_to_unicode() {
    std::string ranges;
    int count = 0;
    std::string out =
        "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
        "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
        "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n";
    auto flush = [&] {
        if (count > 0) {
            out += std::to_string(count) + " beginbfrange\n" + ranges + "endbfrange\n";
        }
        ranges.clear();
        count = 0;
    };
    for (unsigned hi = 0; hi < 256; ++hi) {
        if (hi >= 0xD8 && hi <= 0xDF) {
            continue;
        }
        char line[32];
        std::snprintf(line, sizeof line, "<%02X00> <%02XFF> <%02X00>\n", hi, hi, hi);
        ranges += line;
        if (++count == 100) {
            flush();
        }
    }
    flush();
    out += "endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n";
    return out;
}

}  // namespace

void write_ops(HPDF_Page page, std::string_view ops) {
    auto* attr = static_cast<HPDF_PageAttr>(page->attr);
    HPDF_Stream_Write(attr->stream, reinterpret_cast<const HPDF_BYTE*>(ops.data()), static_cast<HPDF_UINT>(ops.size()));
}

void set_lang(HPDF_Doc doc, const std::string& lang) {
    HPDF_String s = HPDF_String_New(doc->mmgr, lang.c_str(), nullptr);
    if (s != nullptr) {
        HPDF_Dict_Add(doc->catalog, "Lang", s);
    }
}

void set_text(HPDF_Doc doc, HPDF_Dict dict, const char* key, std::string_view utf8) {
    std::string bytes = "\xFE\xFF";
    glong n = 0;
    gunichar2* units = g_utf8_to_utf16(utf8.data(), static_cast<glong>(utf8.size()), nullptr, &n, nullptr);
    for (glong i = 0; units != nullptr && i < n; ++i) {
        bytes += static_cast<char>(units[i] >> 8);
        bytes += static_cast<char>(units[i] & 0xFF);
    }
    g_free(units);
    HPDF_Binary b = HPDF_Binary_New(doc->mmgr, reinterpret_cast<HPDF_BYTE*>(bytes.data()), static_cast<HPDF_UINT>(bytes.size()));
    if (b != nullptr) {
        HPDF_Dict_Add(dict, key, b);
    }
}

HPDF_Dict info(HPDF_Doc doc) {
    if (doc->info == nullptr) {
        HPDF_SetInfoAttr(doc, HPDF_INFO_PRODUCER, "Haru Free PDF Library");  // makes the dictionary
    }
    return doc->info;
}

void set_xyz(HPDF_Doc doc, HPDF_Destination dest, HPDF_Page page, double left, double top) {
    HPDF_Array_Clear(dest);
    HPDF_Array_Add(dest, page);
    HPDF_Array_AddName(dest, "XYZ");
    HPDF_Array_AddReal(dest, static_cast<HPDF_REAL>(left));
    HPDF_Array_AddReal(dest, static_cast<HPDF_REAL>(top));
    HPDF_Array_Add(dest, HPDF_Null_New(doc->mmgr));
}

bool fix_to_unicode(HPDF_Font font) {
    static const std::string cmap = identity_to_unicode();
    auto* to_unicode = static_cast<HPDF_Dict>(HPDF_Dict_GetItem(font, "ToUnicode", HPDF_OCLASS_DICT));
    if (to_unicode == nullptr || to_unicode->stream == nullptr) {
        return false;
    }
    HPDF_MemStream_FreeData(to_unicode->stream);
    return HPDF_Stream_Write(to_unicode->stream, reinterpret_cast<const HPDF_BYTE*>(cmap.data()),
                             static_cast<HPDF_UINT>(cmap.size())) == HPDF_OK;
}

}  // namespace handout::haru
