// tests: the guardrails through the CLI — `handout check` (human and --json output, exit codes
// 0/1/2, --strict, --var), `render` and `batch` running the same checks before they write,
// glyph coverage with the shipped fonts, fit to max_pages, and the done-when scenarios built
// from content/ketamine-consent.md so they track the shipped sheet.
#include "helpers.hpp"

#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <regex>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;

const std::string consent_path = "content/ketamine-consent.md";
const std::string letter = "layouts/letter.toml";
const std::string data_dir = std::string(HANDOUT_TEST_DIR) + "/data/check";

/// Values for every variable the consent sheet uses.
const std::vector<std::string> consent_vars = {"--var", "patient.name=Ana Ruiz",      "--var", "date=2026-11-01",
                                               "--var", "clinician.name=Dr. Lee",      "--var", "clinic.phone=555-0100"};

std::string shipped_consent() {
    std::string text = test::read_file(consent_path);
    REQUIRE_MESSAGE(!text.empty(), "cannot read " << consent_path);
    return text;
}

std::vector<std::string> args(std::vector<std::string> a, const std::vector<std::string>& more = {}) {
    a.insert(a.end(), more.begin(), more.end());
    return a;
}

/// A shipped layout copied to `dir/name` with `edits` (from → to, each must occur) and its logo
/// path made absolute, so the copy draws the same page.
std::string layout_copy(const test::TempDir& dir, const std::string& shipped, const std::string& name,
                        const std::vector<std::pair<std::string, std::string>>& edits) {
    std::string text = test::read_file(shipped);
    REQUIRE_MESSAGE(!text.empty(), "cannot read " << shipped);
    for (const char* logo : {"riverside-logo.png", "riverside-logo.svg"}) {
        std::string key = std::string("path = \"") + logo + "\"";
        if (text.find(key) != std::string::npos) {
            text = test::replace_once(text, key, "path = \"" + fs::absolute(std::string("layouts/") + logo).string() + "\"");
        }
    }
    for (const auto& [from, to] : edits) {
        text = test::replace_once(text, from, to);
    }
    std::string path = dir / name;
    test::write_file(path, text);
    return path;
}

nlohmann::json parse_json(const std::string& text) {
    auto j = nlohmann::json::parse(text, nullptr, false);
    REQUIRE_MESSAGE(!j.is_discarded(), "not JSON: " << text);
    return j;
}

/// The first diagnostic in `--json` output whose message contains `needle`, or null.
const nlohmann::json* json_diag(const nlohmann::json& j, const std::string& needle) {
    for (const auto& d : j["diagnostics"]) {
        if (d["message"].get<std::string>().find(needle) != std::string::npos) {
            return &d;
        }
    }
    return nullptr;
}

/// "N" from "the document needs N pages"; 0 when the message is not there.
int pages_needed(const std::string& err) {
    std::smatch m;
    return std::regex_search(err, m, std::regex("the document needs ([0-9]+) pages")) ? std::stoi(m[1]) : 0;
}

/// The plain consent paragraph that, repeated ten times in a section of its own, makes the
/// sheet three pages long on the letter layout.
std::string three_page_consent() {
    std::string para =
        "You can bring a friend or a family member with you. They can wait in the room with you. Tell us if you "
        "feel worried or sick at any time. We will stop the drip if you ask us to.\n\n";
    std::string extra = "## More about your visit {#more}\n\n";
    for (int i = 0; i < 10; ++i) {
        extra += para;
    }
    return test::replace_once(shipped_consent(), "## Signatures {#signatures}", extra + "## Signatures {#signatures}");
}

const std::string dense_prose =
    "Maintenance regimens necessitate individualized pharmacological titration, notwithstanding considerable "
    "heterogeneity characterizing longitudinal analgesic responsiveness. Administration intervals are "
    "determined collaboratively, incorporating comprehensive multidisciplinary evaluation of cumulative "
    "psychotomimetic and hepatobiliary adverse manifestations. Patients experiencing persistent dissociative "
    "phenomena require extended observation.";

/// Renders `content` to `out` with the consent variables; the output file must not appear.
void expect_render_refused(const std::string& content, const std::string& out, const std::vector<std::string>& more = {}) {
    auto r = test::run_cli(args({"render", content, "-o", out}, args(consent_vars, more)));
    CHECK_MESSAGE(r.exit_code != 0, r.err);
    CHECK(r.exit_code != -1);
    CHECK_FALSE(test::exists(out));
}

}  // namespace

TEST_SUITE("check") {

// ---- the shipped content -----------------------------------------------------------------------

TEST_CASE("the shipped content checks with no error and no warning with every shipped layout, also under --strict") {
    std::vector<std::string> contents, layouts;
    for (const auto& f : test::list_files("content")) {
        if (f.size() > 3 && f.compare(f.size() - 3, 3, ".md") == 0 && f.find('/') == std::string::npos) {
            contents.push_back("content/" + f);
        }
    }
    for (const auto& f : test::list_files("layouts")) {
        if (f.size() > 5 && f.compare(f.size() - 5, 5, ".toml") == 0 && f.find('/') == std::string::npos) {
            layouts.push_back("layouts/" + f);
        }
    }
    CHECK(std::find(contents.begin(), contents.end(), "content/ketamine-consent.md") != contents.end());
    CHECK(std::find(contents.begin(), contents.end(), "content/ketamine-infusion.md") != contents.end());
    for (const char* l : {"layouts/letter.toml", "layouts/a4.toml", "layouts/large-print.toml"}) {
        CHECK(std::find(layouts.begin(), layouts.end(), l) != layouts.end());
    }
    for (const auto& c : contents) {
        for (const auto& l : layouts) {
            CAPTURE(c);
            CAPTURE(l);
            auto plain = test::run_cli({"check", c, "-l", l});
            CHECK_MESSAGE(plain.exit_code == 0, plain.err);
            CHECK(plain.err.find("0 error(s), 0 warning(s)") != std::string::npos);
            auto strict = test::run_cli({"check", c, "-l", l, "--strict", "--json"});
            CHECK_MESSAGE(strict.exit_code == 0, strict.out << strict.err);
            auto j = parse_json(strict.out);
            CHECK(j["errors"] == 0);
            CHECK(j["warnings"] == 0);
            CHECK(j["diagnostics"].empty());
            if (l != "layouts/large-print.toml") {
                CHECK(j["pages"].get<int>() <= 2);
            }
        }
    }
}

// ---- human output and exit codes ---------------------------------------------------------------

TEST_CASE("check prints file:line:col: error:, the source line, a caret under the column and a hint, then exits 1") {
    const std::string path = data_dir + "/dense.md";
    const std::string text = test::read_file(path);
    auto r = test::run_cli({"check", path, "-l", letter});
    CHECK(r.exit_code == 1);
    std::smatch m;
    REQUIRE_MESSAGE(std::regex_search(r.err, m, std::regex(std::regex_replace(path, std::regex("[.]"), "[.]") +
                                                           ":([0-9]+):([0-9]+): error: section #mechanism reads at grade ")),
                    r.err);
    const std::size_t line = std::stoul(m[1]), col = std::stoul(m[2]);
    CHECK(line == handout::line_col(text, text.find("## Mechanism of action")).line);
    const std::string quoted = "\n  ## Mechanism of action {#mechanism}\n  " + std::string(col - 1, ' ') + "^\n  hint: ";
    CHECK_MESSAGE(r.err.find(quoted) != std::string::npos, r.err);
    // The two warnings: its medical terms (analgesic, neuropathic) are not explained (kinds/terms/en.txt).
    CHECK(r.err.find("2 error(s), 2 warning(s)") != std::string::npos);
}

TEST_CASE("a warning-only sheet exits 0, and 1 under --strict") {
    const std::string path = data_dir + "/grade9.md";
    auto r = test::run_cli({"check", path, "-l", letter});
    CHECK_MESSAGE(r.exit_code == 0, r.err);
    CHECK(r.err.find(path + ":" + test::pos_in(test::read_file(path), "kind: handout") + ": warning: the document reads at grade") !=
          std::string::npos);
    CHECK(r.err.find(": warning: section #session reads at grade") != std::string::npos);
    CHECK(r.err.find(": error:") == std::string::npos);
    auto strict = test::run_cli({"check", path, "-l", letter, "--strict"});
    CHECK_MESSAGE(strict.exit_code == 1, strict.err);
    CHECK(strict.err.find(": warning: section #session") != std::string::npos);
    // Warnings do not stop a render.
    test::TempDir dir;
    auto render = test::run_cli({"render", path, "-l", letter, "-o", dir / "out.pdf"});
    CHECK_MESSAGE(render.exit_code == 0, render.err);
    CHECK(test::exists(dir / "out.pdf"));
}

TEST_CASE("check --json prints one object with counts, readability by document and section, and positioned diagnostics") {
    const std::string path = data_dir + "/dense.md";
    const std::string text = test::read_file(path);
    auto r = test::run_cli({"check", path, "-l", letter, "--json"});
    CHECK(r.exit_code == 1);
    auto j = parse_json(r.out);
    CHECK(j["usable"] == true);
    CHECK(j["errors"] == 2);
    CHECK(j["warnings"] == 2);  // analgesic and neuropathic, not explained
    CHECK(j["kind"] == "handout");
    const auto& rd = j["readability"];
    CHECK(rd["lang"] == "en");
    CHECK(rd["document"]["flesch_kincaid_grade"].get<double>() > 10);
    CHECK(rd["document"].contains("smog_grade"));
    CHECK(rd["document"]["words"].get<int>() > 30);
    const nlohmann::json* mechanism = nullptr;
    for (const auto& s : rd["sections"]) {
        if (s["section"] == "#mechanism") {
            mechanism = &s;
        }
    }
    REQUIRE_MESSAGE(mechanism != nullptr, rd.dump(2));
    CHECK((*mechanism)["line"] == handout::line_col(text, text.find("## Mechanism")).line);
    CHECK((*mechanism)["flesch_kincaid_grade"].get<double>() > 10);
    REQUIRE(!rd["hardest_sentences"].empty());
    const auto& hardest = rd["hardest_sentences"][0];
    std::string sentence = hardest["text"];
    REQUIRE(text.find(sentence) != std::string::npos);
    CHECK(hardest["line"] == handout::line_col(text, text.find(sentence)).line);
    CHECK(hardest["grade"].get<double>() > 10);
    const auto* d = json_diag(j, "section #mechanism reads at grade");
    REQUIRE_MESSAGE(d != nullptr, r.out);
    CHECK((*d)["severity"] == "error");
    CHECK((*d)["file"] == path);
    CHECK((*d)["line"] == handout::line_col(text, text.find("## Mechanism")).line);
    CHECK((*d)["column"].get<int>() >= 1);
    CHECK(!(*d)["hints"].empty());
    CHECK(r.err.find("error:") == std::string::npos);  // findings go to stdout with --json
}

TEST_CASE("check exits 2 on unusable input: a missing file, content or a layout that does not parse") {
    test::TempDir dir;
    SUBCASE("missing content file") {
        auto r = test::run_cli({"check", dir / "nope.md", "-l", letter});
        CHECK(r.exit_code == 2);
        CHECK(r.err.find("cannot read content file") != std::string::npos);
    }
    SUBCASE("missing layout file") {
        auto r = test::run_cli({"check", consent_path, "-l", dir / "nope.toml"});
        CHECK(r.exit_code == 2);
        CHECK(r.err.find("cannot read layout file") != std::string::npos);
    }
    SUBCASE("content that does not parse") {
        std::string content = std::string(HANDOUT_TEST_DIR) + "/data/diagnostics/unclosed-div.md";
        auto r = test::run_cli({"check", content, "-l", letter});
        CHECK(r.exit_code == 2);
        CHECK(r.err.find(content + ":5:1: error:") != std::string::npos);
    }
    SUBCASE("a layout that does not parse, with --json") {
        std::string layout = dir / "bad.toml";
        test::write_file(layout, "[page]\nsize = \"letter\"\n[body\nsize = 12\n");
        auto r = test::run_cli({"check", consent_path, "-l", layout, "--json"});
        CHECK(r.exit_code == 2);
        auto j = parse_json(r.out);
        CHECK(j["usable"] == false);
        REQUIRE(!j["diagnostics"].empty());
        CHECK(j["diagnostics"][0]["file"] == layout);
        CHECK(j["diagnostics"][0]["line"] == 3);
    }
}

// ---- kinds ---------------------------------------------------------------------------------------

TEST_CASE("an unknown kind is an error at the kind line with a did-you-mean") {
    test::TempDir dir;
    const std::string text = test::replace_once(shipped_consent(), "kind: consent-discussion", "kind: consent-discusion");
    const std::string path = dir / "consent.md";
    test::write_file(path, text);
    auto r = test::run_cli({"check", path, "-l", letter});
    CHECK(r.exit_code != 0);
    CHECK_MESSAGE(r.err.find(path + ":" + test::pos_in(text, "kind: consent-discusion") + ": error: unknown kind `consent-discusion`") !=
                      std::string::npos,
                  r.err);
    CHECK(r.err.find("hint: did you mean `consent-discussion`?") != std::string::npos);
    expect_render_refused(path, dir / "out.pdf");
}

// ---- variables ---------------------------------------------------------------------------------

TEST_CASE("check --var makes every variable need a value: one left out is an error at its line:col, naming no value") {
    auto r = test::run_cli({"check", consent_path, "-l", letter, "--var", "patient.name=Quillfeather Zanzibar", "--var",
                            "date=2026-11-01", "--var", "clinician.name=Dr. Lee"});
    CHECK(r.exit_code == 1);
    const std::string text = shipped_consent();
    CHECK_MESSAGE(r.err.find(consent_path + ":" + test::pos_in(text, "{{clinic.phone}}") + ": error: variable `clinic.phone` has no value") !=
                      std::string::npos,
                  r.err);
    CHECK(r.err.find("Quillfeather") == std::string::npos);

    auto all = test::run_cli(args({"check", consent_path, "-l", letter}, consent_vars));
    CHECK_MESSAGE(all.exit_code == 0, all.err);
}

TEST_CASE("a batch record missing a variable fails naming its row and id, never the record's values") {
    test::TempDir dir;
    const std::string manifest = dir / "records.jsonl";
    test::write_file(manifest,
                     "{\"patient\": {\"id\": \"P1\", \"name\": \"Ana Ruiz\"}, \"date\": \"2026-11-01\", \"clinician\": {\"name\": \"Dr. Lee\"}, \"clinic\": {\"phone\": \"555-0100\"}}\n"
                     "{\"patient\": {\"id\": \"P2\", \"name\": \"Quillfeather Zanzibar\"}, \"clinician\": {\"name\": \"Dr. Okonkwo-Vance\"}, \"clinic\": {\"phone\": \"555-0199\"}}\n"
                     "{\"patient\": {\"id\": \"P3\", \"name\": \"Bo Li\"}, \"date\": \"2026-11-02\", \"clinician\": {\"name\": \"Dr. Lee\"}, \"clinic\": {\"phone\": \"555-0100\"}}\n");
    const std::string out = dir / "out";
    auto r = test::run_batch_cli({"batch", manifest, "-c", consent_path, "-l", letter, "--out", out, "--jobs", "2"});
    CHECK(r.exit_code == 1);
    CHECK_MESSAGE(r.err.find("row 2 (id P2) failed") != std::string::npos, r.err);
    CHECK(r.err.find("`date`") != std::string::npos);
    const std::string report = test::read_file(out + "/report.json");
    auto j = parse_json(report);
    bool found = false;
    for (const auto& rec : j["records"]) {
        if (rec["row"] == 2) {
            found = true;
            CHECK(rec["status"] == "failed");
            CHECK(rec["id"] == "P2");
            CHECK(rec["error"].get<std::string>().find("variable `date` has no value") != std::string::npos);
        } else {
            CHECK(rec["status"] == "ok");
        }
    }
    CHECK(found);
    for (const std::string secret : {"Quillfeather", "Zanzibar", "Okonkwo-Vance", "555-0199"}) {
        CAPTURE(secret);
        CHECK(r.err.find(secret) == std::string::npos);
        CHECK(report.find(secret) == std::string::npos);
    }
    CHECK(test::pdfs_in(out) == std::vector<std::string>{"P1.pdf", "P3.pdf"});
}

// ---- glyphs ------------------------------------------------------------------------------------

TEST_CASE("characters no shipped font has are errors naming U+XXXX, their line:col and the fonts tried") {
    test::TempDir dir;
    const std::string text = test::replace_once(
        test::replace_once(shipped_consent(), ": ketamine infusion for chronic pain", ": ketamine \xEE\x80\x80 infusion for chronic pain"),
        "Some people get a lot of relief.", "Some people get a lot of relief \xF0\x9F\x98\x80.");
    const std::string path = dir / "consent.md";
    test::write_file(path, text);
    auto r = test::run_cli({"check", path, "-l", letter});
    CHECK(r.exit_code == 1);
    CHECK_MESSAGE(r.err.find(path + ":" + test::pos_in(text, "\xEE\x80\x80") + ": error: character U+E000 cannot be drawn") !=
                      std::string::npos,
                  r.err);
    CHECK(r.err.find(path + ":" + test::pos_in(text, "\xF0\x9F\x98\x80") + ": error: character U+1F600 cannot be drawn") !=
          std::string::npos);
    CHECK(r.err.find("hint: fonts tried: Noto Sans") != std::string::npos);
}

TEST_CASE("Vietnamese and other accented names are drawn: they check clean and render") {
    test::TempDir dir;
    const std::string text = test::replace_once(shipped_consent(), "(pain that lasts a long time)",
                                                "(Nguyễn Thị Hương, Trần Văn Đức)");
    const std::string path = dir / "consent.md";
    test::write_file(path, text);
    auto r = test::run_cli({"check", path, "-l", letter});
    CHECK_MESSAGE(r.exit_code == 0, r.err);
    CHECK(r.err.find("cannot be drawn") == std::string::npos);

    const std::string out = dir / "out.pdf";
    auto render = test::run_cli({"render", consent_path, "-l", letter, "-o", out, "--var", "patient.name=Nguyễn Thị Hương", "--var",
                                 "date=2026-11-01", "--var", "clinician.name=Trần Văn Đức", "--var", "clinic.phone=555-0100"});
    REQUIRE_MESSAGE(render.exit_code == 0, render.err);
    test::Pdf pdf(out);
    REQUIRE(pdf.ok());
    std::string all = test::normalize_space(pdf.text());
    CHECK(all.find("Nguyễn Thị Hương") != std::string::npos);
    CHECK(all.find("Trần Văn Đức") != std::string::npos);
}

TEST_CASE("a batch record whose name holds U+E000 fails alone, by row and id, and gets no PDF") {
    test::TempDir dir;
    const std::string manifest = dir / "records.csv";
    test::write_file(manifest,
                     "patient.id,patient.name,date,clinician.name,clinic.phone\n"
                     "P1,Ana Ruiz,2026-11-01,Dr. Lee,555-0100\n"
                     "P2,Zyx\xEE\x80\x80Wq,2026-11-01,Dr. Lee,555-0100\n"
                     "P3,Nguyễn Thị Hương,2026-11-01,Dr. Lee,555-0100\n");
    const std::string out = dir / "out";
    auto r = test::run_batch_cli({"batch", manifest, "-c", consent_path, "-l", letter, "--out", out, "--jobs", "2"});
    CHECK(r.exit_code == 1);
    CHECK_MESSAGE(r.err.find("row 2 (id P2) failed") != std::string::npos, r.err);
    CHECK(r.err.find("U+E000") != std::string::npos);
    CHECK(r.err.find("Zyx") == std::string::npos);
    const std::string report = test::read_file(out + "/report.json");
    CHECK(report.find("Zyx") == std::string::npos);
    auto j = parse_json(report);
    for (const auto& rec : j["records"]) {
        CAPTURE(rec.dump());
        CHECK(rec["status"] == (rec["row"] == 2 ? "failed" : "ok"));
    }
    CHECK(test::pdfs_in(out) == std::vector<std::string>{"P1.pdf", "P3.pdf"});
}

TEST_CASE("a record value's undrawable character is reported at the variable that holds it") {
    // The value is not in the content file: the error can only point at `{{patient.name}}`.
    // A position inside or past the placeholder would also hint at where in the name it sits.
    test::TempDir dir;
    const std::string text = shipped_consent();
    const std::string expected = consent_path + ":" + test::pos_in(text, "{{patient.name}}") + ": error: character U+E000";
    SUBCASE("in the middle of a short name") {
        auto r = test::run_cli(args({"render", consent_path, "-l", letter, "-o", dir / "out.pdf"},
                                    {"--var", "patient.name=Ana Xylo\xEE\x80\x80phone", "--var", "date=2026-11-01", "--var",
                                     "clinician.name=Dr. Lee", "--var", "clinic.phone=555-0100"}));
        CHECK(r.exit_code != 0);
        CHECK_MESSAGE(r.err.find(expected) != std::string::npos, r.err);
        CHECK_FALSE(test::exists(dir / "out.pdf"));
    }
    SUBCASE("after a name longer than the rest of the line") {
        auto r = test::run_cli(args({"render", consent_path, "-l", letter, "-o", dir / "out.pdf"},
                                    {"--var", "patient.name=" + std::string(150, 'A') + "\xEE\x80\x80", "--var", "date=2026-11-01",
                                     "--var", "clinician.name=Dr. Lee", "--var", "clinic.phone=555-0100"}));
        CHECK(r.exit_code != 0);
        CHECK_MESSAGE(r.err.find(expected) != std::string::npos, r.err);
        CHECK_FALSE(test::exists(dir / "out.pdf"));
    }
}

// ---- fit -----------------------------------------------------------------------------------------

TEST_CASE("content needing more pages than max_pages is an error naming the pages needed, at the max_pages line") {
    test::TempDir dir;
    const std::string path = dir / "consent.md";
    test::write_file(path, three_page_consent());
    const std::string layout = test::read_file(letter);
    auto r = test::run_cli({"check", path, "-l", letter});
    CHECK(r.exit_code == 1);
    CHECK_MESSAGE(r.err.find(letter + ":" + test::pos_in(layout, "max_pages = 2") + ": error: the document needs ") != std::string::npos,
                  r.err);
    int needed = pages_needed(r.err);
    CHECK(needed >= 3);
    CHECK(r.err.find("the layout allows 2") != std::string::npos);
    auto j = parse_json(test::run_cli({"check", path, "-l", letter, "--json"}).out);
    CHECK(j["pages"] == needed);
}

TEST_CASE("the fit error points at the max_pages key even when a comment above it mentions max_pages") {
    test::TempDir dir;
    const std::string path = dir / "consent.md";
    test::write_file(path, three_page_consent());
    const std::string layout = layout_copy(dir, letter, "letter.toml",
                                           {{"[page]\n", "# One sheet, both sides: keep max_pages at 2.\n[page]\n"}});
    auto r = test::run_cli({"check", path, "-l", layout});
    CHECK(r.exit_code == 1);
    CHECK_MESSAGE(r.err.find(layout + ":" + test::pos_in(test::read_file(layout), "max_pages = 2") + ": error: the document needs ") !=
                      std::string::npos,
                  r.err);
}

TEST_CASE("with min_size below size the body shrinks by half points to the largest size that fits, with a warning") {
    test::TempDir dir;
    const std::string layout = layout_copy(dir, letter, "big.toml", {{"[body]\nsize = 12\n", "[body]\nsize = 14\nmin_size = 12\n"}});
    const std::string text = test::read_file(layout);
    auto r = test::run_cli({"check", consent_path, "-l", layout, "--json"});
    CHECK_MESSAGE(r.exit_code == 0, r.out);
    auto j = parse_json(r.out);
    CHECK(j["errors"] == 0);
    CHECK(j["pages"].get<int>() <= 2);
    const auto* w = json_diag(j, "body text set at ");
    REQUIRE_MESSAGE(w != nullptr, r.out);
    CHECK((*w)["severity"] == "warning");
    CHECK((*w)["file"] == layout);
    CHECK((*w)["line"] == handout::line_col(text, text.find("max_pages = 2")).line);
    std::smatch m;
    std::string message = (*w)["message"];
    REQUIRE(std::regex_search(message, m, std::regex("set at ([0-9.]+) pt instead of 14")));
    const double size = std::stod(m[1]);
    CHECK(size >= 12);
    CHECK(size < 14);
    CHECK(size * 2 == doctest::Approx(std::round(size * 2)));
    // Half a point larger does not fit: it shrank no further than it had to.
    char bigger[64];
    std::snprintf(bigger, sizeof bigger, "[body]\nsize = %.1f\nmin_size = %.1f\n", size + 0.5, size + 0.5);
    const std::string fixed = layout_copy(dir, letter, "fixed.toml", {{"[body]\nsize = 12\n", bigger}});
    auto f = test::run_cli({"check", consent_path, "-l", fixed});
    CHECK(f.exit_code == 1);
    CHECK_MESSAGE(pages_needed(f.err) > 2, f.err);
    // A warning fails only under --strict.
    CHECK(test::run_cli({"check", consent_path, "-l", layout, "--strict"}).exit_code == 1);
}

TEST_CASE("a large-print layout never shrinks below 18 pt: content too long for it is an error") {
    test::TempDir dir;
    SUBCASE("size 18, min_size 18") {
        const std::string layout = layout_copy(dir, "layouts/large-print.toml", "lp.toml", {{"[page]\n", "[page]\nmax_pages = 2\n"}});
        auto r = test::run_cli({"check", consent_path, "-l", layout});
        CHECK(r.exit_code == 1);
        CHECK_MESSAGE(r.err.find(layout + ":" + test::pos_in(test::read_file(layout), "max_pages = 2") + ": error: the document needs ") !=
                          std::string::npos,
                      r.err);
        CHECK(pages_needed(r.err) > 2);
        CHECK(r.err.find("body text set at") == std::string::npos);
    }
    SUBCASE("size 20, min_size 18") {
        const std::string layout = layout_copy(dir, "layouts/large-print.toml", "lp.toml",
                                               {{"[page]\n", "[page]\nmax_pages = 2\n"}, {"size = 18\nmin_size = 18\n", "size = 20\nmin_size = 18\n"}});
        auto r = test::run_cli({"check", consent_path, "-l", layout});
        CHECK(r.exit_code == 1);
        CHECK_MESSAGE(pages_needed(r.err) > 2, r.err);
        CHECK(r.err.find("body text set at") == std::string::npos);
        CHECK(r.err.find("even at the smallest size allowed") != std::string::npos);
    }
    SUBCASE("min_size 16 is itself an error") {
        const std::string layout = layout_copy(dir, "layouts/large-print.toml", "lp.toml", {{"min_size = 18\n", "min_size = 16\n"}});
        auto r = test::run_cli({"check", consent_path, "-l", layout});
        CHECK(r.exit_code == 1);
        CHECK_MESSAGE(r.err.find(layout + ":" + test::pos_in(test::read_file(layout), "min_size = 16") + ": error:") != std::string::npos,
                      r.err);
    }
}

// ---- render runs the checks first -----------------------------------------------------------------

TEST_CASE("render of a consent sheet with its caveat removed fails, writes no PDF and leaves an existing file alone") {
    test::TempDir dir;
    const std::string path = dir / "consent.md";
    test::write_file(path, test::cut(shipped_consent(), "::: caveat {#not-first-line}", ":::\n"));
    expect_render_refused(path, dir / "new.pdf");
    const std::string existing = dir / "existing.pdf";
    test::write_file(existing, "an older file\n");
    auto r = test::run_cli(args({"render", path, "-l", letter, "-o", existing}, consent_vars));
    CHECK(r.exit_code != 0);
    CHECK(r.err.find("`#not-first-line` is missing") != std::string::npos);
    CHECK(test::read_file(existing) == "an older file\n");
    // The same sheet with the caveat renders.
    auto ok = test::run_cli(args({"render", consent_path, "-l", letter, "-o", dir / "ok.pdf"}, consent_vars));
    CHECK_MESSAGE(ok.exit_code == 0, ok.err);
    CHECK(test::exists(dir / "ok.pdf"));
}

// ---- done when -------------------------------------------------------------------------------------

TEST_CASE("done when: a consent sheet with its caveat removed gets a positioned error and no PDF") {
    test::TempDir dir;
    const std::string text = test::cut(shipped_consent(), "::: caveat {#not-first-line}", ":::\n");
    const std::string path = dir / "consent.md";
    test::write_file(path, text);
    auto r = test::run_cli({"check", path, "-l", letter});
    CHECK(r.exit_code == 1);
    CHECK_MESSAGE(r.err.find(path + ":" + test::pos_in(text, "kind: consent-discussion") +
                             ": error: the required section `#not-first-line` is missing") != std::string::npos,
                  r.err);
    CHECK(r.err.find("kinds/consent-discussion.toml and kinds/topics/ketamine-infusion.toml require it") != std::string::npos);
    expect_render_refused(path, dir / "out.pdf", {"-l", letter});
}

TEST_CASE("done when: a consent sheet with an undefined variable gets a positioned error with a did-you-mean and no PDF") {
    test::TempDir dir;
    const std::string text = test::replace_once(shipped_consent(), "{{patient.name}}", "{{patient.nmae}}");
    const std::string path = dir / "consent.md";
    test::write_file(path, text);
    auto r = test::run_cli({"check", path, "-l", letter});
    CHECK(r.exit_code == 1);
    CHECK_MESSAGE(r.err.find(path + ":" + test::pos_in(text, "{{patient.nmae}}") + ": error: variable `patient.nmae`") != std::string::npos,
                  r.err);
    CHECK(r.err.find("hint: did you mean `{{patient.name}}`?") != std::string::npos);
    expect_render_refused(path, dir / "out.pdf", {"-l", letter, "--var", "patient.nmae=Ana Ruiz"});
}

TEST_CASE("done when: a consent sheet with U+E000 gets a positioned error and no PDF") {
    test::TempDir dir;
    const std::string text = test::replace_once(shipped_consent(), "a slow drip of medicine", "a slow \xEE\x80\x80 drip of medicine");
    const std::string path = dir / "consent.md";
    test::write_file(path, text);
    auto r = test::run_cli({"check", path, "-l", letter});
    CHECK(r.exit_code == 1);
    CHECK_MESSAGE(r.err.find(path + ":" + test::pos_in(text, "\xEE\x80\x80") + ": error: character U+E000") != std::string::npos, r.err);
    CHECK(r.err.find("fonts tried: Noto Sans") != std::string::npos);
    expect_render_refused(path, dir / "out.pdf", {"-l", letter});
}

TEST_CASE("done when: a consent sheet that needs three pages in a two-page layout gets a positioned error and no PDF") {
    test::TempDir dir;
    const std::string path = dir / "consent.md";
    test::write_file(path, three_page_consent());
    auto r = test::run_cli({"check", path, "-l", letter});
    CHECK(r.exit_code == 1);
    CHECK_MESSAGE(r.err.find(letter + ":" + test::pos_in(test::read_file(letter), "max_pages = 2") + ": error: the document needs 3 pages") !=
                      std::string::npos,
                  r.err);
    expect_render_refused(path, dir / "out.pdf", {"-l", letter});
}

TEST_CASE("done when: a consent sheet in dense academic prose gets a positioned error listing hard sentences, and no PDF") {
    test::TempDir dir;
    // The session paragraph, rewritten for specialists (about as long, so the sheet still fits).
    std::string text = shipped_consent();
    const std::size_t begin = text.find("You get the infusion in a clinic");
    REQUIRE(begin != std::string::npos);
    text.replace(begin, text.find('\n', begin) - begin, dense_prose);
    const std::string path = dir / "consent.md";
    test::write_file(path, text);
    auto r = test::run_cli({"check", path, "-l", letter});
    CHECK(r.exit_code == 1);
    const std::size_t heading = handout::line_col(text, text.find("## What a session is like")).line;
    CHECK_MESSAGE(r.err.find(path + ":" + std::to_string(heading) + ":") != std::string::npos, r.err);
    CHECK(r.err.find("error: section #what-to-expect reads at grade") != std::string::npos);
    CHECK(r.err.find("hint: hard sentence at line " + std::to_string(heading + 2) + ": \"Maintenance regimens") != std::string::npos);
    CHECK(r.err.find("the document needs") == std::string::npos);
    expect_render_refused(path, dir / "out.pdf", {"-l", letter});
}

}  // TEST_SUITE

TEST_CASE("a large-print layout is held to APH/ACB: headings 20 pt, one column, flush left, no hyphens, spacing 1.15") {
    test::TempDir dir;
    const std::string shipped = "layouts/large-print.toml";
    auto ok = test::run_cli({"check", consent_path, "-l", shipped});
    CHECK_MESSAGE(ok.exit_code == 0, ok.err);
    struct Case {
        const char* from;
        const char* to;
        const char* at;  ///< where the error points
        const char* message;
    };
    const Case cases[] = {  // (two columns are refused by the layout parser already)
        {"justify = false", "justify = true", "justify = true", "large print: text must be set flush left"},
        {"hyphenate = false", "hyphenate = true", "hyphenate = true", "large print: words must not be broken by hyphens"},
        {"line_height = 1.4", "line_height = 1.1", "line_height = 1.1", "large print: the line spacing is 1.10; it needs at least 1.15"},
        {"h3 = { size = 20", "h3 = { size = 18", "size = 18, space_before = 14", "large print: level-3 headings are 18.0 pt"},
    };
    for (const Case& c : cases) {
        INFO(c.to);
        const std::string layout = layout_copy(dir, shipped, "lp.toml", {{c.from, c.to}});
        const std::string text = test::read_file(layout);
        auto r = test::run_cli({"check", consent_path, "-l", layout});
        CHECK(r.exit_code == 1);
        // The error points at the key that breaks the rule.
        std::string where = layout + ":" + test::pos_in(text, c.at) + ": error: " + c.message;
        CHECK_MESSAGE(r.err.find(where) != std::string::npos, r.err);
    }
}
