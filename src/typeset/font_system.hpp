// typeset: a worker's font system — private fontconfig configuration over fonts/ and one Pango context.
// Not thread-safe: each worker thread owns one.
#pragma once

#include "core/diagnostic.hpp"
#include "pages/pages.hpp"

#include <map>
#include <memory>
#include <string>
#include <vector>

typedef struct _PangoContext PangoContext;
typedef struct _PangoFont PangoFont;

namespace handout {

struct FontMetrics {
    double ascent = 0, descent = 0;   ///< pt, both positive
};

/// A font from a Debian package (fonts/debian.toml): its families, package and files.
struct PackagedFont {
    std::vector<std::string> families;
    std::string package;
    std::vector<std::string> files;
};

class FontSystem {
public:
    /// Builds a font system that sees the font files in `fonts_dir` and the installed files of
    /// `packaged`, nothing else.
    static Result<std::unique_ptr<FontSystem>> create(const std::string& fonts_dir, const std::vector<PackagedFont>& packaged = {});
    ~FontSystem();
    FontSystem(const FontSystem&) = delete;
    FontSystem& operator=(const FontSystem&) = delete;

    /// The context all layout goes through: 72 dpi (1 unit = 1 pt), hinting off, unrounded positions.
    /// Owned by the font system.
    PangoContext* context() const;

    /// This font system's id for a Pango font: an index into fonts(), stable for its lifetime.
    std::uint32_t font_id(PangoFont* font);

    /// Every font handed out so far, by id.
    const std::vector<FontRef>& fonts() const { return m_fonts; }

    /// Ascent and descent of `family` at `size` pt, bold/italic per the flags.
    FontMetrics metrics(const std::string& family, double size, bool bold = false, bool italic = false);

    /// Whether the private configuration knows this family.
    bool has_family(const std::string& family) const;

    /// The Debian package fonts/debian.toml names for a family, or empty.
    std::string package_of(const std::string& family) const;

    /// Whether any face of `family` has a glyph for `cp` (no fallback to other families).
    bool covers(const std::string& family, char32_t cp);

private:
    FontSystem();
    /// The fontconfig and Pango objects, each owned (font_system.cpp: their headers stay out of
    /// this one, which the pipeline includes).
    struct Handles;
    std::unique_ptr<Handles> m_handles;
    std::vector<FontRef> m_fonts;
    std::map<std::string, FontMetrics> m_metrics;
    std::map<std::string, std::string> m_packages; ///< family → Debian package (fonts/debian.toml)
};

}  // namespace handout
