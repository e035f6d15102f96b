// tests/pdfua: structure probes for the tests, on the same reading of a PDF as the check
// (document.hpp): what the catalog, the structure tree and the content streams hold, as plain values.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace pdfua {

/// The catalog and structure tree at a glance.
struct Summary {
    bool struct_tree_root = false;
    std::map<std::string, int> types;            ///< element count by /S
    std::optional<std::string> lang;             ///< catalog /Lang
    bool marked = false;                         ///< /MarkInfo /Marked true
    std::optional<std::string> xmp_title, pdfua_part;
    struct PageInfo {
        int links = 0;                           ///< Link annotations
        std::optional<std::string> tabs;         ///< /Tabs, with its slash
    };
    std::vector<PageInfo> pages;
};
Summary summary(const std::string& pdf);

/// One P element, in tree order (depth first).
struct Paragraph {
    std::optional<std::string> lang, actual_text;
    std::vector<std::pair<int, int>> mcids;      ///< (0-based page, MCID) of its marked content
    std::vector<std::string> fonts;              ///< /BaseFont of the glyphs shown in it, sorted
};
std::vector<Paragraph> paragraphs(const std::string& pdf);

/// What the pages draw: XObjects, fonts and text.
struct Content {
    struct XObject {
        std::string name, subtype;               ///< with slashes
        std::vector<std::string> filters;
        int depth = 0;                           ///< 0: in a page's resources; 1: in a form's …
        int width = 0, height = 0;               ///< images
        std::string colorspace;                  ///< images, a name
        std::string raw;                         ///< images: the stream's bytes as stored
        std::vector<double> bbox;                ///< forms
    };
    struct FontInfo {
        std::string subtype, base_font;          ///< with slashes
        bool to_unicode = false;
        std::string descendant;                  ///< /CIDFontType0 or /CIDFontType2
        std::optional<std::string> cid_to_gid;   ///< /Identity, or absent
        std::map<std::string, std::optional<std::string>> files;  ///< /FontFile2 → its /Subtype, if any
    };
    std::vector<XObject> xobjects;
    std::vector<FontInfo> fonts;
    /// Each BT … ET block's text as a reader takes it: through ToUnicode (U+FFFD where a code has
    /// no entry), an ActualText span's text in place of its glyphs.
    std::vector<std::string> blocks;
    std::vector<std::string> actual_texts;       ///< every /ActualText of marked content, in order
    std::vector<std::uint32_t> codes;            ///< the codes shown outside ActualText spans, in order
};
Content content(const std::string& pdf);

/// `in` with every marked-content span that carries /ActualText taken out of the pages' content
/// (its glyphs kept), written to `out`.
void strip_actual_text(const std::string& in, const std::string& out);

}  // namespace pdfua
