#include "typeset/font_system.hpp"

#include "core/cairo_ptr.hpp"
#include "core/fc_ptr.hpp"
#include "core/glib_ptr.hpp"
#include "core/pango_ptr.hpp"

#include <fontconfig/fontconfig.h>
#include <pango/pangocairo.h>
#include <pango/pangofc-fontmap.h>
#include <pango/pangofc-font.h>
#include <harfbuzz/hb.h>

#include <filesystem>
#include <set>


namespace handout {

namespace {

std::string xml_text(const std::string& s) {
    std::string out;
    for (char c : s) {
        out += c == '&' ? std::string("&amp;") : c == '<' ? std::string("&lt;") : c == '>' ? std::string("&gt;") : std::string(1, c);
    }
    return out;
}

}  // namespace

// Members are destroyed bottom-up: fonts and character sets before the context, the font map
// and the configuration they came from.
struct FontSystem::Handles {
    FcConfigPtr config;
    GObjectPtr<PangoFontMap> font_map;
    GObjectPtr<PangoContext> context;
    std::vector<GObjectPtr<PangoFont>> held_fonts;  ///< a reference on each key of `ids`
    std::map<PangoFont*, std::uint32_t> ids;
    std::map<std::string, FcCharSetPtr> charsets;  ///< union of a family's faces
};

FontSystem::FontSystem() : m_handles(std::make_unique<Handles>()) {}

FontSystem::~FontSystem() = default;

PangoContext* FontSystem::context() const {
    return m_handles->context.get();
}

Result<std::unique_ptr<FontSystem>> FontSystem::create(const std::string& fonts_dir, const std::vector<PackagedFont>& packaged) {
    Result<std::unique_ptr<FontSystem>> r;
    std::error_code ec;
    if (!std::filesystem::is_directory(fonts_dir, ec)) {
        r.diagnostics.push_back(Diagnostic{Severity::error, nullptr, 0, "font folder `" + fonts_dir + "` does not exist",
                                           {"set HANDOUT_FONTS to the fonts/ folder of handout"}});
        return r;
    }
    std::unique_ptr<FontSystem> fs(new FontSystem());
    // A configuration of our own with no system folders: the same fonts on every machine.
    Handles& h = *fs->m_handles;
    h.config.reset(FcConfigCreate());
    std::string abs = std::filesystem::absolute(fonts_dir).lexically_normal().string();
    // Fonts from Debian packages: their folders, with every file but the
    // listed ones rejected. Their caches come from the system's cache folder, which the
    // packages' installation filled, so they are not scanned again.
    std::string dirs = "<dir>" + abs + "</dir>";
    std::string accept;
    std::set<std::string> seen_dirs;
    for (const PackagedFont& font : packaged) {
        for (const auto& fam : font.families) {
            fs->m_packages[fam] = font.package;
        }
        for (const auto& file : font.files) {
            std::filesystem::path path(file);
            if (!std::filesystem::exists(path, ec)) {
                continue;  // not installed: has_family() says which package to install
            }
            std::string dir = path.parent_path().string();
            if (seen_dirs.insert(dir).second) {
                dirs += "<dir>" + xml_text(dir) + "</dir>";
            }
            accept += "<glob>" + xml_text(path.string()) + "</glob>";
        }
    }
    std::string select;
    if (!seen_dirs.empty()) {
        select = "<selectfont><rejectfont>";
        for (const auto& d : seen_dirs) {
            select += "<glob>" + xml_text(d) + "/*</glob>";
        }
        select += "</rejectfont><acceptfont>" + accept + "</acceptfont></selectfont>";
    }
    // A cache folder keeps start-up small and stops fontconfig warning on every run; the
    // first writable one is used (XDG cache, else the temporary folder).
    std::string xml = "<?xml version=\"1.0\"?><fontconfig>" + dirs + select +
                      "<cachedir prefix=\"xdg\">handout-fontconfig</cachedir>"
                      "<cachedir>/tmp/handout-fontconfig</cachedir><cachedir>/var/cache/fontconfig</cachedir></fontconfig>";
    if (FcConfigParseAndLoadFromMemory(h.config.get(), reinterpret_cast<const FcChar8*>(xml.c_str()), FcTrue) == FcFalse ||
        FcConfigBuildFonts(h.config.get()) == FcFalse) {
        r.diagnostics.push_back(Diagnostic{Severity::error, nullptr, 0, "cannot read the fonts in `" + abs + "`", {}});
        return r;
    }
    // Pango 1.50's first font map calls FcInit() on the system configuration (slow, and it may
    // see other fonts) unless a current configuration exists; ours is a safe one to be current.
    FcConfigSetCurrent(h.config.get());  // takes its own reference
    h.font_map.reset(pango_cairo_font_map_new_for_font_type(CAIRO_FONT_TYPE_FT));
    pango_fc_font_map_set_config(PANGO_FC_FONT_MAP(h.font_map.get()), h.config.get());  // takes its own reference
    h.context.reset(pango_font_map_create_context(h.font_map.get()));
    pango_cairo_context_set_resolution(h.context.get(), 72.0);
    CairoFontOptionsPtr options(cairo_font_options_create());
    cairo_font_options_set_hint_style(options.get(), CAIRO_HINT_STYLE_NONE);
    cairo_font_options_set_hint_metrics(options.get(), CAIRO_HINT_METRICS_OFF);
    cairo_font_options_set_antialias(options.get(), CAIRO_ANTIALIAS_GRAY);
    pango_cairo_context_set_font_options(h.context.get(), options.get());  // copies the options
    pango_context_set_round_glyph_positions(h.context.get(), FALSE);
    r.value = std::move(fs);
    return r;
}

std::uint32_t FontSystem::font_id(PangoFont* font) {
    Handles& h = *m_handles;
    auto it = h.ids.find(font);
    if (it != h.ids.end()) {
        return it->second;
    }
    FontRef ref;
    FcPattern* pat = pango_fc_font_get_pattern(PANGO_FC_FONT(font));  // transfer none
    FcChar8* file = nullptr;
    if (FcPatternGetString(pat, FC_FILE, 0, &file) == FcResultMatch) {
        ref.file = reinterpret_cast<const char*>(file);
    }
    FcPatternGetInteger(pat, FC_INDEX, 0, &ref.index);
    FcChar8* family = nullptr;
    if (FcPatternGetString(pat, FC_FAMILY, 0, &family) == FcResultMatch) {
        ref.family = reinterpret_cast<const char*>(family);
    }
    // Two Pango fonts (sizes, variations) may share one file: one id per file and face.
    std::uint32_t id = 0;
    while (id < m_fonts.size() && !(m_fonts[id].file == ref.file && m_fonts[id].index == ref.index)) {
        ++id;
    }
    if (id == m_fonts.size()) {
        m_fonts.push_back(std::move(ref));
    }
    // Our key must stay valid: hold a reference on the font.
    h.held_fonts.emplace_back(PANGO_FONT(g_object_ref(font)));
    h.ids.emplace(font, id);
    return id;
}

FontMetrics FontSystem::metrics(const std::string& family, double size, bool bold, bool italic) {
    std::string key = family + "|" + std::to_string(size) + (bold ? "b" : "") + (italic ? "i" : "");
    auto it = m_metrics.find(key);
    if (it != m_metrics.end()) {
        return it->second;
    }
    PangoFontDescriptionPtr desc(pango_font_description_new());
    pango_font_description_set_family(desc.get(), family.c_str());
    pango_font_description_set_absolute_size(desc.get(), size * PANGO_SCALE);
    pango_font_description_set_weight(desc.get(), bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
    pango_font_description_set_style(desc.get(), italic ? PANGO_STYLE_ITALIC : PANGO_STYLE_NORMAL);
    // The font's own ascender and descender (hhea/OS2 via HarfBuzz): what
    // pango_context_get_metrics() reports too, without laying out its sample text.
    FontMetrics fm;
    GObjectPtr<PangoFont> font(
        pango_font_map_load_font(m_handles->font_map.get(), m_handles->context.get(), desc.get()));
    if (font != nullptr) {
        hb_font_t* hb = pango_font_get_hb_font(font.get());  // transfer none
        hb_font_extents_t ext{};
        int xs = 0, ys = 0;
        hb_font_get_scale(hb, &xs, &ys);
        if (hb_font_get_h_extents(hb, &ext) && ys != 0) {
            fm.ascent = size * ext.ascender / ys;
            fm.descent = size * -ext.descender / ys;
        }
    }
    if (fm.ascent <= 0) {
        PangoFontMetricsPtr m(
            pango_context_get_metrics(m_handles->context.get(), desc.get(), nullptr));
        fm = FontMetrics{pango_font_metrics_get_ascent(m.get()) / double(PANGO_SCALE),
                         pango_font_metrics_get_descent(m.get()) / double(PANGO_SCALE)};
    }
    m_metrics.emplace(key, fm);
    return fm;
}

bool FontSystem::covers(const std::string& family, char32_t cp) {
    auto& charsets = m_handles->charsets;
    auto it = charsets.find(family);
    if (it == charsets.end()) {
        FcCharSetPtr all(FcCharSetCreate());
        for (FcSetName set : {FcSetSystem, FcSetApplication}) {
            FcFontSet* fonts = FcConfigGetFonts(m_handles->config.get(), set);  // transfer none
            for (int i = 0; fonts != nullptr && i < fonts->nfont; ++i) {
                FcChar8* fam = nullptr;
                FcCharSet* cs = nullptr;
                bool match = false;
                for (int k = 0; FcPatternGetString(fonts->fonts[i], FC_FAMILY, k, &fam) == FcResultMatch; ++k) {
                    match = match || family == reinterpret_cast<const char*>(fam);
                }
                if (match && FcPatternGetCharSet(fonts->fonts[i], FC_CHARSET, 0, &cs) == FcResultMatch) {
                    FcCharSetMerge(all.get(), cs, nullptr);
                }
            }
        }
        it = charsets.emplace(family, std::move(all)).first;
    }
    return FcCharSetHasChar(it->second.get(), static_cast<FcChar32>(cp)) == FcTrue;
}

std::string FontSystem::package_of(const std::string& family) const {
    auto it = m_packages.find(family);
    return it == m_packages.end() ? std::string() : it->second;
}

bool FontSystem::has_family(const std::string& family) const {
    PangoFontFamily** list = nullptr;  // the array is ours, the families in it are not
    int n = 0;
    pango_font_map_list_families(m_handles->font_map.get(), &list, &n);
    GMallocPtr<PangoFontFamily*> families(list);
    bool found = false;
    for (int i = 0; i < n && !found; ++i) {
        found = family == pango_font_family_get_name(families.get()[i]);
    }
    return found;
}

}  // namespace handout
