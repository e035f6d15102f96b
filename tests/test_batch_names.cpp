// tests: batch output names — templates filled from a record stay inside --out (no `..`, no
// absolute paths, no folders or control characters from values), are capped in length on a
// UTF-8 boundary, report missing columns, and records that collide all fail.
#include "batch/output_name.hpp"
#include "helpers.hpp"

#include <doctest/doctest.h>

#include <glib.h>
#include <nlohmann/json.hpp>

#include <algorithm>

namespace {

const std::string greeting = std::string(HANDOUT_TEST_DIR) + "/data/batch/greeting.md";

std::vector<std::string> parts_of(const std::string& path) {
    std::vector<std::string> parts;
    std::size_t pos = 0;
    while (pos <= path.size()) {
        std::size_t e = path.find('/', pos);
        if (e == std::string::npos) {
            e = path.size();
        }
        parts.push_back(path.substr(pos, e - pos));
        pos = e + 1;
    }
    return parts;
}

/// Why `path` is not a harmless relative file name, or empty when it is.
std::string unsafe(const std::string& path) {
    if (path.empty()) {
        return "empty";
    }
    if (path.front() == '/') {
        return "absolute";
    }
    if (path.find('\\') != std::string::npos) {
        return "backslash";
    }
    for (unsigned char c : path) {
        if (c < 0x20 || c == 0x7F) {
            return "control character";
        }
    }
    if (g_utf8_validate(path.data(), static_cast<gssize>(path.size()), nullptr) == 0) {
        return "not UTF-8";
    }
    for (const auto& p : parts_of(path)) {
        if (p.empty() || p == "." || p == "..") {
            return "part `" + p + "`";
        }
        if (p.front() == '.') {
            return "hidden part";
        }
    }
    return {};
}

handout::OutputName name_for(const std::string& tmpl, const std::string& id, std::size_t row = 1) {
    return handout::output_name(tmpl, handout::Vars{{"patient.id", id}, {"patient.name", "Ana"}}, row);
}

const nlohmann::ordered_json* record_at(const nlohmann::ordered_json& report, std::size_t row) {
    for (const auto& r : report["records"]) {
        if (r["row"] == row) {
            return &r;
        }
    }
    return nullptr;
}

}  // namespace

TEST_SUITE("batch") {

TEST_CASE("an output name template is filled from the record's dotted names") {
    auto n = name_for("{{patient.id}}.pdf", "P1001");
    CHECK(n.error.empty());
    CHECK(n.path == "P1001.pdf");
    auto spaced = name_for("consent-{{ patient.id }}-{{patient.name}}.pdf", "P7");
    CHECK(spaced.error.empty());
    CHECK(spaced.path == "consent-P7-Ana.pdf");
}

TEST_CASE("{{row}} in a name template is the record's row number") {
    auto n = handout::output_name("record-{{row}}.pdf", {}, 17);
    CHECK(n.error.empty());
    CHECK(n.path == "record-17.pdf");
}

TEST_CASE("a template's own slash makes a folder — a value's never does") {
    auto n = name_for("{{patient.name}}/{{patient.id}}.pdf", "P1");
    CHECK(n.error.empty());
    CHECK(n.path == "Ana/P1.pdf");
    auto v = name_for("{{patient.id}}.pdf", "a/b");
    CHECK(v.error.empty());
    CHECK_MESSAGE(unsafe(v.path).empty(), v.path);
    CHECK(parts_of(v.path).size() == 1);
    CHECK(v.path.find("a") != std::string::npos);
    CHECK(v.path.find("b.pdf") != std::string::npos);
    auto back = name_for("{{patient.id}}.pdf", "a\\b");
    CHECK(back.error.empty());
    CHECK_MESSAGE(unsafe(back.path).empty(), back.path);
}

TEST_CASE("a value that climbs with .. or names an absolute path stays one harmless file name") {
    for (const std::string id : {"../../etc/passwd", "..", ".", "/etc/passwd", "..\\..\\x", "./../x", ".hidden"}) {
        for (const std::string tmpl : {"{{patient.id}}.pdf", "{{patient.id}}", "out/{{patient.id}}"}) {
            auto n = name_for(tmpl, id);
            CAPTURE(id);
            CAPTURE(tmpl);
            if (n.error.empty()) {
                CHECK_MESSAGE(unsafe(n.path).empty(), n.path);
                // The value adds no folder: as many parts as the template has.
                CHECK(parts_of(n.path).size() == parts_of(tmpl).size());
            } else {
                CHECK(n.path.empty());
                CHECK(n.error.find(id) == std::string::npos);
            }
        }
    }
}

TEST_CASE("control characters in a value never reach the file name") {
    for (const std::string& id : {std::string("x\ny"), std::string("x\ry"), std::string("x\ty"), std::string("x\x7fy"),
                                 std::string("x\x1by"), std::string("x\0y", 3), std::string("x\xC2\x85y")}) {
        auto n = name_for("{{patient.id}}.pdf", id);
        CAPTURE(id);
        REQUIRE(n.error.empty());
        CHECK_MESSAGE(unsafe(n.path).empty(), n.path);
        CHECK(n.path.find("\xC2\x85") == std::string::npos);
        CHECK(n.path.front() == 'x');
        CHECK(n.path.find("y.pdf") != std::string::npos);
    }
}

TEST_CASE("a template that climbs or is absolute is an error") {
    for (const std::string tmpl : {"../{{patient.id}}.pdf", "/tmp/{{patient.id}}.pdf", "a/../../{{patient.id}}.pdf",
                                   "{{patient.id}}/../../x.pdf", ".."}) {
        auto n = name_for(tmpl, "P1");
        CAPTURE(tmpl);
        CHECK_FALSE(n.error.empty());
        CHECK(n.path.empty());
    }
}

TEST_CASE("a 10,000-character value gives a name part of at most 200 bytes that is still UTF-8") {
    std::string ascii(10000, 'a');
    std::string two_byte;   // "é" × 10,000
    std::string three_byte = "x";  // "€" × 10,000 after one byte, so byte cuts fall inside characters
    for (int i = 0; i < 10000; ++i) {
        two_byte += "\xC3\xA9";
        three_byte += "\xE2\x82\xAC";
    }
    for (const std::string* v : {&ascii, &two_byte, &three_byte}) {
        for (const std::string tmpl : {"{{patient.id}}.pdf", "{{patient.id}}{{patient.id}}{{patient.id}}.pdf",
                                       "a/{{patient.id}}-{{patient.id}}-{{patient.id}}-{{patient.id}}"}) {
            auto n = name_for(tmpl, *v);
            CAPTURE(tmpl);
            REQUIRE_MESSAGE(n.error.empty(), n.error);
            CHECK_MESSAGE(unsafe(n.path).empty(), n.path);
            for (const auto& part : parts_of(n.path)) {
                CHECK(part.size() <= 200);
                CHECK(g_utf8_validate(part.data(), static_cast<gssize>(part.size()), nullptr) != 0);
            }
        }
    }
}

TEST_CASE("invalid UTF-8 in a value becomes valid UTF-8 in the name") {
    auto n = name_for("{{patient.id}}.pdf", "ab\xFF\xC3(cd");
    REQUIRE(n.error.empty());
    CHECK_MESSAGE(unsafe(n.path).empty(), n.path);
    CHECK(n.path.find("ab") == 0);
}

TEST_CASE("a template naming a column the record lacks is an error naming the column, not a value") {
    auto n = handout::output_name("{{patient.mrn}}-{{patient.name}}.pdf",
                                  handout::Vars{{"patient.name", "Zzyzx Quetzal"}}, 3);
    CHECK(n.path.empty());
    CHECK(n.error.find("patient.mrn") != std::string::npos);
    CHECK(n.error.find("Zzyzx") == std::string::npos);
}

TEST_CASE("a blank or empty name is an error") {
    CHECK_FALSE(handout::output_name("", {}, 1).error.empty());
    CHECK_FALSE(name_for("{{patient.id}}", "").error.empty());
    CHECK_FALSE(name_for("{{patient.id}}/x.pdf", "   ").error.empty());
}

TEST_CASE("values that clean to the same name collide: both rows fail, neither file is written, the others render") {
    test::TempDir dir;
    std::string manifest = dir / "m.csv";
    // "A/1" and "A_1" both give A_1.pdf.
    test::write_file(manifest, "patient.id,patient.name\nA/1,Ana\nB2,Bob\nA_1,Cy\nD4,Dee\n");
    std::string out = dir / "out";
    auto r = test::run_batch_cli({"batch", manifest, "-c", greeting, "--out", out, "--jobs", "2"});
    CHECK_MESSAGE(r.exit_code == 1, r.err);
    CHECK(test::exists(out + "/B2.pdf"));
    CHECK(test::exists(out + "/D4.pdf"));
    CHECK_FALSE(test::exists(out + "/A_1.pdf"));
    auto files = test::list_files(out);
    CHECK(std::count_if(files.begin(), files.end(), [](const std::string& f) { return f.ends_with(".pdf"); }) == 2);
    auto report = test::read_json(out + "/report.json");
    for (std::size_t row : {1, 3}) {
        const auto* rec = record_at(report, row);
        REQUIRE(rec != nullptr);
        CHECK((*rec)["status"] == "failed");
        CHECK((*rec)["output"].is_null());
        REQUIRE((*rec)["error"].is_string());
        std::string err = (*rec)["error"];
        CHECK_MESSAGE(err.find('1') != std::string::npos, err);
        CHECK_MESSAGE(err.find('3') != std::string::npos, err);
    }
    for (std::size_t row : {2, 4}) {
        const auto* rec = record_at(report, row);
        REQUIRE(rec != nullptr);
        CHECK((*rec)["status"] == "ok");
    }
    CHECK(r.err.find("row 1 (id A/1) failed") != std::string::npos);
    CHECK(r.err.find("row 3 (id A_1) failed") != std::string::npos);
}

TEST_CASE("a collision is found across the whole manifest even when the rows are in different shards") {
    test::TempDir dir;
    std::string manifest = dir / "m.csv";
    test::write_file(manifest, "patient.id,patient.name\nSAME,Ana\nOTHER,Bob\n");
    std::string out = dir / "out";
    // Row 1 is shard 1/2's, row 2 is shard 2/2's; both are named by the same constant template.
    auto r1 = test::run_batch_cli({"batch", manifest, "-c", greeting, "--out", out, "--name", "fixed.pdf", "--shard", "1/2"});
    auto r2 = test::run_batch_cli({"batch", manifest, "-c", greeting, "--out", out, "--name", "fixed.pdf", "--shard", "2/2"});
    CHECK(r1.exit_code == 1);
    CHECK(r2.exit_code == 1);
    CHECK_FALSE(test::exists(out + "/fixed.pdf"));
}

TEST_CASE("values with slashes, dots and line breaks never create folders or escape --out") {
    test::TempDir dir;
    std::string manifest = dir / "m.csv";
    test::write_file(manifest,
                     "patient.id,patient.name\n"
                     "../../escaped,Ana\n"
                     "a/b,Bob\n"
                     "\"x\ny\",Cy\n"
                     "/etc/passwd,Dee\n");
    std::string out = dir / "out";
    auto r = test::run_batch_cli({"batch", manifest, "-c", greeting, "--out", out, "--jobs", "2"});
    // Each row either renders inside --out or fails; nothing lands elsewhere.
    CHECK(r.exit_code != 2);
    auto outside = test::list_files(dir.path());
    for (const auto& f : outside) {
        CHECK_MESSAGE((f == "m.csv" || f.rfind("out/", 0) == 0), f);
    }
    for (const auto& f : test::list_files(out)) {
        CHECK_MESSAGE(f.find('/') == std::string::npos, f);  // no folders inside --out either
        CHECK(f.find('\n') == std::string::npos);
    }
    auto report = test::read_json(out + "/report.json");
    std::size_t ok = 0;
    for (const auto& rec : report["records"]) {
        if (rec["status"] == "ok") {
            ++ok;
            std::string output = rec["output"];
            CHECK_MESSAGE(output.rfind(out + "/", 0) == 0, output);
            CHECK(test::exists(output));
        }
    }
    CHECK(ok == 4);
}

}  // TEST_SUITE
