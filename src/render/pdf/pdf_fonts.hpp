// render/pdf: fonts into a PDF — what each glyph stands for, hb-subset subsets, Type0 font
// objects (TrueType as CIDFontType2; CFF as CIDFontType0, FontFile3 CIDFontType0C or OpenType), ToUnicode.
#pragma once

#include "pages/pages.hpp"
#include "render/pdf/pdf_cache.hpp"

#include <qpdf/QPDF.hh>
#include <qpdf/QPDFObjectHandle.hh>

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace handout::pdf {

/// The characters glyph i of `run` stands for: its cluster's text if it is the cluster's first
/// glyph (a space blanked at a line end rides on the glyph before it), else empty. In a
/// right-to-left run the characters come reversed: extraction (poppler, Acrobat) reads glyphs
/// in visual order and reverses right-to-left stretches to get the logical order back.
std::string glyph_text(const GlyphRun& run, std::size_t i);

/// One document's use of one font: its glyphs and the first text seen for each.
struct FontUse {
    std::set<std::uint32_t> gids;
    std::map<std::uint32_t, std::string> unicode;
    std::vector<const std::string*> by_gid;  ///< unicode's texts indexed by glyph id (null: none)

    /// What ToUnicode says glyph `gid` is, or null.
    const std::string* text(std::uint32_t gid) const { return gid < by_gid.size() ? by_gid[gid] : nullptr; }
};

/// Pages::fonts-parallel uses.
std::vector<FontUse> collect_font_uses(const Pages& doc);

struct EmbeddedFont {
    QPDFObjectHandle font;                              ///< the Type0 font dictionary
    std::shared_ptr<const PdfCache::Impl::Subset> subset;

    /// The 2-byte code (= CID, Identity-H) the content shows glyph `gid` of the full font by:
    /// the subset's glyph index (CIDToGIDMap Identity) or, for CFF, the charset's CID.
    /// (Measured: 1-byte codes through a CMap of our own, with Tw for word spaces, came out
    /// larger once poppler's extraction needed CID 32 to be the space.)
    std::uint32_t code(std::uint32_t gid) const { return subset->code.at(gid); }
};

/// Subsets the font to `use` and writes its objects; nullopt if HarfBuzz cannot subset it.
std::optional<EmbeddedFont> embed_font(QPDF& pdf, PdfCache::Impl& cache, const FontRef& ref, const FontUse& use);

}  // namespace handout::pdf
