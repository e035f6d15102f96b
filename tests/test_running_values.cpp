// tests: record values in running headers and footers go through resolve as values in the text
// do — a value with a bidirectional override is isolated, so it cannot reorder the clinic's text
// after it; a value with a control character, or over the value limit, is an error at the
// layout's key naming the variable, never the value, and is not drawn.
#include "typeset/typeset.hpp"

#include "content/parse_content.hpp"
#include "helpers.hpp"
#include "layout/parse_layout.hpp"
#include "typeset/font_system.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

using namespace handout;

namespace {

const std::string front = "---\ntitle: \"Running values\"\nlang: en\n---\n\n";

/// The layout's [header] left part, at line 6.
std::string layout_with(const std::string& header_left, const std::string& footer_right = "") {
    return "[page]\nsize = \"letter\"\nmargin = \"1in\"\n\n[header]\nleft = \"" + header_left + "\"\nsize = 9\n" +
           (footer_right.empty() ? "" : "\n[footer]\nright = \"" + footer_right + "\"\n");
}

struct Typeset {
    Result<Pages> pages;
    std::string printed;  ///< the typesetter's diagnostics as printed
};

Typeset run(const std::string& layout_toml, const Vars& vars) {
    auto doc = parse_content(test::source(front + "Some text on the page.\n", "doc.md"));
    REQUIRE_MESSAGE(doc.ok(), test::describe(doc.diagnostics));
    auto layout = parse_layout(test::source(layout_toml, "layout.toml"));
    REQUIRE_MESSAGE(layout.ok(), test::describe(layout.diagnostics));
    auto fonts = FontSystem::create("fonts");
    REQUIRE(fonts.ok());
    TypesetInput in;
    in.doc = &*doc;
    in.layout = &*layout;
    in.fonts = fonts->get();
    in.vars = &vars;
    in.date_iso = "2026-11-01T00:00:00";
    Typeset t{typeset(in), {}};
    for (const auto& d : t.pages.diagnostics) {
        t.printed += format_diagnostic(d);
    }
    return t;
}

/// The header's glyph runs on the first page, left to right.
std::vector<const GlyphRun*> header_runs(const Pages& p) {
    std::vector<const GlyphRun*> out;
    for (const auto& item : p.pages.at(0).items) {
        if (const auto* r = std::get_if<GlyphRun>(&item.v); r != nullptr && item.artifact == ArtifactKind::header) {
            out.push_back(r);
        }
    }
    std::sort(out.begin(), out.end(), [](const GlyphRun* a, const GlyphRun* b) { return a->origin.x < b->origin.x; });
    return out;
}

std::string header_text(const Pages& p) {
    std::string s;
    for (const GlyphRun* r : header_runs(p)) {
        s += r->text;
    }
    return s;
}

const std::string rlo = "\u202E";

}  // namespace

TEST_SUITE("typeset") {

TEST_CASE("a plain record value in a running header is shown as it is") {
    auto t = run(layout_with("{{patient.name}} — Riverside Clinic"), {{"patient.name", "Ana Ruiz"}});
    REQUIRE_MESSAGE(t.pages.ok(), t.printed);
    CHECK(header_text(*t.pages.value) == "Ana Ruiz — Riverside Clinic");
}

TEST_CASE("a right-to-left override in a name in a running header cannot reorder the header text after it") {
    auto t = run(layout_with("{{patient.name}} — Riverside Clinic"), {{"patient.name", "Ana " + rlo + "Ruiz"}});
    REQUIRE_MESSAGE(t.pages.ok(), t.printed);
    // The override turns the rest of the value right to left, and no more: the value is an
    // isolate, so the override ends at its end. Unisolated, it would run to the end of the header
    // and show the clinic's name backwards, left of the patient's.
    const GlyphRun* clinic = nullptr;
    const GlyphRun* overridden = nullptr;
    std::string runs;
    for (const GlyphRun* r : header_runs(*t.pages.value)) {
        runs += "[" + r->text + (r->rtl ? "] rtl " : "] ");
        if (test::contains(r->text, "Riverside")) {
            clinic = r;
        }
        if (test::contains(r->text, "Ruiz")) {
            overridden = r;
        }
    }
    REQUIRE_MESSAGE(clinic != nullptr, runs);
    REQUIRE_MESSAGE(overridden != nullptr, runs);
    CHECK_MESSAGE(overridden->rtl, runs);
    CHECK_MESSAGE(!clinic->rtl, runs);
    CHECK_MESSAGE(test::contains(clinic->text, "Riverside Clinic"), runs);
    CHECK_MESSAGE(clinic->origin.x > overridden->origin.x, runs);
}

TEST_CASE("a record value with right-to-left letters in a running footer is isolated: a number after it stays after it") {
    const std::string name = "\u0623\u062D\u0645\u062F";  // Arabic letters
    auto t = run(layout_with("Riverside Clinic", "Patient: {{patient.name}} 12 copies"), {{"patient.name", name}});
    REQUIRE_MESSAGE(t.pages.ok(), t.printed);
    // Unisolated, the Unicode bidi algorithm reads the 12 as Arabic-context digits (W2) and
    // shows it left of the name: "Patient: 12 دمحأ copies".
    const GlyphRun* arabic = nullptr;
    const GlyphRun* number = nullptr;
    std::string runs;
    for (const auto& item : t.pages.value->pages.at(0).items) {
        if (const auto* r = std::get_if<GlyphRun>(&item.v); r != nullptr && item.artifact == ArtifactKind::footer) {
            runs += "[" + r->text + (r->rtl ? "] rtl " : "] ");
            if (test::contains(r->text, name)) {
                arabic = r;
            }
            if (test::contains(r->text, "12")) {
                number = r;
            }
        }
    }
    REQUIRE_MESSAGE(arabic != nullptr, runs);
    REQUIRE_MESSAGE(number != nullptr, runs);
    CHECK_MESSAGE(arabic->rtl, runs);
    CHECK_MESSAGE(number->origin.x > arabic->origin.x, runs);
}

TEST_CASE("a control character in a value used only in a running header is an error at the header key, never quoting the value") {
    auto t = run(layout_with("Riverside Clinic", "{{patient.id}}"), {{"patient.id", "B1234\x1B[31m"}});
    CHECK_FALSE(t.pages.ok());
    CHECK_MESSAGE(test::contains(t.printed, "layout.toml:10:1: error: the value of `patient.id` holds the control character U+001B"),
                  t.printed);
    CHECK_FALSE(test::contains(t.printed, "B1234"));
    CHECK_MESSAGE(test::count_diags(t.pages.diagnostics, "patient.id") == 1, t.printed);  // once, not once a page
}

TEST_CASE("a value at the value limit in a running header is used and one byte past it is an error at the key") {
    const std::size_t limit = Limits{}.value_bytes;
    {
        // At the limit: used (and, far too wide for the margin, reported as such — not refused).
        auto t = run(layout_with("{{patient.note}}"), {{"patient.note", std::string(limit, 'a')}});
        CHECK_FALSE(test::contains(t.printed, "over the limit"));
        CHECK_MESSAGE(test::contains(t.printed, "wider than the page's text"), t.printed);
    }
    {
        auto t = run(layout_with("{{patient.note}}"), {{"patient.note", std::string(limit + 1, 'a')}});
        CHECK_FALSE(t.pages.ok());
        CHECK_MESSAGE(test::contains(t.printed, "layout.toml:6:1: error: the value of `patient.note` is " + std::to_string(limit + 1) +
                                                    " bytes, over the limit of " + std::to_string(limit)),
                      t.printed);
        CHECK_FALSE(test::contains(t.printed, "aaaa"));
    }
}

TEST_CASE("an unknown name in a running footer is reported in that part, not at its first use elsewhere") {
    auto t = run(layout_with("{{clinic.nam}}", "{{clinic.nam}}"), {});
    CHECK_FALSE(t.pages.ok());
    CHECK_MESSAGE(test::contains(t.printed, "layout.toml:6:9: error: the header uses `{{clinic.nam}}`"), t.printed);
    CHECK_MESSAGE(test::contains(t.printed, "layout.toml:10:10: error: the footer uses `{{clinic.nam}}`"), t.printed);
}

}  // TEST_SUITE
