// core: SvgStore — where what was learnt from an SVG picture (its size, librsvg's drawing of it)
// is kept between runs. An interface, so pictures (image/) and renderers (render/) use a store
// without knowing that deliver/ keeps it on disk.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace handout {

struct SvgRecord {
    double width = 0, height = 0;  ///< natural size, pt
    std::string pdf;               ///< one page of that size, drawn by librsvg on a Cairo PDF surface
};

/// Thread-safe: workers find and store records at once.
class SvgStore {
public:
    virtual ~SvgStore() = default;
    /// The record for these SVG bytes, if one was stored.
    virtual std::optional<SvgRecord> find(std::string_view svg) const = 0;
    /// Keeps the record (best effort: a store that cannot keep it is no error).
    virtual void store(std::string_view svg, const SvgRecord& record) const = 0;
};

}  // namespace handout
