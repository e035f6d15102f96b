#include "typeset/para_cache.hpp"

#include <cstring>

namespace handout {

namespace {

/// The number's bytes: exact, and cheaper than formatting it.
void put_num(std::string& k, double v) {
    char buf[sizeof v];
    std::memcpy(buf, &v, sizeof v);
    k.append(buf, sizeof v);
}

}  // namespace

std::string ParaCache::key(const Spans& spans, const ParaStyle& style, double width) {
    std::string k;
    for (const auto& s : spans) {
        if (s.personal || s.kind == Span::Kind::variable) {
            return {};
        }
        k += static_cast<char>('0' + static_cast<int>(s.kind));
        k += static_cast<char>('0' + s.style);
        k += s.text;
        k += '\x1f';
        k += s.link;
        k += '\x1e';
        put_num(k, static_cast<double>(s.offset));
    }
    k += style.family + '\x1f' + style.mono_family + '\x1f' + style.lang + '\x1f';
    put_num(k, style.size);
    put_num(k, style.line_height);
    put_num(k, style.color.r);
    put_num(k, style.color.g);
    put_num(k, style.color.b);
    put_num(k, style.link_color.r);
    put_num(k, style.link_color.g);
    put_num(k, style.link_color.b);
    k += static_cast<char>('0' + static_cast<int>(style.align));
    k += style.hyphenate ? 'h' : '-';
    k += style.bold ? 'b' : '-';
    k += style.link_underline ? 'u' : '-';
    put_num(k, width);
    return k;
}

const ParaBox* ParaCache::find_box(const std::string& key) const {
    auto it = m_boxes.find(key);
    if (it == m_boxes.end()) {
        ++m_misses;
        return nullptr;
    }
    ++m_hits;
    return &it->second;
}

void ParaCache::put_box(std::string key, ParaBox box) {
    if (m_boxes.size() >= max_entries) {
        m_boxes.clear();
    }
    m_boxes.emplace(std::move(key), std::move(box));
}

const ParaExtent* ParaCache::find_extent(const std::string& key) const {
    auto it = m_extents.find(key);
    return it == m_extents.end() ? nullptr : &it->second;
}

void ParaCache::put_extent(std::string key, ParaExtent e) {
    if (m_extents.size() >= max_entries) {
        m_extents.clear();
    }
    m_extents.emplace(std::move(key), e);
}

}  // namespace handout
