// tests: batch manifests — CSV (RFC 4180, BOM, CRLF, dotted headers, bad rows failing alone,
// unterminated quotes failing the file with line:col) and JSON Lines (nested objects, numbers,
// bad lines failing alone), the id column, and manifest-level errors through the CLI.
#include "batch/manifest.hpp"
#include "helpers.hpp"

#include <doctest/doctest.h>

#include <algorithm>

namespace {

const std::string data_dir = std::string(HANDOUT_TEST_DIR) + "/data/batch";

handout::Manifest parse_csv_ok(const std::string& text, const std::string& path = "m.csv") {
    auto r = handout::parse_csv(test::source(text, path));
    REQUIRE_MESSAGE(r.value.has_value(), test::describe(r.diagnostics));
    return *r.value;
}

handout::Manifest parse_jsonl_ok(const std::string& text, const std::string& path = "m.jsonl") {
    auto r = handout::parse_jsonl(test::source(text, path));
    REQUIRE_MESSAGE(r.value.has_value(), test::describe(r.diagnostics));
    return *r.value;
}

std::string var(const handout::Record& rec, const std::string& name) {
    auto it = rec.vars.find(name);
    return it == rec.vars.end() ? std::string("<absent>") : it->second;
}

/// LF → CRLF.
std::string crlf(const std::string& s) {
    std::string out;
    for (char c : s) {
        if (c == '\n') {
            out += '\r';
        }
        out += c;
    }
    return out;
}

const std::string simple_csv =
    "patient.id,patient.name,date\n"
    "P1,Ana Ruiz,\"November 26, 2026\"\n"
    "P2,José Núñez,2026-11-27\n";

}  // namespace

TEST_SUITE("batch") {

TEST_CASE("a CSV header's dotted names become dotted variable names") {
    auto m = parse_csv_ok(simple_csv);
    CHECK(m.columns == std::vector<std::string>{"patient.id", "patient.name", "date"});
    REQUIRE(m.records.size() == 2);
    CHECK(var(m.records[0], "patient.name") == "Ana Ruiz");
    CHECK(var(m.records[0], "patient.id") == "P1");
    CHECK(var(m.records[1], "patient.name") == "José Núñez");
    CHECK(m.records[0].row == 1);
    CHECK(m.records[1].row == 2);
    CHECK(m.records[0].line == 2);
    CHECK(m.records[1].line == 3);
    CHECK(m.records[0].error.empty());
    CHECK(m.records[1].error.empty());
}

TEST_CASE("quoted CSV fields keep commas, doubled quotes and line breaks literally") {
    auto r = handout::parse_csv(test::source(test::read_file(data_dir + "/quoted.csv"), data_dir + "/quoted.csv"));
    REQUIRE_MESSAGE(r.value.has_value(), test::describe(r.diagnostics));
    const auto& m = *r.value;
    REQUIRE(m.records.size() == 3);
    CHECK(var(m.records[0], "patient.name") == "Ruiz, Ana");
    CHECK(var(m.records[0], "note") == "She said \"hi\"");
    CHECK(var(m.records[1], "patient.name") == "Line one\nline two");
    CHECK(var(m.records[1], "clinic.phone") == "555-0101");
    CHECK(var(m.records[2], "note") == "");
    CHECK(var(m.records[2], "clinic.phone") == "555-0102");
    // The record after the two-line field starts two lines later.
    CHECK(m.records[1].line == 3);
    CHECK(m.records[2].line == 5);
    for (const auto& rec : m.records) {
        CHECK(rec.error.empty());
    }
}

TEST_CASE("a quoted CSV field may hold a doubled quote at its very start and end") {
    auto m = parse_csv_ok("id,quote\nA,\"\"\"Hi\"\", she said\"\nB,\"\"\"\"\n");
    REQUIRE(m.records.size() == 2);
    CHECK(var(m.records[0], "quote") == "\"Hi\", she said");
    CHECK(var(m.records[1], "quote") == "\"");
}

TEST_CASE("a CSV with a UTF-8 byte order mark and CRLF line ends reads like plain LF") {
    auto plain = parse_csv_ok(simple_csv);
    auto bom_crlf = parse_csv_ok("\xEF\xBB\xBF" + crlf(simple_csv));
    CHECK(bom_crlf.columns == plain.columns);
    CHECK(bom_crlf.columns.front() == "patient.id");
    REQUIRE(bom_crlf.records.size() == plain.records.size());
    for (std::size_t i = 0; i < plain.records.size(); ++i) {
        CHECK(bom_crlf.records[i].vars == plain.records[i].vars);
        CHECK(bom_crlf.records[i].line == plain.records[i].line);
    }
    // No carriage return sneaks into the last column's values.
    CHECK(var(bom_crlf.records[1], "date") == "2026-11-27");
    // BOM without CRLF and CRLF without BOM too.
    CHECK(parse_csv_ok("\xEF\xBB\xBF" + simple_csv).records[0].vars == plain.records[0].vars);
    CHECK(parse_csv_ok(crlf(simple_csv)).records[1].vars == plain.records[1].vars);
}

TEST_CASE("a CSV without a final line break keeps its last record, and a final line break adds none") {
    auto without = parse_csv_ok("id,name\nA,Ana\nB,Bob");
    REQUIRE(without.records.size() == 2);
    CHECK(var(without.records[1], "name") == "Bob");
    auto with = parse_csv_ok("id,name\nA,Ana\nB,Bob\n");
    CHECK(with.records.size() == 2);
}

TEST_CASE("a CSV row with the wrong number of fields fails alone and its error holds no value") {
    auto m = parse_csv_ok(
        "patient.id,patient.name,date\n"
        "P1,Ana,2026-11-26\n"
        "P2,Zzyzx Quetzal,2026-11-26,extra\n"
        "P3,Bob,2026-11-26\n"
        "P4,Quetzalcoatl\n");
    REQUIRE(m.records.size() == 4);
    CHECK(m.records[0].error.empty());
    CHECK(m.records[2].error.empty());
    CHECK(var(m.records[2], "patient.name") == "Bob");
    CHECK_FALSE(m.records[1].error.empty());
    CHECK_FALSE(m.records[3].error.empty());
    CHECK_MESSAGE(m.records[1].error.find('4') != std::string::npos, m.records[1].error);
    CHECK_MESSAGE(m.records[1].error.find('3') != std::string::npos, m.records[1].error);
    CHECK(m.records[1].error.find("Zzyzx") == std::string::npos);
    CHECK(m.records[3].error.find("Quetzalcoatl") == std::string::npos);
    CHECK(m.records[1].row == 2);
    CHECK(m.records[1].line == 3);
    CHECK(m.records[3].row == 4);
}

TEST_CASE("an unterminated CSV quote is an error for the file at the quote's line and column") {
    auto r = handout::parse_csv(test::source("patient.id,patient.name\nP1,Ana\nP2,\"Zzyzx, Quetzal\nP3,Bob\n", "m.csv"));
    CHECK_FALSE(r.value.has_value());
    REQUIRE(r.diagnostics.size() >= 1);
    CHECK(r.diagnostics[0].severity == handout::Severity::error);
    CHECK(test::pos(r.diagnostics[0]) == "3:4");
    CHECK(test::lower(r.diagnostics[0].message).find("quote") != std::string::npos);
    CHECK(r.diagnostics[0].message.find("Zzyzx") == std::string::npos);
}

TEST_CASE("an empty CSV, a blank header name and a repeated header name are errors for the file") {
    CHECK_FALSE(handout::parse_csv(test::source("", "m.csv")).value.has_value());
    CHECK_FALSE(handout::parse_csv(test::source("\xEF\xBB\xBF", "m.csv")).value.has_value());
    auto blank = handout::parse_csv(test::source("id,,name\nA,x,y\n", "m.csv"));
    CHECK_FALSE(blank.value.has_value());
    CHECK_FALSE(blank.diagnostics.empty());
    auto twice = handout::parse_csv(test::source("id,name,name\nA,x,y\n", "m.csv"));
    CHECK_FALSE(twice.value.has_value());
    REQUIRE_FALSE(twice.diagnostics.empty());
    CHECK(twice.diagnostics[0].message.find("name") != std::string::npos);
}

TEST_CASE("JSON Lines: nested objects become dotted names and numbers their JSON text") {
    auto r = handout::parse_jsonl(test::source(test::read_file(data_dir + "/records.jsonl"), data_dir + "/records.jsonl"));
    REQUIRE_MESSAGE(r.value.has_value(), test::describe(r.diagnostics));
    const auto& m = *r.value;
    REQUIRE(m.records.size() == 5);
    const auto& first = m.records[0];
    CHECK(first.error.empty());
    CHECK(var(first, "patient.id") == "J1");
    CHECK(var(first, "patient.name") == "Ana Ruiz");
    CHECK(var(first, "patient.age") == "42");
    CHECK(var(first, "patient.weight") == "71.5");
    CHECK(var(first, "clinic.floor") == "-2");
    CHECK(var(first, "clinic.phone") == "555-0100");
    CHECK(var(first, "consented") == "true");
    CHECK(first.vars.count("patient") == 0);
    CHECK(var(m.records[1], "patient.name") == "Bob");
    // Columns are the flattened keys seen.
    for (const char* c : {"patient.id", "patient.name", "patient.age", "clinic.phone"}) {
        CHECK_MESSAGE(std::find(m.columns.begin(), m.columns.end(), c) != m.columns.end(), c);
    }
}

TEST_CASE("a JSON Lines line that is not JSON, or not an object, fails alone with its row and line") {
    auto r = handout::parse_jsonl(test::source(test::read_file(data_dir + "/records.jsonl"), data_dir + "/records.jsonl"));
    REQUIRE(r.value.has_value());
    const auto& recs = r.value->records;
    REQUIRE(recs.size() == 5);
    // Line 2 is blank: no record, but lines still count.
    CHECK(recs[0].line == 1);
    CHECK(recs[1].line == 3);
    CHECK(recs[1].row == 2);
    CHECK(recs[1].error.empty());
    CHECK(recs[2].line == 4);
    CHECK(recs[2].row == 3);
    CHECK_FALSE(recs[2].error.empty());
    CHECK(recs[2].error.find("Cy") == std::string::npos);
    CHECK(recs[2].error.find("J3") == std::string::npos);
    CHECK(recs[3].line == 5);
    CHECK_FALSE(recs[3].error.empty());
    CHECK(recs[3].error.find("object") != std::string::npos);
    CHECK(recs[4].row == 5);
    CHECK(recs[4].error.empty());
    CHECK(var(recs[4], "patient.name") == "Dee");
}

TEST_CASE("JSON Lines with a byte order mark and CRLF line ends read like plain LF") {
    const std::string text = "{\"id\": \"A\", \"n\": 1}\n{\"id\": \"B\", \"n\": 2}\n";
    auto plain = parse_jsonl_ok(text);
    auto odd = parse_jsonl_ok("\xEF\xBB\xBF" + crlf(text));
    REQUIRE(odd.records.size() == 2);
    REQUIRE(plain.records.size() == 2);
    CHECK(odd.records[0].error.empty());
    CHECK(odd.records[0].vars == plain.records[0].vars);
    CHECK(odd.records[1].vars == plain.records[1].vars);
}

TEST_CASE("a long integer in JSON Lines keeps its exact digits") {
    // An account or card number written as a JSON number must not turn into a rounded float.
    auto m = parse_jsonl_ok("{\"id\": \"A\", \"account\": 123456789012345678901234}\n");
    REQUIRE(m.records.size() == 1);
    CHECK(m.records[0].error.empty());
    CHECK(var(m.records[0], "account") == "123456789012345678901234");
}

TEST_CASE("the manifest's kind follows its extension") {
    const std::string jsonl = "{\"id\": \"A\"}\n";
    for (const char* name : {"m.jsonl", "m.ndjson", "dir/m.jsonl"}) {
        auto r = handout::parse_manifest(test::source(jsonl, name));
        REQUIRE_MESSAGE(r.value.has_value(), name);
        REQUIRE(r.value->records.size() == 1);
        CHECK_MESSAGE(var(r.value->records[0], "id") == "A", name);
    }
    auto csv = handout::parse_manifest(test::source("id,name\nA,Ana\n", "m.csv"));
    REQUIRE(csv.value.has_value());
    REQUIRE(csv.value->records.size() == 1);
    CHECK(var(csv.value->records[0], "name") == "Ana");
}

TEST_CASE("the id column is --id-column, else patient.id, else id") {
    auto both = parse_csv_ok("id,patient.id,name\n1,P1,Ana\n");
    CHECK(handout::pick_id_column(both, "") == "patient.id");
    CHECK(handout::pick_id_column(both, "name") == "name");
    auto only_id = parse_csv_ok("name,id\nAna,7\n");
    CHECK(handout::pick_id_column(only_id, "") == "id");
    auto none = parse_csv_ok("name,date\nAna,today\n");
    CHECK(handout::pick_id_column(none, "") == "");
}

TEST_CASE("handout batch stops with exit 2 and the manifest's line:col on an unterminated quote") {
    test::TempDir dir;
    std::string manifest = dir / "m.csv";
    test::write_file(manifest,
                     "patient.id,patient.name,date,clinician.name,clinic.phone\n"
                     "P1,Ana,2026-11-26,Dr. Lee,555-0100\n"
                     "P2,\"Zzyzx Quetzal,2026-11-26,Dr. Lee,555-0100\n");
    std::string out = dir / "out";
    auto r = test::run_batch_cli({"batch", manifest, "-c", "content/ketamine-consent.md", "--out", out});
    CHECK(r.exit_code == 2);
    CHECK_MESSAGE(r.err.find(manifest + ":3:4: error:") != std::string::npos, r.err);
    CHECK_FALSE(test::exists(out + "/P1.pdf"));
}

TEST_CASE("the unterminated-quote message on stderr does not echo the manifest's values") {
    // Error messages name variables, never values: the excerpt of the manifest line would print
    // a patient's name into the operator's logs.
    test::TempDir dir;
    std::string manifest = dir / "m.csv";
    test::write_file(manifest,
                     "patient.id,patient.name,patient.email,date,clinician.name,clinic.phone\n"
                     "P1,\"Zzyzx Quetzal,zzyzx@example.org,2026-11-26,Dr. Lee,555-0100\n");
    auto r = test::run_batch_cli({"batch", manifest, "-c", "content/ketamine-consent.md", "--out", dir / "out"});
    CHECK(r.exit_code == 2);
    CHECK_MESSAGE(r.err.find("Zzyzx") == std::string::npos, r.err);
    CHECK_MESSAGE(r.err.find("zzyzx@example.org") == std::string::npos, r.err);
}

TEST_CASE("handout batch on a missing manifest exits 2 and writes nothing") {
    test::TempDir dir;
    std::string out = dir / "out";
    auto r = test::run_batch_cli({"batch", dir / "nope.csv", "-c", "content/ketamine-consent.md", "--out", out});
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("nope.csv") != std::string::npos);
    CHECK(test::list_files(dir.path()).empty());
}

}  // TEST_SUITE
