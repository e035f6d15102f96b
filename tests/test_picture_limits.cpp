// tests: pictures are measured by their header and refused over the pixel limits before anything
// is decoded; a PNG or JPEG that is cut off or damaged, or a progressive JPEG of too many scans,
// is an error when the content is read — placed at the picture's reference in the content file —
// never a crash, an exit without a position, or gigabytes of memory. SVGs are held to the same
// limits at their natural size.
#include "helpers.hpp"

#include "image/decode_image.hpp"
#include "image/jpeg_decode.hpp"
#include "image/jpeg_header.hpp"

#include <doctest/doctest.h>

#include <cairo.h>

#include <cstdio>
#include <jpeglib.h>

namespace {

const std::string epoch = "SOURCE_DATE_EPOCH=0";
const std::string front = "---\ntitle: \"Pictures\"\nlang: en\n---\n\n";

std::uint32_t crc32(std::string_view bytes) {
    std::uint32_t c = 0xFFFFFFFFU;
    for (char ch : bytes) {
        c ^= static_cast<unsigned char>(ch);
        for (int k = 0; k < 8; ++k) {
            c = (c & 1) != 0 ? 0xEDB88320U ^ (c >> 1) : c >> 1;
        }
    }
    return c ^ 0xFFFFFFFFU;
}

std::string be32(std::uint32_t v) {
    return {static_cast<char>(v >> 24), static_cast<char>(v >> 16), static_cast<char>(v >> 8), static_cast<char>(v)};
}

/// A PNG's signature and a well-formed header chunk claiming `width` × `height` (8-bit RGB),
/// followed by `rest` — no picture data unless `rest` brings some.
std::string png_header(std::uint32_t width, std::uint32_t height, const std::string& rest = {}) {
    std::string ihdr = "IHDR" + be32(width) + be32(height) + std::string("\x08\x02\x00\x00\x00", 5);
    return std::string("\x89PNG\r\n\x1a\n", 8) + be32(13) + ihdr + be32(crc32(ihdr)) + rest;
}

/// A grey progressive JPEG of 16 × 16 with `scans` scans (1 to 505): the DC scan, then for each
/// AC coefficient in turn a first scan at Al = 7 and refinements down to Al = 0, as far as the
/// count goes (libjpeg checks the script).
std::string progressive_jpeg(int scans) {
    std::vector<jpeg_scan_info> script;
    script.push_back(jpeg_scan_info{1, {0, 0, 0, 0}, 0, 0, 0, 0});
    for (int k = 1; k <= 63 && static_cast<int>(script.size()) < scans; ++k) {
        int left = scans - static_cast<int>(script.size());
        int levels = std::min(left, 8);  // first scan + refinements
        int al = levels - 1;
        script.push_back(jpeg_scan_info{1, {0, 0, 0, 0}, k, k, 0, al});
        for (int a = al; a > 0; --a) {
            script.push_back(jpeg_scan_info{1, {0, 0, 0, 0}, k, k, a, a - 1});
        }
    }
    REQUIRE(static_cast<int>(script.size()) == scans);
    jpeg_compress_struct c{};
    jpeg_error_mgr err{};
    c.err = jpeg_std_error(&err);
    jpeg_create_compress(&c);
    unsigned char* buffer = nullptr;
    unsigned long size = 0;
    jpeg_mem_dest(&c, &buffer, &size);
    c.image_width = 16;
    c.image_height = 16;
    c.input_components = 1;
    c.in_color_space = JCS_GRAYSCALE;
    jpeg_set_defaults(&c);
    c.scan_info = script.data();
    c.num_scans = scans;
    jpeg_start_compress(&c, TRUE);
    std::vector<unsigned char> row(16);
    for (unsigned y = 0; y < 16; ++y) {
        for (unsigned x = 0; x < 16; ++x) {
            row[x] = static_cast<unsigned char>((x * 37 + y * 11) & 255);  // detail in every coefficient
        }
        unsigned char* p = row.data();
        jpeg_write_scanlines(&c, &p, 1);
    }
    jpeg_finish_compress(&c);
    std::string out(reinterpret_cast<const char*>(buffer), size);
    jpeg_destroy_compress(&c);
    std::free(buffer);
    return out;
}

/// The size problem's or damage's message from decode_image, or "" when the picture is taken.
std::string decode_error(const std::string& bytes, const handout::PictureLimits& limits = {}, const std::string& path = "pic") {
    auto r = handout::decode_image(path, bytes, nullptr, limits);
    if (r.value) {
        CHECK_MESSAGE(r.diagnostics.empty(), test::describe(r.diagnostics));
        return {};
    }
    REQUIRE(r.diagnostics.size() == 1);
    CHECK(r.diagnostics[0].severity == handout::Severity::error);
    CHECK(r.diagnostics[0].file == nullptr);  // the caller places it
    CHECK_FALSE(r.diagnostics[0].hints.empty());
    return r.diagnostics[0].message;
}

std::string photo() {
    std::string jpeg = test::read_file(std::string(HANDOUT_TEST_DIR) + "/data/photo.jpg");
    REQUIRE_MESSAGE(jpeg.size() > 100, "tests/data/photo.jpg is missing");
    return jpeg;
}

/// `jpeg` with its frame header's height and width replaced.
std::string with_frame_size(std::string jpeg, unsigned width, unsigned height) {
    for (std::size_t p = 2; p + 9 < jpeg.size();) {
        auto byte = [&](std::size_t at) { return static_cast<unsigned char>(jpeg[at]); };
        unsigned marker = byte(p + 1);
        if (marker >= 0xC0 && marker <= 0xC2) {
            jpeg[p + 5] = static_cast<char>(height >> 8);
            jpeg[p + 6] = static_cast<char>(height & 255);
            jpeg[p + 7] = static_cast<char>(width >> 8);
            jpeg[p + 8] = static_cast<char>(width & 255);
            return jpeg;
        }
        p += 2 + ((byte(p + 2) << 8) | byte(p + 3));
    }
    FAIL("no frame header in the JPEG");
    return jpeg;
}

}  // namespace

TEST_SUITE("image") {

TEST_CASE("a PNG is refused by its header over 40 megapixels or 32767 pixels a side, before any decoding") {
    // Header only: a picture under the limits goes on to be decoded, and has no data.
    CHECK(test::contains(decode_error(png_header(8000, 5000)), "damaged PNG"));  // 40 megapixels: at the limit
    const std::string over = decode_error(png_header(8000, 5001));
    CHECK(over == "`pic` is 8000 × 5001 pixels (40.1 megapixels); a picture may have at most 40 megapixels (--limit picture-pixels)");
    CHECK(decode_error(png_header(20000, 20000)) ==
          "`pic` is 20000 × 20000 pixels (400 megapixels); a picture may have at most 40 megapixels (--limit picture-pixels)");
    CHECK(test::contains(decode_error(png_header(32767, 1)), "damaged PNG"));
    CHECK(decode_error(png_header(32768, 1)) == "`pic` is 32768 × 1 pixels; a picture may be at most 32767 pixels wide or high");
    CHECK(decode_error(png_header(1, 0xFFFFFFFFU)) ==
          "`pic` is 1 × 4294967295 pixels; a picture may be at most 32767 pixels wide or high");
}

TEST_CASE("the pixel limit is a parameter: a real PNG at the limit is taken, one pixel more is refused") {
    const std::string png = test::png_bytes(100, 30);
    handout::PictureLimits limits;
    limits.max_pixels = 3000;
    auto r = handout::decode_image("pic.png", png, nullptr, limits);
    REQUIRE_MESSAGE(r.value, test::describe(r.diagnostics));
    CHECK(r.value->kind == handout::ImageData::Kind::png);
    CHECK(r.value->width == doctest::Approx(75.0));  // 100 px at 96 dpi, in pt
    CHECK(r.value->height == doctest::Approx(22.5));
    limits.max_pixels = 2999;
    CHECK(test::contains(decode_error(png, limits), "is 100 × 30 pixels (0.1 megapixels); a picture may have at most 0.1 megapixels"));
    limits.max_pixels = 3000;
    limits.max_side = 99;
    CHECK(test::contains(decode_error(png, limits), "may be at most 99 pixels wide or high"));
}

TEST_CASE("a PNG cut off, with a damaged chunk or a broken header is an error, not a crash") {
    const std::string png = test::png_bytes(64, 64);
    REQUIRE(handout::decode_image("pic.png", png).value);
    for (std::size_t keep : {png.size() - 12, png.size() / 2, std::size_t{40}, std::size_t{33}}) {
        CAPTURE(keep);
        CHECK(decode_error(png.substr(0, keep)) == "`pic` is a damaged PNG: its picture data does not decode (cut off, or changed)");
    }
    std::string flipped = png;
    flipped[png.size() / 2] = static_cast<char>(flipped[png.size() / 2] ^ 0x55);  // inside the picture data: its CRC fails
    CHECK(test::contains(decode_error(flipped), "damaged PNG"));
    // Fewer bytes than a header, or another chunk first.
    CHECK(decode_error(png.substr(0, 20)) == "`pic` starts as a PNG but its header cannot be read");
    std::string renamed = png;
    renamed.replace(12, 4, "IDAT");
    CHECK(decode_error(renamed) == "`pic` starts as a PNG but its header cannot be read");
    CHECK(test::contains(decode_error(png_header(0, 10)), "header cannot be read"));
}

TEST_CASE("a JPEG is refused by its frame header over the limits, and a damaged one does not decode") {
    const std::string jpeg = photo();
    auto h = handout::read_jpeg_header(jpeg);
    REQUIRE(h);
    REQUIRE(h->width * h->height == 48 * 32);
    CHECK(decode_error(jpeg).empty());
    handout::PictureLimits limits;
    limits.max_pixels = 48 * 32;
    CHECK(decode_error(jpeg, limits).empty());
    limits.max_pixels = 48 * 32 - 1;
    CHECK(test::contains(decode_error(jpeg, limits), "is 48 × 32 pixels"));
    // The frame header of a JPEG says 65000 × 65000: refused before libjpeg sees it.
    CHECK(decode_error(with_frame_size(jpeg, 65000, 65000)) ==
          "`pic` is 65000 × 65000 pixels; a picture may be at most 32767 pixels wide or high");
    CHECK(test::contains(decode_error(with_frame_size(jpeg, 8000, 5001)), "(40.1 megapixels)"));
    // decode_jpeg (the Cairo engine's) holds to the pixel limit too.
    CHECK(handout::decode_jpeg(jpeg, 48 * 32));
    CHECK_FALSE(handout::decode_jpeg(jpeg, 48 * 32 - 1));
    // Cut off, or its entropy-coded data overwritten.
    CHECK(decode_error(jpeg.substr(0, jpeg.size() * 2 / 3)) == "`pic` is a damaged JPEG: its picture data does not decode");
    std::string corrupt = jpeg;
    for (std::size_t i = corrupt.size() - 40; i < corrupt.size() - 2; ++i) {
        corrupt[i] = static_cast<char>(0xFF);
    }
    CHECK(test::contains(decode_error(corrupt), "damaged JPEG"));
    CHECK(test::contains(decode_error(std::string("\xFF\xD8\xFF\xC0\x00\x02", 6)), "frame header cannot be read"));
}

TEST_CASE("a progressive JPEG of 500 scans decodes, of 501 is refused") {
    const std::string at = progressive_jpeg(handout::max_jpeg_scans);
    const std::string past = progressive_jpeg(handout::max_jpeg_scans + 1);
    CHECK(handout::jpeg_decodes(at));
    CHECK(handout::decode_jpeg(at));
    CHECK(decode_error(at).empty());
    CHECK_FALSE(handout::jpeg_decodes(past));
    CHECK_FALSE(handout::decode_jpeg(past));
    CHECK(test::contains(decode_error(past), "damaged JPEG"));
}

TEST_CASE("an SVG is held to the limits at its natural size") {
    auto svg = [](const std::string& w, const std::string& h) {
        return "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + w + "\" height=\"" + h +
               "\"><rect width=\"10\" height=\"10\" fill=\"red\"/></svg>";
    };
    auto ok = handout::decode_image("pic.svg", svg("8000", "5000"));
    REQUIRE_MESSAGE(ok.value, test::describe(ok.diagnostics));
    CHECK(ok.value->kind == handout::ImageData::Kind::svg);
    CHECK(ok.value->width == doctest::Approx(6000.0));
    CHECK(decode_error(svg("8000", "5001")) ==
          "`pic` at its natural size is 8000 × 5001 pixels (40.1 megapixels); a picture may have at most 40 megapixels (--limit picture-pixels)");
    CHECK(decode_error(svg("32768", "1")) ==
          "`pic` at its natural size is 32768 × 1 pixels; a picture may be at most 32767 pixels wide or high");
    CHECK(test::contains(decode_error(svg("1e30", "1")), "a picture may be at most 32767 pixels wide or high"));
    const std::string inches = decode_error(svg("100in", "100in"));  // physical units, at librsvg's resolution
    CHECK_MESSAGE(test::contains(inches, "megapixels); a picture may have at most 40 megapixels"), inches);
    CHECK(test::contains(decode_error("<svg xmlns=\"http://www.w3.org/2000/svg\""), "not a PNG, JPEG or SVG"));
}

TEST_CASE("a damaged or oversized picture is an error at its reference in the content, for either engine") {
    test::TempDir dir;
    test::write_file(dir / "cut.png", test::png_bytes(64, 64).substr(0, 300));
    test::write_file(dir / "huge.png", png_header(20000, 20000, std::string(1000, '\0')));
    const std::string jpeg = photo();
    test::write_file(dir / "cut.jpg", jpeg.substr(0, jpeg.size() * 2 / 3));
    const std::string text = front + "Pictures follow.\n\n![Cut off](cut.png)\n\n![Huge](huge.png)\n\n![A cut JPEG](cut.jpg)\n";
    const std::string content = dir / "pics.md";
    test::write_file(content, text);
    // The picture's line (the column is the reference's, as for every picture error).
    auto where = [&](const std::string& needle) {
        const std::string at = test::pos_in(text, needle);
        return content + ":" + at.substr(0, at.find(':')) + ":";
    };
    for (const char* engine : {"handout", "cairo"}) {
        INFO("--engine ", std::string(engine));
        const std::string out = dir / (std::string(engine) + ".pdf");
        auto r = test::run_cli_env({"render", content, "--engine", engine, "-o", out}, {epoch});
        CHECK(r.exit_code == 2);
        // Each message on the line that names its picture's reference.
        auto line_at = [&](const std::string& needle) {
            for (const std::string& line : test::split_lines(r.err)) {
                if (line.rfind(where(needle), 0) == 0) {
                    return line;
                }
            }
            return std::string();
        };
        CHECK_MESSAGE(test::contains(line_at("![Cut off]"), "error: `cut.png` is a damaged PNG"), r.err);
        CHECK_MESSAGE(test::contains(line_at("![Huge]"), "error: `huge.png` is 20000 × 20000 pixels (400 megapixels)"), r.err);
        CHECK_MESSAGE(test::contains(line_at("![A cut JPEG]"), "error: `cut.jpg` is a damaged JPEG"), r.err);
        CHECK_FALSE(test::exists(out));
    }
}

TEST_CASE("a damaged logo is an error at the layout's logo path") {
    test::TempDir dir;
    test::write_file(dir / "logo.png", test::png_bytes(60, 20).substr(0, 100));
    const std::string text = test::replace_once(test::read_file("layouts/letter.toml"), "path = \"riverside-logo.svg\"",
                                                "path = \"logo.png\"");
    const std::string layout = dir / "layout.toml";
    test::write_file(layout, text);
    const std::string content = dir / "a.md";
    test::write_file(content, front + "No pictures here.\n");
    auto r = test::run_cli_env({"render", content, "-l", layout, "-o", dir / "a.pdf"}, {epoch});
    CHECK(r.exit_code == 2);
    CHECK_MESSAGE(test::contains(r.err, layout + ":"), r.err);
    CHECK_MESSAGE(test::contains(r.err, "logo.png"), r.err);
    CHECK_FALSE(test::exists(dir / "a.pdf"));
}

TEST_CASE("a malformed SVG is an error that says where, and never quotes its element names") {
    const std::string error = decode_error("<svg xmlns=\"http://www.w3.org/2000/svg\">\n  <hunter2></other>\n</svg>\n");
    CHECK_MESSAGE(test::contains(error, "`pic` is not a PNG, JPEG or SVG image (its XML goes wrong on line 2"), error);
    CHECK_FALSE(test::contains(error, "hunter2"));
    CHECK_FALSE(test::contains(error, "other"));
}

}  // TEST_SUITE
