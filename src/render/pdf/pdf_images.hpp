// render/pdf: pictures into a PDF — PNG as deflated samples, JPEG as it is (DCTDecode),
// transparency as a soft mask; SVG as vector graphics (a form XObject drawn by librsvg on a
// Cairo PDF surface), or as 300 dpi pixels if that fails.
#pragma once

#include "render/pdf/pdf_cache.hpp"

#include <qpdf/QPDF.hh>
#include <qpdf/QPDFObjectHandle.hh>

namespace handout::pdf {

/// The image XObject for a decoded picture (w > 0).
QPDFObjectHandle image_xobject(QPDF& pdf, const PdfCache::Impl::Raster& r);

}  // namespace handout::pdf
