// typeset (internal): one typesetting pass at the layout's sizes — the blocks laid out as slices
// (blocks.cpp, table.cpp, divs.cpp), the slices broken into pages with running headers and
// footers (pagination.cpp). typeset() (typeset.cpp) runs it, and shrink-to-fit runs it again at
// smaller sizes. Not for use outside typeset/.
#pragma once

#include "typeset/paragraph.hpp"
#include "typeset/typeset.hpp"

#include <map>
#include <string>
#include <vector>

namespace handout {

class FontSystem;

/// An unbreakable piece of the flow: items positioned relative to its top-left corner.
struct Slice {
    double height = 0;
    double space_before = 0;           ///< dropped at the top of a page
    bool keep_with_next = false;
    double first_baseline = 0;         ///< y of the first text baseline, for list labels
    std::vector<Item> items;
    std::vector<OutlineEntry> outline; ///< y relative to the slice
    int table = -1;                    ///< table whose header repeats above this slice after a break
    bool table_header = false;
};

using Slices = std::vector<Slice>;

/// Blocks inside blocks (list items, callouts, divs) deeper than this are not laid out: an error
/// at the first block too deep. Laying out recurses once per level, so this bounds the stack
/// whatever a Document holds; it is above the content parser's own limit (max_content_depth,
/// 64), so every document the parser accepts is laid out.
inline constexpr int max_block_nesting = 100;

/// A list or callout inside another is indented only while the text keeps this share of the
/// body width; deeper levels stay at that indent, so deep nesting never pushes text past the
/// right margin.
inline constexpr double min_nested_width_share = 0.4;

/// Moves an item by (dx, dy) pt.
void translate(Item& item, double dx, double dy);

/// The entry of a `[fonts.lang]` table for `lang`: the longest tag that equals it or begins it.
template <class T>
const T* for_lang(const std::map<std::string, T>& table, const std::string& lang) {
    const T* best = nullptr;
    std::size_t best_size = 0;
    for (const auto& [tag, value] : table) {
        bool match = lang == tag || (lang.size() > tag.size() && lang.compare(0, tag.size(), tag) == 0 && lang[tag.size()] == '-');
        if (match && tag.size() >= best_size) {
            best = &value;
            best_size = tag.size();
        }
    }
    return best;
}

/// Appends the items of `lines` to `into`, stacked downwards from `y`; returns the y below them.
double stack(Slices& lines, double y, std::vector<Item>& into);

/// One pass over a document at the layout's sizes. Use once: run() hands its pages over.
class Typesetter {
public:
    explicit Typesetter(const TypesetInput& input);

    Result<Pages> run();

private:
    // ---- structure, styles, paragraphs (typesetter.cpp) ----
    int node(StructType type, int parent, std::string id = {});
    /// `first`, then the layout's family for `lang`, then its fallback chain: a Pango family list.
    std::string families(const std::string& first, const std::string& lang) const;
    ParaStyle body_style(double size) const;
    /// Bold, flush left, unhyphenated: titles, headings.
    ParaStyle display_style(double size, const Color& color, double line_height) const;
    /// Laid out through the worker's paragraph cache when the paragraph holds no record value.
    ParaBox lay(const Spans& spans, const ParaStyle& style, double width);
    ParaExtent measure(const Spans& spans, const ParaStyle& style);
    /// Lines of a laid-out paragraph as slices (widows and orphans kept off by keep flags).
    void line_slices(const ParaBox& box, double x, int owner, Slices& out, double space_before, bool keep_all);
    /// Font ids so far are the font system's; number the document's own fonts in first-use
    /// order so the display list does not depend on what the worker set before.
    void number_fonts();
    double body_width() const { return m_layout.page_width - m_layout.margin.left - m_layout.margin.right; }
    double body_height() const { return m_layout.page_height - m_layout.margin.top - m_layout.margin.bottom; }
    /// `indent` as far as a container of `width` may indent its content (min_nested_width_share).
    double nested_indent(double indent, double width) const;

    // ---- blocks (blocks.cpp, table.cpp, divs.cpp) ----
    void title(Slices& out);
    void blocks(const Blocks& bs, double x, double width, int parent, Slices& out, bool first_in_container);
    /// own_node false: the lines belong to `parent` itself (a list item's body that is one paragraph).
    void paragraph(const Paragraph& p, double x, double width, int parent, Slices& out, double space_before, bool own_node = true);
    void heading(const Heading& h, double x, double width, int parent, Slices& out, bool first);
    void list(const List& l, double x, double width, int parent, Slices& out, double space_before);
    void image(const Image& im, double x, double width, int parent, Slices& out, double space_before);
    void thematic_break(double x, double width, Slices& out, double space_before);
    void table(const Table& t, double x, double width, int parent, Slices& out, double space_before);
    void div(const Div& d, double x, double width, int parent, Slices& out, double space_before);
    /// A div that only groups its content (checklist, taglines), in a Div node of its own.
    void group(const Div& d, double x, double width, int parent, Slices& out, double space_before);
    void callout(const Div& d, const BoxStyle& style, double x, double width, int parent, Slices& out,
                 double space_before);
    void signature(const Div& d, double x, double width, int parent, Slices& out, double space_before);

    // ---- pages (pagination.cpp) ----
    /// Breaks the flow into pages: keep rules, space dropped at a page top, table headers repeated.
    void paginate(Slices& slices);
    /// The logo, running header and footer of every page.
    void running_heads();
    void running(const RunningStyle& style, double baseline, bool header, std::size_t page_index, double indent);

    const TypesetInput& m_input;
    const Layout& m_layout;
    FontSystem& m_fonts;
    Pages m_pages;
    Diagnostics m_diagnostics;
    std::vector<Slice> m_table_headers;  ///< per table: its header row, repeated after a page break
    int m_root = 0;
    double m_size = 0;  ///< body text size of the container being set (callouts have their own)
    int m_depth = 0;    ///< blocks() calls open (nesting of lists, callouts and divs)
    bool m_too_deep = false;  ///< the nesting error was given (once per document)
    bool m_running_too_long = false;  ///< the error for a header or footer over one line was given
};

}  // namespace handout
