// tests: the display list of every shipped content file in every shipped layout, as text goldens
// (tests/golden/dump/CONTENT--LAYOUT.txt): a change to layout or typesetting shows up as a readable
// diff of positions, lines and structure. UPDATE_GOLDEN=1 rewrites them.
#include "golden.hpp"
#include "helpers.hpp"

#include <doctest/doctest.h>

#include <cstdlib>

namespace {

const std::string golden_dir = "tests/golden/dump/";

/// The sample's variables, as scripts/make-samples.sh gives them: consent sheets need a reader.
std::vector<std::string> data_args(const std::string& content) {
    if (content == "ketamine-consent") {
        return {"--data", "samples/patient.json"};
    }
    if (content == "ketamine-consent.es") {
        return {"--data", "samples/patient-es.json"};
    }
    return {};
}

void check_dump(const std::string& content, const std::string& layout) {
    std::vector<std::string> args = {"render", "content/" + content + ".md", "-l", "layouts/" + layout + ".toml", "--format", "dump",
                                     "-o", "-"};
    for (const auto& a : data_args(content)) {
        args.push_back(a);
    }
    auto r = test::run_cli_env(args, {"SOURCE_DATE_EPOCH=1793491200"});
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    CHECK_MESSAGE(r.err.empty(), r.err);  // an unexpected warning fails the case
    REQUIRE(r.out.rfind("nodes ", 0) == 0);
    test::check_golden(golden_dir + content + "--" + layout + ".txt", r.out);
}

}  // namespace

TEST_SUITE("pages") {

TEST_CASE("golden display lists: ketamine-infusion in letter, a4 and large print") {
    for (const std::string layout : {"letter", "a4", "large-print"}) {
        CAPTURE(layout);
        check_dump("ketamine-infusion", layout);
    }
}

TEST_CASE("golden display lists: ketamine-consent in letter, a4 and large print") {
    for (const std::string layout : {"letter", "a4", "large-print"}) {
        CAPTURE(layout);
        check_dump("ketamine-consent", layout);
    }
}

TEST_CASE("golden display lists: the Spanish handout in letter, a4 and large print") {
    for (const std::string layout : {"letter", "a4", "large-print"}) {
        CAPTURE(layout);
        check_dump("ketamine-infusion.es", layout);
    }
}

TEST_CASE("golden display lists: the Spanish consent sheet in letter, a4 and large print") {
    for (const std::string layout : {"letter", "a4", "large-print"}) {
        CAPTURE(layout);
        check_dump("ketamine-consent.es", layout);
    }
}

TEST_CASE("golden display lists: the language-assistance page in letter, a4 and large print") {
    for (const std::string layout : {"letter", "a4", "large-print"}) {
        CAPTURE(layout);
        check_dump("language-assistance", layout);
    }
}

}  // TEST_SUITE
