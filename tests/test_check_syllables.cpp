// tests: English syllables — the CMU Pronouncing Dictionary compiled in (Debian's festlex-cmu),
// the fallback for words it lacks measured on the tenth of the dictionary its learning left out,
// the word families the old heuristic undercounted, and numbers counted as said.
#include "check/cmu_table.hpp"
#include "check/readability.hpp"
#include "check/syllable_rules.hpp"
#include "check/syllables.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

namespace {

struct WordCount {
    const char* word;
    int count;
};

/// Word i of the compiled dictionary and its syllables.
std::string dict_word(std::size_t i, int& n) {
    const char* p = handout::cmu::words + handout::cmu::offsets[i];
    std::string w;
    while (static_cast<unsigned char>(*p) >= ' ') {
        w += *p++;
    }
    n = *p;
    return w;
}

}  // namespace

TEST_SUITE("check") {

TEST_CASE("English syllables are the CMU dictionary's, whatever the case and the punctuation around a word") {
    // Counts as in cmudict 0.4 (Festival's syllabified form).
    const WordCount words[] = {{"cat", 1},       {"table", 2},     {"medicine", 3},  {"confusion", 3}, {"dizziness", 3},
                               {"nausea", 3},    {"treatment", 2}, {"infusion", 3},  {"receptor", 3},  {"people", 2},
                               {"wanted", 2},    {"named", 1},     {"makes", 1},     {"water", 2},     {"hospital", 3},
                               {"question", 2},  {"worked", 1},    {"effects", 2},   {"vein", 1},      {"signals", 2},
                               {"every", 3},     {"anesthesia", 4}, {"usually", 4},  {"hallucinations", 5},
                               {"dissociation", 5}, {"fibromyalgia", 5}};
    for (const auto& w : words) {
        CAPTURE(w.word);
        CHECK(handout::syllables(w.word, "en") == w.count);
    }
    CHECK(handout::syllables("Tables.", "en") == 2);
    CHECK(handout::syllables("(TREATMENT)", "en") == 2);
    CHECK(handout::syllables("don't", "en") == 1);   // dont
    CHECK(handout::syllables("long-lasting", "en") == 3);  // its parts
    CHECK(handout::syllables("café", "en") == handout::syllables("cafe", "en"));
    CHECK(handout::syllables("", "en") == 0);
    CHECK(handout::dictionary_syllables("ketamine") == 0);  // not in it: the fallback counts it
    CHECK(handout::syllables("ketamine", "en") == 3);
    CHECK(handout::syllables("esketamine", "en") == 4);
    CHECK(handout::syllables("neuropathic", "en") == 4);
}

TEST_CASE("the three families the old heuristic undercounted: -les after a consonant, a vowel before -ing, short words") {
    const WordCount words[] = {{"tables", 2}, {"puzzles", 2}, {"couples", 2}, {"bottles", 2}, {"playing", 2},
                               {"doing", 2},  {"being", 2},   {"seeing", 2},  {"any", 2},     {"ago", 2},
                               {"our", 2},    {"idea", 3},    {"the", 1},     {"she", 1}};
    for (const auto& w : words) {
        CAPTURE(w.word);
        CHECK(handout::syllables(w.word, "en") == w.count);
        // The fallback gets them right too, for words like them the dictionary lacks.
        CHECK(handout::fallback_syllables(w.word) == w.count);
    }
    // The spelling rules alone, before anything learnt.
    CHECK(handout::syllables_by_spelling("tables") == 2);
    CHECK(handout::syllables_by_spelling("playing") == 2);
    CHECK(handout::syllables_by_spelling("doing") == 2);
    CHECK(handout::syllables_by_spelling("any") == 2);
    CHECK(handout::syllables_by_spelling("makes") == 1);
    CHECK(handout::syllables_by_spelling("wanted") == 2);
}

TEST_CASE("the fallback agrees exactly with the dictionary on at least 95 % of the tenth it did not learn from") {
    REQUIRE(handout::cmu::count > 100000);
    REQUIRE(handout::cmu::held_stride == 10);
    std::size_t held = 0, exact = 0, by_spelling = 0;
    for (std::size_t i = 0; i < handout::cmu::count; i += handout::cmu::held_stride) {
        int n = 0;
        std::string w = dict_word(i, n);
        ++held;
        exact += handout::fallback_syllables(w) == n ? 1 : 0;
        by_spelling += handout::syllables_by_spelling(w) == n ? 1 : 0;
    }
    const double rate = static_cast<double>(exact) / static_cast<double>(held);
    const double rules_only = static_cast<double>(by_spelling) / static_cast<double>(held);
    MESSAGE("fallback exact on ", held, " held words: ", rate * 100, " % (spelling rules alone ", rules_only * 100, " %)");
    CHECK(rate >= 0.95);
    CHECK(rate > rules_only);  // what was learnt helps on words it never saw
}

TEST_CASE("the compiled dictionary is sorted, each word a–z with 1 to 15 syllables") {
    int n = 0;
    std::string prev = dict_word(0, n);
    for (std::size_t i = 1; i < handout::cmu::count; ++i) {
        std::string w = dict_word(i, n);
        REQUIRE(prev < w);
        REQUIRE(n >= 1);
        REQUIRE(n <= 15);
        prev = w;
    }
    CHECK(handout::dictionary_syllables("aardvark") == 2);
    CHECK(handout::dictionary_syllables(prev) > 0);  // the last word is found
    CHECK(handout::dictionary_syllables("zzzzzz") == 0);
}

TEST_CASE("English numbers count as said: cardinals, decimals digit by digit, long digit runs digit by digit") {
    CHECK(handout::spoken_number_syllables(0) == 2);        // zero
    CHECK(handout::spoken_number_syllables(7) == 2);        // seven
    CHECK(handout::spoken_number_syllables(11) == 3);       // eleven
    CHECK(handout::spoken_number_syllables(21) == 3);       // twenty-one
    CHECK(handout::spoken_number_syllables(500) == 3);      // five hundred
    CHECK(handout::spoken_number_syllables(1200) == 6);     // one thousand two hundred
    CHECK(handout::spoken_number_syllables(70000) == 5);    // seventy thousand
    CHECK(handout::syllables("500", "en") == 3);
    CHECK(handout::syllables("2.5", "en") == 3);            // two point five
    CHECK(handout::syllables("1,200", "en") == 6);
    CHECK(handout::syllables("9:30", "en") == 3);           // nine thirty
    CHECK(handout::syllables("COVID-19", "en") == handout::syllables("covid", "en") + 2);
    CHECK(handout::syllables("500", "es") == 1);            // Spanish: one, as before
}

TEST_CASE("contractions and possessives count as said: n't and 'll after a consonant add one, 's after a hiss") {
    const WordCount words[] = {{"didn't", 2}, {"isn't", 2}, {"couldn't", 2}, {"don't", 1}, {"can't", 1},
                               {"won't", 1},  {"it'll", 2}, {"you'll", 1},   {"you're", 1}, {"I'd", 1},
                               {"it's", 1},   {"nurse's", 2}, {"James's", 2}, {"patient's", 2}, {"parents'", 2}};
    for (const auto& w : words) {
        CAPTURE(w.word);
        CHECK(handout::syllables(w.word, "en") == w.count);
    }
    CHECK(handout::syllables("didn\u2019t", "en") == 2);  // a typographic apostrophe
}

TEST_CASE("a phone number, a web or an email address is one word of one syllable: read off, not read") {
    auto stats = [](std::string_view s) { return handout::count_words(s, "en"); };
    auto call = stats("Call (555) 014-2368 today");
    CHECK(call.words == 3);
    CHECK(call.syllables == 1 + 1 + 2);
    auto web = stats("See riverside-pain.example.org or email help@example.org");
    CHECK(web.words == 5);
    CHECK(web.syllables == 1 + 1 + 1 + 2 + 1);
    // A number with seven digits or more and no separators is a phone number or an id too.
    CHECK(stats("ID 12345678").words == 2);
    // An initialism with full stops is said letter by letter; an identifier is its parts.
    CHECK(stats("the T.V. set").syllables == 1 + 2 + 1);
    CHECK(stats("remove_punctuation").syllables == 2 + 4);
    CHECK(stats("remove_punctuation").words == 1);
}

}  // TEST_SUITE
