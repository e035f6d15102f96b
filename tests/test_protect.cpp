// tests: --protect — a PDF encrypted with AES-256 (R6) by qpdf opens with the record's password
// and not without; printing and accessibility extraction are allowed, changes are not; the
// password template's date formats and its refusals name no value.
#include "helpers.hpp"

#include "batch/record_delivery.hpp"
#include "deliver/protect.hpp"

#include <doctest/doctest.h>

#include <qpdf/QPDF.hh>
#include <qpdf/QPDFExc.hh>

namespace {

/// A small real PDF: the tagged engine's rendering of the test greeting.
const std::string& sample_pdf() {
    static const std::string pdf = [] {
        test::TempDir dir;
        const std::string out = dir / "g.pdf";
        auto r = test::run_cli({"render", std::string(HANDOUT_TEST_DIR) + "/data/batch/greeting.md", "--var",
                                "patient.name=Ana Ruiz", "-o", out});
        REQUIRE_MESSAGE(r.exit_code == 0, r.err);
        return test::read_file(out);
    }();
    return pdf;
}

/// Whether qpdf opens `pdf` with `password` ("" = none).
bool opens(const std::string& pdf, const std::string& password) {
    try {
        QPDF q;
        q.setSuppressWarnings(true);
        q.processMemoryFile("protected", pdf.data(), pdf.size(), password.empty() ? nullptr : password.c_str());
        q.getAllPages();
        return true;
    } catch (const QPDFExc&) {
        return false;
    }
}

}  // namespace

TEST_SUITE("protect") {

TEST_CASE("protect: AES-256 R6, opens with the password only, print and accessibility allowed, changes not") {
    std::string out;
    auto error = handout::protect_pdf(sample_pdf(), "14031961", out);
    REQUIRE_MESSAGE(!error, *error);
    CHECK(out.rfind("%PDF-", 0) == 0);
    CHECK(out != sample_pdf());
    CHECK(opens(sample_pdf(), ""));  // the input was not encrypted
    CHECK_FALSE(opens(out, ""));
    CHECK_FALSE(opens(out, "14031962"));
    REQUIRE(opens(out, "14031961"));

    QPDF q;
    q.processMemoryFile("protected", out.data(), out.size(), "14031961");
    int R = 0, P = 0, V = 0;
    QPDF::encryption_method_e stream = QPDF::e_none, string = QPDF::e_none, file = QPDF::e_none;
    REQUIRE(q.isEncrypted(R, P, V, stream, string, file));
    CHECK(R == 6);
    CHECK(V == 5);
    CHECK(stream == QPDF::e_aesv3);
    CHECK(string == QPDF::e_aesv3);
    CHECK(q.allowPrintHighRes());
    CHECK(q.allowAccessibility());
    CHECK_FALSE(q.allowModifyAll());
    CHECK_FALSE(q.allowModifyAnnotation());
    CHECK_FALSE(q.allowModifyForm());
    CHECK_FALSE(q.allowModifyAssembly());
    CHECK_FALSE(q.allowExtractAll());
    // The pages and the tags survive: same page count, same structure tree root.
    QPDF plain;
    plain.processMemoryFile("plain", sample_pdf().data(), sample_pdf().size());
    CHECK(q.getAllPages().size() == plain.getAllPages().size());
    CHECK(q.getRoot().getKey("/StructTreeRoot").isDictionary());
    CHECK(q.getRoot().getKey("/MarkInfo").getKey("/Marked").isBool());
}

TEST_CASE("protect: the text comes back with the password (poppler)") {
    test::TempDir dir;
    std::string out;
    REQUIRE_FALSE(handout::protect_pdf(sample_pdf(), "secret-1961", out));
    test::write_file(dir / "p.pdf", out);
    auto with = test::run_command({"pdftotext", "-upw", "secret-1961", dir / "p.pdf", "-"});
    CHECK(with.exit_code == 0);
    CHECK(test::contains(with.out, "Ana Ruiz"));
    auto without = test::run_command({"pdftotext", dir / "p.pdf", "-"});
    CHECK(without.exit_code != 0);
    CHECK_FALSE(test::contains(without.out, "Ana Ruiz"));
}

TEST_CASE("protect: a damaged PDF is an error, not a crash, and the message holds no password") {
    std::string out;
    auto error = handout::protect_pdf("%PDF-1.7\nnot really", "14031961", out);
    REQUIRE(error);
    CHECK(test::contains(*error, "could not be protected"));
    CHECK_FALSE(test::contains(*error, "14031961"));
}

TEST_CASE("protect: password templates — dates as 8 digits, refusals name the variable and not the value") {
    const handout::Vars vars = {{"patient.dob", "1961-03-14"}, {"patient.id", "P1001"}, {"odd", "14/03/1961"},
                                {"short", "12345"}};
    std::string error;
    CHECK(handout::record_password("{{patient.dob|DDMMYYYY}}", vars, error) == "14031961");
    CHECK(error.empty());
    CHECK(handout::record_password("{{patient.dob|MMDDYYYY}}", vars, error) == "03141961");
    CHECK(handout::record_password("{{patient.dob|YYYYMMDD}}", vars, error) == "19610314");
    CHECK(handout::record_password("{{patient.id}}-{{patient.dob}}", vars, error) == "P1001-1961-03-14");
    CHECK(error.empty());

    CHECK(handout::record_password("{{patient.zip}}", vars, error).empty());
    CHECK(test::contains(error, "`patient.zip`"));
    error.clear();
    CHECK(handout::record_password("{{odd|DDMMYYYY}}", vars, error).empty());
    CHECK(test::contains(error, "YYYY-MM-DD"));
    CHECK_FALSE(test::contains(error, "14/03/1961"));
    error.clear();
    CHECK(handout::record_password("{{patient.dob|DD.MM.YY}}", vars, error).empty());
    CHECK(test::contains(error, "DDMMYYYY"));
    error.clear();
    CHECK(handout::record_password("{{short}}", vars, error).empty());
    CHECK(test::contains(error, "fewer than 6"));
    CHECK_FALSE(test::contains(error, "12345"));
    error.clear();
    CHECK(handout::record_password("", vars, error).empty());
    CHECK(test::contains(error, "empty"));
    error.clear();
    CHECK(handout::record_password("123456", vars, error) == "123456");  // exactly 6: enough
    CHECK(error.empty());
}

TEST_CASE("protect: message file names — flat, and two outputs never share one") {
    CHECK(handout::message_file_name("P1001.pdf") == "P1001.eml");
    CHECK(handout::message_file_name("es/P1001.pdf") == "es%2FP1001.eml");
    CHECK(handout::message_file_name("a/b.pdf") != handout::message_file_name("a_b.pdf"));
    CHECK(handout::message_file_name("a%2Fb.pdf") != handout::message_file_name("a/b.pdf"));
    CHECK(handout::message_file_name("notes") == "notes.eml");
}

}  // TEST_SUITE
