// render/haru: what the engine keeps between documents on one thread — the libharu document
// object with its parsed fonts, the faces' character maps, decoded pictures — and where libharu's
// errors land. Internal to render/haru.
#pragma once

#include "core/hb_ptr.hpp"
#include "pages/pages.hpp"
#include "render/haru/render_haru.hpp"
#include "render/raster.hpp"

#include <hpdf.h>

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace handout {

/// libharu's errors, as its handler reports them: the first one of a document, and where the
/// engine was when it came. The handler only records (it never throws across libharu's frames).
struct HaruErrors {
    HPDF_STATUS error = 0;
    HPDF_STATUS detail = 0;
    std::string where;    ///< what the engine was doing: "page 2, item 14 (text)"
    std::string doing;    ///< set by the engine before each step; copied into `where` on an error
};

/// Whether `c` is among the characters the engine gives libharu a font for: Latin, Greek and
/// Cyrillic with their combining marks, punctuation, and the symbols handouts use (haru_fonts.cpp).
bool in_haru_repertoire(char32_t c);

struct HaruCache::Impl {
    /// A font file as libharu and the checks see it.
    struct Font {
        std::string name;        ///< libharu's name for it (its PostScript name), empty when it did not load
        std::string problem;     ///< why the engine cannot use it, when it cannot
        HbFontPtr hb;            ///< its character map, for the glyphs a run may be drawn with
    };

    Impl();
    ~Impl();
    Impl(const Impl&) = delete;
    Impl& operator=(const Impl&) = delete;

    /// The font, loaded into libharu on first use (once a worker: fonts outlive each document).
    Font& font(const FontRef& ref);                     // haru_fonts.cpp
    /// A PNG or SVG picture's pixels, decoded once a worker; null when it cannot be.
    const Pixels* pixels(const ImageData& img);         // render_haru.cpp

    HaruErrors errors;   ///< before `doc`: libharu's handler writes here
    HPDF_Doc doc = nullptr;
    std::map<std::pair<std::string, int>, Font> fonts;
    std::map<const std::string*, std::optional<Pixels>> decoded;  ///< keyed by the shared bytes
    std::vector<std::shared_ptr<const std::string>> keep_alive;    ///< the keys stay valid
};

}  // namespace handout
