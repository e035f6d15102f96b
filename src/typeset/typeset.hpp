// typeset: takes a resolved Document, a Layout and a worker's font system; returns Pages (the display list).
// Does no file I/O: images arrive decoded, fonts through the FontSystem.
#pragma once

#include "content/document.hpp"
#include "core/diagnostic.hpp"
#include "layout/layout.hpp"
#include "pages/pages.hpp"
#include "resolve/resolve.hpp"

#include <map>
#include <string>
#include <vector>

namespace handout {

class FontSystem;
class Hyphenator;
class ParaCache;

struct TypesetInput {
    const Document* doc = nullptr;     ///< resolved: no variable spans left
    const Layout* layout = nullptr;
    FontSystem* fonts = nullptr;
    Hyphenator* hyphenator = nullptr;  ///< null = no hyphenation
    ParaCache* cache = nullptr;        ///< the worker's paragraph cache; null = lay out everything afresh
    std::vector<ImageData> images;     ///< decoded pictures
    std::map<std::string, std::uint32_t> image_by_src; ///< content `src` → index into images
    int logo = -1;                     ///< index into images of the layout's logo, or -1
    const Vars* vars = nullptr;        ///< record variables, for header and footer templates; null = none
    std::string date_iso;              ///< document date, ISO 8601 (metadata, {{date}} fallback)
    std::size_t max_value_bytes = Limits{}.value_bytes;  ///< header and footer values (--limit value-size)
};

Result<Pages> typeset(const TypesetInput& in);

}  // namespace handout
