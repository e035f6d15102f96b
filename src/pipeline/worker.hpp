// pipeline: a worker — one thread's font system, hyphenator and paragraph cache — and the one
// call that turns shared inputs plus one record's variables into Pages.
#pragma once

#include "core/diagnostic.hpp"
#include "core/limits.hpp"
#include "pages/pages.hpp"
#include "check/check.hpp"
#include "deliver/cache.hpp"
#include "pipeline/inputs.hpp"
#include "render/cairo/render_cairo.hpp"
#include "render/haru/render_haru.hpp"
#include "render/pdf/render_pdf.hpp"
#include "resolve/resolve.hpp"
#include "typeset/font_system.hpp"
#include "typeset/hyphenator.hpp"
#include "typeset/para_cache.hpp"

#include <memory>

namespace handout {

/// Everything a thread needs to lay documents out. Not shared between threads.
class Worker {
public:
    /// Font folder from HANDOUT_FONTS or the data dir; dictionaries from HANDOUT_HYPHEN_DIR or
    /// /usr/share/hyphen. Records are held to `limits` (value size, pages).
    static Result<std::unique_ptr<Worker>> create(const Limits& limits = {});
    /// Saves the hyphenation cache when it learnt new words.
    ~Worker();
    Worker(const Worker&) = delete;
    Worker& operator=(const Worker&) = delete;

    /// Errors for font families the layout names that the font system does not have (cached per
    /// layout, for the inputs' lifetime).
    const Diagnostics& check_families(const LayoutInput& layout);

    /// Resolves `vars` into the content, checks it (its kind's and topic's rules, the layout's,
    /// the glyphs of the values) and typesets it. Any check error stops it: no pages; so does a
    /// value or a page count over the limits.
    Result<Pages> typeset_record(const ContentInput& content, const LayoutInput& layout, const Vars& vars);

    /// Every check on the content as written and the layout (cached per pair): what does not
    /// depend on a record.
    const CheckResult& check_template(const ContentInput& content, const LayoutInput& layout);

    /// Whether `family` has a glyph for `cp`.
    bool covers(const std::string& family, char32_t cp) { return m_fonts->covers(family, cp); }

    ParaCache& cache() { return m_cache; }
    CairoCache& cairo() { return m_cairo; }
    PdfCache& pdf() { return m_pdf; }
    HaruCache& haru() { return m_haru; }

private:
    Worker(std::unique_ptr<FontSystem> fonts, std::string hyphen_dir, const Limits& limits)
        : m_limits(limits), m_fonts(std::move(fonts)), m_hyphenator(std::move(hyphen_dir)), m_pdf(&m_svgs) {}
    Limits m_limits;
    std::string m_hyphen_cache;  ///< file of the hyphenation cache, empty when there is no cache folder
    std::map<std::pair<const void*, const void*>, CheckResult> m_template_checks;  ///< per (content, layout) pair
    std::map<const LayoutInput*, Diagnostics> m_family_checks;  ///< per layout: families it names that are missing
    std::unique_ptr<FontSystem> m_fonts;
    Hyphenator m_hyphenator;
    ParaCache m_cache;
    CairoCache m_cairo;
    DiskSvgStore m_svgs;   ///< before m_pdf, which keeps a pointer to it
    PdfCache m_pdf;
    HaruCache m_haru;
};

/// The document date as ISO 8601: SOURCE_DATE_EPOCH wins, then the content's own date.
std::string document_date(const Meta& meta);

}  // namespace handout
