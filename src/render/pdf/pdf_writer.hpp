// render/pdf: serialises a document built with qpdf's object model — every object reachable
// from the catalog and Info, the non-stream ones in one compressed object stream, streams as
// they are (already deflated), an xref stream, and a file ID from the bytes' MD5. Measured:
// QPDFWriter's general pass took half of a handout's writing time here, and it always stores
// XMP metadata uncompressed.
#pragma once

#include <qpdf/QPDF.hh>
#include <qpdf/QPDFObjectHandle.hh>

#include <string>

namespace handout::pdf {

/// The PDF file. Streams must hold their final (filtered) data; object numbers are qpdf's.
std::string write_pdf(QPDF& pdf, QPDFObjectHandle root, QPDFObjectHandle info);

}  // namespace handout::pdf
