// tests: the tagged PDF engine beyond the shipped documents — a JPEG passed through as DCTDecode,
// an unreadable JPEG refused, a glyph read two ways given ActualText, an SVG logo kept as a vector
// form, and a CFF-flavoured OpenType font (Noto Sans CJK) embedded as FontFile3 — held to the
// project's structure probes (tests/pdfua), qpdf, pdftotext, pdffonts and pdftoppm, and where it
// helps to the Cairo engine's drawing.
#include "helpers.hpp"
#include "pdfua/pdfua.hpp"
#include "pdfua/probe.hpp"

#include "pages/pages.hpp"
#include "render/cairo/render_cairo.hpp"
#include "render/pdf/cff_charset.hpp"
#include "render/pdf/render_pdf.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <memory>
#include <sstream>

namespace {

using test::contains;
using test::FontRow;
using test::have;
using test::HbFont;
using test::pdffonts;
using test::pdftotext;
using test::split_lines;
using test::subset_tagged;

const std::string epoch = "SOURCE_DATE_EPOCH=1793491200";  // 2026-11-01, as scripts/make-samples.sh
const std::string test_dir = HANDOUT_TEST_DIR;
const std::string cjk_font = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc";  // Debian's fonts-noto-cjk
const std::string front = "---\ntitle: \"Engine test\"\n---\n\n";

void check_qpdf_clean(const std::string& pdf) {
    auto q = test::run_command({"qpdf", "--check", pdf});
    CHECK_MESSAGE(q.exit_code == 0, q.out, q.err);
    CHECK_MESSAGE(contains(q.out, "No syntax or stream encoding errors"), q.out, q.err);
}

/// A picture as the display list places it: `render --format dump` prints
/// `  image Figure#3 288.00,113.20 36.00x24.00 #0` (tag, x,y, w x h in pt, y down, image index).
struct Placed {
    std::string tag;
    double x = 0, y = 0, w = 0, h = 0;
};

std::vector<Placed> dumped_images(const std::string& content, const std::string& layout) {
    auto r = test::run_cli_env({"render", content, "-l", layout, "--format", "dump", "-o", "-"}, {epoch});
    REQUIRE_MESSAGE(r.exit_code == 0, "dump failed: ", r.err);
    std::vector<Placed> out;
    for (const std::string& line : split_lines(r.out)) {
        std::istringstream in(line);
        std::string word, xy, wh;
        if (!(in >> word) || word != "image") {
            continue;
        }
        Placed p;
        char sep = 0;
        in >> p.tag >> xy >> wh;
        std::istringstream a(xy), b(wh);
        a >> p.x >> sep >> p.y;
        b >> p.w >> sep >> p.h;
        REQUIRE_MESSAGE((p.w > 0 && p.h > 0), "cannot read the dump's line: ", line);
        out.push_back(p);
    }
    return out;
}

const Placed* find_placed(const std::vector<Placed>& ps, std::string_view tag_prefix) {
    for (const Placed& p : ps) {
        if (p.tag.rfind(tag_prefix, 0) == 0) {
            return &p;
        }
    }
    return nullptr;
}

// ---- pixels ------------------------------------------------------------------------------

struct Rgb {
    double r = 0, g = 0, b = 0;
};

/// A decoded PNG (through Cairo), RGB only.
class Raster {
public:
    explicit Raster(const std::string& png_path) {
        test::RgbImage rgb = test::decode_png(png_path);
        m_w = rgb.width;
        m_h = rgb.height;
        m_px = std::move(rgb.px);
    }
    bool ok() const { return m_w > 0 && m_h > 0; }
    int width() const { return m_w; }
    int height() const { return m_h; }
    Rgb at(int x, int y) const {
        std::uint32_t p = m_px[static_cast<std::size_t>(y) * static_cast<std::size_t>(m_w) + static_cast<std::size_t>(x)];
        return Rgb{static_cast<double>((p >> 16) & 0xFF), static_cast<double>((p >> 8) & 0xFF), static_cast<double>(p & 0xFF)};
    }
    /// Mean colour over pixels [x0, x1) × [y0, y1), clipped to the image.
    Rgb mean(int x0, int y0, int x1, int y1) const {
        Rgb sum;
        long n = 0;
        for (int y = std::max(0, y0); y < std::min(m_h, y1); ++y) {
            for (int x = std::max(0, x0); x < std::min(m_w, x1); ++x) {
                Rgb c = at(x, y);
                sum.r += c.r;
                sum.g += c.g;
                sum.b += c.b;
                ++n;
            }
        }
        if (n == 0) {
            return Rgb{-1, -1, -1};
        }
        return Rgb{sum.r / static_cast<double>(n), sum.g / static_cast<double>(n), sum.b / static_cast<double>(n)};
    }
    /// Pixels in [x0, x1) × [y0, y1) within `tolerance` (per channel) of `c`.
    long count_near(int x0, int y0, int x1, int y1, Rgb c, double tolerance) const {
        long n = 0;
        for (int y = std::max(0, y0); y < std::min(m_h, y1); ++y) {
            for (int x = std::max(0, x0); x < std::min(m_w, x1); ++x) {
                Rgb p = at(x, y);
                n += std::abs(p.r - c.r) <= tolerance && std::abs(p.g - c.g) <= tolerance && std::abs(p.b - c.b) <= tolerance;
            }
        }
        return n;
    }
    /// Ink (255 − grey) per pixel, summed over [x0, x1) × [y0, y1).
    double ink(int x0, int y0, int x1, int y1) const {
        double sum = 0;
        for (int y = std::max(0, y0); y < std::min(m_h, y1); ++y) {
            for (int x = std::max(0, x0); x < std::min(m_w, x1); ++x) {
                Rgb p = at(x, y);
                sum += 255.0 - (p.r + p.g + p.b) / 3.0;
            }
        }
        return sum;
    }

private:
    int m_w = 0, m_h = 0;
    std::vector<std::uint32_t> m_px;  ///< Cairo RGB24: 0x00RRGGBB
};

std::string describe(Rgb c) {
    return "rgb(" + std::to_string(static_cast<int>(c.r)) + ", " + std::to_string(static_cast<int>(c.g)) + ", " +
           std::to_string(static_cast<int>(c.b)) + ")";
}

/// Page 1 of `pdf` through pdftoppm at `dpi`, as a PNG in `dir`; the check fails when pdftoppm does.
std::string pdftoppm_page1(const std::string& pdf, const test::TempDir& dir, const std::string& name, int dpi) {
    auto r = test::run_command({"pdftoppm", "-r", std::to_string(dpi), "-f", "1", "-l", "1", "-png", "-singlefile", pdf,
                                dir / name});
    CHECK_MESSAGE(r.exit_code == 0, "pdftoppm ", pdf, ": ", r.err);
    CHECK_MESSAGE(r.err.empty(), "pdftoppm: ", r.err);
    return dir / (name + ".png");
}

/// The picture made by `convert -size 48x32 gradient:red-blue`, drawn at `p` (pt) on a page
/// rendered at `dpi`: red along the top, blue along the bottom, white beside it.
void check_gradient_drawn(const Raster& page, const Placed& p, double dpi, const std::string& who) {
    INFO(who);
    REQUIRE(page.ok());
    double k = dpi / 72.0;
    int x0 = static_cast<int>(std::ceil(p.x * k)) + 2, x1 = static_cast<int>(std::floor((p.x + p.w) * k)) - 2;
    int y0 = static_cast<int>(std::ceil(p.y * k)) + 1, y1 = static_cast<int>(std::floor((p.y + p.h) * k)) - 1;
    REQUIRE(x1 - x0 >= 8);
    REQUIRE(y1 - y0 >= 8);
    int band = std::max(2, (y1 - y0) / 6);
    Rgb top = page.mean(x0, y0, x1, y0 + band);
    Rgb bottom = page.mean(x0, y1 - band, x1, y1);
    Rgb all = page.mean(x0, y0, x1, y1);
    CHECK_MESSAGE((top.r > 170 && top.b < 90 && top.g < 90), "top of the picture: ", describe(top));
    CHECK_MESSAGE((bottom.b > 170 && bottom.r < 90 && bottom.g < 90), "bottom of the picture: ", describe(bottom));
    CHECK_MESSAGE((all.r + all.g + all.b) / 3 < 140, "the picture's area is mostly white: ", describe(all));
    // The same size of area just left of the picture is blank page: the picture is where the
    // display list put it, not merely somewhere.
    int w = x1 - x0;
    Rgb beside = page.mean(x0 - w - 8, y0, x0 - 8, y1);
    CHECK_MESSAGE((beside.r > 245 && beside.g > 245 && beside.b > 245), "left of the picture: ", describe(beside));
}

// ---- structure probe ----------------------------------------------------------------------

/// The pages' XObjects, fonts and text (tests/pdfua); fails the test when the file cannot be read.
pdfua::Content probe(const std::string& pdf) {
    try {
        return pdfua::content(pdf);
    } catch (const std::exception& e) {
        FAIL("cannot read ", pdf, ": ", e.what());
    }
    return {};
}

std::size_t count_xobjects(const pdfua::Content& c, const std::string& subtype) {
    return static_cast<std::size_t>(
        std::count_if(c.xobjects.begin(), c.xobjects.end(), [&](const pdfua::Content::XObject& x) { return x.subtype == subtype; }));
}

std::string list(const std::vector<std::string>& v) {
    return doctest::StringMaker<std::vector<std::string>>::convert(v).c_str();
}

std::string to_hex(std::string_view bytes) {
    static const char* digits = "0123456789abcdef";
    std::string out;
    for (unsigned char c : bytes) {
        out += digits[c >> 4];
        out += digits[c & 0x0F];
    }
    return out;
}

// ---- hand-built display lists ----------------------------------------------------------------

/// UTF-8 → code points with the byte offset of each.
std::vector<std::pair<char32_t, std::uint32_t>> code_points(std::string_view s) {
    std::vector<std::pair<char32_t, std::uint32_t>> out;
    std::size_t i = 0;
    while (i < s.size()) {
        auto c = static_cast<unsigned char>(s[i]);
        int n = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
        char32_t cp = n == 1 ? c : n == 2 ? (c & 0x1F) : n == 3 ? (c & 0x0F) : (c & 0x07);
        for (int k = 1; k < n; ++k) {
            cp = (cp << 6) | (static_cast<unsigned char>(s[i + static_cast<std::size_t>(k)]) & 0x3F);
        }
        out.emplace_back(cp, static_cast<std::uint32_t>(i));
        i += static_cast<std::size_t>(n);
    }
    return out;
}

/// One page, a Document root and one P holding `run`.
handout::Pages one_paragraph(double width, double height, handout::FontRef font, handout::GlyphRun run,
                             const std::string& lang) {
    using namespace handout;
    Pages doc;
    doc.fonts.push_back(std::move(font));
    StructNode root, para;
    root.type = StructType::document;
    root.parent = -1;
    para.type = StructType::p;
    para.parent = 0;
    doc.nodes.push_back(root);
    doc.nodes.push_back(para);
    Page page;
    page.width = width;
    page.height = height;
    Item item;
    item.v = std::move(run);
    item.node = 1;
    item.artifact = ArtifactKind::none;
    page.items.push_back(std::move(item));
    doc.pages.push_back(std::move(page));
    doc.info.title = "Engine test";
    doc.info.lang = lang;
    doc.info.date = "2026-11-01T00:00:00Z";
    return doc;
}

/// The PDF of `doc`, written to `path`; fails the test when the engine reports an error.
void render_to(const handout::Pages& doc, const std::string& path) {
    auto r = handout::render_pdf_tagged(doc);
    REQUIRE_MESSAGE(r.ok(), "render_pdf_tagged: ", test::describe(r.diagnostics));
    CHECK_MESSAGE(r.diagnostics.empty(), test::describe(r.diagnostics));
    test::write_file(path, *r);
}

const std::string cjk_text = "\xE4\xB8\xAD\xE6\x96\x87\xE8\xAF\xB4\xE6\x98\x8E";  // 中文说明

void require_cjk_font() {
    REQUIRE_MESSAGE(test::exists(cjk_font), cjk_font,
                    " is missing: run scripts/install-deps.sh (Debian's fonts-noto-cjk); this test is never skipped");
}

/// 中文说明 in Noto Sans CJK SC at 12 pt on a 200 × 100 pt page, baseline 60 pt down.
handout::Pages cjk_pages(const HbFont& f) {
    handout::GlyphRun run;
    run.origin = {20, 60};
    run.font = 0;
    run.size = 12;
    run.text = cjk_text;
    for (auto [cp, at] : code_points(cjk_text)) {
        handout::Glyph g;
        g.id = f.glyph(cp);
        g.advance = f.advance(g.id, run.size);
        g.cluster = at;
        run.glyphs.push_back(g);
    }
    return one_paragraph(200, 100, handout::FontRef{cjk_font, 2, "Noto Sans CJK SC"}, std::move(run), "zh-Hans");
}

}  // namespace

TEST_SUITE("engine") {

// ---- 1. JPEG pictures -------------------------------------------------------------------------

TEST_CASE("a JPEG picture is embedded as DCTDecode with the file's own bytes, and both engines draw it") {
    const std::string jpeg = test::read_file(test_dir + "/data/photo.jpg");
    REQUIRE_MESSAGE(jpeg.size() > 100, "tests/data/photo.jpg is missing");
    test::TempDir dir;
    test::write_file(dir / "photo.jpg", jpeg);
    const std::string content = dir / "photo.md";
    test::write_file(content, front + "A picture follows.\n\n![A gradient from red at the top to blue at the bottom](photo.jpg)\n\n"
                                      "After the picture.\n");

    auto placed = dumped_images(content, "layouts/letter.toml");
    const Placed* fig = find_placed(placed, "Figure");
    REQUIRE_MESSAGE(fig != nullptr, "no Figure image in the dump");
    // 48 × 32 px at 96 px per inch.
    CHECK(fig->w == doctest::Approx(36));
    CHECK(fig->h == doctest::Approx(24));

    const std::string pdf = dir / "photo.pdf", cairo = dir / "photo-cairo.pdf";
    auto ours = test::run_cli_env({"render", content, "-l", "layouts/letter.toml", "-o", pdf}, {epoch});
    auto theirs = test::run_cli_env({"render", content, "-l", "layouts/letter.toml", "--engine", "cairo", "-o", cairo}, {epoch});
    REQUIRE(have(ours, pdf));
    REQUIRE(have(theirs, cairo));
    CHECK_MESSAGE(ours.err.empty(), ours.err);
    CHECK_MESSAGE(theirs.err.empty(), theirs.err);
    check_qpdf_clean(pdf);

    pdfua::Content j = probe(pdf);
    INFO(j.xobjects.size(), " XObject(s)");
    std::vector<pdfua::Content::XObject> images;
    for (const auto& x : j.xobjects) {
        if (x.subtype == "/Image") {
            images.push_back(x);
        }
    }
    REQUIRE(images.size() == 1);  // the letter layout's logo is an SVG: a form, not an image
    const pdfua::Content::XObject& im = images[0];
    CHECK(im.filters == std::vector<std::string>{"/DCTDecode"});
    CHECK(im.width == 48);
    CHECK(im.height == 32);
    CHECK(im.colorspace == "/DeviceRGB");
    bool same_bytes = to_hex(im.raw) == to_hex(jpeg);  // not CHECK(a == b): both are long
    CHECK_MESSAGE(same_bytes, "the image stream is not the JPEG file's bytes (", im.raw.size(),
                  " bytes against ", jpeg.size(), ")");

    test::TempDir pngs;
    check_gradient_drawn(Raster(pdftoppm_page1(pdf, pngs, "ours", 72)), *fig, 72, "handout engine, pdftoppm");
    check_gradient_drawn(Raster(pdftoppm_page1(cairo, pngs, "cairo", 72)), *fig, 72, "cairo engine, pdftoppm");
}

TEST_CASE("a page with a JPEG picture renders to PNG with the picture in place") {
    const std::string jpeg = test::read_file(test_dir + "/data/photo.jpg");
    REQUIRE_MESSAGE(jpeg.size() > 100, "tests/data/photo.jpg is missing");
    test::TempDir dir;
    test::write_file(dir / "photo.jpg", jpeg);
    const std::string content = dir / "photo.md";
    test::write_file(content, front + "A picture follows.\n\n![A gradient from red at the top to blue at the bottom](photo.jpg)\n");
    auto placed = dumped_images(content, "layouts/letter.toml");
    const Placed* fig = find_placed(placed, "Figure");
    REQUIRE_MESSAGE(fig != nullptr, "no Figure image in the dump");

    auto r = test::run_cli_env({"render", content, "-l", "layouts/letter.toml", "--format", "png", "--dpi", "96", "-o",
                                dir / "page"},
                               {epoch});
    REQUIRE(have(r, dir / "page-1.png"));
    CHECK_MESSAGE(r.err.empty(), r.err);
    CHECK_FALSE(test::exists(dir / "page-2.png"));
    Raster page(dir / "page-1.png");
    REQUIRE(page.ok());
    CHECK(page.width() == 816);  // 8.5 in at 96 dpi
    check_gradient_drawn(page, *fig, 96, "--format png");
}

// ---- 2. an unreadable JPEG ----------------------------------------------------------------------

TEST_CASE("a JPEG whose header cannot be read is an error naming the file, and no PDF is written") {
    test::TempDir dir;
    // A JPEG's start of image and a marker's first byte, then text: no frame header to read.
    test::write_file(dir / "broken.jpg", std::string("\xFF\xD8\xFF", 3) + "this is not a JPEG, only text after its first bytes\n");
    const std::string content = dir / "broken.md";
    const std::string text = front + "A picture follows.\n\n![A broken picture](broken.jpg)\n";
    test::write_file(content, text);
    const std::string at = test::pos_in(text, "![A broken");
    const std::string where = content + ":" + at.substr(0, at.find(':')) + ":";  // the image's line
    for (const char* engine : {"handout", "cairo"}) {
        INFO("--engine ", engine);
        const std::string out = dir / (std::string(engine) + ".pdf");
        auto r = test::run_cli_env({"render", content, "-l", "layouts/letter.toml", "--engine", engine, "-o", out}, {epoch});
        CHECK(r.exit_code != 0);
        CHECK(r.exit_code == 2);  // an input error, as every other unreadable input
        CHECK_MESSAGE(contains(r.err, where), r.err);
        CHECK_MESSAGE(contains(r.err, "error:"), r.err);
        CHECK_MESSAGE(contains(r.err, "`broken.jpg`"), r.err);
        CHECK_MESSAGE(contains(r.err, "JPEG"), r.err);
        CHECK_FALSE(test::exists(out));
    }
    auto png = test::run_cli_env({"render", content, "-l", "layouts/letter.toml", "--format", "png", "-o", dir / "page"}, {epoch});
    CHECK(png.exit_code == 2);
    CHECK_MESSAGE(contains(png.err, "`broken.jpg`"), png.err);
    CHECK_FALSE(test::exists(dir / "page-1.png"));
}

// ---- 3. ActualText --------------------------------------------------------------------------

TEST_CASE("a no-break space reads as U+00A0 and ordinary spaces as spaces") {
    // Noto Sans has a glyph of its own for U+00A0 (uni00A0), so the ToUnicode CMap carries it.
    // pdftotext and mutool both extract a space there whatever the CMap says, so the probe
    // reads the CMap (and any ActualText) itself.
    test::TempDir dir;
    const std::string sentence = "Take 10\xC2\xA0mg with a glass of water.";
    const std::string content = dir / "dose.md";
    test::write_file(content, front + sentence + "\n");
    const std::string pdf = dir / "dose.pdf";
    auto r = test::run_cli_env({"render", content, "-l", "layouts/letter.toml", "-o", pdf}, {epoch});
    REQUIRE(have(r, pdf));
    auto blocks = probe(pdf).blocks;
    CHECK_MESSAGE(std::find(blocks.begin(), blocks.end(), sentence) != blocks.end(), "text blocks: ",
                  doctest::StringMaker<std::vector<std::string>>::convert(blocks));
    // pdftotext drops a lone U+00A0 as it drops spaces, and puts a space where the gap is.
    const std::string extracted = test::normalize_space(pdftotext(pdf));
    CHECK_MESSAGE((contains(extracted, "Take 10 mg with a glass of water.") ||
                   contains(extracted, "Take 10\xC2\xA0mg with a glass of water.")),
                  extracted);
}

TEST_CASE("a glyph shown for two different texts gets ActualText where ToUnicode does not read it") {
    // The space glyph for both U+0020 and U+00A0 (as a font without uni00A0 would shape it):
    // ToUnicode maps the glyph to the first text it showed, so the other needs a /Span with
    // /ActualText, or the no-break space would extract as a plain space. (Noto Sans itself has
    // a uni00A0 glyph, so a rendered document does not get here: this display list is built by hand.)
    const std::string font = test_dir + "/../fonts/NotoSans-Regular.ttf";
    HbFont f(font, 0);
    REQUIRE_MESSAGE(f.ok(), "cannot open ", font);
    const std::string text = "Take 10\xC2\xA0mg daily";
    const std::uint32_t space = f.glyph(U' ');
    handout::GlyphRun run;
    run.origin = {20, 40};
    run.size = 12;
    run.text = text;
    for (auto [cp, at] : code_points(text)) {
        handout::Glyph g;
        g.id = cp == U'\u00A0' ? space : f.glyph(cp);
        g.advance = f.advance(g.id, run.size);
        g.cluster = at;
        run.glyphs.push_back(g);
    }
    REQUIRE(std::count_if(run.glyphs.begin(), run.glyphs.end(), [&](const handout::Glyph& g) { return g.id == space; }) == 3);
    auto doc = one_paragraph(300, 80, handout::FontRef{font, 0, "Noto Sans"}, std::move(run), "en");

    test::TempDir dir;
    const std::string pdf = dir / "two-readings.pdf";
    render_to(doc, pdf);
    pdfua::Content j = probe(pdf);
    INFO("blocks ", list(j.blocks), ", ActualText ", list(j.actual_texts));
    // Read through ToUnicode and ActualText, the run is its text.
    CHECK(j.blocks == std::vector<std::string>{text});
    // Spans only where needed, and one for the no-break space (alone or with its word).
    auto actual = j.actual_texts;
    CHECK(std::any_of(actual.begin(), actual.end(), [](const std::string& a) { return contains(a, "\xC2\xA0"); }));
    for (const std::string& a : actual) {
        CHECK_MESSAGE(contains(a, "\xC2\xA0"), "an ActualText the glyphs do not need: «", a, "»");
        CHECK_MESSAGE(contains(text, a), "an ActualText that is not the run's text: «", a, "»");
    }
    // poppler drops a lone U+00A0 as it drops spaces (and puts a space where the gap is); an
    // ActualText of more than one character it keeps whole.
    const std::string extracted = pdftotext(pdf);
    CHECK_MESSAGE(contains(extracted, text), "pdftotext: «", extracted, "»");
    check_qpdf_clean(pdf);

    // The control: without the span, the same glyphs read as a plain space.
    const std::string stripped = dir / "stripped.pdf";
    pdfua::strip_actual_text(pdf, stripped);
    pdfua::Content control = probe(stripped);
    INFO("control: blocks ", list(control.blocks), ", ActualText ", list(control.actual_texts));
    CHECK(control.actual_texts.empty());
    CHECK(control.blocks == std::vector<std::string>{"Take 10 mg daily"});
    CHECK_FALSE(contains(pdftotext(stripped), "\xC2\xA0"));
}

TEST_CASE("a glyph only ever shown after the first of its cluster still has a ToUnicode entry (10-001)") {
    // As a Bengali vowel sign's second part: one cluster "ab" drawn as the glyphs a and b, the
    // cluster's text on a. The b glyph is shown nowhere else, so no text of its own: it maps to
    // the empty string, and the run reads "ab" through ToUnicode alone, with no ActualText.
    const std::string font = test_dir + "/../fonts/NotoSans-Regular.ttf";
    HbFont f(font, 0);
    REQUIRE_MESSAGE(f.ok(), "cannot open ", font);
    handout::GlyphRun run;
    run.origin = {20, 40};
    run.size = 12;
    run.text = "ab";
    for (char32_t cp : {U'a', U'b'}) {
        handout::Glyph g;
        g.id = f.glyph(cp);
        g.advance = f.advance(g.id, run.size);
        g.cluster = 0;
        run.glyphs.push_back(g);
    }
    auto doc = one_paragraph(200, 80, handout::FontRef{font, 0, "Noto Sans"}, std::move(run), "en");
    test::TempDir dir;
    const std::string pdf = dir / "cluster.pdf";
    render_to(doc, pdf);
    pdfua::Report ua = pdfua::check_file(pdf);
    CHECK_MESSAGE(ua.passed(), pdfua::format(ua, true));
    pdfua::Content j = probe(pdf);
    CHECK(j.actual_texts.empty());
    CHECK(j.blocks == std::vector<std::string>{"ab"});
    CHECK(j.codes.size() == 2);
    pdfua::Document d(pdf);
    REQUIRE(d.fonts().size() == 1);
    const pdfua::Font& pf = d.fonts().begin()->second;
    REQUIRE(j.codes.size() == 2);
    CHECK(pf.to_unicode.count(j.codes[0]) == 1);
    CHECK(pf.to_unicode.at(j.codes[0]) == "ab");
    REQUIRE(pf.to_unicode.count(j.codes[1]) == 1);  // the entry 10-001 asks for
    CHECK(pf.to_unicode.at(j.codes[1]).empty());
    CHECK(test::normalize_space(pdftotext(pdf)) == "ab");
}

// ---- 4. SVG pictures ------------------------------------------------------------------------

TEST_CASE("an SVG logo is a vector form, not a raster picture, and draws in its colours") {
    test::TempDir dir;
    const std::string content = dir / "logo.md";
    test::write_file(content, front + "Only a line of text below the logo.\n");
    auto placed = dumped_images(content, "layouts/letter.toml");
    const Placed* logo = find_placed(placed, "artifact:header");
    REQUIRE_MESSAGE(logo != nullptr, "no header image in the dump: is layouts/letter.toml's logo still set?");
    REQUIRE(contains(test::read_file("layouts/letter.toml"), "riverside-logo.svg"));

    const std::string pdf = dir / "logo.pdf";
    auto r = test::run_cli_env({"render", content, "-l", "layouts/letter.toml", "-o", pdf}, {epoch});
    REQUIRE(have(r, pdf));
    CHECK_MESSAGE(r.err.empty(), r.err);
    check_qpdf_clean(pdf);

    pdfua::Content j = probe(pdf);
    INFO(j.xobjects.size(), " XObject(s)");
    CHECK(count_xobjects(j, "/Image") == 0);
    CHECK(count_xobjects(j, "/Form") >= 1);
    // The form at the page's top level holds the SVG at its natural size: 40 × 40 px at 0.75 pt.
    bool natural_form = false;
    for (const auto& x : j.xobjects) {
        if (x.subtype == "/Form" && x.depth == 0) {
            const auto& bb = x.bbox;
            natural_form = natural_form || (bb.size() == 4 && std::abs(bb[2] - bb[0] - 30) < 0.01 && std::abs(bb[3] - bb[1] - 30) < 0.01);
        }
    }
    CHECK_MESSAGE(natural_form, "no page-level form of 30 × 30 pt");

    test::TempDir pngs;
    const int dpi = 144;
    Raster page(pdftoppm_page1(pdf, pngs, "logo", dpi));
    REQUIRE(page.ok());
    double k = dpi / 72.0;
    auto px = [&](double fx, double fy) {  // a point of the logo, as fractions of its box
        return std::pair<int, int>{static_cast<int>((logo->x + fx * logo->w) * k), static_cast<int>((logo->y + fy * logo->h) * k)};
    };
    const Rgb blue{0x1d, 0x4e, 0x89};
    auto [x0, y0] = px(0, 0);
    auto [x1, y1] = px(1, 1);
    long area = static_cast<long>(x1 - x0) * (y1 - y0);
    long blue_px = page.count_near(x0, y0, x1, y1, blue, 24);
    // The rounded square less the white cross is about 60% of the box.
    CHECK_MESSAGE(blue_px * 100 > area * 40, blue_px, " of ", area, " pixels are the logo's blue");
    for (auto [fx, fy] : {std::pair{0.25, 0.25}, std::pair{0.75, 0.25}, std::pair{0.25, 0.75}, std::pair{0.75, 0.75}}) {
        auto [x, y] = px(fx, fy);
        Rgb c = page.mean(x - 1, y - 1, x + 2, y + 2);
        CHECK_MESSAGE((std::abs(c.r - blue.r) < 24 && std::abs(c.g - blue.g) < 24 && std::abs(c.b - blue.b) < 24), "at (", fx, ", ",
                      fy, ") of the logo: ", describe(c));
    }
    auto [cx, cy] = px(0.5, 0.5);
    Rgb centre = page.mean(cx - 1, cy - 1, cx + 2, cy + 2);  // where the cross's strokes meet
    CHECK_MESSAGE((centre.r > 230 && centre.g > 230 && centre.b > 230), "the logo's centre: ", describe(centre));
    // Blue only near the top-left header: the rest of the page above the title has none.
    CHECK(page.count_near(x1 + 4, 0, page.width(), y1, blue, 24) == 0);

    // The control: the same layout with the PNG logo has an image XObject, which the checks
    // above would catch.
    std::string layout = test::read_file("layouts/letter.toml");
    test::write_file(dir / "letter-png.toml", test::replace_once(layout, "riverside-logo.svg", "riverside-logo.png"));
    test::write_file(dir / "riverside-logo.png", test::read_file("layouts/riverside-logo.png"));
    const std::string png_pdf = dir / "logo-png.pdf";
    auto rp = test::run_cli_env({"render", content, "-l", dir / "letter-png.toml", "-o", png_pdf}, {epoch});
    REQUIRE(have(rp, png_pdf));
    CHECK(count_xobjects(probe(png_pdf), "/Image") >= 1);
}

// ---- 5. CFF fonts -----------------------------------------------------------------------------

TEST_CASE("a CID-keyed CFF font is embedded as a subset CIDFontType0 with FontFile3, ToUnicode and its CIDs") {
    require_cjk_font();
    HbFont f(cjk_font, 2);
    REQUIRE_MESSAGE(f.ok(), "cannot open ", cjk_font);
    handout::Pages doc = cjk_pages(f);
    REQUIRE(doc.pages[0].items.size() == 1);
    const auto& run = std::get<handout::GlyphRun>(doc.pages[0].items[0].v);
    REQUIRE(run.glyphs.size() == 4);

    test::TempDir dir;
    const std::string pdf = dir / "cjk.pdf";
    render_to(doc, pdf);
    check_qpdf_clean(pdf);

    std::string raw;
    auto fonts = pdffonts(pdf, raw);
    INFO(raw);
    REQUIRE(fonts.size() == 1);
    CHECK(fonts[0].type == "CID Type 0C");  // not "CID Type 0C (OT)": see FontFile3 below
    CHECK(fonts[0].emb == "yes");
    CHECK(fonts[0].sub == "yes");
    CHECK(fonts[0].uni == "yes");
    CHECK(subset_tagged(fonts[0].name));

    pdfua::Content j = probe(pdf);
    REQUIRE(j.fonts.size() == 1);
    const pdfua::Content::FontInfo& font = j.fonts[0];
    CHECK(font.subtype == "/Type0");
    CHECK(font.descendant == "/CIDFontType0");
    CHECK(font.to_unicode);
    CHECK(font.files.size() == 1);
    // The bare CFF table, not the OpenType file around it: a subset renumbers glyphs but keeps
    // their CIDs, and poppler looks a CID up as a glyph index in an OpenType font (it draws
    // nothing), while it maps CIDs through the charset of a bare CIDFontType0C font.
    CHECK((font.files.count("/FontFile3") ? font.files.at("/FontFile3").value_or("(no /Subtype)") : "(none)") == "/CIDFontType0C");

    CHECK(test::normalize_space(pdftotext(pdf)) == cjk_text);
    CHECK(j.blocks == std::vector<std::string>{cjk_text});

    // The codes shown are the glyphs' CIDs in the font (the subset renumbers glyphs, not CIDs).
    auto cids = handout::pdf::cff_cids(test::font_table(f.face(), HB_TAG('C', 'F', 'F', ' ')));
    REQUIRE(cids.has_value());
    std::vector<std::uint32_t> expected;
    for (const auto& g : run.glyphs) {
        REQUIRE(g.id < cids->size());
        expected.push_back((*cids)[g.id]);
    }
    CHECK(j.codes == expected);

    // The CFF program's advances (FreeType reads CIDs through the charset) agree with /W, and no
    // code shows .notdef or a glyph the subset lacks.
    pdfua::Report ua = pdfua::check_file(pdf);
    CHECK_MESSAGE(ua.passed(), pdfua::format(ua, true));
    CHECK(ua.find("font-widths")->detail.rfind("4 widths agree", 0) == 0);
}

TEST_CASE("a CFF font's glyphs draw as the font's own in poppler, MuPDF and Ghostscript") {
    // Each renderer's drawing of the PDF against the Cairo engine's drawing of the same display
    // list (FreeType on the font file itself), glyph box by glyph box. A code that named the
    // wrong glyph (a CID where a renumbered glyph index is read, or the other way) draws another
    // character or nothing in its box.
    require_cjk_font();
    HbFont f(cjk_font, 2);
    REQUIRE_MESSAGE(f.ok(), "cannot open ", cjk_font);
    handout::Pages doc = cjk_pages(f);
    const auto& run = std::get<handout::GlyphRun>(doc.pages[0].items[0].v);
    test::TempDir dir;
    const std::string pdf = dir / "cjk.pdf";
    render_to(doc, pdf);

    const int dpi = 144;
    auto ref = handout::render_png_cairo(doc, dpi);
    REQUIRE_MESSAGE(ref.ok(), test::describe(ref.diagnostics));
    REQUIRE(ref->size() == 1);
    test::write_file(dir / "cairo.png", (*ref)[0]);
    Raster theirs(dir / "cairo.png");
    REQUIRE(theirs.ok());

    auto pp = test::run_command({"pdftoppm", "-r", std::to_string(dpi), "-png", "-singlefile", pdf, dir / "poppler"});
    CHECK_MESSAGE(pp.exit_code == 0, pp.err);
    auto mu = test::run_command({"mutool", "draw", "-q", "-o", dir / "mupdf.png", "-r", std::to_string(dpi), pdf, "1"});
    CHECK_MESSAGE(mu.exit_code == 0, mu.err);
    auto gs = test::run_command({"gs", "-q", "-dNOPAUSE", "-dBATCH", "-sDEVICE=png16m", "-r" + std::to_string(dpi),
                                 "-sOutputFile=" + dir / "ghostscript.png", pdf});
    CHECK_MESSAGE(gs.exit_code == 0, gs.err);

    const double k = dpi / 72.0;
    for (const char* renderer : {"poppler", "mupdf", "ghostscript"}) {
        INFO(renderer);
        Raster ours(dir / (std::string(renderer) + ".png"));
        REQUIRE(ours.ok());
        REQUIRE(ours.width() == theirs.width());
        REQUIRE(ours.height() == theirs.height());
        double pen = run.origin.x;
        for (std::size_t i = 0; i < run.glyphs.size(); ++i) {
            INFO("glyph ", i + 1, " of ", cjk_text);
            const auto& g = run.glyphs[i];
            int x0 = static_cast<int>(pen * k), x1 = static_cast<int>((pen + g.advance) * k);
            int y0 = static_cast<int>((run.origin.y - run.size) * k), y1 = static_cast<int>((run.origin.y + run.size * 0.3) * k);
            pen += g.advance;
            double a = ours.ink(x0, y0, x1, y1), b = theirs.ink(x0, y0, x1, y1);
            REQUIRE_MESSAGE(b > 255.0 * 20, "the Cairo engine drew no ink for this glyph: ", b);
            CHECK_MESSAGE(a > 255.0 * 20, "no ink in the glyph's box: ", a);
            // Pixel by pixel: grey differences summed, against the glyph's ink. At 144 dpi the
            // right glyph differs by 0 (poppler), 0.01 (MuPDF) and up to 0.3 (Ghostscript's own
            // rasteriser) of its ink; another glyph of these four by 1.07 to 1.38.
            double diff = 0;
            for (int y = y0; y < y1; ++y) {
                for (int x = x0; x < x1; ++x) {
                    Rgb p = ours.at(x, y), q = theirs.at(x, y);
                    diff += std::abs((p.r + p.g + p.b) / 3.0 - (q.r + q.g + q.b) / 3.0);
                }
            }
            CHECK_MESSAGE(diff < 0.5 * b, "drawn unlike the font's glyph: difference ", diff, " against ink ", b);
        }
        // Nothing drawn outside the run's box.
        int rx1 = static_cast<int>((pen + 2) * k), ry0 = static_cast<int>((run.origin.y - run.size - 2) * k);
        int ry1 = static_cast<int>((run.origin.y + run.size * 0.3 + 2) * k);
        CHECK(ours.ink(rx1, 0, ours.width(), ours.height()) < 255);
        CHECK(ours.ink(0, 0, ours.width(), ry0) < 255);
        CHECK(ours.ink(0, ry1, ours.width(), ours.height()) < 255);
    }
}

TEST_CASE("cff_cids reads Noto Sans CJK's charset, and a subset keeps each glyph's CID") {
    require_cjk_font();
    HbFont f(cjk_font, 2);
    REQUIRE_MESSAGE(f.ok(), "cannot open ", cjk_font);
    auto full = handout::pdf::cff_cids(test::font_table(f.face(), HB_TAG('C', 'F', 'F', ' ')));
    REQUIRE_MESSAGE(full.has_value(), "Noto Sans CJK SC's CFF is CID-keyed; cff_cids found no charset");
    CHECK(full->size() == hb_face_get_glyph_count(f.face()));
    CHECK((*full)[0] == 0);  // .notdef

    std::vector<std::uint32_t> gids;
    for (auto [cp, at] : code_points(cjk_text)) {
        gids.push_back(f.glyph(cp));
    }
    handout::HbSubsetInputPtr in(hb_subset_input_create_or_fail());
    REQUIRE(in != nullptr);
    for (auto g : gids) {
        hb_set_add(hb_subset_input_glyph_set(in.get()), g);
    }
    handout::HbSubsetPlanPtr plan(hb_subset_plan_create_or_fail(f.face(), in.get()));
    REQUIRE(plan != nullptr);
    handout::HbFacePtr sub(hb_subset_plan_execute_or_fail(plan.get()));
    REQUIRE(sub != nullptr);
    const hb_map_t* old_to_new = hb_subset_plan_old_to_new_glyph_mapping(plan.get());
    auto cids = handout::pdf::cff_cids(test::font_table(sub.get(), HB_TAG('C', 'F', 'F', ' ')));
    CHECK(cids.has_value());
    if (cids) {
        CHECK(cids->size() == hb_face_get_glyph_count(sub.get()));
        for (auto g : gids) {
            std::uint32_t n = hb_map_get(old_to_new, g);
            INFO("glyph ", g, " → ", n);
            REQUIRE(n < cids->size());
            CHECK((*cids)[n] == (*full)[g]);
            CHECK(n != g);  // renumbered: so the check above compares two different lookups
        }
    }

    CHECK_FALSE(handout::pdf::cff_cids("").has_value());
    CHECK_FALSE(handout::pdf::cff_cids(std::string(64, '\x7F')).has_value());
}

}  // TEST_SUITE

// ---- 6. Letter spacing -------------------------------------------------------------------------

namespace {

struct BoxWord {
    double x0 = 0, y0 = 0;
    std::string text;
};

std::vector<BoxWord> words_of(const std::string& pdf) {
    auto out = test::run_command({"pdftotext", "-bbox", pdf, "-"});
    REQUIRE(out.exit_code == 0);
    std::vector<BoxWord> words;
    for (const std::string& line : split_lines(out.out)) {
        const auto at = line.find("<word xMin=\"");
        if (at == std::string::npos) {
            continue;
        }
        BoxWord w;
        w.x0 = std::stod(line.substr(at + 12));
        const auto y = line.find("yMin=\"");
        w.y0 = std::stod(line.substr(y + 6));
        const auto gt = line.find('>', at);
        w.text = line.substr(gt + 1, line.find("</word>") - gt - 1);
        words.push_back(std::move(w));
    }
    return words;
}

}  // namespace

TEST_CASE("letter-spaced lines: one Tc per run, and every word where the Cairo engine puts it") {
    // The Spanish consent sheet in letter has loose lines that take letter spacing.
    test::TempDir dir;
    const std::string ours = dir / "ours.pdf", cairo = dir / "cairo.pdf";
    const std::vector<std::string> base = {"render", "content/ketamine-consent.es.md", "-l", "layouts/letter.toml",
                                           "--data", "samples/patient-es.json"};
    auto with = [&](const std::string& out, const std::string& engine) {
        std::vector<std::string> args = base;
        args.insert(args.end(), {"--engine", engine, "-o", out});
        return test::run_cli_env(args, {epoch});
    };
    REQUIRE(have(with(ours, "handout"), ours));
    REQUIRE(have(with(cairo, "cairo"), cairo));
    // The display list says which runs are letter-spaced.
    std::vector<std::string> dump_args = base;
    dump_args.insert(dump_args.end(), {"--format", "dump", "-o", "-"});
    auto dump = test::run_cli_env(dump_args, {epoch});
    REQUIRE(dump.exit_code == 0);
    CHECK(contains(dump.out, " tracking="));
    // The engine says it with Tc (uncompressed by qpdf to read it).
    const std::string plain = dir / "plain.pdf";
    auto q = test::run_command({"qpdf", "--qdf", "--object-streams=disable", ours, plain});
    REQUIRE(q.exit_code == 0);
    std::string bytes = test::read_file(plain);
    std::size_t nonzero = 0;
    for (std::size_t at = bytes.find(" Tc "); at != std::string::npos; at = bytes.find(" Tc ", at + 1)) {
        std::size_t b = bytes.rfind(' ', at - 1);
        nonzero += bytes.substr(b + 1, at - b - 1) != "0" ? 1 : 0;
    }
    CHECK(nonzero > 0);
    // Same words at the same places (the Cairo engine draws each glyph at its laid-out place).
    const auto a = words_of(ours), b = words_of(cairo);
    REQUIRE(a.size() == b.size());
    double worst = 0;
    std::string where;
    for (std::size_t i = 0; i < a.size(); ++i) {
        CHECK(a[i].text == b[i].text);
        const double d = std::max(std::abs(a[i].x0 - b[i].x0), std::abs(a[i].y0 - b[i].y0));
        if (d > worst) {
            worst = d;
            where = a[i].text;
        }
    }
    CHECK_MESSAGE(worst <= 0.05, "word «", where, "» is ", worst, " pt away from the Cairo engine's");
}
