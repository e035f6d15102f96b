// tests: the guardrails' rules, called directly — kind and topic files (parse_kind), required
// sections on headings and blocks, empty sections, what a topic must mention, the variables a
// kind allows, glyph coverage, and the page (text sizes, contrast, visible links). Each rule
// has an input that breaks it, with the message and its line:col, and one that keeps it.
#include "helpers.hpp"

#include "check/check.hpp"
#include "check/kind.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <string>

namespace {

using handout::Severity;

/// A short consent-discussion sheet with every section its kind requires: three on headings,
/// one on a caveat block. Plain words, so no readability finding either.
const std::string consent_sheet = R"(---
title: "Consent"
kind: consent-discussion
---

We talked with {{patient.name}} on {{date}}.

## What it is for {#conditions}

It may help some kinds of long pain.

::: caveat {#not-first-line}
It is not the first thing to try.
:::

## Side effects {#side-effects}

You may feel dizzy for a while.

## Results differ {#response-variability}

It helps some people more than others.
)";

const std::string consent_path = "content/ketamine-consent.md";

std::string shipped_consent() {
    std::string text = test::read_file(consent_path);
    REQUIRE_MESSAGE(!text.empty(), "cannot read " << consent_path);
    return text;
}

/// Diagnostics of `text` checked as `content/ketamine-consent.md` is: its kind and topic.
handout::Diagnostics check_consent(const std::string& text) {
    test::CheckOptions o;
    o.path = "consent.md";
    return test::check_text(text, o).diagnostics;
}

handout::Kind kind_from(const std::string& toml, handout::Diagnostics* diags = nullptr, const std::string& path = "kinds/test.toml") {
    auto k = handout::parse_kind(test::source(toml, path), "test");
    if (diags != nullptr) {
        *diags = k.diagnostics;
    }
    REQUIRE(k.value.has_value());
    return *k.value;
}

/// The column a heading's diagnostics may point at: its `#` or the start of its text.
bool at_heading(const handout::Diagnostic& d, const std::string& text, const std::string& heading_line) {
    std::string p = test::pos(d);
    std::string hashes = heading_line.substr(0, heading_line.find(' ') + 1);
    return p == test::pos_in(text, heading_line) || p == test::pos_in(text, heading_line.substr(hashes.size()));
}

std::string letter_layout() {
    std::string text = test::read_file("layouts/letter.toml");
    REQUIRE_MESSAGE(!text.empty(), "cannot read layouts/letter.toml");
    return text;
}

std::string large_print_layout() {
    std::string text = test::read_file("layouts/large-print.toml");
    REQUIRE_MESSAGE(!text.empty(), "cannot read layouts/large-print.toml");
    return text;
}

/// A plain handout to hold layouts to.
const std::string plain_handout = "---\ntitle: \"Plain\"\nkind: handout\n---\n\nYou get the medicine in a clinic. A nurse stays with you.\n";

handout::Diagnostics check_layout(const std::string& layout_toml) {
    test::CheckOptions o;
    o.layout_toml = layout_toml;
    return test::check_text(plain_handout, o).diagnostics;
}

handout::Color hex(unsigned rgb) {
    return handout::Color{((rgb >> 16) & 0xFF) / 255.0, ((rgb >> 8) & 0xFF) / 255.0, (rgb & 0xFF) / 255.0};
}

}  // namespace

TEST_SUITE("check") {

// ---- kind files ------------------------------------------------------------------------------

TEST_CASE("parse_kind reads the shipped consent-discussion kind: sections, variables and readability limits") {
    handout::Diagnostics ds;
    handout::Kind k = kind_from(test::read_file("kinds/consent-discussion.toml"), &ds, "kinds/consent-discussion.toml");
    CHECK_MESSAGE(ds.empty(), test::describe(ds));
    CHECK(k.required_sections == std::vector<std::string>{"conditions", "side-effects", "response-variability", "not-first-line"});
    CHECK(k.restrict_variables);
    CHECK(k.variables == std::vector<std::string>{"patient.name", "date", "clinician.name", "clinic.phone"});
    CHECK(k.readability.warn_grade == doctest::Approx(8));
    CHECK(k.readability.max_grade == doctest::Approx(10));
    CHECK(k.readability.min_ease_warn == doctest::Approx(70));
    CHECK(k.readability.min_ease == doctest::Approx(55));
    CHECK(k.source->path == "kinds/consent-discussion.toml");
}

TEST_CASE("parse_kind reads the readability numbers a kind file gives, and a topic's mentions") {
    handout::Diagnostics ds;
    handout::Kind k = kind_from("description = \"t\"\nrequired_sections = []\n\n[readability]\nwarn_grade = 6.5\nmax_grade = 7\n"
                                "min_ease_warn = 81\nmin_ease = 66\n\n[mentions]\nrisks = [[\"nausea\", \"náusea\"], [\"dizzy\"]]\n",
                                &ds);
    CHECK_MESSAGE(ds.empty(), test::describe(ds));
    CHECK(k.readability.warn_grade == doctest::Approx(6.5));
    CHECK(k.readability.max_grade == doctest::Approx(7));
    CHECK(k.readability.min_ease_warn == doctest::Approx(81));
    CHECK(k.readability.min_ease == doctest::Approx(66));
    CHECK_FALSE(k.restrict_variables);
    REQUIRE(k.mentions.count("risks") == 1);
    CHECK(k.mentions["risks"].size() == 2);
    CHECK(k.mentions["risks"][0] == std::vector<std::string>{"nausea", "náusea"});

    handout::Kind topic = kind_from(test::read_file("kinds/topics/ketamine-infusion.toml"), &ds, "kinds/topics/ketamine-infusion.toml");
    CHECK_MESSAGE(ds.empty(), test::describe(ds));
    REQUIRE(topic.mentions.count("side-effects") == 1);
    bool nausea = false;
    for (const auto& alternatives : topic.mentions["side-effects"]) {
        nausea = nausea || (alternatives.front() == "nausea" &&
                            std::find(alternatives.begin(), alternatives.end(), "náusea") != alternatives.end());
    }
    CHECK(nausea);
}

TEST_CASE("parse_kind reports an unknown key at its line and column, with a did-you-mean") {
    const std::string toml = "description = \"t\"\nrequired_section = [\"conditions\"]\n";
    handout::Diagnostics ds;
    kind_from(toml, &ds);
    const auto* d = test::find_diag(ds, "unknown key `required_section`");
    REQUIRE_MESSAGE(d != nullptr, test::describe(ds));
    CHECK(d->severity == Severity::error);
    CHECK(d->file->path == "kinds/test.toml");
    CHECK(test::pos(*d) == "2:1");
    CHECK(test::has_hint(*d, "did you mean `required_sections`?"));
}

TEST_CASE("parse_kind reports an unknown readability key and a value that is not a number, each at its line") {
    const std::string toml = "description = \"t\"\n\n[readability]\nwarn_grade = 8\nmax_grad = 10\nmin_ease = \"low\"\n";
    handout::Diagnostics ds;
    kind_from(toml, &ds);
    const auto* unknown = test::find_diag(ds, "unknown key `max_grad` in [readability]");
    REQUIRE_MESSAGE(unknown != nullptr, test::describe(ds));
    CHECK(test::pos(*unknown) == "5:1");
    CHECK(test::has_hint(*unknown, "did you mean `max_grade`?"));
    const auto* nan = test::find_diag(ds, "`min_ease` must be a number");
    REQUIRE_MESSAGE(nan != nullptr, test::describe(ds));
    CHECK(test::pos(*nan) == "6:1");
}

TEST_CASE("parse_kind reports a kind file that is not TOML at the broken line") {
    auto k = handout::parse_kind(test::source("description = \"t\"\nrequired_sections = [\"a\"\n", "kinds/test.toml"), "test");
    const auto* d = test::find_diag(k.diagnostics, "not valid TOML");
    REQUIRE_MESSAGE(d != nullptr, test::describe(k.diagnostics));
    CHECK(test::line_of(*d) >= 2);
}

// ---- required sections -------------------------------------------------------------------------

TEST_CASE("a sheet with every required section, on headings and on a caveat block, keeps its kind's rules") {
    auto ds = check_consent(consent_sheet);
    CHECK_MESSAGE(ds.empty(), test::describe(ds));
}

TEST_CASE("a missing required section is an error at the kind line, naming the id and the kind file") {
    std::string text = test::cut(consent_sheet, "## Side effects {#side-effects}", "for a while.\n");
    auto ds = check_consent(text);
    const auto* d = test::find_diag(ds, "the required section `#side-effects` is missing");
    REQUIRE_MESSAGE(d != nullptr, test::describe(ds));
    CHECK(d->severity == Severity::error);
    CHECK(d->file->path == "consent.md");
    CHECK(test::pos(*d) == test::pos_in(text, "kind: consent-discussion"));
    CHECK(test::has_hint(*d, "kinds/consent-discussion.toml requires it"));
    CHECK(test::has_hint(*d, "{#side-effects}"));
    CHECK(test::count_diags(ds, "#side-effects") == 1);
}

TEST_CASE("a section that both the kind and the topic require is reported missing once, naming both files") {
    std::string text = test::cut(shipped_consent(), "::: caveat {#not-first-line}", ":::\n");
    auto ds = check_consent(text);
    REQUIRE_MESSAGE(test::count_diags(ds, "`#not-first-line` is missing") == 1, test::describe(ds));
    const auto* d = test::find_diag(ds, "`#not-first-line` is missing");
    CHECK(test::pos(*d) == test::pos_in(text, "kind: consent-discussion"));
    CHECK(test::has_hint(*d, "kinds/consent-discussion.toml"));
    CHECK(test::has_hint(*d, "kinds/topics/ketamine-infusion.toml"));
    // No other finding: the rest of the sheet still keeps every rule.
    CHECK_MESSAGE(ds.size() == 1, test::describe(ds));
}

TEST_CASE("the shipped consent sheet keeps its kind's and its topic's rules") {
    auto ds = check_consent(shipped_consent());
    CHECK_MESSAGE(ds.empty(), test::describe(ds));
}

TEST_CASE("a required id may sit on any block: a note block holding the side effects counts") {
    std::string text = test::replace_once(consent_sheet, "## Side effects {#side-effects}\n\nYou may feel dizzy for a while.\n",
                                          "::: note {#side-effects}\nYou may feel dizzy for a while.\n:::\n");
    auto ds = check_consent(text);
    CHECK_MESSAGE(ds.empty(), test::describe(ds));
}

TEST_CASE("a required heading followed directly by another heading is an empty section, reported at the heading") {
    std::string text = test::replace_once(consent_sheet, "## Side effects {#side-effects}\n\nYou may feel dizzy for a while.\n",
                                          "## Side effects {#side-effects}\n\n");
    auto ds = check_consent(text);
    const auto* d = test::find_diag(ds, "the required section `#side-effects` is empty");
    REQUIRE_MESSAGE(d != nullptr, test::describe(ds));
    CHECK(d->severity == Severity::error);
    CHECK_MESSAGE(at_heading(*d, text, "## Side effects {#side-effects}"), test::pos(*d));
    CHECK(test::has_hint(*d, "kinds/consent-discussion.toml"));
    CHECK(test::find_diag(ds, "is missing") == nullptr);
}

TEST_CASE("a heading's section runs through its sub-headings: text under a ### keeps it from being empty") {
    std::string text = test::replace_once(consent_sheet, "## Side effects {#side-effects}\n\nYou may feel dizzy for a while.\n",
                                          "## Side effects {#side-effects}\n\n### Right after\n\nYou may feel dizzy for a while.\n");
    auto ds = check_consent(text);
    CHECK_MESSAGE(ds.empty(), test::describe(ds));
}

TEST_CASE("a section ends at the next heading of the same or a higher level: text after it does not fill it") {
    SUBCASE("the same level") {
        std::string text = test::replace_once(consent_sheet, "## Side effects {#side-effects}\n\nYou may feel dizzy for a while.\n",
                                              "## Side effects {#side-effects}\n\n## Other things\n\nYou may feel dizzy for a while.\n");
        auto ds = check_consent(text);
        const auto* d = test::find_diag(ds, "`#side-effects` is empty");
        REQUIRE_MESSAGE(d != nullptr, test::describe(ds));
        CHECK(at_heading(*d, text, "## Side effects {#side-effects}"));
    }
    SUBCASE("a higher level") {
        std::string text = test::replace_once(consent_sheet, "## Side effects {#side-effects}\n\nYou may feel dizzy for a while.\n",
                                              "### Side effects {#side-effects}\n\n## Other things\n\nYou may feel dizzy for a while.\n");
        auto ds = check_consent(text);
        const auto* d = test::find_diag(ds, "`#side-effects` is empty");
        REQUIRE_MESSAGE(d != nullptr, test::describe(ds));
        CHECK(at_heading(*d, text, "### Side effects {#side-effects}"));
    }
}

TEST_CASE("a required block with nothing in it is an empty section, reported at the block") {
    std::string text = test::replace_once(consent_sheet, "::: caveat {#not-first-line}\nIt is not the first thing to try.\n:::\n",
                                          "::: caveat {#not-first-line}\n:::\n");
    auto ds = check_consent(text);
    const auto* d = test::find_diag(ds, "the required section `#not-first-line` is empty");
    REQUIRE_MESSAGE(d != nullptr, test::describe(ds));
    CHECK(test::line_of(*d) == std::stoul(test::pos_in(text, "::: caveat {#not-first-line}")));
}

// ---- what a topic must mention -----------------------------------------------------------------

TEST_CASE("a ketamine consent sheet whose side effects do not mention nausea is an error at that section's heading") {
    std::string text = test::replace_once(shipped_consent(), "| Nausea | Feeling sick to your stomach | Tell the nurse. |\n", "");
    auto ds = check_consent(text);
    const auto* d = test::find_diag(ds, "section `#side-effects` does not mention nausea");
    REQUIRE_MESSAGE(d != nullptr, test::describe(ds));
    CHECK(d->severity == Severity::error);
    CHECK_MESSAGE(at_heading(*d, text, "## Possible side effects {#side-effects}"), test::pos(*d));
    CHECK(test::has_hint(*d, "kinds/topics/ketamine-infusion.toml"));
    CHECK(test::has_hint(*d, "náusea"));
    CHECK_MESSAGE(ds.size() == 1, test::describe(ds));
}

TEST_CASE("a mention elsewhere in the sheet does not count for the section that must make it") {
    std::string text = test::replace_once(shipped_consent(), "| Nausea | Feeling sick to your stomach | Tell the nurse. |\n", "");
    text = test::replace_once(text, "This could mean repeat infusions", "Nausea is rare then. This could mean repeat infusions");
    auto ds = check_consent(text);
    CHECK_MESSAGE(test::find_diag(ds, "`#side-effects` does not mention nausea") != nullptr, test::describe(ds));
}

TEST_CASE("a mention in Spanish, or in capitals, keeps the topic's rule") {
    SUBCASE("náusea") {
        auto ds = check_consent(test::replace_once(shipped_consent(), "| Nausea |", "| Náusea |"));
        CHECK_MESSAGE(ds.empty(), test::describe(ds));
    }
    SUBCASE("NÁUSEAS") {
        auto ds = check_consent(test::replace_once(shipped_consent(), "| Nausea |", "| NÁUSEAS |"));
        CHECK_MESSAGE(ds.empty(), test::describe(ds));
    }
}

// ---- variables ---------------------------------------------------------------------------------

TEST_CASE("a consent sheet using a variable outside its kind's list is an error at the variable, with a did-you-mean") {
    std::string text = test::replace_once(consent_sheet, "{{patient.name}}", "{{patient.nmae}}");
    auto ds = check_consent(text);
    const auto* d = test::find_diag(ds, "patient.nmae");
    REQUIRE_MESSAGE(d != nullptr, test::describe(ds));
    CHECK(d->severity == Severity::error);
    CHECK(test::pos(*d) == test::pos_in(text, "{{patient.nmae}}"));
    CHECK(test::has_hint(*d, "did you mean `{{patient.name}}`?"));
    CHECK(test::has_hint(*d, "patient.name, date, clinician.name, clinic.phone"));
}

TEST_CASE("a variable far from every allowed one is refused without a guess, once however often it is used") {
    std::string text = test::replace_once(consent_sheet, "It helps some people", "Call {{pharmacy.fax}} or {{pharmacy.fax}}. It helps some people");
    auto ds = check_consent(text);
    REQUIRE_MESSAGE(test::count_diags(ds, "pharmacy.fax") == 1, test::describe(ds));
    const auto* d = test::find_diag(ds, "pharmacy.fax");
    CHECK(test::pos(*d) == test::pos_in(text, "{{pharmacy.fax}}"));
    CHECK_FALSE(test::has_hint(*d, "did you mean"));
}

TEST_CASE("a kind without a variables list allows any variable") {
    std::string text = "---\ntitle: \"H\"\nkind: handout\n---\n\nHello {{patient.nmae}}, call {{pharmacy.fax}}.\n";
    auto ds = test::check_text(text).diagnostics;
    CHECK_MESSAGE(ds.empty(), test::describe(ds));
}

// ---- glyphs ------------------------------------------------------------------------------------

TEST_CASE("a character no font of the chain has is an error naming U+XXXX, its position and the fonts tried") {
    std::string text = test::replace_once(plain_handout, "A nurse", "A \xEE\x80\x80 nurse");
    test::CheckOptions o;
    o.layout_toml = "[fonts]\nbody = \"Noto Sans\"\nfallback = [\"Extra Sans\"]\n";
    o.covers = [](const std::string&, char32_t cp) { return cp < 0xE000; };
    auto ds = test::check_text(text, o).diagnostics;
    const auto* d = test::find_diag(ds, "U+E000");
    REQUIRE_MESSAGE(d != nullptr, test::describe(ds));
    CHECK(d->severity == Severity::error);
    CHECK(test::pos(*d) == test::pos_in(text, "\xEE\x80\x80"));
    CHECK(test::has_hint(*d, "fonts tried: Noto Sans, Extra Sans"));
}

TEST_CASE("a character a fallback font has is drawn, and each missing character is reported once") {
    std::string text = test::replace_once(plain_handout, "A nurse", "A \xEE\x80\x80 nurse \xEE\x80\x80 and \xEE\x80\x81");
    test::CheckOptions o;
    o.layout_toml = "[fonts]\nbody = \"Noto Sans\"\nfallback = [\"Extra Sans\"]\n";
    SUBCASE("the fallback has them") {
        o.covers = [](const std::string& family, char32_t cp) { return cp < 0xE000 || family == "Extra Sans"; };
        auto ds = test::check_text(text, o).diagnostics;
        CHECK_MESSAGE(ds.empty(), test::describe(ds));
    }
    SUBCASE("no font has them") {
        o.covers = [](const std::string&, char32_t cp) { return cp < 0xE000; };
        auto ds = test::check_text(text, o).diagnostics;
        CHECK_MESSAGE(test::count_diags(ds, "U+E000") == 1, test::describe(ds));
        CHECK(test::count_diags(ds, "U+E001") == 1);
    }
}

// ---- the page ----------------------------------------------------------------------------------

TEST_CASE("the shipped letter and large-print layouts keep every page rule") {
    auto ds = check_layout(letter_layout());
    CHECK_MESSAGE(ds.empty(), test::describe(ds));
    ds = check_layout(large_print_layout());
    CHECK_MESSAGE(ds.empty(), test::describe(ds));
}

TEST_CASE("body text under 12 pt is an error at the layout's size line") {
    std::string layout = test::replace_once(letter_layout(), "[body]\nsize = 12\n", "[body]\nsize = 11\n");
    auto ds = check_layout(layout);
    const auto* d = test::find_diag(ds, "body text is 11.0 pt");
    REQUIRE_MESSAGE(d != nullptr, test::describe(ds));
    CHECK(d->severity == Severity::error);
    CHECK(d->file->path == "layout.toml");
    CHECK(test::pos(*d) == test::pos_in(layout, "size = 11"));
    CHECK(d->message.find("12.0 pt") != std::string::npos);
}

TEST_CASE("large print under 18 pt is an error at the size line — at 18 pt it is fine") {
    std::string layout = test::replace_once(large_print_layout(), "size = 18\nmin_size = 18\n", "size = 16\nmin_size = 16\n");
    auto ds = check_layout(layout);
    const auto* d = test::find_diag(ds, "body text is 16.0 pt; large print needs at least 18.0 pt");
    REQUIRE_MESSAGE(d != nullptr, test::describe(ds));
    CHECK(test::pos(*d) == test::pos_in(layout, "size = 16"));
    const auto* min = test::find_diag(ds, "the smallest size text may shrink to is 16.0 pt");
    REQUIRE_MESSAGE(min != nullptr, test::describe(ds));
    CHECK(test::pos(*min) == test::pos_in(layout, "min_size = 16"));
}

TEST_CASE("contrast_ratio gives the WCAG values: 21:1 for black on white, about 4.48:1 for #777777") {
    CHECK(handout::contrast_ratio(hex(0x000000), hex(0xFFFFFF)) == doctest::Approx(21.0).epsilon(0.001));
    CHECK(handout::contrast_ratio(hex(0xFFFFFF), hex(0x000000)) == doctest::Approx(21.0).epsilon(0.001));
    CHECK(handout::contrast_ratio(hex(0x777777), hex(0xFFFFFF)) == doctest::Approx(4.48).epsilon(0.002));
    CHECK(handout::contrast_ratio(hex(0x767676), hex(0xFFFFFF)) == doctest::Approx(4.54).epsilon(0.002));
    CHECK(handout::contrast_ratio(hex(0x1D4E89), hex(0x1D4E89)) == doctest::Approx(1.0));
    CHECK(handout::contrast_ratio(hex(0xFF0000), hex(0xFFFFFF)) == doctest::Approx(4.0).epsilon(0.002));
}

TEST_CASE("body text of too little contrast is an error at the colour's line") {
    std::string layout = test::replace_once(letter_layout(), "color = \"#1a1a1a\"", "color = \"#aaaaaa\"");
    auto ds = check_layout(layout);
    const auto* d = test::find_diag(ds, "body text has a contrast of 2.32:1; it needs 4.5:1");
    REQUIRE_MESSAGE(d != nullptr, test::describe(ds));
    CHECK(d->severity == Severity::error);
    CHECK(test::pos(*d) == test::pos_in(layout, "color = \"#aaaaaa\""));
}

TEST_CASE("#777777 fails 4.5:1 for 12 pt text but passes the 3:1 that 18 pt text needs") {
    std::string grey = test::replace_once(letter_layout(), "color = \"#1a1a1a\"", "color = \"#777777\"");
    auto ds = check_layout(grey);
    const auto* d = test::find_diag(ds, "body text has a contrast of");
    REQUIRE_MESSAGE(d != nullptr, test::describe(ds));
    CHECK(d->message.find("it needs 4.5:1") != std::string::npos);
    CHECK(test::pos(*d) == test::pos_in(grey, "color = \"#777777\""));

    std::string big = test::replace_once(large_print_layout(), "color = \"#000000\"\nlink_color", "color = \"#777777\"\nlink_color");
    ds = check_layout(big);
    CHECK_MESSAGE(test::find_diag(ds, "body text has a contrast") == nullptr, test::describe(ds));
}

TEST_CASE("a caveat fill too dark for the text is an error at the fill") {
    std::string layout = test::replace_once(letter_layout(), "caveat = { fill = \"#fff4e0\"", "caveat = { fill = \"#555555\"");
    auto ds = check_layout(layout);
    const auto* d = test::find_diag(ds, "text in a caveat box has a contrast of");
    REQUIRE_MESSAGE(d != nullptr, test::describe(ds));
    CHECK(d->severity == Severity::error);
    CHECK(test::pos(*d) == test::pos_in(layout, "fill = \"#555555\""));
    CHECK_MESSAGE(ds.size() == 1, test::describe(ds));
}

TEST_CASE("links without underline must differ from the text by 3:1 — underlined links need not") {
    const std::string base = test::replace_once(letter_layout(), "color = \"#1a1a1a\"\nlink_color = \"#1d4e89\"\n",
                                                "color = \"#000000\"\nlink_color = \"#222222\"\nLINK_UNDERLINE\n");
    SUBCASE("not underlined, close to the text colour: an error at link_underline") {
        std::string layout = test::replace_once(base, "LINK_UNDERLINE", "link_underline = false");
        auto ds = check_layout(layout);
        const auto* d = test::find_diag(ds, "links are not underlined");
        REQUIRE_MESSAGE(d != nullptr, test::describe(ds));
        CHECK(d->severity == Severity::error);
        CHECK(test::pos(*d) == test::pos_in(layout, "link_underline = false"));
        CHECK(test::has_hint(*d, "link_underline = true"));
    }
    SUBCASE("underlined: fine") {
        auto ds = check_layout(test::replace_once(base, "LINK_UNDERLINE", "link_underline = true"));
        CHECK_MESSAGE(ds.empty(), test::describe(ds));
    }
    SUBCASE("not underlined, but a blue 3.8:1 from black text: fine") {
        std::string layout = test::replace_once(base, "LINK_UNDERLINE", "link_underline = false");
        layout = test::replace_once(layout, "link_color = \"#222222\"", "link_color = \"#0066cc\"");
        auto ds = check_layout(layout);
        CHECK_MESSAGE(ds.empty(), test::describe(ds));
    }
}

}  // TEST_SUITE
