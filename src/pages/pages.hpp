// pages: the display list — positioned glyph runs, shapes, images, links and the structure tree.
// Plain values only: no Pango, Cairo, libharu or fontconfig type is reachable from here.
#pragma once

#include "core/color.hpp"
#include "core/image_data.hpp"

#include <cstdint>
#include <memory>
#include <string>
#include <variant>
#include <vector>

namespace handout {

/// A point in pt; origin at the page's top-left corner, y grows downwards.
struct Point {
    double x = 0, y = 0;
};

/// A rectangle in pt, top-left origin, y down.
struct Rect {
    double x = 0, y = 0, w = 0, h = 0;
};

/// A font file the document uses; GlyphRun::font indexes Pages::fonts.
struct FontRef {
    std::string file;        ///< absolute path of the font file
    int index = 0;           ///< face index within the file
    std::string family;      ///< family name, for diagnostics and PDF font names
};

/// One shaped glyph.
struct Glyph {
    std::uint32_t id = 0;    ///< glyph id in the font
    double advance = 0;      ///< x advance in pt (justification already included)
    double dx = 0, dy = 0;   ///< offset from the pen position in pt (y down)
    std::uint32_t cluster = 0; ///< byte offset into GlyphRun::text where this glyph's characters start
};

/// A run of glyphs of one font, size and colour on one baseline, in visual order (left to right).
struct GlyphRun {
    Point origin;            ///< pen position of the first glyph, on the baseline, in pt
    std::uint32_t font = 0;  ///< index into Pages::fonts
    double size = 12;        ///< font size in pt
    Color color;
    std::vector<Glyph> glyphs;
    std::string text;        ///< the characters these glyphs show (UTF-8), for extraction
    std::size_t source = 0;  ///< byte offset of the text in the content file
    bool rtl = false;        ///< right-to-left text: glyphs are in visual order, `text` in logical order
    /// Letter spacing of a justified line, pt: already in the advance of every glyph but spaces and
    /// the line's last, told apart so a writer can say it once (PDF's Tc) instead of per glyph.
    double tracking = 0;
};

/// A straight line.
struct Rule {
    Point from, to;          ///< pt
    double width = 0.5;      ///< stroke width in pt
    Color color;
};

/// A rectangle with optional fill and border.
struct Box {
    Rect rect;               ///< pt
    bool filled = false;
    Color fill;
    double stroke_width = 0; ///< pt; 0 = no border
    Color stroke;
    double radius = 0;       ///< corner radius in pt
};

/// A raster or vector picture; `image` indexes Pages::images.
struct Picture {
    Rect rect;               ///< where it is drawn, pt
    std::uint32_t image = 0;
};

/// A clickable area pointing at a URI (https:, tel:, mailto:).
struct Link {
    Rect rect;               ///< pt
    std::string uri;
};

/// What an item is, apart from its content: structure it belongs to, or an artifact.
enum class ArtifactKind : std::uint8_t { none, header, footer, decoration, pagination };

struct Item {
    std::variant<GlyphRun, Rule, Box, Picture, Link> v;
    int node = -1;                       ///< index into Pages::nodes, or -1 for an artifact
    ArtifactKind artifact = ArtifactKind::decoration;
};

enum class StructType : std::uint8_t {
    document, sect, h1, h2, h3, p, l, li, lbl, lbody, table, tr, th, td, figure, link, note, div
};

const char* struct_type_name(StructType t);

/// A node of the structure tree, in reading order; children follow their parent.
struct StructNode {
    StructType type = StructType::p;
    int parent = -1;         ///< index into Pages::nodes, -1 for the root
    std::string alt;         ///< Figure alternative text
    std::string lang;        ///< BCP 47, when different from the document's
    std::string id;          ///< section id from the content, if any
    std::string actual_text; ///< the element's text in logical order, when its glyphs are not (right to left)
};

/// An entry of the document outline (bookmarks).
struct OutlineEntry {
    int level = 1;           ///< 1 = top level
    std::string title;
    int page = 0;            ///< 0-based page index
    double y = 0;            ///< pt from the page top
};

struct Page {
    double width = 612, height = 792; ///< pt
    std::vector<Item> items;          ///< in drawing order (= reading order for structure content)
};

/// Document information for PDF metadata.
struct DocInfo {
    std::string title, author, subject, keywords, lang, creator;
    std::string date;                 ///< ISO 8601 date-time, e.g. 2026-11-01T00:00:00Z
};

struct Pages {
    std::vector<Page> pages;
    std::vector<FontRef> fonts;
    std::vector<StructNode> nodes;    ///< nodes[0] is the Document root
    std::vector<OutlineEntry> outline;
    std::vector<ImageData> images;
    DocInfo info;
};

/// A readable text dump, one item a line, numbers at 0.01 pt: for golden tests and debugging.
std::string dump_pages(const Pages& pages);

}  // namespace handout
