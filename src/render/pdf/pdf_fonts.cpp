#include "render/pdf/pdf_fonts.hpp"

#include "render/pdf/cff_charset.hpp"
#include "core/overloaded.hpp"
#include "render/pdf/pdf_syntax.hpp"

#include <glib.h>
#include <harfbuzz/hb-ot.h>
#include <harfbuzz/hb-subset.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <mutex>

namespace handout {

int PdfCache::Impl::Face::width(std::uint32_t g) {
    auto it = widths.find(g);
    if (it == widths.end()) {
        it = widths.emplace(g, static_cast<int>(std::lround(hb_font_get_glyph_h_advance(font.get(), g) * 1000.0 / upem))).first;
    }
    return it->second;
}

PdfCache::Impl::Face& PdfCache::Impl::face(const FontRef& f) {
    auto key = std::make_pair(f.file, f.index);
    auto it = faces.find(key);
    if (it != faces.end()) {
        return it->second;
    }
    Face fc;
    fc.blob.reset(hb_blob_create_from_file(f.file.c_str()));
    fc.face.reset(hb_face_create(fc.blob.get(), static_cast<unsigned>(f.index)));
    fc.upem = hb_face_get_upem(fc.face.get());
    fc.font.reset(hb_font_create(fc.face.get()));
    hb_font_set_scale(fc.font.get(), static_cast<int>(fc.upem), static_cast<int>(fc.upem));
    BlobPtr cff(hb_face_reference_table(fc.face.get(), HB_TAG('C', 'F', 'F', ' ')));
    fc.cff = hb_blob_get_length(cff.get()) > 0;
    char name[128] = {0};
    unsigned len = sizeof name;
    hb_ot_name_get_utf8(fc.face.get(), HB_OT_NAME_ID_POSTSCRIPT_NAME, HB_LANGUAGE_INVALID, &len, name);
    fc.ps_name = name[0] != 0 ? name : "Font";
    return faces.emplace(key, std::move(fc)).first->second;
}

namespace pdf {

std::string glyph_text(const GlyphRun& run, std::size_t i) {
    // Glyphs of one cluster sit together, clusters in visual order (rising left to right,
    // falling right to left): the cluster's text runs to the nearest larger cluster start.
    const auto& gs = run.glyphs;
    const Glyph& g = gs[i];
    if (i > 0 && gs[i - 1].cluster == g.cluster) {
        return {};  // a later glyph of one cluster: the first carries the text
    }
    std::size_t after = i;
    while (after < gs.size() && gs[after].cluster == g.cluster) {
        ++after;
    }
    std::size_t end = run.text.size();
    if (after < gs.size() && gs[after].cluster > g.cluster) {
        end = std::min<std::size_t>(end, gs[after].cluster);
    }
    if (i > 0 && gs[i - 1].cluster > g.cluster) {
        end = std::min<std::size_t>(end, gs[i - 1].cluster);
    }
    std::string_view text = std::string_view(run.text).substr(g.cluster, end - g.cluster);
    while (text.size() > 1 && text.back() == ' ') {
        text.remove_suffix(1);  // a space blanked at a line end rides on the glyph before it
    }
    if (text.size() > 2 && text.substr(text.size() - 2) == "\xC2\xAD") {
        text.remove_suffix(2);  // a break's soft hyphen is the hyphen glyph's, not the letter's
    }
    if (!run.rtl) {
        return std::string(text);
    }
    std::string reversed;  // by characters
    for (const char* q = text.data() + text.size(); q > text.data();) {
        const char* start = g_utf8_find_prev_char(text.data(), q);
        if (start == nullptr) {
            start = text.data();
        }
        reversed.append(start, static_cast<std::size_t>(q - start));
        q = start;
    }
    return reversed;
}

std::vector<FontUse> collect_font_uses(const Pages& doc) {
    // Flat tables by glyph id first (a sheet shows thousands of glyphs, of a hundred or so).
    struct Flat {
        std::vector<bool> used;
        std::vector<std::string> text;
        std::vector<bool> has_text;
    };
    std::vector<Flat> flat(doc.fonts.size());
    auto add_run = [&](const GlyphRun& run) {
        Flat& f = flat[run.font];
        for (std::size_t i = 0; i < run.glyphs.size(); ++i) {
            std::uint32_t id = run.glyphs[i].id;
            if (id >= f.used.size()) {
                f.used.resize(id + 1);
                f.text.resize(id + 1);
                f.has_text.resize(id + 1);
            }
            f.used[id] = true;
            if (!f.has_text[id]) {
                std::string text = glyph_text(run, i);
                if (!text.empty()) {
                    f.text[id] = std::move(text);
                    f.has_text[id] = true;
                }
            }
        }
    };
    for (const auto& page : doc.pages) {
        for (const auto& item : page.items) {
            std::visit(Overloaded{
                           [&](const GlyphRun& run) { add_run(run); },
                           [](const Rule&) {},     // no glyphs
                           [](const Box&) {},      // no glyphs
                           [](const Picture&) {},  // an SVG's text is in its own form's fonts
                           [](const Link&) {},     // an area over glyphs drawn by runs
                       },
                       item.v);
        }
    }
    std::vector<FontUse> uses(doc.fonts.size());
    for (std::size_t f = 0; f < flat.size(); ++f) {
        FontUse& u = uses[f];
        u.by_gid.assign(flat[f].used.size(), nullptr);
        for (std::uint32_t id = 0; id < flat[f].used.size(); ++id) {
            if (!flat[f].used[id]) {
                continue;
            }
            u.gids.insert(u.gids.end(), id);
            if (flat[f].has_text[id]) {
                u.by_gid[id] = &u.unicode.emplace_hint(u.unicode.end(), id, std::move(flat[f].text[id]))->second;
            } else {
                // Only ever a later glyph of its cluster (the second part of a Bengali vowel sign,
                // a conjunct's tail): the cluster's first glyph reads as the whole cluster, so this
                // one maps to no text. Every code shown then has a ToUnicode entry (PDF/UA-1
                // 7.21.7, Matterhorn 10-001), and extraction reads what it read before.
                u.by_gid[id] = &u.unicode.emplace_hint(u.unicode.end(), id, std::string())->second;
            }
        }
    }
    return uses;
}

namespace {

using FacePtr = PdfCache::Impl::FacePtr;
using BlobPtr = PdfCache::Impl::BlobPtr;
using SubsetInputPtr = HbSubsetInputPtr;
using SubsetPlanPtr = HbSubsetPlanPtr;

/// Tables a PDF's font does not need: layout (the glyphs are shaped already), hinting,
/// vertical metrics, and cmap/name/post (a PDF finds glyphs by code, not by character).
void add_dropped_tables(hb_subset_input_t* in, bool keep_cmap = false) {
    hb_set_t* drop = hb_subset_input_set(in, HB_SUBSET_SETS_DROP_TABLE_TAG);
    for (const char* t : {"GSUB", "GPOS", "GDEF", "kern", "hdmx", "VDMX", "LTSH", "DSIG", "morx", "BASE", "JSTF", "MATH",
                          "vhea", "vmtx", "VORG", "gasp", "name", "post"}) {
        hb_set_add(drop, hb_tag_from_string(t, 4));
    }
    if (!keep_cmap) {
        hb_set_add(drop, HB_TAG('c', 'm', 'a', 'p'));
    }
}

/// One face prepared for subsetting per font file in the process, shared by the worker threads
/// (HarfBuzz faces are safe to use from several threads; each preparation holds ~3 MB).
std::shared_ptr<hb_face_t> prepared_face(const FontRef& ref) {
    static std::mutex m;
    static std::map<std::pair<std::string, int>, std::shared_ptr<hb_face_t>> faces;
    std::lock_guard<std::mutex> lock(m);
    auto key = std::make_pair(ref.file, ref.index);
    auto it = faces.find(key);
    if (it == faces.end()) {
        BlobPtr blob(hb_blob_create_from_file(ref.file.c_str()));
        FacePtr plain(hb_face_create(blob.get(), static_cast<unsigned>(ref.index)));
        // First without what no subset keeps (hinting, layout tables), glyph ids unchanged: the
        // prepared face is then a third of the size.
        FacePtr lean;
        if (SubsetInputPtr in{hb_subset_input_create_or_fail()}) {
            hb_set_invert(hb_subset_input_glyph_set(in.get()));  // every glyph
            hb_set_invert(hb_subset_input_unicode_set(in.get()));
            hb_subset_input_set_flags(in.get(), HB_SUBSET_FLAGS_NO_HINTING | HB_SUBSET_FLAGS_RETAIN_GIDS | HB_SUBSET_FLAGS_DESUBROUTINIZE);
            add_dropped_tables(in.get(), true);  // the cmap stays: a subset's OS/2 is computed from it
            lean.reset(hb_subset_or_fail(plain.get(), in.get()));
        }
        it = faces.emplace(key, std::shared_ptr<hb_face_t>(FacePtr(hb_subset_preprocess(lean ? lean.get() : plain.get())))).first;
    }
    return it->second;
}

/// The font with only these glyphs (and the glyphs they are built from), hinting and layout
/// tables dropped; glyph ids renumbered, codes by the subset's glyph index or, for a CID-keyed
/// CFF font, by its CID.
std::shared_ptr<PdfCache::Impl::Subset> make_subset(hb_face_t* face, const std::set<std::uint32_t>& gids) {
    SubsetPlanPtr plan;
    {
        SubsetInputPtr in(hb_subset_input_create_or_fail());
        if (!in) {
            return nullptr;
        }
        hb_set_t* glyphs = hb_subset_input_glyph_set(in.get());
        hb_set_add(glyphs, 0);
        for (auto g : gids) {
            hb_set_add(glyphs, g);
        }
        hb_subset_input_set_flags(in.get(), HB_SUBSET_FLAGS_NO_HINTING | HB_SUBSET_FLAGS_DESUBROUTINIZE);
        add_dropped_tables(in.get());
        plan.reset(hb_subset_plan_create_or_fail(face, in.get()));
    }
    if (!plan) {
        return nullptr;
    }
    FacePtr sub(hb_subset_plan_execute_or_fail(plan.get()));
    if (!sub) {
        return nullptr;
    }
    auto out = std::make_shared<PdfCache::Impl::Subset>();
    const hb_map_t* old_to_new = hb_subset_plan_old_to_new_glyph_mapping(plan.get());
    BlobPtr cff(hb_face_reference_table(sub.get(), HB_TAG('C', 'F', 'F', ' ')));
    unsigned cff_len = 0;
    const char* cff_data = hb_blob_get_data(cff.get(), &cff_len);
    auto cids = cff_len > 0 ? pdf::cff_cids(std::string_view(cff_data, cff_len)) : std::nullopt;
    for (auto g : gids) {
        std::uint32_t n = hb_map_get(old_to_new, g);
        if (n == HB_MAP_VALUE_INVALID) {
            return nullptr;
        }
        out->code[g] = cids && n < cids->size() ? (*cids)[n] : n;
    }
    plan.reset();
    // A CID-keyed CFF font goes in bare (CIDFontType0C): every reader maps CIDs through its
    // charset then (poppler does not for one inside OpenType). Others go in whole.
    out->bare_cff = cids.has_value();
    BlobPtr blob(out->bare_cff ? hb_blob_reference(cff.get()) : hb_face_reference_blob(sub.get()));
    unsigned len = 0;
    const char* data = hb_blob_get_data(blob.get(), &len);
    out->length1 = len;
    out->z = deflated(std::string_view(data, len), 9);
    return out;
}

QPDFObjectHandle name_obj(const std::string& n) { return QPDFObjectHandle::newName(n); }
QPDFObjectHandle integer(long long v) { return QPDFObjectHandle::newInteger(v); }

const char* cmap_head =
    "/CIDInit /ProcSet findresource begin 12 dict begin begincmap /CIDSystemInfo <</Registry (Adobe) /Ordering (UCS) "
    "/Supplement 0>> def /CMapName /Adobe-Identity-UCS def /CMapType 2 def 1 begincodespacerange <0000> <FFFF> endcodespacerange\n";

const char* cmap_tail = "endcmap CMapName currentdict /CMap defineresource pop end end";

/// A ToUnicode CMap from code to the text each glyph stands for (ligatures: their letters).
std::string to_unicode(const FontUse& use, const pdf::EmbeddedFont& ef) {
    std::string cmap = cmap_head;
    std::map<std::uint32_t, std::string> maps;  // by code, in order
    for (const auto& [g, text] : use.unicode) {
        maps.emplace(ef.code(g), pdf::utf16_hex(text));
    }
    // Runs of consecutive codes for consecutive single characters (a–z in glyph order) become
    // one bfrange; the rest are bfchar entries.
    struct Range {
        std::uint32_t lo, hi;
        unsigned first;  ///< UTF-16 unit of `lo`
    };
    std::vector<Range> ranges;
    std::vector<std::pair<std::uint32_t, const std::string*>> singles;
    for (const auto& [code, hex] : maps) {
        unsigned unit = hex.size() == 4 ? static_cast<unsigned>(std::stoul(hex, nullptr, 16)) : 0x10000;
        if (unit < 0x10000 && !ranges.empty() && ranges.back().hi + 1 == code &&
            ranges.back().first + (code - ranges.back().lo) == unit && (unit & 0xFF) != 0) {
            ranges.back().hi = code;
            continue;
        }
        if (unit < 0x10000) {
            ranges.push_back({code, code, unit});
        } else {
            singles.emplace_back(code, &hex);
        }
    }
    std::vector<Range> multi;
    for (const Range& r : ranges) {
        if (r.hi > r.lo) {
            multi.push_back(r);
        } else {
            singles.emplace_back(r.lo, &maps.at(r.lo));
        }
    }
    std::sort(singles.begin(), singles.end());
    for (std::size_t i = 0; i < multi.size(); i += 100) {
        std::size_t n = std::min<std::size_t>(100, multi.size() - i);
        cmap += std::to_string(n) + " beginbfrange\n";
        for (std::size_t j = i; j < i + n; ++j) {
            cmap += "<";
            pdf::hex4(cmap, multi[j].lo);
            cmap += "> <";
            pdf::hex4(cmap, multi[j].hi);
            cmap += "> <";
            pdf::hex4(cmap, multi[j].first);
            cmap += ">\n";
        }
        cmap += "endbfrange\n";
    }
    for (std::size_t i = 0; i < singles.size(); i += 100) {
        std::size_t n = std::min<std::size_t>(100, singles.size() - i);
        cmap += std::to_string(n) + " beginbfchar\n";
        for (std::size_t j = i; j < i + n; ++j) {
            cmap += "<";
            pdf::hex4(cmap, singles[j].first);
            cmap += "> <" + *singles[j].second + ">\n";
        }
        cmap += "endbfchar\n";
    }
    return cmap + cmap_tail;
}

}  // namespace

std::optional<EmbeddedFont> embed_font(QPDF& pdf, PdfCache::Impl& cache, const FontRef& ref, const FontUse& use) {
    PdfCache::Impl::Face& face = cache.face(ref);
    std::string key = ref.file + "#" + std::to_string(ref.index);
    for (auto g : use.gids) {
        key += "," + std::to_string(g);
    }
    auto cached = cache.subsets.find(key);
    if (cached == cache.subsets.end()) {
        // A face subset again and again (a batch) is worth preparing once; one document's is not.
        if (!face.subset_source && ++face.subsets_made == 3) {
            face.subset_source = prepared_face(ref);
        }
        auto sub = make_subset(face.subset_source ? face.subset_source.get() : face.face.get(), use.gids);
        if (!sub) {
            return std::nullopt;
        }
        if (cache.subsets.size() > 16) {
            cache.subsets.clear();
        }
        cached = cache.subsets.emplace(key, std::move(sub)).first;
    }
    EmbeddedFont ef;
    ef.subset = cached->second;
    // A subset tag from the glyphs: the same glyphs give the same name.
    std::uint64_t h = 1469598103934665603ULL;
    for (auto g : use.gids) {
        h = (h ^ g) * 1099511628211ULL;
    }
    std::string base = "/";
    for (int i = 0; i < 6; ++i) {
        base += static_cast<char>('A' + (h % 26));
        h /= 26;
    }
    base += "+" + face.ps_name;

    QPDFObjectHandle file = flate_stream(pdf, ef.subset->z);
    if (face.cff) {
        file.getDict().replaceKey("/Subtype", name_obj(ef.subset->bare_cff ? "/CIDFontType0C" : "/OpenType"));
    } else {
        file.getDict().replaceKey("/Length1", integer(static_cast<long long>(ef.subset->length1)));
    }
    hb_font_extents_t ext{};
    hb_font_get_h_extents(face.font.get(), &ext);
    double k = 1000.0 / face.upem;
    auto asc = static_cast<int>(ext.ascender * k);
    auto desc_v = static_cast<int>(ext.descender * k);
    QPDFObjectHandle desc = pdf.makeIndirectObject(QPDFObjectHandle::newDictionary());
    desc.replaceKey("/Type", name_obj("/FontDescriptor"));
    desc.replaceKey("/FontName", name_obj(base));
    desc.replaceKey("/Flags", integer(32));
    desc.replaceKey("/FontBBox", QPDFObjectHandle::newArray(QPDFObjectHandle::Rectangle(-1000, desc_v, 2000, asc)));
    desc.replaceKey("/ItalicAngle", integer(0));
    desc.replaceKey("/Ascent", integer(asc));
    desc.replaceKey("/Descent", integer(desc_v));
    desc.replaceKey("/CapHeight", integer(static_cast<int>(asc * 0.7)));
    desc.replaceKey("/StemV", integer(80));
    desc.replaceKey(face.cff ? "/FontFile3" : "/FontFile2", file);
    // Exact widths by CID, in runs of consecutive CIDs.
    std::map<std::uint32_t, int> widths;
    for (auto g : use.gids) {
        widths.emplace(ef.code(g), face.width(g));
    }
    std::string w = "[";
    std::uint32_t prev = 0;
    bool open = false;
    for (const auto& [code, adv] : widths) {
        if (!open || code != prev + 1) {
            w += (open ? "] " : "") + std::to_string(code) + " [";
            open = true;
        }
        w += std::to_string(adv) + " ";
        prev = code;
    }
    w += open ? "]]" : "]";
    QPDFObjectHandle cid = QPDFObjectHandle::newDictionary();  // direct: only the Type0 font refers to it
    cid.replaceKey("/Type", name_obj("/Font"));
    cid.replaceKey("/Subtype", name_obj(face.cff ? "/CIDFontType0" : "/CIDFontType2"));
    cid.replaceKey("/BaseFont", name_obj(base));
    cid.replaceKey("/CIDSystemInfo", QPDFObjectHandle::parse("<< /Registry (Adobe) /Ordering (Identity) /Supplement 0 >>"));
    cid.replaceKey("/FontDescriptor", desc);
    cid.replaceKey("/W", QPDFObjectHandle::parse(w));
    if (!face.cff) {
        cid.replaceKey("/CIDToGIDMap", name_obj("/Identity"));
    }
    QPDFObjectHandle type0 = pdf.makeIndirectObject(QPDFObjectHandle::newDictionary());
    type0.replaceKey("/Type", name_obj("/Font"));
    type0.replaceKey("/Subtype", name_obj("/Type0"));
    type0.replaceKey("/BaseFont", name_obj(base));
    type0.replaceKey("/Encoding", name_obj("/Identity-H"));
    type0.replaceKey("/DescendantFonts", QPDFObjectHandle::newArray({cid}));
    type0.replaceKey("/ToUnicode", deflated_stream(pdf, to_unicode(use, ef)));
    ef.font = type0;
    return ef;
}

}  // namespace pdf
}  // namespace handout
