#include "typeset/font_system.hpp"

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
    fs->m_config = FcConfigCreate();
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
    if (FcConfigParseAndLoadFromMemory(fs->m_config, reinterpret_cast<const FcChar8*>(xml.c_str()), FcTrue) == FcFalse ||
        FcConfigBuildFonts(fs->m_config) == FcFalse) {
        r.diagnostics.push_back(Diagnostic{Severity::error, nullptr, 0, "cannot read the fonts in `" + abs + "`", {}});
        return r;
    }
    // Pango 1.50's first font map calls FcInit() on the system configuration (slow, and it may
    // see other fonts) unless a current configuration exists; ours is a safe one to be current.
    FcConfigSetCurrent(fs->m_config);  // takes its own reference
    fs->m_font_map = pango_cairo_font_map_new_for_font_type(CAIRO_FONT_TYPE_FT);
    pango_fc_font_map_set_config(PANGO_FC_FONT_MAP(fs->m_font_map), fs->m_config);  // takes its own reference
    fs->m_context = pango_font_map_create_context(fs->m_font_map);
    pango_cairo_context_set_resolution(fs->m_context, 72.0);
    cairo_font_options_t* opts = cairo_font_options_create();
    cairo_font_options_set_hint_style(opts, CAIRO_HINT_STYLE_NONE);
    cairo_font_options_set_hint_metrics(opts, CAIRO_HINT_METRICS_OFF);
    cairo_font_options_set_antialias(opts, CAIRO_ANTIALIAS_GRAY);
    pango_cairo_context_set_font_options(fs->m_context, opts);  // copies the options
    cairo_font_options_destroy(opts);
    pango_context_set_round_glyph_positions(fs->m_context, FALSE);
    r.value = std::move(fs);
    return r;
}

FontSystem::~FontSystem() {
    for (auto& [_, cs] : m_charsets) {
        if (cs != nullptr) {
            FcCharSetDestroy(cs);
        }
    }
    for (auto& [font, _] : m_ids) {
        g_object_unref(font);
    }
    if (m_context != nullptr) {
        g_object_unref(m_context);
    }
    if (m_font_map != nullptr) {
        g_object_unref(m_font_map);
    }
    if (m_config != nullptr) {
        FcConfigDestroy(m_config);
    }
}

std::uint32_t FontSystem::font_id(PangoFont* font) {
    auto it = m_ids.find(font);
    if (it != m_ids.end()) {
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
    g_object_ref(font);
    m_ids.emplace(font, id);
    return id;
}

FontMetrics FontSystem::metrics(const std::string& family, double size, bool bold, bool italic) {
    std::string key = family + "|" + std::to_string(size) + (bold ? "b" : "") + (italic ? "i" : "");
    auto it = m_metrics.find(key);
    if (it != m_metrics.end()) {
        return it->second;
    }
    PangoFontDescription* desc = pango_font_description_new();
    pango_font_description_set_family(desc, family.c_str());
    pango_font_description_set_absolute_size(desc, size * PANGO_SCALE);
    pango_font_description_set_weight(desc, bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
    pango_font_description_set_style(desc, italic ? PANGO_STYLE_ITALIC : PANGO_STYLE_NORMAL);
    // The font's own ascender and descender (hhea/OS2 via HarfBuzz): what
    // pango_context_get_metrics() reports too, without laying out its sample text.
    FontMetrics fm;
    PangoFont* font = pango_font_map_load_font(m_font_map, m_context, desc);
    if (font != nullptr) {
        hb_font_t* hb = pango_font_get_hb_font(font);  // transfer none
        hb_font_extents_t ext{};
        int xs = 0, ys = 0;
        hb_font_get_scale(hb, &xs, &ys);
        if (hb_font_get_h_extents(hb, &ext) && ys != 0) {
            fm.ascent = size * ext.ascender / ys;
            fm.descent = size * -ext.descender / ys;
        }
        g_object_unref(font);
    }
    if (fm.ascent <= 0) {
        PangoFontMetrics* m = pango_context_get_metrics(m_context, desc, nullptr);
        fm = FontMetrics{pango_font_metrics_get_ascent(m) / double(PANGO_SCALE),
                         pango_font_metrics_get_descent(m) / double(PANGO_SCALE)};
        pango_font_metrics_unref(m);
    }
    pango_font_description_free(desc);
    m_metrics.emplace(key, fm);
    return fm;
}

bool FontSystem::covers(const std::string& family, char32_t cp) {
    auto it = m_charsets.find(family);
    if (it == m_charsets.end()) {
        FcCharSet* all = FcCharSetCreate();
        for (FcSetName set : {FcSetSystem, FcSetApplication}) {
            FcFontSet* fonts = FcConfigGetFonts(m_config, set);  // transfer none
            for (int i = 0; fonts != nullptr && i < fonts->nfont; ++i) {
                FcChar8* fam = nullptr;
                FcCharSet* cs = nullptr;
                bool match = false;
                for (int k = 0; FcPatternGetString(fonts->fonts[i], FC_FAMILY, k, &fam) == FcResultMatch; ++k) {
                    match = match || family == reinterpret_cast<const char*>(fam);
                }
                if (match && FcPatternGetCharSet(fonts->fonts[i], FC_CHARSET, 0, &cs) == FcResultMatch) {
                    FcCharSetMerge(all, cs, nullptr);
                }
            }
        }
        it = m_charsets.emplace(family, all).first;
    }
    return FcCharSetHasChar(it->second, static_cast<FcChar32>(cp)) == FcTrue;
}

std::string FontSystem::package_of(const std::string& family) const {
    auto it = m_packages.find(family);
    return it == m_packages.end() ? std::string() : it->second;
}

bool FontSystem::has_family(const std::string& family) const {
    PangoFontFamily** families = nullptr;
    int n = 0;
    pango_font_map_list_families(m_font_map, &families, &n);
    bool found = false;
    for (int i = 0; i < n && !found; ++i) {
        found = family == pango_font_family_get_name(families[i]);
    }
    g_free(families);
    return found;
}

}  // namespace handout
