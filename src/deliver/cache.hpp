// deliver: handout's cache folder, and the SVG store kept there — each SVG picture's natural size
// and the one-page PDF librsvg drew of it — so later runs need not load librsvg (9 MB and 10 ms
// per process here) to place it or to write it as vector graphics.
#pragma once

#include "core/svg_store.hpp"

#include <string>

namespace handout {

/// Where handout keeps what it can compute again: HANDOUT_CACHE_DIR, else the XDG cache folder,
/// else ~/.cache/handout; empty when none is known.
std::string cache_dir();

/// SVG records as files in `dir` (cache_dir() by default): svg-<FNV-1a>-<length>.pdf, written
/// atomically. With an empty folder it finds nothing and keeps nothing.
class DiskSvgStore final : public SvgStore {
public:
    explicit DiskSvgStore(std::string dir = cache_dir()) : m_dir(std::move(dir)) {}
    std::optional<SvgRecord> find(std::string_view svg) const override;
    void store(std::string_view svg, const SvgRecord& record) const override;

private:
    std::string record_path(std::string_view svg) const;
    std::string m_dir;
};

}  // namespace handout
