#include "content/parse_content.hpp"

#include "content/text_check.hpp"

#include <md4c.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstring>
#include <optional>

namespace handout {

namespace {

const std::vector<std::string> meta_keys = {"title", "kind", "topic", "lang", "revision", "review-by",
                                            "author", "subject", "keywords", "date"};
const std::vector<std::string> div_kinds = {"caveat", "note", "checklist", "signature", "taglines"};

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) {
        s.remove_prefix(1);
    }
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) {
        s.remove_suffix(1);
    }
    return s;
}

// ---- text hygiene --------------------------------------------------------------------------

Diagnostic text_problem(const SourcePtr& file, const TextProblem& p) {
    switch (p.fault) {
        case TextFault::invalid_utf8: {
            char byte[8];
            std::snprintf(byte, sizeof byte, "0x%02X", static_cast<unsigned>(p.code));
            return error_at(file, p.offset, std::string("invalid UTF-8: byte ") + byte + " is not part of a UTF-8 character",
                            {"save the file as UTF-8",
                             "a file from Windows is often Windows-1252: `iconv -f WINDOWS-1252 -t UTF-8 FILE > NEW` converts it"});
        }
        case TextFault::nul:
            return error_at(file, p.offset, "NUL character (U+0000) in the text",
                            {"remove it; a file with a NUL after every letter is UTF-16: save it as UTF-8"});
        case TextFault::control:
        case TextFault::none: break;
    }
    return error_at(file, p.offset, "control character " + control_name(p.code) + " in the text",
                    {"remove it: only tab, line feed and carriage return may appear in a content file"});
}

/// Each invalid byte, NUL and control character is an error at its position (the first
/// max_text_errors of them, then a count). Returns whether the text is clean.
bool check_text(const SourcePtr& file, Diagnostics& diags) {
    const std::string& text = file->text;
    std::size_t count = 0;
    std::size_t first_unlisted = 0;
    for (TextProblem p = next_text_problem(text, 0); p.fault != TextFault::none;
         p = next_text_problem(text, p.offset + p.length)) {
        if (++count <= max_text_errors) {
            diags.push_back(text_problem(file, p));
        } else if (count == max_text_errors + 1) {
            first_unlisted = p.offset;
        }
    }
    if (count > max_text_errors) {
        diags.push_back(error_at(file, first_unlisted,
                                 std::to_string(count - max_text_errors) + " more invalid or control characters follow",
                                 {"fix the file's encoding first: save it as UTF-8 text"}));
    }
    return count == 0;
}

/// YAML flow collections (`[`, `{`) nested deeper than `max_depth`, outside quotes and
/// comments: the offset in `yaml` of the first one past the limit. yaml-cpp parses them by
/// recursion; front matter needs one level (`keywords: [a, b]`).
std::optional<std::size_t> yaml_too_deep(std::string_view yaml, std::size_t max_depth) {
    std::size_t depth = 0;
    char quote = 0;
    for (std::size_t i = 0; i < yaml.size(); ++i) {
        char c = yaml[i];
        if (quote != 0) {
            if (quote == '"' && c == '\\') {
                ++i;
            } else if (c == quote) {
                quote = 0;
            }
            continue;
        }
        if (c == '"' || c == '\'') {
            quote = c;
        } else if (c == '#' && (i == 0 || yaml[i - 1] == ' ' || yaml[i - 1] == '\t' || yaml[i - 1] == '\n')) {
            std::size_t e = yaml.find('\n', i);
            i = e == std::string_view::npos ? yaml.size() : e;
        } else if (c == '[' || c == '{') {
            if (++depth > max_depth) {
                return i;
            }
        } else if ((c == ']' || c == '}') && depth > 0) {
            --depth;
        }
    }
    return std::nullopt;
}

// ---- front matter ------------------------------------------------------------------------

/// Parses the YAML header into doc.meta; returns the byte offset where the body starts.
std::size_t parse_front_matter(const SourcePtr& file, Meta& meta, Diagnostics& diags, std::size_t max_depth) {
    const std::string& text = file->text;
    std::size_t start = 0;
    if (text.compare(0, 3, "\xEF\xBB\xBF") == 0) {
        start = 3;
    }
    auto line_end = [&](std::size_t from) {
        std::size_t e = text.find('\n', from);
        return e == std::string::npos ? text.size() : e;
    };
    std::size_t first_end = line_end(start);
    if (trim(std::string_view(text).substr(start, first_end - start)) != "---") {
        return start;
    }
    std::size_t yaml_begin = std::min(first_end + 1, text.size());
    std::size_t pos = yaml_begin;
    std::size_t yaml_end = std::string::npos;
    while (pos < text.size()) {
        std::size_t e = line_end(pos);
        std::string_view line = trim(std::string_view(text).substr(pos, e - pos));
        if (line == "---" || line == "...") {
            yaml_end = pos;
            pos = std::min(e + 1, text.size());
            break;
        }
        pos = e + 1;
    }
    if (yaml_end == std::string::npos) {
        diags.push_back(error_at(file, start, "front matter is not closed",
                                 {"end the YAML header with a line holding only `---`"}));
        return text.size();
    }
    std::string yaml = text.substr(yaml_begin, yaml_end - yaml_begin);
    // The header starts a line of the file, so its line n is the file's line first_line + n: one
    // index for the file rather than a scan of the header per position (one per unknown key).
    const std::size_t first_line = file->line_col(yaml_begin).line;
    auto at = [&](const YAML::Mark& m) {
        if (m.line < 0) {
            return yaml_begin;
        }
        return std::min(yaml_end, file->offset_of(first_line + static_cast<std::size_t>(m.line),
                                                  static_cast<std::size_t>(m.column) + 1));
    };
    if (auto deep = yaml_too_deep(yaml, max_depth)) {
        diags.push_back(error_at(file, yaml_begin + *deep,
                                 "front matter lists are nested deeper than " + std::to_string(max_depth) +
                                     " levels (--limit nesting)",
                                 {"front matter holds `key: value` lines and one list, e.g. `keywords: [ketamine, pain]`"}));
        return pos;
    }
    YAML::Node root;
    try {
        root = YAML::Load(yaml);
    } catch (const YAML::ParserException& e) {
        diags.push_back(error_at(file, at(e.mark), "front matter is not valid YAML: " + e.msg,
                                 {"write one `key: value` per line; quote values that contain `:`"}));
        return pos;
    }
    if (root.IsNull()) {
        return pos;
    }
    if (!root.IsMap()) {
        diags.push_back(error_at(file, yaml_begin, "front matter must be a map of `key: value` lines"));
        return pos;
    }
    // The file is clean, but YAML's escapes (`"\e"`, `"\0"`, `"\x85"`) can still write controls.
    auto clean = [&](const std::string& value, const YAML::Node& n, const std::string& key) {
        TextProblem p = next_text_problem(value);
        if (p.fault == TextFault::none) {
            return true;
        }
        diags.push_back(error_at(file, at(n.Mark()),
                                 "`" + key + "` holds " +
                                     (p.fault == TextFault::invalid_utf8 ? std::string("invalid UTF-8")
                                                                         : "the control character " + control_name(p.code)),
                                 {"remove the escape that writes it; front matter values are plain text"}));
        return false;
    };
    for (const auto& kv : root) {
        std::string key = kv.first.as<std::string>("");
        if (!clean(key, kv.first, visible_text(key))) {
            continue;
        }
        const YAML::Node& v = kv.second;
        std::size_t off = at(kv.first.Mark());
        if (std::find(meta_keys.begin(), meta_keys.end(), key) == meta_keys.end()) {
            std::string near = nearest(key, meta_keys);
            std::vector<std::string> hints;
            if (!near.empty()) {
                hints.push_back("did you mean `" + near + "`?");
            }
            hints.push_back("known keys: title, kind, topic, lang, revision, review-by, author, subject, keywords, date");
            diags.push_back(error_at(file, off, "unknown front matter key `" + visible_text(key) + "`", hints));
            continue;
        }
        if (key == "keywords") {
            if (v.IsSequence()) {
                for (const auto& k : v) {
                    std::string word = k.as<std::string>("");
                    if (clean(word, k, key)) {
                        meta.keywords.push_back(std::move(word));
                    }
                }
            } else if (v.IsScalar()) {
                std::string all = v.as<std::string>("");
                if (!clean(all, v, key)) {
                    continue;
                }
                std::size_t b = 0;
                while (b <= all.size()) {
                    std::size_t e = all.find(',', b);
                    if (e == std::string::npos) {
                        e = all.size();
                    }
                    std::string_view k = trim(std::string_view(all).substr(b, e - b));
                    if (!k.empty()) {
                        meta.keywords.emplace_back(k);
                    }
                    b = e + 1;
                }
            }
            continue;
        }
        if (!v.IsScalar()) {
            diags.push_back(error_at(file, at(v.Mark()), "`" + key + "` must be a single value",
                                     {"write it on one line, e.g. `" + key + ": ...`"}));
            continue;
        }
        std::string s = v.as<std::string>("");
        if (!clean(s, v, key)) {
            continue;
        }
        if (key == "title") {
            meta.title = s;
        } else if (key == "kind") {
            meta.kind = s;
        } else if (key == "topic") {
            meta.topic = s;
        } else if (key == "lang") {
            meta.lang = s;
        } else if (key == "revision") {
            meta.revision = s;
        } else if (key == "review-by") {
            meta.review_by = s;
        } else if (key == "author") {
            meta.author = s;
        } else if (key == "subject") {
            meta.subject = s;
        } else if (key == "date") {
            bool ok = s.size() == 10 && s[4] == '-' && s[7] == '-' &&
                      std::all_of(s.begin(), s.end(), [](char c) { return c == '-' || (c >= '0' && c <= '9'); });
            if (ok) {
                int y = std::stoi(s.substr(0, 4)), mo = std::stoi(s.substr(5, 2)), d = std::stoi(s.substr(8, 2));
                static constexpr int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
                bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
                ok = mo >= 1 && mo <= 12 && d >= 1 && d <= days[mo - 1] + ((mo == 2 && leap) ? 1 : 0);
            }
            if (!ok) {
                diags.push_back(error_at(file, at(v.Mark()), "`date` must be a real day written YYYY-MM-DD",
                                         {"e.g. `date: 2026-11-26`"}));
            }
            meta.date = s;
        }
    }
    return pos;
}

// ---- inline helpers -----------------------------------------------------------------------

/// HTML entities md4c hands over undecoded: numeric ones and the common named ones. A numeric
/// entity for a control character sets `control` (the caller reports it) and decodes to nothing.
std::string decode_entity(std::string_view e, char32_t* control = nullptr) {
    std::string out;
    if (e.size() > 3 && e[1] == '#') {
        bool hex = e[2] == 'x' || e[2] == 'X';
        std::string digits(e.substr(hex ? 3 : 2, e.size() - (hex ? 4 : 3)));
        unsigned long cp = std::strtoul(digits.c_str(), nullptr, hex ? 16 : 10);
        if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
            cp = 0xFFFD;  // CommonMark: an impossible code point stands for the replacement character
        }
        if (is_forbidden_control(static_cast<char32_t>(cp))) {
            if (control != nullptr) {
                *control = static_cast<char32_t>(cp);
            }
            return out;
        }
        append_utf8(out, static_cast<char32_t>(cp));
        return out;
    }
    static const std::array<std::pair<std::string_view, unsigned>, 16> named = {{
        {"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'}, {"&apos;", '\''},
        {"&nbsp;", 0xA0}, {"&ndash;", 0x2013}, {"&mdash;", 0x2014}, {"&hellip;", 0x2026},
        {"&lsquo;", 0x2018}, {"&rsquo;", 0x2019}, {"&ldquo;", 0x201C}, {"&rdquo;", 0x201D},
        {"&copy;", 0xA9}, {"&shy;", 0xAD}, {"&times;", 0xD7},
    }};
    for (const auto& [name, cp] : named) {
        if (e == name) {
            append_utf8(out, static_cast<char32_t>(cp));
            return out;
        }
    }
    return std::string(e);
}

bool valid_var_name(std::string_view n) {
    if (n.empty() || n.front() == '.' || n.back() == '.') {
        return false;
    }
    return std::all_of(n.begin(), n.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '-';
    });
}

/// Merges neighbouring text spans of one style, then cuts `{{name}}` out as variable spans.
Spans finish_spans(Spans in, const SourcePtr& file, Diagnostics& diags) {
    // Merged text can be shorter than its source (entities, backslash escapes): each merged
    // span keeps where its pieces began, so positions inside it map back exactly.
    struct Piece {
        std::size_t at;      ///< byte offset in the merged text
        std::size_t source;  ///< byte offset in the file
    };
    Spans merged;
    std::vector<std::vector<Piece>> pieces;
    for (auto& s : in) {
        if (!merged.empty() && s.kind == Span::Kind::text && merged.back().kind == Span::Kind::text &&
            merged.back().style == s.style && merged.back().link == s.link) {
            pieces.back().push_back({merged.back().text.size(), s.offset});
            merged.back().text += s.text;
        } else {
            pieces.push_back({{0, s.offset}});
            merged.push_back(std::move(s));
        }
    }
    Spans out;
    for (std::size_t m = 0; m < merged.size(); ++m) {
        Span& s = merged[m];
        if (s.kind != Span::Kind::text || s.text.find("{{") == std::string::npos) {
            out.push_back(std::move(s));
            continue;
        }
        const auto& map = pieces[m];
        auto src = [&](std::size_t pos) {
            std::size_t i = map.size() - 1;
            while (i > 0 && map[i].at > pos) {
                --i;
            }
            return map[i].source + (pos - map[i].at);
        };
        std::size_t pos = 0;
        while (pos < s.text.size()) {
            std::size_t open = s.text.find("{{", pos);
            if (open == std::string::npos) {
                out.push_back(Span{Span::Kind::text, s.text.substr(pos), s.style, s.link, src(pos)});
                break;
            }
            if (open > pos) {
                out.push_back(Span{Span::Kind::text, s.text.substr(pos, open - pos), s.style, s.link, src(pos)});
            }
            std::size_t close = s.text.find("}}", open + 2);
            if (close == std::string::npos) {
                diags.push_back(error_at(file, src(open), "variable is not closed",
                                         {"write it as `{{name}}`, e.g. `{{patient.name}}`"}));
                out.push_back(Span{Span::Kind::text, s.text.substr(open), s.style, s.link, src(open)});
                break;
            }
            std::string_view name = trim(std::string_view(s.text).substr(open + 2, close - open - 2));
            if (!valid_var_name(name)) {
                diags.push_back(error_at(file, src(open),
                                         "`" + s.text.substr(open, close + 2 - open) + "` is not a variable name",
                                         {"names are letters, digits, `_` and `-`, joined by dots: `{{patient.name}}`"}));
            }
            out.push_back(Span{Span::Kind::variable, std::string(name), s.style, s.link, src(open)});
            pos = close + 2;
        }
    }
    return out;
}

/// Takes a trailing `{#id}` (Pandoc attribute) off a heading's text.
std::string take_heading_id(Spans& spans, const SourcePtr& file, Diagnostics& diags) {
    while (!spans.empty() && spans.back().kind == Span::Kind::text && trim(spans.back().text).empty()) {
        spans.pop_back();
    }
    if (spans.empty() || spans.back().kind != Span::Kind::text) {
        return {};
    }
    Span& last = spans.back();
    std::string_view t = trim(last.text);
    if (t.empty() || t.back() != '}') {
        return {};
    }
    std::size_t open = last.text.rfind('{');
    if (open == std::string::npos) {
        return {};
    }
    std::string_view attrs = trim(std::string_view(last.text).substr(open + 1, last.text.find('}', open) - open - 1));
    std::string id;
    std::size_t p = 0;
    while (p < attrs.size()) {
        std::size_t e = attrs.find(' ', p);
        if (e == std::string::npos) {
            e = attrs.size();
        }
        std::string_view a = attrs.substr(p, e - p);
        if (!a.empty() && a.front() == '#') {
            id = std::string(a.substr(1));
        } else if (!a.empty() && a.front() != '.' && a.find('=') == std::string_view::npos) {
            diags.push_back(error_at(file, last.offset + open, "heading attribute `" + std::string(a) + "` is not understood",
                                     {"write a heading id as `{#side-effects}`"}));
        }
        p = e + 1;
    }
    last.text.erase(open);
    while (!last.text.empty() && last.text.back() == ' ') {
        last.text.pop_back();
    }
    if (last.text.empty()) {
        spans.pop_back();
    }
    return id;
}

// ---- md4c tree builder --------------------------------------------------------------------

struct Builder {
    Builder(SourcePtr f, Diagnostics& d, std::size_t depth_limit)
        : file(std::move(f)), diags(d), max_depth(depth_limit) {}
    SourcePtr file;
    Diagnostics& diags;
    std::size_t max_depth;          ///< how deep blocks may nest (--limit nesting)
    const char* region = nullptr;   ///< start of the text md4c parses
    std::size_t region_size = 0;
    std::size_t region_offset = 0;  ///< where that text starts in the file
    std::vector<Blocks*> blocks;    ///< innermost container last
    std::vector<List*> lists;
    Table* table = nullptr;
    bool table_placed = false;      ///< `table->offset` is its header row's, from text in it
    std::size_t text_end = std::string::npos;  ///< just after the last text md4c gave in this region
    Spans* spans = nullptr;         ///< where inline text goes now
    bool* spans_owner_code = nullptr;
    std::size_t block_offset = 0;
    std::uint8_t style = style_plain;
    std::vector<std::string> links;
    int image_depth = 0;
    Image image;
    std::vector<Image> pending_images;
    std::vector<Heading*> heading_stack;
    /// Nesting: `:::` blocks open around this region, and md4c's quotes and lists open now.
    std::size_t div_depth = 0;
    std::size_t container_depth = 0;
    /// Quotes and lists past max_depth: entered but not built (their contents neither).
    std::size_t skipped = 0;
    bool aborted = false;             ///< the depth error is reported; md4c was stopped

    std::size_t depth() const { return div_depth + container_depth; }

    std::size_t offset_of_ptr(const char* p) const {
        if (p >= region && p <= region + region_size) {
            return region_offset + static_cast<std::size_t>(p - region);
        }
        return block_offset;
    }

    Blocks& current() { return *blocks.back(); }

    void flush_images() {
        if (table != nullptr) {
            return;  // a picture in a table cell goes after the table: pushing now would move it
        }
        for (auto& img : pending_images) {
            current().push_back(Block{std::move(img)});
        }
        pending_images.clear();
    }

    Spans& target(std::size_t offset) {
        if (spans == nullptr) {
            // Tight list items hold text with no paragraph block: make one.
            current().push_back(Block{Paragraph{{}, false, offset, {}}});
            spans = &std::get<Paragraph>(current().back().v).spans;
        }
        return *spans;
    }

    void finish_current_spans() {
        if (spans != nullptr) {
            *spans = finish_spans(std::move(*spans), file, diags);
        }
        spans = nullptr;
    }
};

std::string attribute_text(const MD_ATTRIBUTE& a) {
    return std::string(a.text, a.size);
}

bool is_container(MD_BLOCKTYPE type) {
    return type == MD_BLOCK_QUOTE || type == MD_BLOCK_UL || type == MD_BLOCK_OL;
}

/// The first byte of the line holding `at` (no earlier than `floor`, a line start).
std::size_t line_begin(const std::string& text, std::size_t at, std::size_t floor) {
    while (at > floor && text[at - 1] != '\n') {
        --at;
    }
    return at;
}

/// Where a block's own text starts on the line beginning at `line`: past indentation, quote
/// markers (`>`) and list markers (`-`, `*`, `+`, `1.`, `1)` followed by a space).
std::size_t after_markers(const std::string& text, std::size_t line, std::size_t end) {
    std::size_t i = line;
    for (;;) {
        while (i < end && (text[i] == ' ' || text[i] == '\t' || text[i] == '>')) {
            ++i;
        }
        std::size_t j = i;
        while (j < end && j - i < 9 && text[j] >= '0' && text[j] <= '9') {
            ++j;
        }
        const bool numbered = j > i && j < end && (text[j] == '.' || text[j] == ')');
        const std::size_t marker_end = numbered ? j + 1 : (i < end && (text[i] == '-' || text[i] == '*' || text[i] == '+')) ? i + 1 : i;
        if (marker_end == i || marker_end >= end || (text[marker_end] != ' ' && text[marker_end] != '\t')) {
            return i;
        }
        i = marker_end;
    }
}

/// Where a table starts before any text in it is seen: the first line after the last text
/// before it (or the region's start) that holds more than markers and white space. Only a
/// table with no text at all keeps this; see place_table.
std::size_t table_start_guess(const Builder& b) {
    const std::string& text = b.file->text;
    const std::size_t end = b.region_offset + b.region_size;
    std::size_t line = b.region_offset;
    if (b.text_end != std::string::npos) {
        // From the text's last byte: a soft break's text is the line break itself.
        const std::size_t nl = text.find('\n', b.text_end == 0 ? 0 : b.text_end - 1);
        line = nl == std::string::npos || nl + 1 >= end ? line_begin(text, std::min(b.text_end, end), b.region_offset) : nl + 1;
    }
    while (line < end) {
        const std::size_t nl = std::min(text.find('\n', line), end);
        const std::size_t start = after_markers(text, line, nl);
        if (start < nl && text[start] != '\r') {
            return start;
        }
        line = nl + 1;
    }
    return b.region_offset;
}

/// A table's position from the first text md4c gives inside it, at `off` in row `row` (0 is
/// the header): a row is one line, with the delimiter row after the header, so the header row
/// is `row` (+ 1 past the header) lines up; the table starts where that line's markers end.
void place_table(Builder& b, std::size_t off) {
    const std::string& text = b.file->text;
    std::size_t row = b.table->rows.empty() ? 0 : b.table->rows.size() - 1;
    std::size_t line = line_begin(text, off, b.region_offset);
    for (std::size_t up = row == 0 ? 0 : row + 1; up > 0 && line > b.region_offset; --up) {
        line = line_begin(text, line - 1, b.region_offset);
    }
    const std::size_t nl = text.find('\n', line);
    b.table->offset = after_markers(text, line, nl == std::string::npos ? text.size() : nl);
    b.table_placed = true;
}

/// Where the first level past the limit begins, for the depth error: md4c gives blocks no
/// position, so the line holding `anchor` (the first text inside the too-deep part, or npos)
/// is read for its quote and list markers. `depth` is the nesting at the anchor.
std::size_t deep_position(const Builder& b, std::size_t anchor, std::size_t depth) {
    const std::string& text = b.file->text;
    const std::size_t region_end = b.region_offset + b.region_size;
    // The markers (`>`, `-`, `*`, `+`, `1.`, `1)`) that open a line, by offset.
    auto markers = [&](std::size_t line) {
        std::vector<std::size_t> out;
        std::size_t i = line;
        while (i < region_end) {
            char c = text[i];
            if (c == ' ' || c == '\t') {
                ++i;
            } else if (c == '>') {
                out.push_back(i++);
            } else if ((c == '-' || c == '*' || c == '+') && (i + 1 >= region_end || text[i + 1] == ' ' || text[i + 1] == '\t' ||
                                                               text[i + 1] == '\n')) {
                out.push_back(i++);
            } else if (c >= '0' && c <= '9') {
                std::size_t j = i;
                while (j < region_end && j - i < 9 && text[j] >= '0' && text[j] <= '9') {
                    ++j;
                }
                if (j < region_end && (text[j] == '.' || text[j] == ')')) {
                    out.push_back(i);
                    i = j + 1;
                } else {
                    break;
                }
            } else {
                break;
            }
        }
        return out;
    };
    if (anchor != std::string::npos) {
        std::size_t line = text.rfind('\n', anchor == 0 ? 0 : anchor - 1);
        line = (line == std::string::npos || anchor == 0) ? 0 : line + 1;
        line = std::max(line, b.region_offset);
        auto m = markers(line);
        // The line's markers open levels depth - m.size() + 1 … depth; the first past the limit:
        const std::size_t first_level = depth + 1 - std::min(depth, m.size());
        if (!m.empty() && b.max_depth + 1 >= first_level && b.max_depth + 1 - first_level < m.size()) {
            return m[b.max_depth + 1 - first_level];
        }
        return m.empty() ? anchor : m.front();
    }
    // No text inside: the first line with more markers than levels left.
    for (std::size_t line = b.region_offset; line < region_end;) {
        auto m = markers(line);
        const std::size_t room = b.max_depth - std::min(b.max_depth, b.div_depth);
        if (m.size() > room) {
            return m[room];
        }
        std::size_t e = text.find('\n', line);
        line = e == std::string::npos ? region_end : e + 1;
    }
    return b.region_offset;
}

void report_too_deep(Builder& b, std::size_t at) {
    b.diags.push_back(error_at(b.file, at,
                               "blocks are nested deeper than " + std::to_string(b.max_depth) +
                                   " levels (--limit nesting)",
                               {"`>` quotes, list levels and `:::` blocks count together; a handout needs a few at most",
                                "flatten the structure: end some of them before opening the next"}));
    b.aborted = true;
}

int enter_block(MD_BLOCKTYPE type, void* detail, void* user) {
    auto& b = *static_cast<Builder*>(user);
    if (b.aborted) {
        return 1;  // md4c may still close what was open: nothing more is built or reported
    }
    if (b.skipped > 0 || (is_container(type) && b.depth() + 1 > b.max_depth)) {
        // Past the limit: count the levels so their ends match, build nothing; the first text
        // inside (or the end of the too-deep part) reports the error and stops md4c.
        if (is_container(type)) {
            ++b.skipped;
        }
        return 0;
    }
    if (is_container(type)) {
        ++b.container_depth;
    }
    b.finish_current_spans();
    b.flush_images();
    std::size_t off = b.block_offset;
    switch (type) {
        case MD_BLOCK_DOC: break;
        case MD_BLOCK_QUOTE: {
            b.current().push_back(Block{Div{"note", "", "", {}, off}});
            b.blocks.push_back(&std::get<Div>(b.current().back().v).blocks);
            break;
        }
        case MD_BLOCK_UL:
        case MD_BLOCK_OL: {
            List list;
            list.ordered = type == MD_BLOCK_OL;
            if (list.ordered) {
                list.start = static_cast<MD_BLOCK_OL_DETAIL*>(detail)->start;
            }
            list.offset = off;
            b.current().push_back(Block{std::move(list)});
            b.lists.push_back(&std::get<List>(b.current().back().v));
            break;
        }
        case MD_BLOCK_LI: {
            auto* d = static_cast<MD_BLOCK_LI_DETAIL*>(detail);
            ListItem item;
            if (d->is_task) {
                item.task = (d->task_mark == 'x' || d->task_mark == 'X') ? Task::checked : Task::unchecked;
            }
            item.offset = off;
            b.lists.back()->items.push_back(std::move(item));
            b.blocks.push_back(&b.lists.back()->items.back().blocks);
            break;
        }
        case MD_BLOCK_HR: b.current().push_back(Block{ThematicBreak{off}}); break;
        case MD_BLOCK_H: {
            Heading h;
            h.level = static_cast<int>(static_cast<MD_BLOCK_H_DETAIL*>(detail)->level);
            h.offset = off;
            b.current().push_back(Block{std::move(h)});
            auto& hh = std::get<Heading>(b.current().back().v);
            b.spans = &hh.spans;
            b.heading_stack.push_back(&hh);
            break;
        }
        case MD_BLOCK_CODE:
        case MD_BLOCK_P: {
            b.current().push_back(Block{Paragraph{{}, type == MD_BLOCK_CODE, off, {}}});
            b.spans = &std::get<Paragraph>(b.current().back().v).spans;
            break;
        }
        case MD_BLOCK_TABLE: {
            // md4c gives blocks no position: the first text inside places the table (place_table).
            b.current().push_back(Block{Table{{}, {}, table_start_guess(b)}});
            b.table = &std::get<Table>(b.current().back().v);
            b.table_placed = false;
            break;
        }
        case MD_BLOCK_THEAD:
        case MD_BLOCK_TBODY: break;
        case MD_BLOCK_TR: b.table->rows.emplace_back(); break;
        case MD_BLOCK_TH:
        case MD_BLOCK_TD: {
            auto* d = static_cast<MD_BLOCK_TD_DETAIL*>(detail);
            if (b.table->rows.size() == 1) {
                Align a = Align::start;
                switch (d->align) {
                    case MD_ALIGN_LEFT: a = Align::left; break;
                    case MD_ALIGN_CENTER: a = Align::center; break;
                    case MD_ALIGN_RIGHT: a = Align::right; break;
                    default: break;
                }
                b.table->aligns.push_back(a);
            }
            b.table->rows.back().emplace_back();
            b.spans = &b.table->rows.back().back();
            break;
        }
        case MD_BLOCK_HTML: break;
    }
    return 0;
}

int leave_block(MD_BLOCKTYPE type, void* /*detail*/, void* user) {
    auto& b = *static_cast<Builder*>(user);
    if (b.aborted) {
        return 1;  // md4c may still close what was open: nothing more is built or reported
    }
    if (b.skipped > 0) {
        if (is_container(type) && --b.skipped == 0) {
            report_too_deep(b, deep_position(b, std::string::npos, 0));
            return 1;
        }
        return 0;
    }
    if (is_container(type)) {
        --b.container_depth;
    }
    b.finish_current_spans();
    switch (type) {
        case MD_BLOCK_QUOTE: b.flush_images(); b.blocks.pop_back(); break;
        case MD_BLOCK_UL:
        case MD_BLOCK_OL: b.lists.pop_back(); break;
        case MD_BLOCK_LI: b.flush_images(); b.blocks.pop_back(); break;
        case MD_BLOCK_H: {
            Heading* h = b.heading_stack.back();
            b.heading_stack.pop_back();
            h->id = take_heading_id(h->spans, b.file, b.diags);
            if (!h->spans.empty()) {
                h->offset = h->spans.front().offset;
            }
            b.flush_images();
            break;
        }
        case MD_BLOCK_P: {
            // A paragraph that held only an image becomes the image (a figure).
            auto& para = std::get<Paragraph>(b.current().back().v);
            if (!para.spans.empty()) {
                para.offset = para.spans.front().offset;
            }
            bool empty = std::all_of(para.spans.begin(), para.spans.end(),
                                     [](const Span& s) { return s.kind == Span::Kind::text && trim(s.text).empty(); });
            if (empty && !b.pending_images.empty()) {
                b.current().pop_back();
            }
            b.flush_images();
            break;
        }
        case MD_BLOCK_CODE: {
            auto& para = std::get<Paragraph>(b.current().back().v);
            // md4c ends a code block with its final newline as text: drop it.
            while (!para.spans.empty() && para.spans.back().kind == Span::Kind::text &&
                   !para.spans.back().text.empty() && para.spans.back().text.back() == '\n') {
                para.spans.back().text.pop_back();
                if (para.spans.back().text.empty()) {
                    para.spans.pop_back();
                }
            }
            break;
        }
        case MD_BLOCK_TABLE:
            b.table = nullptr;
            b.flush_images();
            break;
        default: break;
    }
    return 0;
}

int enter_span(MD_SPANTYPE type, void* detail, void* user) {
    auto& b = *static_cast<Builder*>(user);
    if (b.aborted) {
        return 1;  // md4c may still close what was open: nothing more is built or reported
    }
    if (b.skipped > 0) {
        return 0;
    }
    switch (type) {
        case MD_SPAN_EM: b.style = static_cast<std::uint8_t>(b.style | style_italic); break;
        case MD_SPAN_STRONG: b.style = static_cast<std::uint8_t>(b.style | style_bold); break;
        case MD_SPAN_CODE: b.style = static_cast<std::uint8_t>(b.style | style_code); break;
        case MD_SPAN_A: b.links.push_back(attribute_text(static_cast<MD_SPAN_A_DETAIL*>(detail)->href)); break;
        case MD_SPAN_IMG: {
            if (b.image_depth++ == 0) {
                b.image = Image{attribute_text(static_cast<MD_SPAN_IMG_DETAIL*>(detail)->src), "", b.block_offset};
            }
            break;
        }
        default: break;
    }
    return 0;
}

int leave_span(MD_SPANTYPE type, void* /*detail*/, void* user) {
    auto& b = *static_cast<Builder*>(user);
    if (b.aborted) {
        return 1;  // md4c may still close what was open: nothing more is built or reported
    }
    if (b.skipped > 0) {
        return 0;
    }
    switch (type) {
        case MD_SPAN_EM: b.style = static_cast<std::uint8_t>(b.style & ~style_italic); break;
        case MD_SPAN_STRONG: b.style = static_cast<std::uint8_t>(b.style & ~style_bold); break;
        case MD_SPAN_CODE: b.style = static_cast<std::uint8_t>(b.style & ~style_code); break;
        case MD_SPAN_A:
            if (!b.links.empty()) {  // md4c 0.4.8 may close a link it never opened: `![]([)]()`
                b.links.pop_back();
            }
            break;
        case MD_SPAN_IMG: {
            if (b.image_depth > 0 && --b.image_depth == 0) {
                b.pending_images.push_back(std::move(b.image));
            }
            break;
        }
        default: break;
    }
    return 0;
}

int text_cb(MD_TEXTTYPE type, const MD_CHAR* text, MD_SIZE size, void* user) {
    auto& b = *static_cast<Builder*>(user);
    if (b.aborted) {
        return 1;  // md4c may still close what was open: nothing more is built or reported
    }
    std::size_t off = b.offset_of_ptr(text);
    if (b.skipped > 0) {
        report_too_deep(b, deep_position(b, off, b.depth() + b.skipped));
        return 1;
    }
    const bool in_region = text >= b.region && text + size <= b.region + b.region_size;
    if (in_region) {
        if (b.table != nullptr && !b.table_placed) {
            place_table(b, off);
        }
        b.text_end = off + size;
    }
    std::string t;
    Span::Kind kind = Span::Kind::text;
    switch (type) {
        case MD_TEXT_NULLCHAR: t = "\xEF\xBF\xBD"; break;
        case MD_TEXT_BR: kind = Span::Kind::line_break; break;
        case MD_TEXT_SOFTBR: t = " "; break;
        case MD_TEXT_ENTITY: {
            char32_t control = 0;
            t = decode_entity(std::string_view(text, size), &control);
            if (control != 0) {
                b.diags.push_back(error_at(b.file, off, "`" + std::string(text, size) + "` stands for the control character " +
                                                            control_name(control),
                                           {"remove it: a handout's text holds no control characters"}));
            }
            break;
        }
        default: t.assign(text, size); break;
    }
    if (b.image_depth > 0) {
        b.image.alt += t;
        if (b.image.offset == b.block_offset) {
            b.image.offset = off;
        }
        return 0;
    }
    std::string link = b.links.empty() ? std::string() : b.links.back();
    b.target(off).push_back(Span{kind, std::move(t), b.style, std::move(link), off});
    return 0;
}

void parse_markdown(Builder& b, std::size_t begin, std::size_t end) {
    if (end <= begin || b.aborted) {
        return;
    }
    const std::string& text = b.file->text;
    b.region = text.data() + begin;
    b.region_size = end - begin;
    b.region_offset = begin;
    b.block_offset = begin;
    b.container_depth = 0;
    b.skipped = 0;
    b.text_end = std::string::npos;
    MD_PARSER parser{};
    parser.abi_version = 0;
    parser.flags = MD_FLAG_TABLES | MD_FLAG_TASKLISTS | MD_FLAG_NOHTML | MD_FLAG_PERMISSIVEURLAUTOLINKS |
                   MD_FLAG_PERMISSIVEEMAILAUTOLINKS;
    parser.enter_block = enter_block;
    parser.leave_block = leave_block;
    parser.enter_span = enter_span;
    parser.leave_span = leave_span;
    parser.text = text_cb;
    md_parse(b.region, static_cast<MD_SIZE>(b.region_size), &parser, &b);
}

// ---- fenced divs --------------------------------------------------------------------------

struct DivOpen {
    std::string kind, id, lang;
};

/// Whether `tag` looks like a BCP 47 language tag: a 2–3 letter lower-case language, then subtags.
bool language_tag(std::string_view tag) {
    std::size_t i = 0;  // the language: 2–3 lower-case letters (so "To:" starts no tagline)
    while (i < tag.size() && tag[i] >= 'a' && tag[i] <= 'z') {
        ++i;
    }
    if (i < 2 || i > 3) {
        return false;
    }
    while (i < tag.size()) {
        if (tag[i] != '-') {
            return false;
        }
        std::size_t start = ++i;
        while (i < tag.size() && std::isalnum(static_cast<unsigned char>(tag[i])) != 0) {
            ++i;
        }
        if (i - start < 1 || i - start > 8) {
            return false;
        }
    }
    return true;
}

/// A taglines block's list items (`- fr: ATTENTION : …`) become paragraphs in their languages.
void taglines(Blocks& blocks, const SourcePtr& file, std::size_t div_offset, Diagnostics& diags) {
    Blocks out;
    auto fail = [&](std::size_t at) {
        diags.push_back(error_at(file, at, "a tagline must start with its language tag",
                                 {"write each tagline as a list item, e.g. `- fr: ATTENTION : Si vous parlez français, …`",
                                  "the tag is BCP 47: es, zh-Hans, zh-Hant, ar, fa, hi, bn, ht, …"}));
    };
    for (Block& block : blocks) {
        auto* list = std::get_if<List>(&block.v);
        if (list == nullptr) {
            const auto* p = std::get_if<Paragraph>(&block.v);
            fail(p != nullptr ? p->offset : div_offset);
            continue;
        }
        for (ListItem& item : list->items) {
            Paragraph* p = item.blocks.empty() ? nullptr : std::get_if<Paragraph>(&item.blocks.front().v);
            Span* first = p == nullptr || p->spans.empty() ? nullptr : &p->spans.front();
            std::size_t colon = first != nullptr && first->kind == Span::Kind::text ? first->text.find(':') : std::string::npos;
            if (colon == std::string::npos || !language_tag(std::string_view(first->text).substr(0, colon))) {
                fail(first != nullptr ? first->offset : item.offset);
                continue;
            }
            const std::string lang = first->text.substr(0, colon);
            std::size_t cut = colon + 1;
            while (cut < first->text.size() && first->text[cut] == ' ') {
                ++cut;
            }
            first->text.erase(0, cut);
            first->offset += cut;
            if (first->text.empty()) {
                p->spans.erase(p->spans.begin());
            }
            for (Block& b : item.blocks) {
                if (auto* para = std::get_if<Paragraph>(&b.v)) {
                    para->lang = lang;
                }
                out.push_back(std::move(b));
            }
        }
    }
    blocks = std::move(out);
}

/// Reads `caveat {#id}`, `{.caveat #id}` or `caveat` after the colons.
DivOpen parse_div_attrs(std::string_view rest) {
    DivOpen d;
    std::string_view word;
    std::size_t brace = rest.find('{');
    word = trim(rest.substr(0, brace));
    if (!word.empty()) {
        d.kind = std::string(word);
    }
    if (brace != std::string_view::npos) {
        std::string_view attrs = rest.substr(brace + 1);
        attrs = attrs.substr(0, attrs.find('}'));
        std::size_t p = 0;
        while (p < attrs.size()) {
            std::size_t e = attrs.find(' ', p);
            if (e == std::string_view::npos) {
                e = attrs.size();
            }
            std::string_view a = trim(attrs.substr(p, e - p));
            if (!a.empty() && a.front() == '#') {
                d.id = std::string(a.substr(1));
            } else if (!a.empty() && a.front() == '.' && d.kind.empty()) {
                d.kind = std::string(a.substr(1));
            } else if (a.rfind("lang=", 0) == 0) {
                d.lang = std::string(a.substr(5));
            }
            p = e + 1;
        }
    }
    return d;
}

}  // namespace

Result<Document> parse_content(SourcePtr file, std::size_t max_depth) {
    Result<Document> result;
    Document doc;
    doc.source = file;
    Diagnostics& diags = result.diagnostics;
    if (!check_text(file, diags)) {
        return result;  // no value: what follows would read the bad bytes as text
    }
    std::size_t body = parse_front_matter(file, doc.meta, diags, max_depth);

    Builder b{file, diags, max_depth};
    b.blocks.push_back(&doc.blocks);
    struct OpenDiv {
        std::size_t offset;
        std::string kind;
    };
    std::vector<OpenDiv> open_divs;

    const std::string& text = file->text;
    std::size_t chunk = body;
    std::size_t pos = body;
    bool in_fence = false;
    std::string fence;
    while (pos < text.size() && !b.aborted) {
        std::size_t e = text.find('\n', pos);
        std::size_t next = e == std::string::npos ? text.size() : e + 1;
        std::string_view line(text.data() + pos, (e == std::string::npos ? text.size() : e) - pos);
        std::string_view tl = trim(line);
        if (tl.rfind("```", 0) == 0 || tl.rfind("~~~", 0) == 0) {
            std::string f(tl.substr(0, 3));
            if (!in_fence) {
                in_fence = true;
                fence = f;
            } else if (f == fence) {
                in_fence = false;
            }
        } else if (!in_fence && tl.rfind(":::", 0) == 0 && line.rfind(":::", 0) == 0) {
            parse_markdown(b, chunk, pos);
            if (b.aborted) {
                break;
            }
            std::string_view rest = trim(tl.substr(tl.find_first_not_of(':') == std::string_view::npos
                                                        ? tl.size()
                                                        : tl.find_first_not_of(':')));
            if (rest.empty()) {
                if (open_divs.empty()) {
                    diags.push_back(error_at(file, pos, "`:::` closes no open block",
                                             {"remove it, or open a block first with `::: note`"}));
                } else {
                    if (open_divs.back().kind == "taglines") {
                        taglines(*b.blocks.back(), file, open_divs.back().offset, diags);
                    }
                    open_divs.pop_back();
                    b.blocks.pop_back();
                    b.div_depth = open_divs.size();
                }
            } else if (open_divs.size() + 1 > max_depth) {
                report_too_deep(b, pos);
                break;
            } else {
                DivOpen d = parse_div_attrs(rest);
                if (std::find(div_kinds.begin(), div_kinds.end(), d.kind) == div_kinds.end()) {
                    std::string near = nearest(d.kind, div_kinds);
                    std::vector<std::string> hints;
                    if (!near.empty()) {
                        hints.push_back("did you mean `::: " + near + "`?");
                    }
                    hints.push_back("blocks are caveat, note, checklist, signature and taglines");
                    std::size_t at = line.find(d.kind.empty() ? std::string_view("{") : std::string_view(d.kind), 3);
                    diags.push_back(error_at(file, pos + (at == std::string_view::npos ? 3 : at),
                                             "unknown block kind `" + d.kind + "`", hints));
                }
                b.current().push_back(Block{Div{d.kind, d.id, d.lang, {}, pos}});
                b.blocks.push_back(&std::get<Div>(b.current().back().v).blocks);
                open_divs.push_back({pos, d.kind});
                b.div_depth = open_divs.size();
            }
            chunk = next;
        }
        pos = next;
    }
    if (!b.aborted) {
        parse_markdown(b, chunk, text.size());
    }
    if (b.aborted) {
        result.value = std::move(doc);
        return result;  // the depth error says it all: open blocks were cut off, not forgotten
    }
    for (const auto& d : open_divs) {
        diags.push_back(error_at(file, d.offset, "this block is never closed",
                                 {"end it with a line holding only `:::`"}));
    }
    if (doc.meta.title.empty() && !has_errors(diags)) {
        diags.push_back(error_at(file, 0, "the document has no title",
                                 {"add front matter with `title: ...` between `---` lines"}));
    }
    result.value = std::move(doc);
    return result;
}

}  // namespace handout
