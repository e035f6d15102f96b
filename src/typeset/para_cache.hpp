// typeset: a worker's cache of laid-out paragraphs that do not depend on the record.
// Most of a personalised sheet is the same for every reader: shape and break it once.
#pragma once

#include "typeset/paragraph.hpp"

#include <string>
#include <unordered_map>

namespace handout {

class ParaCache {
public:
    /// The key for spans set in `style` at `width`; empty when any span is personal.
    static std::string key(const Spans& spans, const ParaStyle& style, double width);

    const ParaBox* find_box(const std::string& key) const;
    void put_box(std::string key, ParaBox box);
    const ParaExtent* find_extent(const std::string& key) const;
    void put_extent(std::string key, ParaExtent e);

    std::size_t hits() const { return m_hits; }
    std::size_t misses() const { return m_misses; }

private:
    // Bounded: a content set with endless distinct paragraphs starts over rather than grow.
    static constexpr std::size_t max_entries = 20000;
    std::unordered_map<std::string, ParaBox> m_boxes;
    std::unordered_map<std::string, ParaExtent> m_extents;
    mutable std::size_t m_hits = 0, m_misses = 0;
};

}  // namespace handout
