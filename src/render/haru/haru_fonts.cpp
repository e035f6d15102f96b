#include "render/haru/haru_cache.hpp"

#include <harfbuzz/hb.h>

#include <string_view>

namespace handout {

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
        // A collection (ttcf) by its face index; a single font file as it is.
        const char* data = hb_blob_get_data(blob.get(), nullptr);
        bool collection = hb_blob_get_length(blob.get()) >= 4 && std::string_view(data, 4) == "ttcf";
        const char* name = collection ? HPDF_LoadTTFontFromFile2(doc, ref.file.c_str(), static_cast<HPDF_UINT>(ref.index), HPDF_TRUE)
                                      : HPDF_LoadTTFontFromFile(doc, ref.file.c_str(), HPDF_TRUE);
        if (name == nullptr) {
            f.problem = "libharu cannot load the font " + ref.family + " (" + ref.file + ")";
            HPDF_ResetError(doc);
            errors.error = 0;
        } else {
            f.name = name;
        }
    }
    return fonts.emplace(key, std::move(f)).first->second;
}

}  // namespace handout
