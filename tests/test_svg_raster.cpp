// tests: when the PDF engine must put an SVG in as pixels (its vector drawing failed), it draws
// it at 300 dpi of its natural size, scaled down to the picture limits — 40 megapixels and
// 32,767 pixels a side — never a surface of hundreds of megapixels, and never an empty picture
// because Cairo refused the size.
#include "render/pdf/pdf_cache.hpp"

#include "image/picture_limits.hpp"

#include "helpers.hpp"

#include <doctest/doctest.h>

#include <qpdf/Pl_Buffer.hh>
#include <qpdf/Pl_Flate.hh>

#include <cmath>
#include <memory>
#include <string>

using namespace handout;

namespace {

/// An SVG of `w` × `h` CSS pixels: its left half blue, its right half red.
ImageData svg_picture(int w, int h) {
    const std::string W = std::to_string(w), H = std::to_string(h), half = std::to_string(w / 2);
    ImageData img;
    img.kind = ImageData::Kind::svg;
    img.path = "drawing.svg";
    img.bytes = std::make_shared<const std::string>("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + W + "\" height=\"" + H +
                                                    "\"><rect width=\"" + W + "\" height=\"" + H + "\" fill=\"#ff0000\"/><rect width=\"" +
                                                    half + "\" height=\"" + H + "\" fill=\"#0000ff\"/></svg>");
    img.width = w * 0.75;  // pt, as decode_image gives it
    img.height = h * 0.75;
    return img;
}

std::string inflate(const std::string& deflated) {
    Pl_Buffer out("pixels");
    Pl_Flate flate("inflate", &out, Pl_Flate::a_inflate);
    flate.write(reinterpret_cast<const unsigned char*>(deflated.data()), deflated.size());
    flate.finish();
    auto buffer = out.getBufferSharedPointer();
    return std::string(reinterpret_cast<const char*>(buffer->getBuffer()), buffer->getSize());
}

}  // namespace

TEST_SUITE("render") {

TEST_CASE("an SVG drawn as pixels is 300 dpi of its natural size when that is within the picture limit") {
    PdfCache::Impl cache;
    const ImageData img = svg_picture(1000, 500);  // 750 × 375 pt: 3125 × 1562 pixels at 300 dpi
    const auto& r = cache.raster(img);
    CHECK(r.w == 3125);
    CHECK(r.h == 1562);
    CHECK(r.components == 3);
    const std::string rgb = inflate(r.samples);
    REQUIRE(rgb.size() == static_cast<std::size_t>(r.w) * static_cast<std::size_t>(r.h) * 3);
    auto px = [&](int x, int y) { return rgb.substr((static_cast<std::size_t>(y) * static_cast<std::size_t>(r.w) + static_cast<std::size_t>(x)) * 3, 3); };
    CHECK(px(r.w / 4, r.h / 2) == std::string("\x00\x00\xff", 3));
    CHECK(px(r.w * 3 / 4, r.h / 2) == std::string("\xff\x00\x00", 3));
}

TEST_CASE("an SVG whose 300 dpi pixels would pass 40 megapixels is drawn at the most the limit allows, its shape kept") {
    PdfCache::Impl cache;
    // 4000 × 3000 CSS pixels (12 megapixels: within the limit as content is checked) would be
    // 12500 × 9375 at 300 dpi: 117 megapixels.
    const ImageData img = svg_picture(4000, 3000);
    const auto& r = cache.raster(img);
    const double pixels = static_cast<double>(r.w) * static_cast<double>(r.h);
    CHECK(pixels <= static_cast<double>(max_picture_pixels));
    CHECK(pixels >= 0.999 * static_cast<double>(max_picture_pixels));  // scaled down no further than needed
    CHECK(std::abs(static_cast<double>(r.w) / r.h - 4.0 / 3.0) < 1e-3);
    CHECK_FALSE(r.samples.empty());
    // At the size it prints at here (4000 CSS pixels = 41.7 in), that is still over 170 dpi; at
    // a page's width, several times 300.
    CHECK(r.w / (img.width / 72.0) > 170);
}

TEST_CASE("an SVG wider than 32,767 pixels at 300 dpi is drawn 32,767 wide, not refused by Cairo") {
    PdfCache::Impl cache;
    // 20000 × 40 CSS pixels: 62500 × 125 at 300 dpi, over Cairo's largest surface.
    const ImageData img = svg_picture(20000, 40);
    const auto& r = cache.raster(img);
    CHECK(r.w == static_cast<int>(max_picture_side));
    CHECK(r.h == 65);  // 125 × 32767 / 62500, rounded down
    const std::string rgb = inflate(r.samples);
    REQUIRE(rgb.size() == static_cast<std::size_t>(r.w) * static_cast<std::size_t>(r.h) * 3);
    auto px = [&](int x, int y) { return rgb.substr((static_cast<std::size_t>(y) * static_cast<std::size_t>(r.w) + static_cast<std::size_t>(x)) * 3, 3); };
    CHECK(px(r.w / 4, r.h / 2) == std::string("\x00\x00\xff", 3));  // drawn, not an empty picture
    CHECK(px(r.w * 3 / 4, r.h / 2) == std::string("\xff\x00\x00", 3));
}

}  // TEST_SUITE
