// deliver: handout's cache folder, and what it learnt from an SVG picture kept there —
// its natural size and the one-page PDF librsvg drew of it — so later runs need not load
// librsvg (9 MB and 10 ms per process here) to place it or to write it as vector graphics.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace handout {

/// Where handout keeps what it can compute again: HANDOUT_CACHE_DIR, else the XDG cache folder,
/// else ~/.cache/handout; empty when none is known.
std::string cache_dir();

struct SvgRecord {
    double width = 0, height = 0;  ///< natural size, pt
    std::string pdf;               ///< one page of that size, drawn by librsvg on a Cairo PDF surface
};

/// The record for these SVG bytes, if an earlier run stored one.
std::optional<SvgRecord> svg_record(std::string_view svg);

/// Stores the record (best effort: a cache that cannot be written is no error).
void store_svg_record(std::string_view svg, const SvgRecord& record);

}  // namespace handout
