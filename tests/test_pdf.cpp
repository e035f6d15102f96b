// tests: the rendered PDF read back through poppler — text, metadata, outline, links, fonts,
// determinism — and PNG and dump output, all through the CLI as a user runs it.
#include "helpers.hpp"

#include <doctest/doctest.h>

#include <algorithm>

namespace {

const std::string patient_name = "<b>O'Neil & \"Al\"</b>";

std::vector<std::string> consent_vars() {
    return {"--var", "patient.name=" + patient_name, "--var", "date=2026-11-26",
            "--var", "clinician.name=Dr. Maya Chen", "--var", "clinic.phone=(555) 014-2368"};
}

/// Renders the infusion handout (letter) once per test run into a shared temp folder.
const std::string& infusion_pdf() {
    static test::TempDir dir;
    static std::string path = dir / "infusion.pdf";
    static bool done = false;
    if (!done) {
        done = true;
        auto r = test::run_cli({"render", "content/ketamine-infusion.md", "-l", "layouts/letter.toml", "-o", path});
        REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    }
    return path;
}

const std::string& consent_pdf() {
    static test::TempDir dir;
    static std::string path = dir / "consent.pdf";
    static bool done = false;
    if (!done) {
        done = true;
        std::vector<std::string> args = {"render", "content/ketamine-consent.md", "-l", "layouts/letter.toml", "-o", path};
        auto vars = consent_vars();
        args.insert(args.end(), vars.begin(), vars.end());
        auto r = test::run_cli(args);
        REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    }
    return path;
}

/// Extracted text, lower case, whitespace collapsed, hyphenated line ends rejoined.
std::string searchable(const test::Pdf& pdf) {
    return test::lower(test::normalize_space(pdf.text()));
}

bool contains(const std::vector<std::string>& v, const std::string& s) {
    return std::find(v.begin(), v.end(), s) != v.end();
}

}  // namespace

TEST_SUITE("pdf") {

TEST_CASE("the infusion handout renders to a PDF poppler can open") {
    auto r = test::run_cli({"render", "content/ketamine-infusion.md", "-l", "layouts/letter.toml", "-o",
                            infusion_pdf() + ".again.pdf"});
    CHECK_MESSAGE(r.exit_code == 0, r.err);
    CHECK(r.err.empty());
    test::Pdf pdf(infusion_pdf());
    REQUIRE_MESSAGE(pdf.ok(), pdf.error());
    CHECK(pdf.page_count() >= 1);
}

TEST_CASE("the infusion handout states what the clinic requires") {
    test::Pdf pdf(infusion_pdf());
    REQUIRE_MESSAGE(pdf.ok(), pdf.error());
    std::string text = searchable(pdf);
    for (const char* s : {"neuropathic", "fibromyalgia", "headache", "hallucination", "confusion", "dizziness",
                          "nausea", "not a first-line treatment"}) {
        CHECK_MESSAGE(text.find(s) != std::string::npos, "missing: ", s);
    }
    CHECK((text.find("crps") != std::string::npos || text.find("complex regional pain syndrome") != std::string::npos));
    CHECK((text.find("person to person") != std::string::npos || text.find("varies") != std::string::npos));
}

TEST_CASE("the consent discussion states what the clinic requires") {
    test::Pdf pdf(consent_pdf());
    REQUIRE_MESSAGE(pdf.ok(), pdf.error());
    std::string text = searchable(pdf);
    for (const char* s : {"neuropathic", "fibromyalgia", "headache", "hallucination", "confusion", "dizziness",
                          "nausea", "not a first-line treatment", "complex regional pain syndrome"}) {
        CHECK_MESSAGE(text.find(s) != std::string::npos, "missing: ", s);
    }
    CHECK((text.find("person to person") != std::string::npos || text.find("varies") != std::string::npos));
}

TEST_CASE("a variable's value extracts exactly as given") {
    test::Pdf pdf(consent_pdf());
    REQUIRE_MESSAGE(pdf.ok(), pdf.error());
    std::string text = test::normalize_space(pdf.text());
    CHECK(text.find(patient_name) != std::string::npos);
    CHECK(text.find("Dr. Maya Chen") != std::string::npos);
    CHECK(text.find("(555) 014-2368") != std::string::npos);
    CHECK(text.find("{{") == std::string::npos);
}

TEST_CASE("a curly apostrophe extracts as itself") {
    test::Pdf pdf(infusion_pdf());
    REQUIRE_MESSAGE(pdf.ok(), pdf.error());
    std::string text = test::normalize_space(pdf.text());
    CHECK(text.find("body\xE2\x80\x99s") != std::string::npos);
    CHECK(text.find("clinic\xE2\x80\x99s") != std::string::npos);
}

TEST_CASE("no character extracts as the replacement character") {
    for (const std::string& path : {infusion_pdf(), consent_pdf()}) {
        CAPTURE(path);
        test::Pdf pdf(path);
        REQUIRE_MESSAGE(pdf.ok(), pdf.error());
        std::string text = pdf.text();
        CHECK(text.find("\xEF\xBF\xBD") == std::string::npos);
        // Ligature-prone words come out whole.
        CHECK(test::normalize_space(text).find("first") != std::string::npos);
    }
}

TEST_CASE("hyphenated words extract whole") {
    test::Pdf pdf(infusion_pdf());
    REQUIRE_MESSAGE(pdf.ok(), pdf.error());
    std::string text = test::normalize_space(pdf.text());
    // Words the letter layout breaks across lines in the shipped handout.
    CHECK(text.find("doctors try") != std::string::npos);
    CHECK(text.find("irritation response") != std::string::npos);
    CHECK(text.find("ketamine.") != std::string::npos);
}

TEST_CASE("every PDF page shows Page N of M") {
    test::Pdf pdf(infusion_pdf());
    REQUIRE_MESSAGE(pdf.ok(), pdf.error());
    const int n = pdf.page_count();
    REQUIRE(n >= 1);
    for (int i = 0; i < n; ++i) {
        std::string expected = "Page " + std::to_string(i + 1) + " of " + std::to_string(n);
        CHECK_MESSAGE(test::normalize_space(pdf.page_text(i)).find(expected) != std::string::npos, expected);
    }
}

TEST_CASE("the PDF metadata carries the front matter") {
    test::Pdf pdf(infusion_pdf());
    REQUIRE_MESSAGE(pdf.ok(), pdf.error());
    CHECK(pdf.title() == test::front_matter_title("content/ketamine-infusion.md"));
    CHECK(pdf.author() == "Riverside Pain & Wellness Clinic");
    std::string keywords = pdf.keywords();
    CHECK(keywords.find("ketamine") != std::string::npos);
    CHECK(keywords.find("chronic pain") != std::string::npos);
}

TEST_CASE("the outline has the title and the section headings") {
    test::Pdf pdf(infusion_pdf());
    REQUIRE_MESSAGE(pdf.ok(), pdf.error());
    auto outline = pdf.outline();
    CHECK(contains(outline, "Ketamine Infusion for Chronic Pain"));
    for (const char* h : {"What is ketamine infusion?", "Who it may help", "Possible side effects",
                          "Results differ from person to person", "Talk with your care team"}) {
        CHECK_MESSAGE(contains(outline, h), "outline lacks: ", h);
    }
}

TEST_CASE("links keep their tel, mailto and https targets") {
    test::Pdf pdf(infusion_pdf());
    REQUIRE_MESSAGE(pdf.ok(), pdf.error());
    auto uris = pdf.link_uris();
    CHECK(contains(uris, "tel:+15550142368"));
    CHECK(contains(uris, "mailto:care@riverside-pain.example.org"));
    CHECK(contains(uris, "https://riverside-pain.example.org"));
}

TEST_CASE("every font is embedded and subset") {
    for (const std::string& path : {infusion_pdf(), consent_pdf()}) {
        CAPTURE(path);
        test::Pdf pdf(path);
        REQUIRE_MESSAGE(pdf.ok(), pdf.error());
        auto fonts = pdf.fonts();
        REQUIRE_FALSE(fonts.empty());
        for (const auto& f : fonts) {
            CAPTURE(f.name);
            CHECK(f.embedded);
            CHECK(f.subset);
            bool prefix = f.name.size() > 7 && f.name[6] == '+' &&
                          std::all_of(f.name.begin(), f.name.begin() + 6, [](char c) { return c >= 'A' && c <= 'Z'; });
            CHECK(prefix);
        }
    }
}

TEST_CASE("the same command twice writes byte-identical PDFs") {
    test::TempDir dir;
    std::vector<std::string> vars = consent_vars();
    auto render = [&](const std::string& out) {
        std::vector<std::string> args = {"render", "content/ketamine-consent.md", "-l", "layouts/letter.toml", "-o", out};
        args.insert(args.end(), vars.begin(), vars.end());
        return test::run_cli(args);
    };
    auto a = render(dir / "a.pdf");
    auto b = render(dir / "b.pdf");
    REQUIRE_MESSAGE(a.exit_code == 0, a.err);
    REQUIRE_MESSAGE(b.exit_code == 0, b.err);
    std::string pa = test::read_file(dir / "a.pdf");
    std::string pb = test::read_file(dir / "b.pdf");
    CHECK(pa.size() > 1000);
    CHECK(pa == pb);
}

TEST_CASE("PNG output writes one image per PDF page at the asked resolution") {
    test::TempDir dir;
    auto r = test::run_cli({"render", "content/ketamine-infusion.md", "-l", "layouts/letter.toml", "--format", "png",
                            "--dpi", "50", "-o", dir / "prev"});
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    std::string first = test::read_file(dir / "prev-1.png");
    REQUIRE(test::is_png(first));
    test::PngSize size = test::png_size(first);
    CHECK(size.width >= 424);
    CHECK(size.width <= 426);
    CHECK(size.height >= 549);
    CHECK(size.height <= 551);
    test::Pdf pdf(infusion_pdf());
    REQUIRE(pdf.ok());
    int pages = pdf.page_count();
    for (int i = 1; i <= pages; ++i) {
        CAPTURE(i);
        CHECK(test::is_png(test::read_file(dir / ("prev-" + std::to_string(i) + ".png"))));
    }
    CHECK_FALSE(test::exists(dir / ("prev-" + std::to_string(pages + 1) + ".png")));
}

TEST_CASE("dump output to stdout lists the pages") {
    auto r = test::run_cli({"render", "content/ketamine-infusion.md", "-l", "layouts/letter.toml", "--format", "dump",
                            "-o", "-"});
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    CHECK(r.out.find("page 1") != std::string::npos);
    CHECK(r.out.find("What is ketamine infusion?") != std::string::npos);
}

TEST_CASE("the A4 layout gives A4 pages") {
    test::TempDir dir;
    auto r = test::run_cli({"render", "content/ketamine-infusion.md", "-l", "layouts/a4.toml", "--format", "png",
                            "--dpi", "72", "-o", dir / "a4"});
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    test::PngSize size = test::png_size(test::read_file(dir / "a4-1.png"));
    CHECK(size.width >= 594);
    CHECK(size.width <= 596);
    CHECK(size.height >= 841);
    CHECK(size.height <= 843);
}

}  // TEST_SUITE
