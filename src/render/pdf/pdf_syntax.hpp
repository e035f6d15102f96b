// render/pdf: small pieces of PDF syntax — numbers, hex strings, deflated streams, dates.
#pragma once

#include <qpdf/QPDF.hh>
#include <qpdf/QPDFObjectHandle.hh>

#include <string>
#include <string_view>

namespace handout::pdf {

/// A number for a content stream: fixed, at most `decimals` decimals (2: 1/7200 in), never the
/// locale; a space after.
void num(std::string& out, double v, int decimals = 2);

/// Four upper-case hex digits of v.
void hex4(std::string& out, unsigned v);

/// UTF-8 → UTF-16BE hex digits (no BOM).
std::string utf16_hex(std::string_view utf8);

/// zlib (FlateDecode) bytes at a libdeflate level (1–12; 7 is near level 9 in size at 3/4 of its time).
std::string deflated(std::string_view data, int level = 7);

/// A stream whose data is already deflated: qpdf writes it as it is.
QPDFObjectHandle flate_stream(QPDF& pdf, const std::string& z);

/// A stream of `data`, deflated here (cheaper than qpdf's compressor per stream).
QPDFObjectHandle deflated_stream(QPDF& pdf, std::string_view data);

/// A text string (PDFDocEncoding or UTF-16 as needed).
QPDFObjectHandle text_string(std::string_view utf8);

/// 2026-11-01T00:00:00 → D:20261101000000Z
std::string pdf_date(const std::string& iso);

std::string xml_escape(std::string_view s);

}  // namespace handout::pdf
