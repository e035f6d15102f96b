// tests: what the fuzz harnesses (fuzz/, scripts/fuzz.sh) found. Each reproducer
// (tests/data/fuzz/<harness>-<name>) is fed in process to the function its harness calls, read the
// way the harness reads it: the answer must be a diagnostic, never a crash or a broken promise.
// A case whose fix belongs to a file hardened elsewhere is skipped (doctest::skip) until it lands.
// And every committed corpus input (fuzz/corpus/<harness>/) goes through the same functions, so
// the g++ and ASan builds run what the fuzzers start from.
#include "batch/manifest.hpp"
#include "batch/output_name.hpp"
#include "check/readability.hpp"
#include "content/parse_content.hpp"
#include "image/decode_image.hpp"
#include "layout/parse_layout.hpp"
#include "helpers.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <variant>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace {

const std::string fuzz_data = std::string(HANDOUT_TEST_DIR) + "/data/fuzz";
const std::string corpus_root = std::string(HANDOUT_TEST_DIR) + "/../fuzz/corpus";

/// Every file of tests/data/fuzz, each with a case below.
const std::set<std::string> reproducers = {
    "content-image-in-table-cell",
    "content-unbalanced-link-span",
    "output_name-cut-empty-part",
};

std::string reproducer(const std::string& name) {
    REQUIRE_MESSAGE(reproducers.count(name) == 1, name << " is not listed in `reproducers`");
    std::string bytes = test::read_file(fuzz_data + "/" + name);
    REQUIRE_MESSAGE(!bytes.empty(), fuzz_data << "/" << name << " is missing");
    return bytes;
}

/// The output_name harness's reading of its input: the first line is the template, each later
/// line `name=value` one variable (fuzz/fuzz_output_name.cpp).
struct NameInput {
    std::string tmpl;
    handout::Vars vars;
};

NameInput name_input(std::string_view in) {
    NameInput r;
    std::size_t eol = in.find('\n');
    r.tmpl = std::string(in.substr(0, eol));
    while (eol != std::string_view::npos) {
        in.remove_prefix(eol + 1);
        eol = in.find('\n');
        std::string_view line = in.substr(0, eol);
        std::size_t eq = line.find('=');
        r.vars[std::string(line.substr(0, eq))] = eq == std::string_view::npos ? std::string() : std::string(line.substr(eq + 1));
    }
    return r;
}

/// What is wrong with an output name that has no error, or "" when it keeps output_name.hpp's
/// promise: a relative path below --out, no empty, `.` or `..` part, no hidden file.
std::string broken_name(const handout::OutputName& name) {
    if (!name.error.empty()) {
        return "";
    }
    const std::string& p = name.path;
    if (p.empty() || p.front() == '/') {
        return "empty or absolute";
    }
    if (p.find('\0') != std::string::npos) {
        return "a NUL";
    }
    std::string_view rest = p;
    while (true) {
        std::size_t slash = rest.find('/');
        std::string_view part = rest.substr(0, slash);
        if (part.empty() || part == "." || part == "..") {
            return "an empty, `.` or `..` part";
        }
        if (slash == std::string_view::npos) {
            return part.front() == '.' ? "a hidden file" : "";
        }
        rest.remove_prefix(slash + 1);
    }
}

/// Every diagnostic names its file and points inside it, and prints.
void check_positions(const handout::Diagnostics& ds, const handout::SourcePtr& file) {
    for (const handout::Diagnostic& d : ds) {
        if (d.file != nullptr) {
            CHECK_MESSAGE(d.file == file, d.message);
            CHECK_MESSAGE(d.offset <= file->text.size(), d.message);
        }
        CHECK_FALSE(handout::format_diagnostic(d).empty());
    }
}

/// Feeds `bytes` to the function `harness` fuzzes, as the harness does, and checks what comes back.
void run_harness(const std::string& harness, const std::string& bytes, const std::string& label) {
    INFO(label);
    if (harness == "content") {
        auto file = test::source(bytes, "fuzz.md");
        auto r = handout::parse_content(file);
        check_positions(r.diagnostics, file);
    } else if (harness == "layout") {
        auto file = test::source(bytes, "fuzz.toml");
        auto r = handout::parse_layout(file);
        check_positions(r.diagnostics, file);
    } else if (harness == "manifest_csv" || harness == "manifest_jsonl") {
        auto file = test::source(bytes, harness == "manifest_csv" ? "fuzz.csv" : "fuzz.jsonl");
        auto r = harness == "manifest_csv" ? handout::parse_csv(file) : handout::parse_jsonl(file);
        check_positions(r.diagnostics, file);
        if (r.value) {
            (void)handout::pick_id_column(*r.value, "");
        }
    } else if (harness == "output_name") {
        NameInput in = name_input(bytes);
        if (in.tmpl.find('\0') == std::string::npos) {
            CHECK_MESSAGE(broken_name(handout::output_name(in.tmpl, in.vars, bytes.size())) == "", "a broken output name");
        }
    } else if (harness == "image") {
        auto r = handout::decode_image("fuzz-picture", bytes);
        if (r.ok()) {
            CHECK(r->width > 0);
            CHECK(r->height > 0);
        } else {
            CHECK(has_errors(r.diagnostics));
        }
    } else if (harness == "readability") {
        // The first byte picks the language (odd: Spanish); sentences lie in the text, in order,
        // each with words and at least a syllable a word.
        if (bytes.empty()) {
            return;
        }
        const std::string_view text = std::string_view(bytes).substr(1);
        std::size_t last = 0;
        for (const auto& s : handout::split_sentences(text, (bytes[0] & 1) != 0 ? "es" : "en")) {
            CHECK(s.begin >= last);
            CHECK(s.end <= text.size());
            CHECK(s.stats.words > 0);
            CHECK(s.stats.syllables >= s.stats.words);
            last = s.end;
        }
    } else {
        FAIL("no harness named " << harness);
    }
}

}  // namespace

TEST_SUITE("fuzz regressions") {

TEST_CASE("every reproducer in tests/data/fuzz has a case here and names a harness") {
    std::set<std::string> found;
    for (const auto& entry : std::filesystem::directory_iterator(fuzz_data)) {
        found.insert(entry.path().filename().string());
    }
    CHECK(found == reproducers);
    const std::vector<std::string> harnesses = {"content", "layout", "manifest_csv", "manifest_jsonl", "output_name", "image", "readability"};
    for (const std::string& name : reproducers) {
        bool named = std::any_of(harnesses.begin(), harnesses.end(), [&](const std::string& h) { return name.rfind(h + "-", 0) == 0; });
        CHECK_MESSAGE(named, name);
    }
}

TEST_CASE("every committed fuzz corpus input gives a value or diagnostics") {
    // librsvg 2.54 leaks the values of declared entities (fuzz/lsan.supp): that input stays with
    // the fuzzer, whose suppressions allow it, and out of the ASan test run.
    const std::set<std::string> leaks_in_librsvg = {"entities-use-loop.svg"};
    std::size_t inputs = 0;
    for (const auto& dir : std::filesystem::directory_iterator(corpus_root)) {
        std::string harness = dir.path().filename().string();
        for (const auto& entry : std::filesystem::directory_iterator(dir.path())) {
            if (harness == "image" && leaks_in_librsvg.count(entry.path().filename().string()) == 1) {
                continue;
            }
            run_harness(harness, test::read_file(entry.path().string()), entry.path().string());
            ++inputs;
        }
    }
    CHECK(inputs >= 30);
}

// Found by fuzz_content (ASan: heap-use-after-free in enter_block, src/content/parse_content.cpp,
// minimized by hand to a picture in a table cell). A picture inside a cell waits in
// pending_images; entering the next cell flushes it with current().push_back, onto the very
// block list that holds the table, so that list moves and `b.table` points into freed memory.
// The table's later cells go to the freed copy. Now a picture in a cell waits until the table ends
// and follows it.
TEST_CASE("fuzz: a picture in a table cell keeps the table whole") {
    std::string bytes = reproducer("content-image-in-table-cell");
    auto file = test::source(bytes, "fuzz.md");
    auto r = handout::parse_content(file);
    check_positions(r.diagnostics, file);
    if (!has_errors(r.diagnostics)) {
        REQUIRE(r.value.has_value());
        const handout::Table* table = nullptr;
        for (const handout::Block& block : r.value->blocks) {
            if (const auto* t = std::get_if<handout::Table>(&block.v)) {
                table = t;
            }
        }
        REQUIRE(table != nullptr);
        REQUIRE(table->rows.size() == 2);  // the header row and the row with the picture
        CHECK(table->rows[1].size() == 2);
    }
}

// Found by fuzz_content (ASan: SEGV in leave_span, src/content/parse_content.cpp, on
// `b.links.pop_back()` of an empty vector; minimized by libFuzzer to these 9 bytes). md4c 0.4.8
// reports the end of a link span it never opened for `![]([)]()`. A span end not seen to begin
// is ignored now (links, and image_depth, which would wrap below zero the same way).
TEST_CASE("fuzz: a link span md4c closes without opening is no crash") {
    std::string bytes = reproducer("content-unbalanced-link-span");
    auto file = test::source(bytes, "fuzz.md");
    auto r = handout::parse_content(file);
    check_positions(r.diagnostics, file);
    CHECK((r.value.has_value() || has_errors(r.diagnostics)));
}

// Found by fuzz_output_name (with the template's promise check): a template part longer than 200
// bytes that is all UTF-8 continuation bytes is cut back to nothing (cut_utf8 in
// src/batch/output_name.cpp steps back over continuation bytes to 0), so the name gets an empty
// part ("a//b.pdf", or "a/" — a folder — when it is the last). cut_utf8 now steps back over at
// most three continuation bytes and cuts what is not UTF-8 as bytes.
TEST_CASE("fuzz: an output-name part of only continuation bytes is not cut to nothing") {
    std::string bytes = reproducer("output_name-cut-empty-part");
    NameInput in = name_input(bytes);
    handout::OutputName name = handout::output_name(in.tmpl, in.vars, 1);
    CHECK(broken_name(name) == "");
    run_harness("output_name", bytes, "output_name-cut-empty-part");
}

}  // TEST_SUITE
