// render/pdf: the document-level objects — catalog entries for tagged PDF (/MarkInfo, /Lang,
// DisplayDocTitle, page labels), XMP metadata with pdfuaid, the Info dictionary, the outline.
#pragma once

#include "pages/pages.hpp"

#include <qpdf/QPDF.hh>
#include <qpdf/QPDFObjectHandle.hh>

#include <vector>

namespace handout::pdf {

void write_catalog(QPDF& pdf, const Pages& doc, const std::vector<QPDFObjectHandle>& page_objs);

}  // namespace handout::pdf
