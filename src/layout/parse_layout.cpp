#include "layout/parse_layout.hpp"

#include "core/units.hpp"

#include <toml++/toml.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <optional>
#include <functional>
#include <map>

namespace handout {

namespace {

/// A cheap scan for what would make toml++ recurse deeply: a dotted key or header with more than
/// `max_depth` parts, or brackets and braces nested deeper than `max_depth`.
/// Strings and comments are skipped; anything else toml++ judges.
std::optional<Diagnostic> too_deep_for_toml(const SourcePtr& file, std::size_t max_depth) {
    const std::string& t = file->text;
    std::size_t depth = 0;
    std::size_t parts = 1;
    for (std::size_t i = 0; i < t.size(); ++i) {
        const char c = t[i];
        if (c == '#') {
            std::size_t e = t.find('\n', i);
            i = (e == std::string::npos ? t.size() : e) - 1;
            continue;
        }
        if (c == '"' || c == '\'') {
            const bool basic = c == '"';
            const bool multi = t.compare(i, 3, std::string(3, c)) == 0;
            std::size_t j = i + (multi ? 3 : 1);
            while (j < t.size()) {
                if (basic && t[j] == '\\') {
                    j += 2;
                    continue;
                }
                if (!multi && t[j] == '\n') {
                    break;  // an unclosed string: toml++ says so
                }
                if (t[j] == c && (!multi || t.compare(j, 3, std::string(3, c)) == 0)) {
                    j += multi ? 2 : 0;
                    break;
                }
                ++j;
            }
            // On the closing quote (the loop steps past it), or before the line end of an unclosed one.
            i = j < t.size() && t[j] == '\n' ? j - 1 : std::min(j, t.size());
            continue;
        }
        if (c == '.') {
            if (++parts > max_depth) {
                return error_at(file, i, "a dotted key or table header has more than " +
                                             std::to_string(max_depth) + " parts (--limit nesting)",
                                {"a layout's keys have a few parts, e.g. `[callout.caveat]` or `fonts.lang.ja`"});
            }
            continue;
        }
        if (c == '=' || c == ',' || c == '\n' || c == '[' || c == ']' || c == '{' || c == '}') {
            parts = 1;
        }
        if (c == '[' || c == '{') {
            if (++depth > max_depth) {
                return error_at(file, i, "arrays and tables are nested deeper than " +
                                             std::to_string(max_depth) + " levels (--limit nesting)",
                                {"a layout needs two levels at most, e.g. `fallback = [\"Noto Sans\"]`"});
            }
        } else if ((c == ']' || c == '}') && depth > 0) {
            --depth;
        }
    }
    return std::nullopt;
}

/// Reads one TOML table against a fixed set of keys, so an unknown key names the nearest valid one.
class Reader {
public:
    Reader(const SourcePtr& file, Diagnostics& diags, std::map<std::string, std::size_t>& offsets)
        : m_file(file), m_diags(diags), m_offsets(offsets) {}

    std::size_t offset(const toml::source_region& r) const {
        if (r.begin.line == 0) {
            return 0;
        }
        return m_file->offset_of(r.begin.line, r.begin.column);  // the file's line index: no rescan per key
    }

    void error(const toml::node& n, std::string msg, std::vector<std::string> hints = {}) {
        m_diags.push_back(error_at(m_file, offset(n.source()), std::move(msg), std::move(hints)));
    }

    /// Calls handler for each known key; reports the others.
    void each(const toml::table& t, const std::string& where,
              const std::map<std::string, std::function<void(const toml::node&)>>& handlers) {
        std::vector<std::string> names;
        for (const auto& [k, _] : handlers) {
            names.push_back(k);
        }
        for (const auto& [key, node] : t) {
            std::string k(key.str());
            auto it = handlers.find(k);
            if (it != handlers.end()) {
                m_offsets[where.empty() ? k : where + "." + k] = offset(key.source());
                it->second(node);
                continue;
            }
            std::vector<std::string> hints;
            std::string near = nearest(k, names);
            if (!near.empty()) {
                hints.push_back("did you mean `" + near + "`?");
            }
            std::string all;
            for (const auto& n : names) {
                all += (all.empty() ? "" : ", ") + n;
            }
            hints.push_back("valid keys " + (where.empty() ? std::string("at the top level") : "in [" + visible_text(where) + "]") +
                            ": " + all);
            m_diags.push_back(error_at(m_file, offset(key.source()),
                                       "unknown key `" + visible_text(k) + "`" + (where.empty() ? "" : " in [" + visible_text(where) + "]"),
                                       hints));
        }
    }

    void length(const toml::node& n, double& out, const std::string& key) {
        if (auto v = n.value<double>()) {
            out = *v;
            return;
        }
        if (auto s = n.value<std::string>()) {
            if (auto pt = parse_length(*s)) {
                out = *pt;
                return;
            }
        }
        error(n, "`" + key + "` must be a length", {"write a number of points (`12`) or a string with a unit: `\"12pt\"`, `\"20mm\"`, `\"0.75in\"`"});
    }

    void positive(const toml::node& n, double& out, const std::string& key, double lo, double hi) {
        double v = out;
        std::size_t before = m_diags.size();
        length(n, v, key);
        if (m_diags.size() != before) {
            return;  // not a length: said so
        }
        if (!std::isfinite(v)) {
            not_finite(n, key, lo, hi);
            return;
        }
        if (v < lo || v > hi) {
            error(n, "`" + key + "` is out of range", {"use a value from " + num(lo) + " to " + num(hi)});
            return;
        }
        out = v;
    }

    void number(const toml::node& n, double& out, const std::string& key, double lo, double hi) {
        auto v = n.value<double>();
        if (!v) {
            error(n, "`" + key + "` must be a number");
            return;
        }
        if (!std::isfinite(*v)) {
            not_finite(n, key, lo, hi);
            return;
        }
        if (*v < lo || *v > hi) {
            error(n, "`" + key + "` is out of range", {"use a value from " + num(lo) + " to " + num(hi)});
            return;
        }
        out = *v;
    }

    /// NaN compares false with every bound, so it is refused before the range is checked.
    void not_finite(const toml::node& n, const std::string& key, double lo, double hi) {
        error(n, "`" + key + "` must be a finite number, not nan or inf",
              {"use a value from " + num(lo) + " to " + num(hi)});
    }

    void boolean(const toml::node& n, bool& out, const std::string& key) {
        auto v = n.value<bool>();
        if (!v) {
            error(n, "`" + key + "` must be true or false");
            return;
        }
        out = *v;
    }

    void string(const toml::node& n, std::string& out, const std::string& key) {
        auto v = n.value<std::string>();
        if (!v) {
            error(n, "`" + key + "` must be a string", {"put the value in double quotes"});
            return;
        }
        out = *v;
    }

    void color(const toml::node& n, Color& out, const std::string& key) {
        auto v = n.value<std::string>();
        auto hex = [](char c) -> int {
            if (c >= '0' && c <= '9') return c - '0';
            if (c >= 'a' && c <= 'f') return c - 'a' + 10;
            if (c >= 'A' && c <= 'F') return c - 'A' + 10;
            return -1;
        };
        if (v && (v->size() == 7 || v->size() == 4) && (*v)[0] == '#') {
            std::string s = *v;
            if (s.size() == 4) {
                s = std::string{'#', s[1], s[1], s[2], s[2], s[3], s[3]};
            }
            bool ok = std::all_of(s.begin() + 1, s.end(), [&](char c) { return hex(c) >= 0; });
            if (ok) {
                out.r = (hex(s[1]) * 16 + hex(s[2])) / 255.0;
                out.g = (hex(s[3]) * 16 + hex(s[4])) / 255.0;
                out.b = (hex(s[5]) * 16 + hex(s[6])) / 255.0;
                return;
            }
        }
        error(n, "`" + key + "` must be a colour like \"#1d4e89\"");
    }

    const toml::table* table(const toml::node& n, const std::string& key) {
        if (const auto* t = n.as_table()) {
            return t;
        }
        error(n, "`" + key + "` must be a table", {"write it as a section `[" + key + "]` or an inline table `{ ... }`"});
        return nullptr;
    }

    static std::string num(double v) {
        std::string s = std::to_string(v);
        s.erase(s.find_last_not_of('0') + 1);
        if (!s.empty() && s.back() == '.') {
            s.pop_back();
        }
        return s;
    }

private:
    const SourcePtr& m_file;
    Diagnostics& m_diags;
    std::map<std::string, std::size_t>& m_offsets;
};

using Handlers = std::map<std::string, std::function<void(const toml::node&)>>;

void read_page(Reader& r, const toml::table& t, Layout& l) {
    r.each(t, "page",
           Handlers{
               {"size",
                [&](const toml::node& n) {
                    std::string s;
                    r.string(n, s, "size");
                    static const std::map<std::string, std::pair<double, double>> sizes = {
                        {"letter", {612, 792}}, {"a4", {595.2756, 841.8898}}, {"legal", {612, 1008}}};
                    auto it = sizes.find(s);
                    if (it == sizes.end()) {
                        if (!s.empty()) {
                            r.error(n, "unknown page size `" + visible_text(s) + "`",
                                    {"use \"letter\", \"a4\" or \"legal\", or set `width` and `height`"});
                        }
                        return;
                    }
                    l.page_width = it->second.first;
                    l.page_height = it->second.second;
                }},
               {"width", [&](const toml::node& n) { r.positive(n, l.page_width, "width", 72, 2000); }},
               {"height", [&](const toml::node& n) { r.positive(n, l.page_height, "height", 72, 2000); }},
               {"margin",
                [&](const toml::node& n) {
                    if (const auto* mt = n.as_table()) {
                        r.each(*mt, "page.margin",
                               Handlers{{"top", [&](const toml::node& m) { r.positive(m, l.margin.top, "top", 0, 300); }},
                                        {"right", [&](const toml::node& m) { r.positive(m, l.margin.right, "right", 0, 300); }},
                                        {"bottom", [&](const toml::node& m) { r.positive(m, l.margin.bottom, "bottom", 0, 300); }},
                                        {"left", [&](const toml::node& m) { r.positive(m, l.margin.left, "left", 0, 300); }}});
                        return;
                    }
                    double all = l.margin.top;
                    r.positive(n, all, "margin", 0, 300);
                    l.margin = Margins{all, all, all, all};
                }},
               {"columns",
                [&](const toml::node& n) {
                    double c = 1;
                    r.number(n, c, "columns", 1, 1);
                    l.columns = static_cast<int>(c);
                }},
               {"max_pages",
                [&](const toml::node& n) {
                    double c = 0;
                    r.number(n, c, "max_pages", 0, 100);
                    l.max_pages = static_cast<int>(c);
                }},
           });
}

void read_fonts(Reader& r, const toml::table& t, Layout& l) {
    r.each(t, "fonts",
           Handlers{{"body", [&](const toml::node& n) { r.string(n, l.body_family, "body"); }},
                    {"heading", [&](const toml::node& n) { r.string(n, l.heading_family, "heading"); }},
                    {"mono", [&](const toml::node& n) { r.string(n, l.mono_family, "mono"); }},
                    {"fallback", [&](const toml::node& n) {
                         const auto* a = n.as_array();
                         if (a == nullptr) {
                             r.error(n, "`fallback` must be a list of family names", {"e.g. `fallback = [\"Noto Sans\"]`"});
                             return;
                         }
                         for (const auto& e : *a) {
                             std::string f;
                             r.string(e, f, "fallback");
                             l.fallback.push_back(f);
                         }
                     }},
                    {"lang", [&](const toml::node& n) {
                         const auto* tt = n.as_table();
                         if (tt == nullptr) {
                             r.error(n, "`[fonts.lang]` must be a table of language tag = family",
                                     {"e.g. `ja = \"Noto Sans CJK JP\"`"});
                             return;
                         }
                         for (const auto& [k, v] : *tt) {
                             std::string tag(k.str());
                             std::string f;
                             if (const auto* entry = v.as_table()) {
                                 r.each(*entry, "fonts.lang." + tag,
                                        Handlers{{"family", [&](const toml::node& e) { r.string(e, f, "family"); }},
                                                 {"scale", [&](const toml::node& e) {
                                                      double sc = 1;
                                                      r.number(e, sc, "scale", 0.5, 2.0);
                                                      l.lang_scales[tag] = sc;
                                                  }}});
                             } else {
                                 r.string(v, f, tag);
                             }
                             if (!f.empty()) {
                                 l.lang_families[tag] = f;
                             }
                         }
                     }}});
}

void read_body(Reader& r, const toml::table& t, Layout& l) {
    r.each(t, "body",
           Handlers{{"size", [&](const toml::node& n) { r.positive(n, l.body_size, "size", 4, 72); }},
                    {"min_size", [&](const toml::node& n) { r.positive(n, l.min_body_size, "min_size", 4, 72); }},
                    {"line_height", [&](const toml::node& n) { r.number(n, l.line_height, "line_height", 1.0, 3.0); }},
                    {"paragraph_spacing",
                     [&](const toml::node& n) { r.positive(n, l.paragraph_spacing, "paragraph_spacing", 0, 72); }},
                    {"justify", [&](const toml::node& n) { r.boolean(n, l.justify, "justify"); }},
                    {"hyphenate", [&](const toml::node& n) { r.boolean(n, l.hyphenate, "hyphenate"); }},
                    {"color", [&](const toml::node& n) { r.color(n, l.text_color, "color"); }},
                    {"link_color", [&](const toml::node& n) { r.color(n, l.link_color, "link_color"); }},
                    {"link_underline", [&](const toml::node& n) { r.boolean(n, l.link_underline, "link_underline"); }},
                    {"large_print", [&](const toml::node& n) { r.boolean(n, l.large_print, "large_print"); }}});
}

void read_title(Reader& r, const toml::table& t, Layout& l) {
    r.each(t, "title",
           Handlers{{"size", [&](const toml::node& n) { r.positive(n, l.title_size, "size", 6, 96); }},
                    {"color", [&](const toml::node& n) { r.color(n, l.title_color, "color"); }},
                    {"rule", [&](const toml::node& n) { r.boolean(n, l.title_rule, "rule"); }},
                    {"rule_color", [&](const toml::node& n) { r.color(n, l.rule_color, "rule_color"); }}});
}

void read_heading(Reader& r, const toml::node& node, HeadingStyle& h, const std::string& where) {
    const auto* t = r.table(node, where);
    if (t == nullptr) {
        return;
    }
    r.each(*t, where,
           Handlers{{"size", [&](const toml::node& n) { r.positive(n, h.size, "size", 6, 96); }},
                    {"space_before", [&](const toml::node& n) { r.positive(n, h.space_before, "space_before", 0, 144); }},
                    {"space_after", [&](const toml::node& n) { r.positive(n, h.space_after, "space_after", 0, 144); }},
                    {"color", [&](const toml::node& n) { r.color(n, h.color, "color"); }}});
}

void read_box(Reader& r, const toml::node& node, BoxStyle& b, const std::string& where) {
    const auto* t = r.table(node, where);
    if (t == nullptr) {
        return;
    }
    r.each(*t, where,
           Handlers{{"fill", [&](const toml::node& n) { r.color(n, b.fill, "fill"); }},
                    {"border", [&](const toml::node& n) { r.color(n, b.border, "border"); }}});
}

void read_running(Reader& r, const toml::node& node, RunningStyle& s, const std::string& where) {
    const auto* t = r.table(node, where);
    if (t == nullptr) {
        return;
    }
    r.each(*t, where,
           Handlers{{"left", [&](const toml::node& n) { r.string(n, s.left, "left"); }},
                    {"center", [&](const toml::node& n) { r.string(n, s.center, "center"); }},
                    {"right", [&](const toml::node& n) { r.string(n, s.right, "right"); }},
                    {"size", [&](const toml::node& n) { r.positive(n, s.size, "size", 4, 48); }},
                    {"color", [&](const toml::node& n) { r.color(n, s.color, "color"); }},
                    {"rule", [&](const toml::node& n) { r.boolean(n, s.rule, "rule"); }}});
}

}  // namespace

std::size_t Layout::offset_of_key(const std::string& key) const {
    std::string k = key;
    while (!k.empty()) {
        auto it = key_offsets.find(k);
        if (it != key_offsets.end()) {
            return it->second;
        }
        std::size_t dot = k.rfind('.');
        k = dot == std::string::npos ? std::string() : k.substr(0, dot);
    }
    return 0;
}

Result<Layout> parse_layout(SourcePtr file, std::size_t max_depth) {
    Result<Layout> result;
    Layout l;
    l.source = file;
    l.name = std::filesystem::path(file->path).stem().string();
    if (auto deep = too_deep_for_toml(file, max_depth)) {
        result.diagnostics.push_back(std::move(*deep));
        return result;
    }
    toml::table root;
    try {
        root = toml::parse(file->text, file->path);
    } catch (const toml::parse_error& e) {
        std::size_t off = file->offset_of(e.source().begin.line, e.source().begin.column);
        result.diagnostics.push_back(error_at(file, off, "not valid TOML: " + visible_text(e.description()),
                                              {"check quotes, `=` and brackets on this line"}));
        return result;
    }
    Reader r(file, result.diagnostics, l.key_offsets);
    auto section = [&](const toml::node& n, const std::string& name, auto&& fn) {
        if (const auto* t = r.table(n, name)) {
            fn(r, *t, l);
        }
    };
    r.each(root, "",
           Handlers{
               {"page", [&](const toml::node& n) { section(n, "page", read_page); }},
               {"fonts", [&](const toml::node& n) { section(n, "fonts", read_fonts); }},
               {"body", [&](const toml::node& n) { section(n, "body", read_body); }},
               {"title", [&](const toml::node& n) { section(n, "title", read_title); }},
               {"headings",
                [&](const toml::node& n) {
                    const auto* t = r.table(n, "headings");
                    if (t == nullptr) {
                        return;
                    }
                    r.each(*t, "headings",
                           Handlers{{"h1", [&](const toml::node& h) { read_heading(r, h, l.h1, "headings.h1"); }},
                                    {"h2", [&](const toml::node& h) { read_heading(r, h, l.h2, "headings.h2"); }},
                                    {"h3", [&](const toml::node& h) { read_heading(r, h, l.h3, "headings.h3"); }},
                                    {"color", [&](const toml::node& h) {
                                         Color c;
                                         r.color(h, c, "color");
                                         l.h1.color = l.h2.color = l.h3.color = c;
                                     }}});
                }},
               {"table",
                [&](const toml::node& n) {
                    const auto* t = r.table(n, "table");
                    if (t == nullptr) {
                        return;
                    }
                    r.each(*t, "table",
                           Handlers{{"size", [&](const toml::node& v) { r.positive(v, l.table_size, "size", 4, 72); }},
                                    {"padding", [&](const toml::node& v) { r.positive(v, l.table_padding, "padding", 0, 36); }},
                                    {"header_fill", [&](const toml::node& v) { r.color(v, l.table_header_fill, "header_fill"); }},
                                    {"border", [&](const toml::node& v) { r.color(v, l.table_border, "border"); }}});
                }},
               {"callout",
                [&](const toml::node& n) {
                    const auto* t = r.table(n, "callout");
                    if (t == nullptr) {
                        return;
                    }
                    r.each(*t, "callout",
                           Handlers{{"size", [&](const toml::node& v) { r.positive(v, l.callout_size, "size", 4, 72); }},
                                    {"padding", [&](const toml::node& v) { r.positive(v, l.callout_padding, "padding", 0, 72); }},
                                    {"radius", [&](const toml::node& v) { r.positive(v, l.callout_radius, "radius", 0, 36); }},
                                    {"border_width",
                                     [&](const toml::node& v) { r.positive(v, l.callout_border_width, "border_width", 0, 12); }},
                                    {"caveat", [&](const toml::node& v) { read_box(r, v, l.caveat, "callout.caveat"); }},
                                    {"note", [&](const toml::node& v) { read_box(r, v, l.note, "callout.note"); }}});
                }},
               {"header", [&](const toml::node& n) { read_running(r, n, l.header, "header"); }},
               {"footer", [&](const toml::node& n) { read_running(r, n, l.footer, "footer"); }},
               {"logo",
                [&](const toml::node& n) {
                    const auto* t = r.table(n, "logo");
                    if (t == nullptr) {
                        return;
                    }
                    r.each(*t, "logo",
                           Handlers{{"path",
                                     [&](const toml::node& v) {
                                         r.string(v, l.logo_path, "path");
                                         std::filesystem::path p(l.logo_path);
                                         if (!p.empty() && p.is_relative()) {
                                             l.logo_path = (std::filesystem::path(file->path).parent_path() / p).string();
                                         }
                                     }},
                                    {"width", [&](const toml::node& v) { r.positive(v, l.logo_width, "width", 1, 600); }}});
                }},
           });
    if (l.margin.left + l.margin.right > l.page_width - 72 || l.margin.top + l.margin.bottom > l.page_height - 72) {
        result.diagnostics.push_back(error_at(file, 0, "the margins leave less than 1 inch for text",
                                              {"make the margins smaller or the page larger"}));
    }
    // toml++ walks keys in sorted order; report in file order.
    std::stable_sort(result.diagnostics.begin(), result.diagnostics.end(),
                     [](const Diagnostic& a, const Diagnostic& b) { return a.offset < b.offset; });
    result.value = std::move(l);
    return result;
}

}  // namespace handout
