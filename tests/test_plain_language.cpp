// tests: plain language beyond grade level (issue 14, point 4) — medical terms explained where
// first used (each accepted pattern, a glossary, a "What is …?" heading, and the first use that
// is not), passive voice by share, numbers written as words, long sentences, each turned off
// per kind; the [plain_language] table and term lists parsed with their errors at line:col; and
// through the CLI, the shipped sheets clean and a sheet with "NMDA receptor" unexplained warned
// at its line and column in --json.
#include "helpers.hpp"

#include "check/check.hpp"
#include "check/kind.hpp"
#include "check/plain_language.hpp"
#include "content/parse_content.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace {

using handout::Severity;

const std::string en_terms_path = "kinds/terms/en.txt";
const std::string es_terms_path = "kinds/terms/es.txt";

std::string shipped(const std::string& path) {
    std::string text = test::read_file(path);
    REQUIRE_MESSAGE(!text.empty(), "cannot read " << path);
    return text;
}

/// A sheet in `lang` whose body is `body`.
std::string sheet(const std::string& body, const std::string& lang = "en") {
    return "---\ntitle: \"Test\"\nkind: handout\nlang: " + lang + "\n---\n\n" + body;
}

/// check_document on `markdown` held to a kind file of `kind_toml` (as kinds/test.toml) and
/// the shipped term list of its language: only the plain-language findings are returned.
handout::Diagnostics check_plain(const std::string& markdown, const std::string& kind_toml = "") {
    auto doc = handout::parse_content(test::source(markdown, "sheet.md"));
    REQUIRE_MESSAGE(doc.ok(), test::describe(doc.diagnostics));
    auto kind = handout::parse_kind(test::source(kind_toml, "kinds/test.toml"), "test");
    REQUIRE_MESSAGE(kind.ok(), test::describe(kind.diagnostics));
    const std::string terms_path = doc.value->meta.lang.substr(0, 2) == "es" ? es_terms_path : en_terms_path;
    auto terms = handout::parse_terms(test::source(shipped(terms_path), terms_path));
    REQUIRE_MESSAGE(terms.ok(), test::describe(terms.diagnostics));
    kind.value->terms = std::move(*terms.value);
    handout::CheckInput in;
    in.doc = &*doc.value;
    in.kind = &*kind.value;
    handout::Diagnostics out;
    for (auto& d : handout::check_document(in).diagnostics) {
        // Readability's findings are not these tests' business.
        if (d.message.find(" reads at ") == std::string::npos) {
            out.push_back(std::move(d));
        }
    }
    return out;
}

std::size_t terms_warned(const handout::Diagnostics& ds) {
    return test::count_diags(ds, "is a medical term, not explained");
}

/// "line:col" of the `n`-th (0-based) occurrence of `needle` in `text`.
std::string pos_nth(const std::string& text, const std::string& needle, std::size_t n) {
    std::size_t at = text.find(needle);
    for (std::size_t i = 0; i < n && at != std::string::npos; ++i) {
        at = text.find(needle, at + 1);
    }
    REQUIRE_MESSAGE(at != std::string::npos, "no `" << needle << "`");
    handout::LineCol lc = handout::line_col(text, at);
    return std::to_string(lc.line) + ":" + std::to_string(lc.col);
}

std::string words(int n) {
    std::string out;
    for (int i = 0; i < n; ++i) {
        out += (i == 0 ? "Word" : " word");
    }
    return out + ".";
}

}  // namespace

TEST_SUITE("check") {

// ---- medical terms ------------------------------------------------------------------------------

TEST_CASE("done when: a sheet that uses \"NMDA receptor\" without saying what it is warns at that line and column") {
    const std::string text = sheet("## How it works {#how}\n\nKetamine acts on the NMDA receptor in the brain. It may ease pain.\n");
    auto ds = check_plain(text);
    REQUIRE_MESSAGE(terms_warned(ds) == 1, test::describe(ds));
    const auto* d = test::find_diag(ds, "“NMDA receptor” is a medical term, not explained where it is first used");
    REQUIRE_MESSAGE(d != nullptr, test::describe(ds));
    CHECK(d->severity == Severity::warning);
    CHECK(test::pos(*d) == test::pos_in(text, "NMDA receptor"));
    CHECK(test::has_hint(*d, "“NMDA receptor (…)”"));
    CHECK(test::has_hint(*d, "Words to know"));
    CHECK(test::has_hint(*d, "kinds/terms/en.txt"));
    CHECK(test::has_hint(*d, "undefined_terms = \"off\""));
}

TEST_CASE("a term is explained by a bracket after it, around it, an apposition, \"X is\", \"called X\" or the next sentence") {
    const char* explained[] = {
        "Ketamine is used for anesthesia (to put people to sleep for surgery).",  // a bracket right after
        "Complex regional pain syndrome (CRPS) is rare.",                           // … holding its abbreviation
        "They give it through a thin tube (an IV).",                                // inside a bracket, after what it means
        "It acts on NMDA receptors, which are tiny switches on nerve cells.",       // apposition ", which"
        "Ask about fibromyalgia, a kind of pain all over the body.",                // apposition ", a"
        "NMDA receptors: tiny switches on nerve cells.",                            // a colon
        "Chronic pain is pain that lasts a long time.",                             // the term as subject, then "is"
        "An NMDA receptor is like a tiny switch.",                                  // … after an article
        "Nerve cells talk with chemicals called neurotransmitters.",                // "called X"
        "It eases neuropathic pain. This is nerve pain.",                           // next sentence "This is"
        "It acts on NMDA receptors. These are like tiny switches.",                 // "These are"
        "It acts on NMDA receptors. They are like tiny switches.",                  // "They are"
        "It acts on NMDA receptors. An NMDA receptor is like a tiny switch.",       // the term again, then "is"
        "Ask about maintenance therapy. It's more treatment later on.",             // "It's"
    };
    for (const char* body : explained) {
        CAPTURE(body);
        auto ds = check_plain(sheet(std::string(body) + "\n"));
        CHECK_MESSAGE(terms_warned(ds) == 0, test::describe(ds));
    }
}

TEST_CASE("the next paragraph's first sentence explains a term that ends a paragraph, but not across a heading") {
    auto next_block = check_plain(sheet("It acts on NMDA receptors.\n\nThese are like tiny switches on nerve cells.\n"));
    CHECK_MESSAGE(terms_warned(next_block) == 0, test::describe(next_block));
    auto across = check_plain(sheet("It acts on NMDA receptors.\n\n## Switches\n\nThese are like tiny switches on nerve cells.\n"));
    CHECK_MESSAGE(terms_warned(across) == 1, test::describe(across));
}

TEST_CASE("a term is not explained by \"X is not …\", \"X is given …\", a bare noun after a comma, a sentence two further on, or a bracket elsewhere") {
    const char* unexplained[] = {
        "It acts on NMDA receptors, tiny switches on nerve cells.",  // a list looks the same: no article, no "which"
        "The infusion is given by a nurse.",
        "An infusion is not painful.",
        "It acts on NMDA receptors. Ketamine may help. These are like tiny switches.",
        "It acts on NMDA receptors in the brain (and the spinal cord).",
        "Ketamine infusion may help you.",
    };
    for (const char* body : unexplained) {
        CAPTURE(body);
        auto ds = check_plain(sheet(std::string(body) + "\n"));
        CHECK_MESSAGE(terms_warned(ds) == 1, test::describe(ds));
    }
}

TEST_CASE("only a term's first use must explain it: a later bare use is fine, a later explanation too late") {
    const std::string early = sheet("Chronic pain is pain that lasts a long time.\n\nKetamine may ease chronic pain.\n");
    CHECK(terms_warned(check_plain(early)) == 0);
    const std::string late = sheet("Ketamine may ease chronic pain.\n\nSome sentences later.\n\nChronic pain is pain that lasts a long time.\n");
    auto ds = check_plain(late);
    REQUIRE_MESSAGE(terms_warned(ds) == 1, test::describe(ds));
    CHECK(test::pos(ds.front()) == test::pos_in(late, "chronic pain"));
    // Another form of the same term is the same term: "NMDA receptors" then "NMDA receptor".
    const std::string forms = sheet("It acts on NMDA receptors.\n\nKetamine works on each NMDA receptor.\n");
    auto fs = check_plain(forms);
    REQUIRE_MESSAGE(terms_warned(fs) == 1, test::describe(fs));
    CHECK(test::pos(fs.front()) == test::pos_in(forms, "NMDA receptors"));
}

TEST_CASE("a term listed under a \"Words to know\" or \"Glossary\" heading counts as explained wherever it is used") {
    for (const char* heading : {"Words to know", "Glossary", "Key terms:"}) {
        CAPTURE(heading);
        auto ds = check_plain(sheet(std::string("It acts on NMDA receptors and may ease fibromyalgia.\n\n## ") + heading +
                                    "\n\n- **NMDA receptor**: a tiny switch on nerve cells.\n- **Fibromyalgia**: pain all over the body.\n"));
        CHECK_MESSAGE(terms_warned(ds) == 0, test::describe(ds));
    }
    // Under another heading the list explains nothing.
    auto other = check_plain(sheet("It acts on NMDA receptors.\n\n## More\n\n- **NMDA receptor**: a tiny switch.\n"));
    CHECK_MESSAGE(terms_warned(other) == 1, test::describe(other));
    CHECK(handout::is_glossary_heading("Glosario"));
    CHECK(handout::is_glossary_heading("Palabras que debe saber"));
    CHECK(!handout::is_glossary_heading("Words that matter to know"));
}

TEST_CASE("a \"What is X?\" heading counts as explaining X: its section says") {
    auto ds = check_plain(sheet("## What is ketamine infusion? {#about}\n\nIn a ketamine infusion, the medicine drips into a vein.\n"));
    CHECK_MESSAGE(terms_warned(ds) == 0, test::describe(ds));
    auto plain = check_plain(sheet("## Ketamine infusion {#about}\n\nIn a ketamine infusion, the medicine drips into a vein.\n"));
    CHECK_MESSAGE(terms_warned(plain) == 1, test::describe(plain));
}

TEST_CASE("a form in capitals matches only in capitals; other forms in any case, as whole words") {
    CHECK(terms_warned(check_plain(sheet("Say crps and iv out loud.\n"))) == 0);
    CHECK(terms_warned(check_plain(sheet("We checked the CRPS list.\n"))) == 1);
    CHECK(terms_warned(check_plain(sheet("We treat FIBROMYALGIA too.\n"))) == 1);
    CHECK(terms_warned(check_plain(sheet("Confusion and infusional words.\n"))) == 0);  // not "infusion" whole
}

TEST_CASE("Spanish terms are explained by Es, Son, Se llaman, \", que es\" and brackets; not by another sentence") {
    const char* explained[] = {
        "**Dolor neuropático.** Es dolor de los nervios.",
        "**Actúa sobre los receptores NMDA.** Son como pequeños interruptores.",
        "Las células usan unas sustancias. Se llaman neurotransmisores.",
        "Algunos la usan para el dolor crónico, que es el dolor que dura mucho tiempo.",
        "Se usa para la anestesia (para dormir a las personas).",
        "La inflamación es cuando el cuerpo se hincha.",
        "No es un tratamiento de primera línea. No es lo primero que se prueba.",
    };
    for (const char* body : explained) {
        CAPTURE(body);
        auto ds = check_plain(sheet(std::string(body) + "\n", "es"));
        CHECK_MESSAGE(terms_warned(ds) == 0, test::describe(ds));
    }
    const std::string text = sheet("**Fibromialgia.** Causa dolor en muchas partes del cuerpo.\n", "es");
    auto ds = check_plain(text);
    REQUIRE_MESSAGE(terms_warned(ds) == 1, test::describe(ds));
    CHECK(test::pos(ds.front()) == test::pos_in(text, "Fibromialgia"));
    CHECK(test::has_hint(ds.front(), "“Fibromialgia, que es …”"));
}

TEST_CASE("undefined_terms = \"off\" turns the term check off for a kind") {
    auto ds = check_plain(sheet("Ketamine acts on the NMDA receptor.\n"), "[plain_language]\nundefined_terms = \"off\"\n");
    CHECK_MESSAGE(terms_warned(ds) == 0, test::describe(ds));
}

// ---- passive voice ------------------------------------------------------------------------------

TEST_CASE("is_passive: a form of be or get, perhaps adverbs, then a participle; not an adjective of feeling") {
    for (const char* s : {"The infusion is given by a nurse.", "Its safety is still being studied.", "Results were reported.",
                          "You may get hurt.", "The dose is carefully checked.", "It has been used for years.",
                          "The staff aren't told."}) {
        CAPTURE(s);
        CHECK(handout::is_passive(s, "en"));
    }
    for (const char* s : {"A nurse gives the infusion.", "You may feel tired.", "You may be tired.", "We are worried.",
                          "It is not one of the first things.", "You get a set dose.", "The bed is red.", "This is a need."}) {
        CAPTURE(s);
        CHECK(!handout::is_passive(s, "en"));
    }
    CHECK(handout::is_passive("El tratamiento fue aprobado por el médico.", "es"));
    CHECK(handout::is_passive("Los resultados son revisados cada mes.", "es-MX"));
    CHECK(!handout::is_passive("Se usa para el dolor.", "es"));        // the se-passive is plain Spanish
    CHECK(!handout::is_passive("Es un tratamiento adecuado.", "es"));
    CHECK(!handout::is_passive("Está cansado.", "es"));               // estar, a state
    CHECK(!handout::is_passive("The infusion is given by a nurse.", "fr"));
}

TEST_CASE("passive sentences over the kind's share warn once, at the longest, listing them by line; under it, no warning") {
    // 2 passive of 10 sentences: 20 %.
    const std::string text = sheet(
        "A nurse gives the infusion. You rest in a chair. The dose was checked by the staff before your visit. "
        "You may feel dizzy. Tell the nurse.\n\n"
        "Drink water. Eat a light meal. Results were reported. Call us. Bring a friend.\n");
    auto ds = check_plain(text);
    const auto* d = test::find_diag(ds, "are in the passive voice");
    REQUIRE_MESSAGE(d != nullptr, test::describe(ds));
    CHECK(d->severity == Severity::warning);
    CHECK(test::contains(d->message, "2 of 10 sentences (20%)"));
    CHECK(test::contains(d->message, "keep it to 10% or fewer"));
    CHECK(test::pos(*d) == test::pos_in(text, "The dose was checked"));  // the longer of the two
    REQUIRE(d->hints.size() >= 3);
    CHECK(test::contains(d->hints[1], "line 7: “The dose was checked by the staff"));
    CHECK(test::contains(d->hints[2], "line 9: “Results were reported.”"));
    CHECK(test::has_hint(*d, "say who does what"));
    // The same text under a 20 % limit passes; one passive sentence of ten under 10 % passes.
    CHECK(test::find_diag(check_plain(text, "[plain_language]\nmax_passive_percent = 20\n"), "passive voice") == nullptr);
    const std::string one = test::replace_once(text, "Results were reported.", "We report results.");
    CHECK(test::find_diag(check_plain(one), "passive voice") == nullptr);
    CHECK(test::find_diag(check_plain(text, "[plain_language]\npassive_voice = \"off\"\n"), "passive voice") == nullptr);
}

// ---- numbers written as words -------------------------------------------------------------------

TEST_CASE("a number written as a word warns at it with the numeral to write; \"one\" as a pronoun does not") {
    const std::string text = sheet("Stay for five hours. Wait twenty-five minutes. Take two hundred and ten steps. "
                                   "Take one tablet. It is not one of the first things. No one knows. Pick the one you like. "
                                   "The Three Rivers clinic is near.\n");
    auto ds = check_plain(text);
    CHECK_MESSAGE(test::count_diags(ds, "is a number written as a word") == 4, test::describe(ds));
    const auto* five = test::find_diag(ds, "“five” is a number written as a word; write 5");
    REQUIRE_MESSAGE(five != nullptr, test::describe(ds));
    CHECK(five->severity == Severity::warning);
    CHECK(test::pos(*five) == test::pos_in(text, "five"));
    CHECK(test::has_hint(*five, "“5 days”, not “five days”"));
    CHECK(test::find_diag(ds, "“twenty-five” is a number written as a word; write 25") != nullptr);
    CHECK(test::find_diag(ds, "“two hundred and ten” is a number written as a word; write 210") != nullptr);
    const auto* one = test::find_diag(ds, "“one” is a number written as a word; write 1");
    REQUIRE(one != nullptr);
    CHECK(test::pos(*one) == pos_nth(text, "one", 0));  // "one tablet", not "one of" nor "No one"
    CHECK(test::find_diag(check_plain(text, "[plain_language]\nnumerals = \"off\"\n"), "number written as a word") == nullptr);
}

TEST_CASE("Spanish numbers written as words warn; un and una never do") {
    const std::string text = sheet("Una sesión dura unas horas. Espere cinco minutos. Tome treinta y cinco gotas. Es un día largo.\n", "es");
    auto ds = check_plain(text);
    CHECK_MESSAGE(test::count_diags(ds, "is a number written as a word") == 2, test::describe(ds));
    const auto* cinco = test::find_diag(ds, "“cinco” is a number written as a word; write 5");
    REQUIRE_MESSAGE(cinco != nullptr, test::describe(ds));
    CHECK(test::pos(*cinco) == test::pos_in(text, "cinco"));
    CHECK(test::find_diag(ds, "“treinta y cinco” is a number written as a word; write 35") != nullptr);
}

// ---- long sentences -----------------------------------------------------------------------------

TEST_CASE("a sentence of 26 words warns at its start; one of 25 does not; the limit is the kind's") {
    const std::string text = sheet(words(25) + " " + words(26) + "\n");
    auto ds = check_plain(text);
    REQUIRE_MESSAGE(test::count_diags(ds, "words; keep sentences to 25 words or fewer") == 1, test::describe(ds));
    const auto* d = test::find_diag(ds, "this sentence has 26 words; keep sentences to 25 words or fewer");
    REQUIRE_MESSAGE(d != nullptr, test::describe(ds));
    CHECK(d->severity == Severity::warning);
    CHECK(test::pos(*d) == pos_nth(text, "Word", 1));
    CHECK(test::has_hint(*d, "max_sentence_words = 25"));
    CHECK(test::count_diags(check_plain(text, "[plain_language]\nmax_sentence_words = 26\n"), "keep sentences to") == 0);
    CHECK(test::count_diags(check_plain(text, "[plain_language]\nmax_sentence_words = 20\n"), "keep sentences to 20") == 2);
    CHECK(test::count_diags(check_plain(text, "[plain_language]\nlong_sentences = \"off\"\n"), "keep sentences to") == 0);
}

TEST_CASE("headings, table labels and signature lines are not read as sentences") {
    const std::string long_heading = "## " + words(30) + "\n\n| " + words(3) + " | Fine. |\n|---|---|\n| five | Go. |\n";
    auto ds = check_plain(sheet(long_heading));
    CHECK_MESSAGE(ds.empty(), test::describe(ds));
}

// ---- settings -----------------------------------------------------------------------------------

TEST_CASE("[plain_language] is read from a kind file; a bad value or key is an error at its line and column") {
    const std::string good = "description = \"d\"\n[plain_language]\nundefined_terms = \"off\"\npassive_voice = \"warning\"\n"
                             "max_sentence_words = 20\nmax_passive_percent = 15\n";
    auto k = handout::parse_kind(test::source(good, "kinds/test.toml"), "test");
    REQUIRE_MESSAGE(k.ok(), test::describe(k.diagnostics));
    handout::PlainLanguageSettings s = handout::plain_language_settings(&k.value->plain_language, nullptr);
    CHECK(!s.undefined_terms);
    CHECK(s.passive_voice);
    CHECK(s.numerals);
    CHECK(s.long_sentences);
    CHECK(s.max_sentence_words == 20);
    CHECK(s.max_passive_percent == 15);
    // A topic's setting, where it gives one, wins over the kind's.
    handout::PlainLanguageRules topic;
    topic.numerals = false;
    topic.max_sentence_words = 30;
    s = handout::plain_language_settings(&k.value->plain_language, &topic);
    CHECK(!s.numerals);
    CHECK(!s.undefined_terms);
    CHECK(s.max_sentence_words == 30);
    CHECK(handout::plain_language_settings(nullptr, nullptr).max_sentence_words == 25);

    const std::string bad = "[plain_language]\nnumerals = \"error\"\nmax_sentence_words = 2.5\nmax_passive_percent = 120\n"
                            "passive_voise = \"off\"\nlong_sentences = true\n";
    auto b = handout::parse_kind(test::source(bad, "kinds/test.toml"), "test");
    CHECK(handout::has_errors(b.diagnostics));
    const auto* numerals = test::find_diag(b.diagnostics, "`numerals` must be \"warning\" or \"off\"");
    REQUIRE_MESSAGE(numerals != nullptr, test::describe(b.diagnostics));
    CHECK(test::pos(*numerals) == test::pos_in(bad, "\"error\""));
    const auto* words_d = test::find_diag(b.diagnostics, "`max_sentence_words` must be a whole number");
    REQUIRE(words_d != nullptr);
    CHECK(test::pos(*words_d) == test::pos_in(bad, "2.5"));
    const auto* pct = test::find_diag(b.diagnostics, "`max_passive_percent` must be a number from 0 to 100");
    REQUIRE(pct != nullptr);
    CHECK(test::pos(*pct) == test::pos_in(bad, "120"));
    const auto* unknown = test::find_diag(b.diagnostics, "unknown key `passive_voise` in [plain_language]");
    REQUIRE(unknown != nullptr);
    CHECK(test::pos(*unknown) == test::pos_in(bad, "passive_voise"));
    CHECK(test::has_hint(*unknown, "did you mean `passive_voice`?"));
    const auto* boolean = test::find_diag(b.diagnostics, "`long_sentences` must be \"warning\" or \"off\"");
    REQUIRE(boolean != nullptr);
    CHECK(test::pos(*boolean) == test::pos_in(bad, "true"));
    auto table = handout::parse_kind(test::source("plain_language = 3\n", "kinds/test.toml"), "test");
    CHECK(test::find_diag(table.diagnostics, "`plain_language` must be a table") != nullptr);
}

TEST_CASE("parse_terms reads one term a line with its forms after |, skips comments, and reports an empty form") {
    const std::string text = "# comment\n\nNMDA receptor | NMDA receptors  # two forms\n  fibromyalgia\n";
    auto t = handout::parse_terms(test::source(text, "kinds/terms/en.txt"));
    REQUIRE_MESSAGE(t.ok(), test::describe(t.diagnostics));
    REQUIRE(t.value->terms.size() == 2);
    CHECK(t.value->terms[0].forms == std::vector<std::string>{"NMDA receptor", "NMDA receptors"});
    CHECK(t.value->terms[1].forms == std::vector<std::string>{"fibromyalgia"});
    CHECK(t.value->terms[1].offset == text.find("fibromyalgia"));
    const std::string bad = "anesthesia || anaesthesia\n";
    auto b = handout::parse_terms(test::source(bad, "kinds/terms/en.txt"));
    const auto* d = test::find_diag(b.diagnostics, "an empty form of a term");
    REQUIRE_MESSAGE(d != nullptr, test::describe(b.diagnostics));
    CHECK(test::line_of(*d) == 1);
    for (const auto& path : {en_terms_path, es_terms_path}) {
        CAPTURE(path);
        auto shipped_list = handout::parse_terms(test::source(shipped(path), path));
        CHECK_MESSAGE(shipped_list.ok(), test::describe(shipped_list.diagnostics));
        CHECK(shipped_list.value->terms.size() >= 12);
    }
}

// ---- through the CLI ----------------------------------------------------------------------------

TEST_CASE("done when: the shipped sheets check with no plain-language warning, and check --json carries the NMDA one") {
    for (const char* path : {"content/ketamine-infusion.md", "content/ketamine-consent.md", "content/ketamine-infusion.es.md",
                             "content/ketamine-consent.es.md", "content/language-assistance.md"}) {
        CAPTURE(path);
        auto r = test::run_cli({"check", path, "--json"});
        CHECK_MESSAGE(r.exit_code == 0, r.err);
        auto j = nlohmann::json::parse(r.out);
        CHECK_MESSAGE(j["warnings"] == 0, r.out);
    }
    test::TempDir dir;
    const std::string text = test::replace_once(shipped("content/ketamine-infusion.md"),
                                                "- **It acts on NMDA receptors.** An NMDA receptor is like a tiny switch",
                                                "- **It acts on NMDA receptors.** Each is like a tiny switch");
    const std::string path = dir / "sheet.md";
    test::write_file(path, text);
    auto r = test::run_cli({"check", path, "--json"});
    CHECK_MESSAGE(r.exit_code == 0, r.err);  // a warning, not an error
    auto j = nlohmann::json::parse(r.out);
    CHECK(j["warnings"] == 1);
    REQUIRE(j["diagnostics"].size() == 1);
    const auto& d = j["diagnostics"][0];
    CHECK(d["severity"] == "warning");
    CHECK(d["file"] == path);
    CHECK(std::to_string(d["line"].get<int>()) + ":" + std::to_string(d["column"].get<int>()) == test::pos_in(text, "NMDA receptors"));
    CHECK(d["message"] == "“NMDA receptors” is a medical term, not explained where it is first used");
    auto strict = test::run_cli({"check", path, "--strict"});
    CHECK(strict.exit_code == 1);
    CHECK(test::contains(strict.err, path + ":" + test::pos_in(text, "NMDA receptors") + ": warning: “NMDA receptors”"));
}

}  // TEST_SUITE
