// render/pdf: what the engine keeps between documents on one thread — parsed font faces,
// recent font subsets, decoded pictures. Internal to render/pdf.
#pragma once

#include "core/hb_ptr.hpp"
#include "core/svg_store.hpp"
#include "pages/pages.hpp"
#include "render/pdf/render_pdf.hpp"

#include <harfbuzz/hb.h>
#include <qpdf/QPDF.hh>
#include <qpdf/QPDFObjectHandle.hh>

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace handout {

struct PdfCache::Impl {
    using BlobPtr = HbBlobPtr;
    using FacePtr = HbFacePtr;

    struct Face {
        BlobPtr blob;
        FacePtr face;
        std::shared_ptr<hb_face_t> subset_source;  ///< the face prepared for repeated subsetting, once it is
        int subsets_made = 0;
        HbFontPtr font;   ///< at upem scale: advances in font units
        unsigned upem = 1000;
        bool cff = false; ///< outlines in a CFF table (embedded as FontFile3)
        std::string ps_name;
        std::map<std::uint32_t, int> widths;  ///< glyph → advance in 1/1000 em, as /W says
        int width(std::uint32_t g);
    };
    /// A subset font file for one glyph set: a batch's sheets mostly use the same glyphs.
    struct Subset {
        std::string z;                               ///< deflated font file
        std::size_t length1 = 0;                     ///< its size before deflating
        std::map<std::uint32_t, std::uint32_t> code; ///< glyph id in the full font → code in the content (CID)
        bool bare_cff = false;                       ///< `z` is a CID-keyed CFF table, not an OpenType file
    };
    /// A picture as the PDF holds it: deflated 8-bit samples, or a JPEG as it is.
    struct Raster {
        int w = 0, h = 0;
        int components = 3;        ///< 1 grey, 3 RGB, 4 CMYK
        bool jpeg = false;         ///< `samples` is a JPEG file (DCTDecode), else deflated samples
        bool inverted = false;     ///< an Adobe CMYK JPEG: samples stored inverted
        std::string samples, alpha; ///< alpha: deflated 8-bit, empty when opaque
    };

    /// An SVG picture as vector graphics: librsvg draws it on a Cairo PDF surface once; each
    /// document copies that page in as a form XObject.
    struct Vector {
        std::shared_ptr<std::string> bytes;  ///< the one-page PDF, which `source` reads in place
        std::unique_ptr<QPDF> source;
        QPDFObjectHandle form;          ///< its page as a form XObject, in `source`
        double width = 0, height = 0;   ///< the form's size in pt
    };

    std::map<std::pair<std::string, int>, Face> faces;
    std::map<const std::string*, Vector> vectors;
    std::map<std::string, std::shared_ptr<const Subset>> subsets;  ///< at most 17: a batch has few distinct glyph sets worth keeping
    std::map<const std::string*, Raster> images;
    std::vector<std::shared_ptr<const std::string>> keep_alive;
    const SvgStore* svg_store = nullptr;  ///< where SVG drawings are kept between runs; not owned, may be null

    Face& face(const FontRef& f);                 // pdf_fonts.cpp
    const Raster& raster(const ImageData& img);   // pdf_images.cpp
    const Vector& vector(const ImageData& img);   // pdf_images.cpp
};

}  // namespace handout
