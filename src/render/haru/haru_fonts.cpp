#include "render/haru/haru_cache.hpp"

#include <harfbuzz/hb-subset.h>
#include <harfbuzz/hb.h>

#include <sys/mman.h>
#include <unistd.h>

#include <string_view>

namespace handout {

namespace {

/// The characters the engine gives libharu a font for: the scripts it draws (Latin, Greek,
/// Cyrillic, with their combining marks), punctuation and the symbols handouts use.
constexpr std::pair<hb_codepoint_t, hb_codepoint_t> repertoire[] = {
    {0x0020, 0x007E}, {0x00A0, 0x036F}, {0x0370, 0x052F}, {0x1E00, 0x1EFF}, {0x2000, 0x218F},
    {0x2190, 0x22FF}, {0x2460, 0x24FF}, {0x25A0, 0x26FF}, {0x2700, 0x27BF}, {0xFFFD, 0xFFFD}};

/// The font as libharu gets it: the repertoire's characters and their glyphs (ids kept), without
/// what libharu never writes into a PDF or a reader does not use — hinting (the default engine
/// drops it too), glyph names (post format 3), layout tables. libharu looks up all 65,536 codes
/// of its UTF-8 encoder in the font's cmap, by a linear search of its segments, for every font of
/// every document (38 % of the engine's time with Noto Sans whole): a cmap of the repertoire has
/// half the segments, and each document's font, widths and CIDToGIDMap are smaller (Noto Sans:
/// 120 KB a handout whole, 59 KB so). Empty when HarfBuzz cannot make it.
std::string lean_font(hb_face_t* face) {
    HbSubsetInputPtr in(hb_subset_input_create_or_fail());
    if (!in) {
        return {};
    }
    hb_set_t* chars = hb_subset_input_unicode_set(in.get());
    for (auto [first, last] : repertoire) {
        hb_set_add_range(chars, first, last);
    }
    hb_subset_input_set_flags(in.get(), HB_SUBSET_FLAGS_NO_HINTING | HB_SUBSET_FLAGS_RETAIN_GIDS);
    hb_set_t* drop = hb_subset_input_set(in.get(), HB_SUBSET_SETS_DROP_TABLE_TAG);
    for (const char* t : {"GSUB", "GPOS", "GDEF", "kern", "hdmx", "VDMX", "LTSH", "DSIG", "morx", "BASE", "JSTF", "MATH",
                          "vhea", "vmtx", "VORG", "gasp"}) {
        hb_set_add(drop, hb_tag_from_string(t, 4));
    }
    HbFacePtr lean(hb_subset_or_fail(face, in.get()));
    if (!lean) {
        return {};
    }
    HbBlobPtr blob(hb_face_reference_blob(lean.get()));
    unsigned length = 0;
    const char* data = hb_blob_get_data(blob.get(), &length);
    return std::string(data, length);
}

/// libharu reads fonts from files only (and again at each save, for the glyphs a document used):
/// the lean font goes into an anonymous memory file that libharu opens by its /proc name and
/// keeps open; ours is closed once it has. Null when there is no such file to be had.
const char* load_from_memory(HPDF_Doc doc, const std::string& bytes) {
    int fd = ::memfd_create("handout-haru-font", MFD_CLOEXEC);
    if (fd < 0) {
        return nullptr;
    }
    std::size_t done = 0;
    while (done < bytes.size()) {
        ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
        if (n <= 0) {
            ::close(fd);
            return nullptr;
        }
        done += static_cast<std::size_t>(n);
    }
    std::string path = "/proc/self/fd/" + std::to_string(fd);
    const char* name = HPDF_LoadTTFontFromFile(doc, path.c_str(), HPDF_TRUE);
    ::close(fd);
    return name;
}

}  // namespace

bool in_haru_repertoire(char32_t c) {
    for (auto [first, last] : repertoire) {
        if (c >= first && c <= last) {
            return true;
        }
    }
    return false;
}

HaruCache::Impl::Font& HaruCache::Impl::font(const FontRef& ref) {
    auto key = std::make_pair(ref.file, ref.index);
    auto it = fonts.find(key);
    if (it != fonts.end()) {
        return it->second;
    }
    Font f;
    HbBlobPtr blob(hb_blob_create_from_file_or_fail(ref.file.c_str()));
    HbFacePtr face(blob ? hb_face_create(blob.get(), static_cast<unsigned>(ref.index)) : nullptr);
    if (!face || hb_face_get_glyph_count(face.get()) == 0) {
        f.problem = "cannot read the font file " + ref.file;
    } else {
        HbBlobPtr glyf(hb_face_reference_table(face.get(), HB_TAG('g', 'l', 'y', 'f')));
        if (hb_blob_get_length(glyf.get()) == 0) {
            f.problem = "the font " + ref.family + " (" + ref.file +
                        ") has PostScript (CFF) outlines; libharu embeds TrueType outlines only";
        }
        f.hb.reset(hb_font_create(face.get()));
    }
    if (f.problem.empty()) {
        errors.doing = "loading the font " + ref.file;
        std::string lean = lean_font(face.get());
        const char* name = lean.empty() ? nullptr : load_from_memory(doc, lean);
        if (name == nullptr) {
            HPDF_ResetError(doc);
            errors.error = 0;
            f.problem = "libharu cannot load the font " + ref.family + " (" + ref.file + ")";
        } else {
            f.name = name;
        }
    }
    return fonts.emplace(key, std::move(f)).first->second;
}

}  // namespace handout
