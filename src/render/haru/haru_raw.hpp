// render/haru: the few things libharu 2.3's API does not say, done through the object model its
// installed headers expose (hpdf_objects.h, hpdf_pages.h, hpdf_doc.h): marked content in a page's
// content stream, the catalog's /Lang, text strings in Unicode, and a ToUnicode map in place of the one it writes for its
// UTF-8 encoder (which uses CID-range syntax that PDF readers reject: "Invalid 'begincidrange'
// operator in ToUnicode CMap").
#pragma once

#include <hpdf.h>

#include <string>
#include <string_view>

namespace handout::haru {

/// Appends `ops` to the page's content stream as it stands (between libharu's own operators).
void write_ops(HPDF_Page page, std::string_view ops);

/// Sets the catalog's /Lang (BCP 47).
void set_lang(HPDF_Doc doc, const std::string& lang);

/// Sets `key` of `dict` to `utf8` as a PDF text string (UTF-16BE after its byte-order mark):
/// libharu writes its strings in PDFDocEncoding, or raw bytes, not in Unicode.
void set_text(HPDF_Doc doc, HPDF_Dict dict, const char* key, std::string_view utf8);

/// The document information dictionary (made if it is not there yet).
HPDF_Dict info(HPDF_Doc doc);

/// Makes `dest` go to (`left`, `top`) on `page` at the reader's zoom ([page /XYZ left top null]):
/// libharu's own call refuses a zoom left as it is.
void set_xyz(HPDF_Doc doc, HPDF_Destination dest, HPDF_Page page, double left, double top);

/// Gives `font` (from HPDF_GetFont with the UTF-8 encoder, whose codes are UTF-16 code units of
/// the BMP) a ToUnicode map that says so. False when the font has no ToUnicode stream to replace.
bool fix_to_unicode(HPDF_Font font);

}  // namespace handout::haru
