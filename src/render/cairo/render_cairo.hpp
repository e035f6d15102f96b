// render/cairo: takes Pages, returns PDF bytes (Cairo's PDF surface) or PNG bytes per page.
// Makes no layout decisions; draws what the display list says.
#pragma once

#include "core/diagnostic.hpp"
#include "pages/pages.hpp"

#include <memory>
#include <string>
#include <vector>

namespace handout {

/// What the Cairo engine keeps between documents on one thread: font faces by file and decoded
/// pictures (a batch shares its pictures, so each is decoded once per worker). Not thread-safe.
class CairoCache {
public:
    CairoCache();
    ~CairoCache();
    CairoCache(const CairoCache&) = delete;
    CairoCache& operator=(const CairoCache&) = delete;
    struct Impl;
    Impl& impl() { return *m_impl; }

private:
    std::unique_ptr<Impl> m_impl;
};

/// A PDF with every font embedded and subset, links, outline and metadata.
Result<std::string> render_pdf_cairo(const Pages& pages, CairoCache* cache = nullptr);

/// "cairo 1.16.0, pango 1.50.12, harfbuzz 6.0.0": part of every batch output's up-to-date hash.
std::string cairo_engine_version();

/// One PNG per page at `dpi`, white background.
Result<std::vector<std::string>> render_png_cairo(const Pages& pages, double dpi, CairoCache* cache = nullptr);

}  // namespace handout
