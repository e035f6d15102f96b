// layout: the Layout value — page geometry, fonts, text styles, running header/footer, fit rules.
#pragma once

#include "core/color.hpp"
#include "core/source_file.hpp"

#include <map>
#include <string>
#include <vector>

namespace handout {

/// Lengths are in pt throughout.
struct Margins {
    double top = 54, right = 54, bottom = 54, left = 54;
};

struct HeadingStyle {
    double size = 14;
    double space_before = 12;
    double space_after = 4;
    Color color;
};

struct BoxStyle {
    Color fill{1, 1, 1};
    Color border{0.6, 0.6, 0.6};
};

/// A running header or footer: three templates with {{page}}, {{pages}}, {{title}}, … filled per page.
struct RunningStyle {
    std::string left, center, right;
    double size = 9;
    Color color{0.35, 0.35, 0.35};
    bool rule = false;
};

struct Layout {
    SourcePtr source;
    std::string name;                  ///< file stem, e.g. "letter"

    double page_width = 612, page_height = 792;
    Margins margin;
    int columns = 1;

    std::string body_family = "Noto Sans";
    std::string heading_family = "Noto Sans";
    std::string mono_family = "DejaVu Sans Mono";
    std::vector<std::string> fallback; ///< families tried after the body family
    /// `[fonts.lang]`: a family tried first (after the body family) for text in a language —
    /// e.g. ja → Noto Sans CJK JP, so Japanese gets Japanese glyph forms. Keys are BCP 47 tags;
    /// a key matches a tag it equals or begins (zh-Hant matches zh-Hant-TW).
    std::map<std::string, std::string> lang_families;
    /// `[fonts.lang]` entries written `{ family = "…", scale = 1.15 }`: text in that language is set
    /// this much larger (Naskh Arabic reads small beside Latin at one point size).
    std::map<std::string, double> lang_scales;

    double body_size = 12;
    double line_height = 1.4;          ///< baseline-to-baseline distance / font size
    double paragraph_spacing = 6;
    bool justify = true;
    bool hyphenate = true;
    Color text_color{0.1, 0.1, 0.1};
    Color link_color{0.1, 0.3, 0.6};
    bool link_underline = true;

    double title_size = 22;
    Color title_color{0.1, 0.1, 0.1};
    bool title_rule = true;
    Color rule_color{0.75, 0.78, 0.82};

    HeadingStyle h1{18, 16, 6, {}}, h2{15, 14, 4, {}}, h3{13, 10, 3, {}};

    double table_size = 12;
    double table_padding = 4;
    Color table_header_fill{0.91, 0.93, 0.96};
    Color table_border{0.6, 0.65, 0.72};

    double callout_size = 12;
    double callout_padding = 9;
    double callout_radius = 4;
    double callout_border_width = 1;
    BoxStyle caveat{{1.0, 0.96, 0.88}, {0.85, 0.55, 0.1}};
    BoxStyle note{{0.93, 0.96, 1.0}, {0.45, 0.6, 0.8}};

    RunningStyle header, footer;

    std::string logo_path;             ///< absolute or relative to the working directory; empty = none
    double logo_width = 0;

    int max_pages = 0;                 ///< 0 = no limit
    double min_body_size = 12;
    bool large_print = false;          ///< held to large-print rules (18 pt text and more)

    /// Byte offset of each key in the layout file, by dotted path ("body.size", "callout.caveat.fill"),
    /// so checks can point at the line that set a value.
    std::map<std::string, std::size_t> key_offsets;
    /// The offset of `key`, else of the closest section that exists, else 0.
    std::size_t offset_of_key(const std::string& key) const;
};

}  // namespace handout
