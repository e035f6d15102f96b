// typeset: the flow broken into pages — keep rules (keep-with-next chains move to the next page
// whole), space dropped at a page top, a table's header repeated — then each page's logo,
// running header and footer.
#include "typeset/typesetter.hpp"

#include <algorithm>
#include <map>
#include <string>

namespace handout {

void Typesetter::paginate(Slices& slices) {
    const double top = m_layout.margin.top;
    const double bottom = m_layout.page_height - m_layout.margin.bottom;
    auto new_page = [&]() {
        m_pages.pages.push_back(Page{m_layout.page_width, m_layout.page_height, {}});
    };
    new_page();
    double y = top;
    int last_table = -1;
    auto place = [&](const Slice& s, double at, bool copy_as_artifact) {
        Page& page = m_pages.pages.back();
        for (const auto& item : s.items) {
            Item it = item;
            translate(it, m_layout.margin.left, at);
            if (copy_as_artifact && it.node >= 0) {
                it.node = -1;
                it.artifact = ArtifactKind::pagination;
            }
            if (copy_as_artifact && std::holds_alternative<Link>(it.v)) {
                continue;
            }
            page.items.push_back(std::move(it));
        }
        if (!copy_as_artifact) {
            for (auto o : s.outline) {
                o.page = static_cast<int>(m_pages.pages.size()) - 1;
                o.y = at + o.y;
                m_pages.outline.push_back(std::move(o));
            }
        }
    };
    // What each slice's keep-with-next chain adds after it, summed once from the end (a heading
    // of thousands of lines is one chain: walking it from each of its lines was quadratic), as a
    // difference of running sums (equal to the walk's sum to far below the 0.01 pt it is compared at).
    std::vector<std::size_t> chain_end(slices.size());
    for (std::size_t i = slices.size(); i-- > 0;) {
        chain_end[i] = slices[i].keep_with_next && i + 1 < slices.size() ? chain_end[i + 1] : i;
    }
    std::vector<double> chain(slices.size() + 1, 0);  // chain[j]: space and height of slices [1, j]
    for (std::size_t j = 1; j < slices.size(); ++j) {
        chain[j] = chain[j - 1] + (slices[j].space_before + slices[j].height);
    }
    for (std::size_t i = 0; i < slices.size(); ++i) {
        const Slice& s = slices[i];
        bool at_top = y == top;
        double need = (at_top ? 0 : s.space_before) + s.height;
        if (chain_end[i] > i) {
            need += chain[chain_end[i]] - chain[i];
        }
        if (!at_top && y + need > bottom + 0.01) {
            new_page();
            y = top;
            at_top = true;
        }
        if (at_top && s.table >= 0 && !s.table_header && s.table == last_table) {
            const Slice& header = m_table_headers[static_cast<std::size_t>(s.table)];
            place(header, y, true);
            y += header.height;
        }
        if (!at_top) {
            y += s.space_before;
        }
        place(s, y, false);
        y += s.height;
        last_table = s.table;
    }
}

namespace {

/// A record value as the running header or footer `key` shows it: through resolve, as a value in
/// the text is — refused (an error at the key, naming the variable, never the value) when it is
/// too long, not UTF-8 or holds a control character, and set as a bidirectional isolate when it
/// holds bidi controls or right-to-left letters, so it cannot reorder the header's text around
/// it. Empty when refused. Errors go to `diags` when given.
std::string checked_value(const std::string& name, const Vars& vars, const SourcePtr& layout_file, std::size_t at,
                          std::size_t max_bytes, Diagnostics* diags) {
    Document one;
    one.source = layout_file;
    Paragraph para;
    para.spans.push_back(Span{Span::Kind::variable, name, style_plain, "", at});
    one.blocks.push_back(Block{std::move(para)});
    Result<Document> resolved = resolve(one, vars, max_bytes);
    if (diags != nullptr) {
        diags->insert(diags->end(), resolved.diagnostics.begin(), resolved.diagnostics.end());
    }
    std::string text;
    if (resolved.value && !has_errors(resolved.diagnostics)) {
        for (const auto& b : resolved.value->blocks) {
            if (const auto* p = std::get_if<Paragraph>(&b.v)) {
                for (const auto& span : p->spans) {
                    text += span.text;
                }
            }
        }
    }
    return text;
}

}  // namespace

void Typesetter::running(const RunningStyle& style, double baseline, bool header, std::size_t page_index,
                         double indent) {
    const Meta& meta = m_input.doc->meta;
    std::string page = std::to_string(page_index + 1);
    std::string pages = std::to_string(m_pages.pages.size());
    // "Page 1 of 2" in the document's language.
    std::string page_of = (meta.lang.rfind("es", 0) == 0 ? "Página " + page + " de " : "Page " + page + " of ") + pages;
    static constexpr const char* sides[3] = {"left", "center", "right"};
    std::string key;                          // the part being filled: "header.left" …
    std::map<std::string, std::string> values;  // record values as that part shows them
    auto lookup = [&](std::string_view name) -> const std::string* {
        if (name == "page") return &page;
        if (name == "pages") return &pages;
        if (name == "page_of") return &page_of;
        if (name == "title") return &meta.title;
        if (name == "revision") return &meta.revision;
        if (name == "author") return &meta.author;
        if (m_input.vars != nullptr && m_input.vars->count(std::string(name)) != 0) {
            auto [it, fresh] = values.try_emplace(std::string(name));
            if (fresh) {
                // Checked and reported once a document, on its first page.
                const std::size_t at = m_layout.offset_of_key(key);
                it->second = checked_value(it->first, *m_input.vars, m_layout.source, at, m_input.max_value_bytes,
                                           page_index == 0 ? &m_diagnostics : nullptr);
            }
            return &it->second;
        }
        if (name == "date") return &meta.date;
        return nullptr;
    };
    ParaStyle s = body_style(style.size);
    s.color = style.color;
    s.hyphenate = false;
    s.line_height = 1.2;
    const double width = body_width();
    const std::string* parts[3] = {&style.left, &style.center, &style.right};
    const TextAlign aligns[3] = {TextAlign::left, TextAlign::center, TextAlign::right};
    Page& pg = m_pages.pages[page_index];
    ArtifactKind kind = header ? ArtifactKind::header : ArtifactKind::footer;
    for (int k = 0; k < 3; ++k) {
        if (parts[k]->empty()) {
            continue;
        }
        std::vector<std::string> unknown;
        key = std::string(header ? "header." : "footer.") + sides[k];
        values.clear();
        std::string text = fill_template(*parts[k], lookup, &unknown);
        if (page_index == 0) {
            for (const auto& u : unknown) {
                // At the name in this part's value (on the key's line), else at the key.
                const std::size_t at = m_layout.offset_of_key(key);
                std::size_t off = m_layout.source ? m_layout.source->text.find("{{" + u, at) : std::string::npos;
                if (off == std::string::npos || (m_layout.source && m_layout.source->text.find('\n', at) < off)) {
                    off = at;
                }
                m_diagnostics.push_back(error_at(m_layout.source, off,
                                           "the " + std::string(header ? "header" : "footer") + " uses `{{" + u +
                                               "}}`, which has no value",
                                           {"use page, pages, title, revision, date, author or a record variable"}));
            }
        }
        s.align = aligns[k];
        ParaBox box = lay(Spans{Span{Span::Kind::text, text, style_plain, "", 0}}, s, width);
        if (box.lines.empty()) {
            continue;
        }
        if (box.lines.size() > 1 && !m_running_too_long) {
            // Only the first line has a place in the margin: the rest would be lost unseen.
            m_running_too_long = true;
            m_diagnostics.push_back(error_at(m_layout.source, m_layout.offset_of_key(key),
                                             "the " + std::string(header ? "header" : "footer") + "'s " + sides[k] +
                                                 " part is wider than the page's text and would not be shown whole",
                                             {"shorten `" + key + "` or the values it uses"}));
        }
        for (const auto& run : box.lines[0].runs) {
            GlyphRun r = run;
            r.origin.x += m_layout.margin.left + (k == 0 ? indent : 0);
            r.origin.y = baseline;
            pg.items.push_back(Item{std::move(r), -1, kind});
        }
    }
    if (style.rule) {
        double ry = header ? baseline + style.size * 0.6 : baseline - style.size * 1.3;
        pg.items.push_back(Item{Rule{{m_layout.margin.left, ry}, {m_layout.margin.left + width, ry}, 0.5, m_layout.rule_color}, -1, kind});
    }
}

void Typesetter::running_heads() {
    // Running header and footer sit in the margins.
    double header_baseline = m_layout.margin.top * 0.5;
    double footer_baseline = m_layout.page_height - m_layout.margin.bottom * 0.45;
    for (std::size_t p = 0; p < m_pages.pages.size(); ++p) {
        double indent = 0;
        if (m_input.logo >= 0) {
            // The logo sits at the start of the header line, the left template after it.
            const ImageData& logo = m_pages.images[static_cast<std::size_t>(m_input.logo)];
            double h = std::min(m_layout.header.size * 2.2, m_layout.margin.top * 0.45);
            double w = logo.width * h / std::max(logo.height, 1.0);
            if (m_layout.logo_width > 0 && m_layout.logo_width < w) {
                w = m_layout.logo_width;
                h = logo.height * w / std::max(logo.width, 1.0);
            }
            m_pages.pages[p].items.push_back(Item{Picture{Rect{m_layout.margin.left, header_baseline + m_layout.header.size * 0.3 - h, w, h},
                                                          static_cast<std::uint32_t>(m_input.logo)},
                                                  -1, ArtifactKind::header});
            indent = w + m_layout.header.size * 0.6;
        }
        running(m_layout.header, header_baseline, true, p, indent);
        running(m_layout.footer, footer_baseline, false, p, 0);
    }
}

}  // namespace handout
