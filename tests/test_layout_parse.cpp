// tests: layout/ — TOML to a Layout: sizes, lengths, colours, and diagnostics' positions.
#include "layout/parse_layout.hpp"

#include "helpers.hpp"

#include <doctest/doctest.h>

using namespace handout;

namespace {

Result<Layout> parse(std::string text) {
    return parse_layout(test::source(std::move(text), "layouts/test.toml"));
}

}  // namespace

TEST_SUITE("layout") {

TEST_CASE("named page sizes set width and height in points") {
    struct Case {
        const char* size;
        double w, h;
    };
    for (Case c : {Case{"letter", 612, 792}, Case{"a4", 595.2756, 841.8898}, Case{"legal", 612, 1008}}) {
        CAPTURE(c.size);
        auto r = parse(std::string("[page]\nsize = \"") + c.size + "\"\n");
        REQUIRE_MESSAGE(r.ok(), test::describe(r.diagnostics));
        CHECK(r->page_width == doctest::Approx(c.w).epsilon(1e-4));
        CHECK(r->page_height == doctest::Approx(c.h).epsilon(1e-4));
    }
}

TEST_CASE("width and height accept mm, in and bare points") {
    auto r = parse("[page]\nwidth = \"210mm\"\nheight = \"8.5in\"\n");
    REQUIRE_MESSAGE(r.ok(), test::describe(r.diagnostics));
    CHECK(r->page_width == doctest::Approx(595.2756).epsilon(1e-4));
    CHECK(r->page_height == doctest::Approx(612));
    auto pts = parse("[page]\nwidth = 500\nheight = \"700pt\"\n");
    REQUIRE_MESSAGE(pts.ok(), test::describe(pts.diagnostics));
    CHECK(pts->page_width == doctest::Approx(500));
    CHECK(pts->page_height == doctest::Approx(700));
}

TEST_CASE("a margin may be one length for all sides") {
    auto r = parse("[page]\nmargin = \"1in\"\n");
    REQUIRE_MESSAGE(r.ok(), test::describe(r.diagnostics));
    CHECK(r->margin.top == doctest::Approx(72));
    CHECK(r->margin.right == doctest::Approx(72));
    CHECK(r->margin.bottom == doctest::Approx(72));
    CHECK(r->margin.left == doctest::Approx(72));
}

TEST_CASE("a margin may be a table of sides") {
    auto r = parse("[page]\nmargin = { top = \"0.5in\", right = 30, bottom = \"10mm\", left = \"2cm\" }\n");
    REQUIRE_MESSAGE(r.ok(), test::describe(r.diagnostics));
    CHECK(r->margin.top == doctest::Approx(36));
    CHECK(r->margin.right == doctest::Approx(30));
    CHECK(r->margin.bottom == doctest::Approx(28.3465).epsilon(1e-4));
    CHECK(r->margin.left == doctest::Approx(56.6929).epsilon(1e-4));
}

TEST_CASE("colours are read from #rrggbb and #rgb") {
    auto r = parse("[body]\ncolor = \"#ff8000\"\nlink_color = \"#00F\"\n");
    REQUIRE_MESSAGE(r.ok(), test::describe(r.diagnostics));
    CHECK(r->text_color.r == doctest::Approx(1.0));
    CHECK(r->text_color.g == doctest::Approx(128.0 / 255.0));
    CHECK(r->text_color.b == doctest::Approx(0.0));
    CHECK(r->link_color == Color{0, 0, 1});
}

TEST_CASE("body settings are read") {
    auto r = parse("[body]\nsize = 13\nline_height = 1.5\njustify = false\nhyphenate = false\n");
    REQUIRE_MESSAGE(r.ok(), test::describe(r.diagnostics));
    CHECK(r->body_size == doctest::Approx(13));
    CHECK(r->line_height == doctest::Approx(1.5));
    CHECK_FALSE(r->justify);
    CHECK_FALSE(r->hyphenate);
}

TEST_CASE("an unknown key is reported at the key with the nearest valid key") {
    auto r = parse("# comment\n[body]\n  sise = 12\n");
    CHECK_FALSE(r.ok());
    const Diagnostic* d = test::find_diag(r.diagnostics, "unknown key `sise`");
    REQUIRE_MESSAGE(d != nullptr, test::describe(r.diagnostics));
    CHECK(test::pos(*d) == "3:3");
    CHECK(test::has_hint(*d, "did you mean `size`?"));
}

TEST_CASE("an unknown top-level section is reported") {
    auto r = parse("[page]\nsize = \"a4\"\n\n[foter]\ncenter = \"x\"\n");
    CHECK_FALSE(r.ok());
    const Diagnostic* d = test::find_diag(r.diagnostics, "unknown key `foter`");
    REQUIRE_MESSAGE(d != nullptr, test::describe(r.diagnostics));
    CHECK(test::pos(*d) == "4:2");
    CHECK(test::has_hint(*d, "did you mean `footer`?"));
}

TEST_CASE("a size that is not a length is reported at the value") {
    auto r = parse("[body]\nsize = \"huge\"\n");
    CHECK_FALSE(r.ok());
    const Diagnostic* d = test::find_diag(r.diagnostics, "`size` must be a length");
    REQUIRE_MESSAGE(d != nullptr, test::describe(r.diagnostics));
    CHECK(test::pos(*d) == "2:8");
}

TEST_CASE("a bad colour is reported at the value") {
    auto r = parse("[title]\nsize = 20\ncolor = \"#12345g\"\n");
    CHECK_FALSE(r.ok());
    const Diagnostic* d = test::find_diag(r.diagnostics, "colour");
    REQUIRE_MESSAGE(d != nullptr, test::describe(r.diagnostics));
    CHECK(test::pos(*d) == "3:9");
}

TEST_CASE("an unknown page size is an error") {
    auto r = parse("[page]\nsize = \"huge\"\n");
    CHECK_FALSE(r.ok());
    const Diagnostic* d = test::find_diag(r.diagnostics, "unknown page size `huge`");
    REQUIRE_MESSAGE(d != nullptr, test::describe(r.diagnostics));
    CHECK(test::pos(*d) == "2:8");
}

TEST_CASE("invalid TOML is reported where the parser stopped") {
    auto r = parse("[body]\nsize = 12\njustify = tru\n");
    CHECK_FALSE(r.ok());
    const Diagnostic* d = test::find_diag(r.diagnostics, "not valid TOML");
    REQUIRE_MESSAGE(d != nullptr, test::describe(r.diagnostics));
    CHECK(test::line_of(*d) == 3);
}

TEST_CASE("margins that leave no room for text are an error") {
    auto r = parse("[page]\nsize = \"letter\"\nmargin = \"4in\"\n");
    CHECK_FALSE(r.ok());
    CHECK(test::find_diag(r.diagnostics, "margins") != nullptr);
}

TEST_CASE("the shipped layouts parse without diagnostics") {
    for (std::string path : {"layouts/letter.toml", "layouts/a4.toml", "layouts/large-print.toml"}) {
        CAPTURE(path);
        std::string text = test::read_file(path);
        CHECK_MESSAGE(!text.empty(), "missing or empty: ", path);
        if (text.empty()) {
            continue;
        }
        auto r = parse_layout(test::source(text, path));
        CHECK_MESSAGE(r.diagnostics.empty(), test::describe(r.diagnostics));
    }
}

TEST_CASE("the letter and a4 layouts have their page sizes") {
    auto letter = parse_layout(test::source(test::read_file("layouts/letter.toml"), "layouts/letter.toml"));
    REQUIRE(letter.ok());
    CHECK(letter->page_width == doctest::Approx(612));
    CHECK(letter->page_height == doctest::Approx(792));
    auto a4 = parse_layout(test::source(test::read_file("layouts/a4.toml"), "layouts/a4.toml"));
    REQUIRE(a4.ok());
    CHECK(a4->page_width == doctest::Approx(595.2756).epsilon(1e-3));
    CHECK(a4->page_height == doctest::Approx(841.8898).epsilon(1e-3));
}

TEST_CASE("the large-print layout uses big unjustified unhyphenated text") {
    std::string text = test::read_file("layouts/large-print.toml");
    REQUIRE_MESSAGE(!text.empty(), "layouts/large-print.toml is missing");
    auto r = parse_layout(test::source(text, "layouts/large-print.toml"));
    REQUIRE_MESSAGE(r.ok(), test::describe(r.diagnostics));
    CHECK(r->body_size >= 18);
    CHECK_FALSE(r->justify);
    CHECK_FALSE(r->hyphenate);
}

TEST_CASE("[fonts.lang] takes a family, or a family with a scale, per language tag") {
    auto r = parse("[fonts.lang]\nja = \"Noto Sans CJK JP\"\nar = { family = \"Noto Naskh Arabic\", scale = 1.15 }\n");
    REQUIRE_MESSAGE(r.ok(), test::describe(r.diagnostics));
    CHECK(r->lang_families.at("ja") == "Noto Sans CJK JP");
    CHECK(r->lang_families.at("ar") == "Noto Naskh Arabic");
    CHECK(r->lang_scales.at("ar") == doctest::Approx(1.15));
    CHECK(r->lang_scales.count("ja") == 0);
    const std::string bad_scale = "[fonts.lang]\nar = { family = \"Noto Naskh Arabic\", scale = 5 }\n";
    auto b = parse(bad_scale);
    CHECK_FALSE(b.ok());
    const Diagnostic* d = test::find_diag(b.diagnostics, "scale");
    REQUIRE_MESSAGE(d != nullptr, test::describe(b.diagnostics));
    CHECK(test::pos(*d) == test::pos_in(bad_scale, "5 }"));
    auto typo = parse("[fonts.lang]\nar = { famly = \"Noto Naskh Arabic\" }\n");
    CHECK_FALSE(typo.ok());
    CHECK(test::find_diag(typo.diagnostics, "famly") != nullptr);
}

}  // TEST_SUITE
