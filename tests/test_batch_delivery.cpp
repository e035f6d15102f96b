// tests: `handout batch` delivering to patients — each PDF protected with its record's password
// (and not openable without), the clinic's unprotected copy, one message per record in the
// outbox (0600) whose attachment is the protected PDF byte for byte; a record whose address
// hides a second recipient or a line break fails alone; no patient value reaches stderr, the
// report, the journal or a file name; and --smtp sends every message exactly once to a real
// SMTP server (aiosmtpd) as the batch goes, a re-run sending nothing again.
#include "helpers.hpp"
#include "smtp_server.hpp"

#include <doctest/doctest.h>

#include <gmime/gmime.h>
#include <nlohmann/json.hpp>
#include <qpdf/QPDF.hh>
#include <qpdf/QPDFExc.hh>

#include <algorithm>
#include <filesystem>
#include <mutex>

#include <sys/stat.h>

namespace {

namespace fs = std::filesystem;

const std::string greeting = std::string(HANDOUT_TEST_DIR) + "/data/batch/greeting.md";
const std::string email_template = "samples/email/consent.eml.txt";

struct Patient {
    std::string id, name, email, dob, password;
};

const std::vector<Patient> patients = {
    {"P1", "José Núñez", "jose.nunez@example.org", "1961-03-14", "14031961"},
    {"P2", "Ana Ruiz", "ana.ruiz@example.org", "1974-11-02", "02111974"},
    {"P3", "Nguyễn Thị Hương", "huong.nguyen@example.org", "1958-07-29", "29071958"},
};

std::string csv_field(const std::string& v) {
    std::string out = "\"";
    for (char c : v) {
        out += c == '"' ? std::string("\"\"") : std::string(1, c);
    }
    return out + "\"";
}

std::string manifest(const std::vector<Patient>& rows) {
    std::string csv = "patient.id,patient.name,patient.email,patient.dob,date,clinician.name,clinic.phone\n";
    for (const auto& p : rows) {
        csv += p.id + "," + csv_field(p.name) + "," + csv_field(p.email) + "," + p.dob + ",\"December 2, 2026\",Dr. Maya Okafor,(555) 014-2368\n";
    }
    return csv;
}

std::vector<std::string> delivery_args(const std::string& csv, const std::string& out, const test::TempDir& dir) {
    return {"batch",      csv,           "-c",       greeting,          "--out", out, "--protect", "--password",
            "{{patient.dob|DDMMYYYY}}", "--keep-unprotected", dir / "clinic", "--email-template", email_template,
            "--outbox",   dir / "outbox", "--jobs",  "2"};
}

bool opens(const std::string& pdf, const char* password) {
    try {
        QPDF q;
        q.setSuppressWarnings(true);
        q.processMemoryFile("pdf", pdf.data(), pdf.size(), password);
        return !q.getAllPages().empty();
    } catch (const QPDFExc&) {
        return false;
    }
}

unsigned mode_of(const std::string& path) {
    struct stat st {};
    REQUIRE(::stat(path.c_str(), &st) == 0);
    return st.st_mode & 0777;
}

/// A message's To address and its one application/pdf attachment, read back with GMime.
struct ParsedMessage {
    std::string to;
    std::string attachment;
    std::string filename;
    std::string message_id;
};

ParsedMessage parse_message(const std::string& bytes) {
    static std::once_flag once;
    std::call_once(once, [] { g_mime_init(); });
    ParsedMessage out;
    GMimeStream* stream = g_mime_stream_mem_new_with_buffer(bytes.data(), bytes.size());
    GMimeParser* parser = g_mime_parser_new_with_stream(stream);
    GMimeMessage* message = g_mime_parser_construct_message(parser, nullptr);
    g_object_unref(parser);
    g_object_unref(stream);
    REQUIRE(message != nullptr);
    InternetAddressList* to = g_mime_message_get_to(message);
    if (internet_address_list_length(to) == 1) {
        InternetAddress* a = internet_address_list_get_address(to, 0);
        if (INTERNET_ADDRESS_IS_MAILBOX(a)) {
            out.to = internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(a));
        }
    }
    if (const char* id = g_mime_message_get_message_id(message)) {
        out.message_id = id;
    }
    GMimePartIter* iter = g_mime_part_iter_new(GMIME_OBJECT(message));
    do {
        GMimeObject* part = g_mime_part_iter_get_current(iter);
        if (part != nullptr && GMIME_IS_PART(part) &&
            g_mime_content_type_is_type(g_mime_object_get_content_type(part), "application", "pdf")) {
            if (const char* f = g_mime_part_get_filename(GMIME_PART(part))) {
                out.filename = f;
            }
            GMimeDataWrapper* content = g_mime_part_get_content(GMIME_PART(part));
            GMimeStream* mem = g_mime_stream_mem_new();
            g_mime_data_wrapper_write_to_stream(content, mem);
            GByteArray* array = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(mem));
            out.attachment.assign(reinterpret_cast<const char*>(array->data), array->len);
            g_object_unref(mem);
        }
    } while (g_mime_part_iter_next(iter));
    g_mime_part_iter_free(iter);
    g_object_unref(message);
    return out;
}

/// Everything a batch leaves that is not a patient's own document: stderr, the report, the
/// journal, the sent-log, and every file name.
std::string bookkeeping(const test::RunResult& r, const test::TempDir& dir) {
    std::string all = r.err + r.out;
    for (const auto& f : test::list_files(dir.path())) {
        all += "\n" + f;
        const std::string name = fs::path(f).filename().string();
        if (name == "report.json" || name.rfind(".handout-state", 0) == 0 || name == "sent-log.jsonl") {
            all += test::read_file(f);
        }
    }
    return all;
}

void check_no_patient_value(const std::string& text, const std::vector<Patient>& rows) {
    for (const auto& p : rows) {
        CHECK_FALSE(test::contains(text, p.name));
        CHECK_FALSE(test::contains(text, p.email));
        CHECK_FALSE(test::contains(text, p.dob));
        CHECK_FALSE(test::contains(text, p.password));
    }
}

}  // namespace

TEST_SUITE("batch") {

TEST_CASE("delivery: protected PDFs, the clinic's copies and one message per record, attachment byte for byte") {
    test::TempDir dir;
    const std::string csv = dir / "today.csv";
    test::write_file(csv, manifest(patients));
    const std::string out = dir / "out";
    auto r = test::run_batch_cli(delivery_args(csv, out, dir));
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    for (const auto& p : patients) {
        CAPTURE(p.id);
        const std::string pdf = test::read_file(out + "/" + p.id + ".pdf");
        const std::string copy = test::read_file(dir / "clinic/" + p.id + ".pdf");
        REQUIRE(!pdf.empty());
        REQUIRE(!copy.empty());
        CHECK_FALSE(opens(pdf, nullptr));
        CHECK_FALSE(opens(pdf, "00000000"));
        CHECK(opens(pdf, p.password.c_str()));
        CHECK(opens(copy, nullptr));  // the clinic's copy is not encrypted
        CHECK(test::contains(test::pdftotext(dir / "clinic/" + p.id + ".pdf"), p.name));
        const std::string eml = dir / "outbox/" + p.id + ".eml";
        REQUIRE(test::exists(eml));
        CHECK(mode_of(eml) == 0600);
        CHECK(mode_of(out + "/" + p.id + ".pdf") == 0600);
        const ParsedMessage m = parse_message(test::read_file(eml));
        CHECK(m.to == p.email);
        CHECK(m.attachment == pdf);
        CHECK(m.filename == "greeting.pdf");
        CHECK(!m.message_id.empty());
    }
    check_no_patient_value(bookkeeping(r, dir), patients);

    // Run again: every record is up to date, and its message keeps its Message-ID.
    const std::string first_id = parse_message(test::read_file(dir / "outbox/P2.eml")).message_id;
    fs::remove(dir / "outbox/P2.eml");
    auto again = test::run_batch_cli(delivery_args(csv, out, dir));
    REQUIRE_MESSAGE(again.exit_code == 0, again.err);
    REQUIRE(test::exists(dir / "outbox/P2.eml"));  // a missing message is made again
    CHECK(parse_message(test::read_file(dir / "outbox/P2.eml")).message_id == first_id);
    const auto report = test::read_json(out + "/report.json");
    auto rows = test::by_row(report);
    CHECK(rows.at(1)["status"] == "skipped");
    CHECK(rows.at(2)["status"] == "ok");
    CHECK(rows.at(3)["status"] == "skipped");
}

TEST_CASE("delivery: an address that hides a second recipient or a line break fails its record alone, naming the row") {
    test::TempDir dir;
    std::vector<Patient> rows = patients;
    rows.push_back({"P4", "Evil Comma", "p4@example.org, thief@evil.example", "1970-01-01", "01011970"});
    rows.push_back({"P5", "Evil Newline", "p5@example.org\nBcc: thief@evil.example", "1970-01-02", "02011970"});
    rows.push_back({"P6", "Evil Angle", "Friend <thief@evil.example>", "1970-01-03", "03011970"});
    rows.push_back({"P7", "Evil Semicolon", "p7@example.org;thief@evil.example", "1970-01-04", "04011970"});
    const std::string csv = dir / "today.csv";
    test::write_file(csv, manifest(rows));
    const std::string out = dir / "out";
    auto r = test::run_batch_cli(delivery_args(csv, out, dir));
    CHECK(r.exit_code == 1);
    const auto report = test::read_json(out + "/report.json");
    auto records = test::by_row(report);
    for (std::size_t row = 1; row <= 3; ++row) {
        CHECK(records.at(row)["status"] == "ok");
    }
    for (std::size_t row = 4; row <= 7; ++row) {
        CAPTURE(row);
        CHECK(records.at(row)["status"] == "failed");
        CHECK(test::contains(test::error_of(records.at(row)), "address"));
        CHECK(test::contains(r.err, "row " + std::to_string(row)));
        const std::string id = "P" + std::to_string(row);
        CHECK_FALSE(test::exists(out + "/" + id + ".pdf"));  // nothing is written for a failed record
        CHECK_FALSE(test::exists(dir / "outbox/" + id + ".eml"));
    }
    std::string outbox;
    for (const auto& f : test::list_files(dir / "outbox")) {
        outbox += test::read_file(f);
    }
    CHECK_FALSE(test::contains(outbox, "thief@evil.example"));
    CHECK_FALSE(test::contains(bookkeeping(r, dir), "thief@evil.example"));
    check_no_patient_value(bookkeeping(r, dir), rows);
}

TEST_CASE("delivery: a missing password variable or an undated birth date fails the record, naming the column only") {
    test::TempDir dir;
    std::vector<Patient> rows = {patients[0], {"P2", "Ana Ruiz", "ana.ruiz@example.org", "14/03/1961", "x"}};
    const std::string csv = dir / "today.csv";
    test::write_file(csv, manifest(rows));
    auto r = test::run_batch_cli(delivery_args(csv, dir / "out", dir));
    CHECK(r.exit_code == 1);
    const auto report = test::read_json(dir / "out/report.json");
    auto records = test::by_row(report);
    CHECK(records.at(1)["status"] == "ok");
    CHECK(records.at(2)["status"] == "failed");
    CHECK(test::contains(test::error_of(records.at(2)), "`patient.dob` is not a date written YYYY-MM-DD"));
    CHECK_FALSE(test::contains(r.err + test::read_file(dir / "out/report.json"), "14/03/1961"));
}

TEST_CASE("delivery: a record in Spanish gets the Spanish message (consent.es.eml.txt beside the template)") {
    test::TempDir dir;
    const std::string csv = dir / "today.csv";
    test::write_file(csv, "patient.id,patient.name,patient.email,patient.dob,date,clinician.name,clinic.phone,lang\n"
                          "P1,Ana Ruiz,ana.ruiz@example.org,1974-11-02,2 de diciembre,Dra. Okafor,(555) 014-2368,es\n"
                          "P2,Ann Rice,ann.rice@example.org,1974-11-03,December 2,Dr. Okafor,(555) 014-2368,en\n");
    auto r = test::run_batch_cli(delivery_args(csv, dir / "out", dir));
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    const std::string es = test::read_file(dir / "outbox/P1.eml");
    const std::string en = test::read_file(dir / "outbox/P2.eml");
    auto subject = [](const std::string& eml) {
        GMimeStream* stream = g_mime_stream_mem_new_with_buffer(eml.data(), eml.size());
        GMimeParser* parser = g_mime_parser_new_with_stream(stream);
        GMimeMessage* message = g_mime_parser_construct_message(parser, nullptr);
        std::string s = message != nullptr && g_mime_message_get_subject(message) != nullptr
                                ? g_mime_message_get_subject(message)
                                : "";
        if (message != nullptr) {
            g_object_unref(message);
        }
        g_object_unref(parser);
        g_object_unref(stream);
        return s;
    };
    (void)parse_message(es);  // initialises GMime
    CHECK(subject(es) == "Su hoja de consentimiento para la infusión de ketamina (2 de diciembre)");
    CHECK(subject(en) == "Your ketamine infusion consent sheet for December 2");
}

TEST_CASE("delivery: a message over --limit message-size fails its record; at the limit it is made") {
    test::TempDir dir;
    const std::string csv = dir / "today.csv";
    test::write_file(csv, manifest({patients[0]}));
    auto args = delivery_args(csv, dir / "out", dir);
    args.insert(args.end(), {"--limit", "message-size=4K"});
    auto r = test::run_batch_cli(args);
    CHECK(r.exit_code == 1);
    const auto records = test::by_row(test::read_json(dir / "out/report.json"));
    CHECK(records.at(1)["status"] == "failed");
    CHECK(test::contains(test::error_of(records.at(1)), "--limit message-size"));
    CHECK_FALSE(test::exists(dir / "outbox/P1.eml"));
    CHECK_FALSE(test::exists(dir / "out/P1.pdf"));

    // The same record under a limit of its message's own size: made.
    auto plain = test::run_batch_cli(delivery_args(csv, dir / "out2", dir));
    REQUIRE_MESSAGE(plain.exit_code == 0, plain.err);
    const auto size = test::read_file(dir / "outbox/P1.eml").size();
    fs::remove(dir / "outbox/P1.eml");
    auto at_limit = delivery_args(csv, dir / "out3", dir);
    // Protection uses fresh random keys, so the size may move by the odd byte: allow 64.
    at_limit.insert(at_limit.end(), {"--limit", "message-size=" + std::to_string(size + 64)});
    auto ok = test::run_batch_cli(at_limit);
    CHECK_MESSAGE(ok.exit_code == 0, ok.err);
    CHECK(test::exists(dir / "outbox/P1.eml"));
}

TEST_CASE("delivery: a --name that holds more than the id is warned about: message files and the sent-log carry it") {
    test::TempDir dir;
    const std::string csv = dir / "today.csv";
    test::write_file(csv, manifest({patients[1]}));
    auto named = delivery_args(csv, dir / "out", dir);
    named.insert(named.end(), {"--name", "{{patient.name}}.pdf"});
    auto r = test::run_batch_cli(named);
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    CHECK(test::contains(r.err, "warning: --name uses `patient.name`"));
    CHECK_FALSE(test::contains(r.err, "Ana Ruiz"));
    auto by_id = delivery_args(csv, dir / "out2", dir);
    by_id.insert(by_id.end(), {"--name", "{{patient.id}}-{{row}}.pdf"});
    auto quiet = test::run_batch_cli(by_id);
    REQUIRE_MESSAGE(quiet.exit_code == 0, quiet.err);
    CHECK_FALSE(test::contains(quiet.err, "--name uses"));
}

TEST_CASE("delivery: the flags that need each other say so before anything is rendered") {
    test::TempDir dir;
    const std::string csv = dir / "today.csv";
    test::write_file(csv, manifest(patients));
    auto no_password = test::run_batch_cli({"batch", csv, "-c", greeting, "--out", dir / "a", "--protect"});
    CHECK(no_password.exit_code == 2);
    CHECK(test::contains(no_password.err, "--protect needs --password"));
    auto unprotected_mail = test::run_batch_cli(
            {"batch", csv, "-c", greeting, "--out", dir / "b", "--email-template", email_template});
    CHECK(unprotected_mail.exit_code == 2);
    CHECK(test::contains(unprotected_mail.err, "--email-template needs --protect"));
    auto send_alone = test::run_batch_cli({"batch", csv, "-c", greeting, "--out", dir / "c", "--send"});
    CHECK(send_alone.exit_code == 2);
    CHECK(test::contains(send_alone.err, "go with --smtp"));
    auto copies_over_pdfs = test::run_batch_cli({"batch", csv, "-c", greeting, "--out", dir / "d", "--protect", "--password",
                                                 "{{patient.dob|DDMMYYYY}}", "--keep-unprotected", dir / "d/"});
    CHECK(copies_over_pdfs.exit_code == 2);
    CHECK(test::contains(copies_over_pdfs.err, "--keep-unprotected names the folder of --out"));
    CHECK(test::list_files(dir / "d").empty());
    CHECK(test::list_files(dir / "a").empty());
    CHECK(test::list_files(dir / "b").empty());
}

TEST_CASE("delivery: --smtp sends each record's message once as the batch goes; a re-run sends none again") {
    test::SmtpServer server;
    REQUIRE_MESSAGE(server.ok(), server.error());
    test::TempDir dir;
    const std::string csv = dir / "today.csv";
    test::write_file(csv, manifest(patients));
    auto args = delivery_args(csv, dir / "out", dir);
    args.insert(args.end(), {"--smtp", server.url(), "--insecure-local"});

    // Without --send: a dry run, nothing sent.
    auto dry = test::run_batch_cli(args);
    REQUIRE_MESSAGE(dry.exit_code == 0, dry.err);
    CHECK(test::contains(dry.err, "dry run: 3 messages would be sent"));
    CHECK(server.count() == 0);

    args.push_back("--send");
    auto r = test::run_batch_cli(args);
    REQUIRE_MESSAGE(r.exit_code == 0, (r.err + server.log()));
    auto got = server.messages();
    REQUIRE(got.size() == patients.size());
    for (const auto& p : patients) {
        CAPTURE(p.id);
        const std::string eml = test::read_file(dir / "outbox/" + p.id + ".eml");
        std::size_t found = 0;
        for (const auto& m : got) {
            if (m.rcpt_tos == std::vector<std::string>{p.email}) {
                ++found;
                const ParsedMessage parsed = parse_message(m.data);
                CHECK(parsed.attachment == test::read_file(dir / "out/" + p.id + ".pdf"));
                CHECK(opens(parsed.attachment, p.password.c_str()));
                CHECK_FALSE(opens(parsed.attachment, nullptr));
            }
        }
        CHECK(found == 1);
    }
    check_no_patient_value(bookkeeping(r, dir), patients);

    auto again = test::run_batch_cli(args);
    REQUIRE_MESSAGE(again.exit_code == 0, again.err);
    CHECK(test::contains(again.err, "sent 0, already sent 3"));
    CHECK(server.count() == patients.size());

    // Another folder for the clinic's copies and the outbox spelled otherwise: every record is
    // rendered again, and its message keeps its Message-ID, so none goes twice.
    auto moved = args;
    *std::find(moved.begin(), moved.end(), dir / "clinic") = dir / "clinic-2";
    *std::find(moved.begin(), moved.end(), dir / "outbox") = dir / "outbox/";
    auto third = test::run_batch_cli(moved);
    REQUIRE_MESSAGE(third.exit_code == 0, third.err);
    CHECK(test::contains(third.err, "3 ok"));
    CHECK(test::contains(third.err, "sent 0, already sent 3"));
    CHECK(server.count() == patients.size());
}

}  // TEST_SUITE
