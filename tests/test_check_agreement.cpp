// tests: agreement with the reference implementation of the readability formulas — textstat
// 0.7.9 (https://github.com/textstat/textstat, MIT licence: tests/data/readability/LICENSE.textstat).
// Its own English test texts (tests/backend/resources.py at 529c6d7: SHORT, PUNCT, EASY, LONG),
// with the Flesch–Kincaid grades its tests publish (tests/backend/metrics/test_flesch_kincaid_grade.py
// at fee96d5) and the SMOG grades (tests/backend/metrics/test_smog_index.py at 18e82d1), are in
// tests/data/readability/textstat-*.md under a front matter; `handout check` must agree within
// ±0.5 grade on each, in process and through `check --json`.
#include "helpers.hpp"

#include "check/check.hpp"

#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include <cmath>
#include <string>

namespace {

struct Reference {
    const char* name;  ///< tests/data/readability/textstat-NAME.md
    double flesch_kincaid, smog;
    int words;         ///< textstat's word count, for the record (its tokens differ from ours)
};

// Published by textstat's tests for 0.7.9 (cmudict syllables, Pyphen for words it lacks).
const Reference references[] = {
    {"short", 2.88, 8.842, 5},
    {"punct", 4.574, 8.239, 53},
    {"easy", 4.488, 7.348, 99},
    {"long", 10.359, 11.67, 372},
};

std::string path_of(const Reference& r) {
    return std::string(HANDOUT_TEST_DIR) + "/data/readability/textstat-" + r.name + ".md";
}

}  // namespace

TEST_SUITE("check") {

TEST_CASE("Flesch–Kincaid and SMOG agree with textstat within half a grade on its own English test texts") {
    for (const Reference& r : references) {
        CAPTURE(r.name);
        std::string text = test::read_file(path_of(r));
        REQUIRE_MESSAGE(!text.empty(), "cannot read " << path_of(r));
        test::CheckOptions o;
        o.path = std::string("textstat-") + r.name + ".md";
        handout::CheckResult res = test::check_text(text, o);
        const handout::TextStats& d = res.readability.document;
        MESSAGE(std::string(r.name), ": FK ", d.flesch_kincaid(), " (textstat ", r.flesch_kincaid, "), SMOG ", d.smog(), " (textstat ",
                r.smog, "); ", d.sentences, " sentences, ", d.words, " words, ", d.syllables, " syllables, ",
                d.polysyllables, " polysyllables");
        CHECK(d.words == r.words);
        CHECK(std::abs(d.flesch_kincaid() - r.flesch_kincaid) <= 0.5);
        CHECK(std::abs(d.smog() - r.smog) <= 0.5);
    }
}

TEST_CASE("`handout check --json` on textstat's LONG text gives its grades within half a grade") {
    const Reference& r = references[3];
    auto run = test::run_cli({"check", path_of(r), "--json"});
    // LONG reads above the handout kind's grade 10: an error, so exit 1, the figures still on stdout.
    REQUIRE_MESSAGE(run.exit_code == 1, run.err);
    auto j = nlohmann::json::parse(run.out);
    const auto& doc = j.at("readability").at("document");
    CHECK(doc.at("sentences").get<int>() == 17);
    CHECK(doc.at("words").get<int>() == 372);
    CHECK(std::abs(doc.at("flesch_kincaid_grade").get<double>() - r.flesch_kincaid) <= 0.5);
    CHECK(std::abs(doc.at("smog_grade").get<double>() - r.smog) <= 0.5);
}

}  // TEST_SUITE
