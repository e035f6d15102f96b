// render/pdf: takes Pages, returns a tagged PDF written through qpdf's object model — fonts
// subset with hb-subset, structure tree with marked content, artifacts, /Lang, XMP metadata.
#pragma once

#include "core/diagnostic.hpp"
#include "pages/pages.hpp"

#include <memory>
#include <string>

namespace handout {

/// What the engine keeps between documents on one thread: parsed font faces, decoded pictures.
class PdfCache {
public:
    PdfCache();
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
