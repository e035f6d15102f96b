// render/haru: takes Pages, returns a PDF written by libharu — embedded TrueType fonts through its
// UTF-8 encoder, shapes, pictures, links, outline, metadata, page labels. A third writer over the
// same display list, for Latin-script (and other unshaped) text: libharu draws characters, not
// shaped glyphs, so a run that needs shaping is an error naming its position, never garbled
// output. No structure tags, no encryption: those are the default engine's.
#pragma once

#include "core/diagnostic.hpp"
#include "core/source_file.hpp"
#include "pages/pages.hpp"

#include <memory>
#include <string>

namespace handout {

/// What the engine keeps between documents on one thread: one libharu document object, whose
/// parsed fonts outlive each document it writes, and decoded pictures. Not thread-safe.
class HaruCache {
public:
    HaruCache();
    ~HaruCache();
    HaruCache(const HaruCache&) = delete;
    HaruCache& operator=(const HaruCache&) = delete;
    struct Impl;
    Impl& impl() { return *m_impl; }

private:
    std::unique_ptr<Impl> m_impl;
};

/// The PDF, or errors: the first run libharu cannot draw (it needs shaping, a character beyond
/// U+FFFF, a font without TrueType outlines) at its place in `content` (the file the runs'
/// `source` offsets point into; may be null), and anything libharu reports, with page and item.
Result<std::string> render_pdf_haru(const Pages& pages, HaruCache* cache = nullptr, SourcePtr content = nullptr);

/// "libharu 2.3.0": part of every batch output's up-to-date hash.
std::string haru_engine_version();

}  // namespace handout
