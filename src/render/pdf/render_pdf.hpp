// render/pdf: takes Pages, returns a tagged PDF written through qpdf's object model — fonts
// subset with hb-subset, structure tree with marked content, artifacts, /Lang, XMP metadata.
#pragma once

#include "core/diagnostic.hpp"
#include "core/svg_store.hpp"
#include "pages/pages.hpp"

#include <memory>
#include <string>

namespace handout {

/// What the engine keeps between documents on one thread: parsed font faces, decoded pictures.
class PdfCache {
public:
    /// `svgs`: where SVG drawings are kept between runs (not owned; must outlive the cache), or null.
    explicit PdfCache(const SvgStore* svgs = nullptr);
    ~PdfCache();
    PdfCache(const PdfCache&) = delete;
    PdfCache& operator=(const PdfCache&) = delete;
    struct Impl;
    Impl& impl() { return *m_impl; }

private:
    std::unique_ptr<Impl> m_impl;
};

Result<std::string> render_pdf_tagged(const Pages& pages, PdfCache* cache = nullptr);

}  // namespace handout
