// content: the Document — a semantic tree parsed from Markdown, with source offsets kept.
#pragma once

#include "core/source_file.hpp"

#include <cstdint>
#include <functional>
#include <string>
#include <variant>
#include <vector>

namespace handout {

/// Inline style bits; combined with |.
enum StyleBits : std::uint8_t { style_plain = 0, style_bold = 1, style_italic = 2, style_code = 4 };

/// A run of inline content with one style. Variables stay unresolved until resolve/.
struct Span {
    enum class Kind { text, variable, line_break };
    Kind kind = Kind::text;
    std::string text;         ///< literal text, or the dotted variable name for Kind::variable
    std::uint8_t style = style_plain;
    std::string link;         ///< target URI when the span sits inside a link, else empty
    std::size_t offset = 0;   ///< byte offset in the content file
    bool personal = false;    ///< holds a record's value (set by resolve): never cached, never logged
};

using Spans = std::vector<Span>;

struct Block;
using Blocks = std::vector<Block>;

struct Paragraph {
    Spans spans;
    bool code = false;        ///< a fenced or indented code block: lines kept, no justification
    std::size_t offset = 0;
    std::string lang;         ///< BCP 47 tag when it differs from the document's (a tagline), else empty
};

struct Heading {
    int level = 2;            ///< Markdown level: # = 1, ## = 2 …
    std::string id;           ///< from `{#id}`, else empty
    Spans spans;
    std::size_t offset = 0;
};

enum class Task { none, unchecked, checked };

struct ListItem {
    Task task = Task::none;
    Blocks blocks;
    std::size_t offset = 0;
};

struct List {
    bool ordered = false;
    unsigned start = 1;
    std::vector<ListItem> items;
    std::size_t offset = 0;
};

enum class Align { start, left, center, right };

struct Table {
    std::vector<Align> aligns;               ///< one per column
    std::vector<std::vector<Spans>> rows;    ///< rows[0] is the header row
    std::size_t offset = 0;
};

/// `::: kind {#id}` … `:::` — caveat, note, checklist, signature, taglines. A taglines block
/// holds one Paragraph per language, each with its `lang` (written `- fr: ATTENTION : …`).
struct Div {
    std::string kind;
    std::string id;
    std::string lang;
    Blocks blocks;
    std::size_t offset = 0;
};

struct Image {
    std::string src;          ///< path as written, relative to the content file
    std::string alt;
    std::size_t offset = 0;
};

struct ThematicBreak {
    std::size_t offset = 0;
};

struct Block {
    std::variant<Paragraph, Heading, List, Table, Div, Image, ThematicBreak> v;
};

/// Front matter: what the YAML header says about the document.
struct Meta {
    std::string title;
    std::string kind = "handout";
    std::string topic;        ///< a subject whose rules apply too (kinds/topics/TOPIC.toml)
    std::string lang = "en";
    std::string revision;
    std::string review_by;
    std::string author;
    std::string subject;
    std::vector<std::string> keywords;
    std::string date;         ///< YYYY-MM-DD, as written
};

struct Document {
    SourcePtr source;
    Meta meta;
    Blocks blocks;
};

/// Calls fn on every run of inline content in reading order — paragraphs, headings (heading =
/// true), table cells, and the blocks inside list items and divs.
void for_each_spans(const Blocks& blocks, const std::function<void(const Spans&, bool heading)>& fn);
void for_each_spans(Blocks& blocks, const std::function<void(Spans&, bool heading)>& fn);

/// Every variable name the document uses, in order of first use.
std::vector<std::string> variables_used(const Document& doc);

/// Plain text of spans (variables as `{{name}}`).
std::string plain_text(const Spans& spans);

}  // namespace handout
