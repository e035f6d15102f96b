#include "typeset/typesetter.hpp"

#include "core/overloaded.hpp"
#include "typeset/font_system.hpp"
#include "typeset/para_cache.hpp"

namespace handout {

namespace {

void move_rect(Rect& r, double dx, double dy) {
    r.x += dx;
    r.y += dy;
}

}  // namespace

void translate(Item& item, double dx, double dy) {
    std::visit(Overloaded{
                   [&](GlyphRun& x) {
                       x.origin.x += dx;
                       x.origin.y += dy;
                   },
                   [&](Rule& x) {
                       x.from.x += dx;
                       x.from.y += dy;
                       x.to.x += dx;
                       x.to.y += dy;
                   },
                   [&](Box& x) { move_rect(x.rect, dx, dy); },
                   [&](Picture& x) { move_rect(x.rect, dx, dy); },
                   [&](Link& x) { move_rect(x.rect, dx, dy); },
               },
               item.v);
}

double stack(Slices& lines, double y, std::vector<Item>& into) {
    for (auto& ls : lines) {
        for (auto& item : ls.items) {
            translate(item, 0, y);
            into.push_back(std::move(item));
        }
        y += ls.height;
    }
    return y;
}

Typesetter::Typesetter(const TypesetInput& input)
    : m_input(input), m_layout(*input.layout), m_fonts(*input.fonts), m_size(input.layout->body_size) {}

int Typesetter::node(StructType type, int parent, std::string id) {
    m_pages.nodes.push_back(StructNode{type, parent, "", "", std::move(id), ""});
    return static_cast<int>(m_pages.nodes.size()) - 1;
}

std::string Typesetter::families(const std::string& first, const std::string& lang) const {
    std::vector<std::string> list{first};
    const std::string* found = for_lang(m_layout.lang_families, lang);
    std::string by_lang = found != nullptr ? *found : std::string();
    if (!by_lang.empty()) {
        // After the body font, so digits and Latin punctuation (a phone number) stay in one
        // face; before the fallback chain, so a script's own marks (the Bengali danda) win.
        list.push_back(by_lang);
    }
    list.insert(list.end(), m_layout.fallback.begin(), m_layout.fallback.end());
    std::string out;
    for (const auto& f : list) {
        if (out.find(f) == std::string::npos) {
            out += (out.empty() ? "" : ",") + f;
        }
    }
    return out;
}

ParaStyle Typesetter::body_style(double size) const {
    ParaStyle s;
    s.family = families(m_layout.body_family, m_input.doc->meta.lang);
    s.mono_family = m_layout.mono_family;
    s.size = size;
    s.line_height = m_layout.line_height;
    s.color = m_layout.text_color;
    s.link_color = m_layout.link_color;
    s.link_underline = m_layout.link_underline;
    s.align = m_layout.justify ? TextAlign::justify : TextAlign::left;
    s.hyphenate = m_layout.hyphenate;
    s.lang = m_input.doc->meta.lang;
    return s;
}

ParaStyle Typesetter::display_style(double size, const Color& color, double line_height) const {
    ParaStyle s = body_style(size);
    s.family = families(m_layout.heading_family, s.lang);
    s.bold = true;
    s.color = color;
    s.line_height = line_height;
    s.align = TextAlign::left;
    s.hyphenate = false;
    return s;
}

ParaBox Typesetter::lay(const Spans& spans, const ParaStyle& style, double width) {
    std::string key = m_input.cache != nullptr ? ParaCache::key(spans, style, width) : std::string();
    if (key.empty()) {
        return break_paragraph(m_fonts, m_input.hyphenator, spans, style, width);
    }
    if (const ParaBox* hit = m_input.cache->find_box(key)) {
        return *hit;
    }
    ParaBox box = break_paragraph(m_fonts, m_input.hyphenator, spans, style, width);
    m_input.cache->put_box(std::move(key), box);
    return box;
}

ParaExtent Typesetter::measure(const Spans& spans, const ParaStyle& style) {
    std::string key = m_input.cache != nullptr ? ParaCache::key(spans, style, -1) : std::string();
    if (!key.empty()) {
        if (const ParaExtent* hit = m_input.cache->find_extent(key)) {
            return *hit;
        }
    }
    ParaExtent e = measure_paragraph(m_fonts, spans, style);
    if (!key.empty()) {
        m_input.cache->put_extent(std::move(key), e);
    }
    return e;
}

void Typesetter::number_fonts() {
    const auto& all = m_fonts.fonts();
    std::vector<std::int64_t> map(all.size(), -1);
    for (auto& page : m_pages.pages) {
        for (auto& item : page.items) {
            if (auto* run = std::get_if<GlyphRun>(&item.v)) {
                if (map[run->font] < 0) {
                    map[run->font] = static_cast<std::int64_t>(m_pages.fonts.size());
                    m_pages.fonts.push_back(all[run->font]);
                }
                run->font = static_cast<std::uint32_t>(map[run->font]);
            }
        }
    }
}

void Typesetter::line_slices(const ParaBox& box, double x, int owner, Slices& out, double space_before, bool keep_all) {
    std::size_t n = box.lines.size();
    for (std::size_t i = 0; i < n; ++i) {
        Slice s;
        s.height = box.pitch;
        s.space_before = i == 0 ? space_before : 0;
        s.first_baseline = box.ascent;
        // No orphan: lines 1–2 stay together; no widow: the last two stay together.
        s.keep_with_next = keep_all || (n >= 2 && (i == 0 || i + 2 == n));
        const LineBox& line = box.lines[i];
        for (const auto& run : line.runs) {
            GlyphRun r = run;
            r.origin.x += x;
            r.origin.y = box.ascent;
            s.items.push_back(Item{std::move(r), owner, ArtifactKind::none});
        }
        for (const auto& u : line.underlines) {
            Rule r = u;
            r.from.x += x;
            r.to.x += x;
            r.from.y += box.ascent;
            r.to.y += box.ascent;
            s.items.push_back(Item{r, -1, ArtifactKind::decoration});
        }
        for (const auto& lk : line.links) {
            Link k = lk;
            k.rect.x += x;
            k.rect.y += box.ascent;
            int link_node = node(StructType::link, owner);
            s.items.push_back(Item{k, link_node, ArtifactKind::none});
        }
        out.push_back(std::move(s));
    }
}

Result<Pages> Typesetter::run() {
    const Meta& meta = m_input.doc->meta;
    m_pages.info.title = meta.title;
    m_pages.info.author = meta.author;
    m_pages.info.subject = meta.subject.empty() ? meta.title : meta.subject;
    for (const auto& k : meta.keywords) {
        m_pages.info.keywords += (m_pages.info.keywords.empty() ? "" : ", ") + k;
    }
    m_pages.info.lang = meta.lang;
    m_pages.info.creator = "handout";
    m_pages.info.date = m_input.date_iso;
    m_pages.images = m_input.images;
    m_root = node(StructType::document, -1);

    Slices slices;
    title(slices);
    blocks(m_input.doc->blocks, 0, body_width(), m_root, slices, true);
    if (slices.size() > 1) {
        // The first block after the title keeps its own spacing.
        slices[1].space_before = std::max(slices[1].space_before, 4.0);
    }
    paginate(slices);
    running_heads();
    number_fonts();
    Result<Pages> r;
    r.diagnostics = std::move(m_diagnostics);
    r.value = std::move(m_pages);
    return r;
}

}  // namespace handout
