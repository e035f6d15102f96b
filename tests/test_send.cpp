// tests: `handout send` against a real SMTP server (aiosmtpd, tests/smtp_server.hpp) — every
// message arrives once and byte for byte; a dry run sends nothing and shows no address; a
// refused recipient fails alone; 4xx then 2xx arrives once; a connection dropped mid-data is
// tried again; a server gone mid-run leaves the rest for a re-run and the cut-off message in
// doubt; --limit; kill -9 and a re-run give each Message-ID exactly once; STARTTLS required;
// the sent-log and stderr hold no recipient.
#include "helpers.hpp"
#include "smtp_server.hpp"

#include "cli/send_command.hpp"
#include "mail/outbox.hpp"
#include "mail/send.hpp"
#include "mail/sent_log.hpp"
#include "mail/smtp.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <map>
#include <random>
#include <sstream>
#include <thread>

#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

namespace {

namespace fs = std::filesystem;
using handout::SendJob;
using handout::SendOutcome;
using Status = handout::SendResult::Status;

/// The patients' values: none may reach stderr, stdout (in full) or the sent-log.
std::string recipient(int i) {
    return "zzyzx.quetzal" + std::to_string(i) + "@patients.example";
}
const std::string patient_name = "Zzyzx Quetzal";

std::string base64(std::string_view bytes) {
    static constexpr char table[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    std::size_t line = 0;
    for (std::size_t i = 0; i < bytes.size(); i += 3) {
        std::uint32_t v = static_cast<unsigned char>(bytes[i]) << 16;
        if (i + 1 < bytes.size()) {
            v |= static_cast<unsigned char>(bytes[i + 1]) << 8;
        }
        if (i + 2 < bytes.size()) {
            v |= static_cast<unsigned char>(bytes[i + 2]);
        }
        out += table[(v >> 18) & 63];
        out += table[(v >> 12) & 63];
        out += i + 1 < bytes.size() ? table[(v >> 6) & 63] : '=';
        out += i + 2 < bytes.size() ? table[v & 63] : '=';
        if ((line += 4) == 76) {
            out += "\r\n";
            line = 0;
        }
    }
    return line > 0 ? out + "\r\n" : out;
}

std::string message_id(int i) {
    return "m" + std::to_string(i) + ".5f3a9c@clinic.example";
}

/// A small RFC 5322 message with a PDF-ish attachment, CRLF line ends; body lines beginning with
/// a dot exercise SMTP transparency.
std::string make_eml(int i, const std::string& to_header, std::size_t pdf_bytes = 4000) {
    std::mt19937 random(static_cast<unsigned>(i));
    std::string pdf = "%PDF-1.7\n%\xE2\xE3\xCF\xD3\n";
    while (pdf.size() < pdf_bytes) {
        pdf += static_cast<char>(random() & 0xFF);
    }
    pdf += "\n%%EOF\n";
    return "From: Riverside Pain Clinic <desk@clinic.example>\r\n"
           "To: " + to_header + "\r\n"
           "Subject: Your consent sheet\r\n"
           "Date: Tue, 07 May 2024 09:00:00 +0000\r\n"
           "Message-ID: <" + message_id(i) + ">\r\n"
           "MIME-Version: 1.0\r\n"
           "Content-Type: multipart/mixed; boundary=\"b1\"\r\n"
           "\r\n"
           "--b1\r\n"
           "Content-Type: text/plain; charset=utf-8\r\n"
           "\r\n"
           "Dear patient,\r\n"
           ".a line that begins with a dot\r\n"
           "..and one with two\r\n"
           ".\r\n"
           "the sheet is attached.\r\n"
           "--b1\r\n"
           "Content-Type: application/pdf; name=\"consent.pdf\"\r\n"
           "Content-Disposition: attachment; filename=\"consent.pdf\"\r\n"
           "Content-Transfer-Encoding: base64\r\n"
           "\r\n" + base64(pdf) +
           "--b1--\r\n";
}

std::string to_header(int i) {
    return "\"" + patient_name + "\" <" + recipient(i) + ">";
}

std::string eml_name(int i) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%04d.eml", i);
    return buf;
}

/// An outbox of `n` messages, 0001.eml … (mode 0600, as the batch writes them).
std::string make_outbox(const test::TempDir& dir, int n, std::size_t pdf_bytes = 4000) {
    const std::string outbox = dir / "outbox";
    fs::create_directories(outbox);
    for (int i = 1; i <= n; ++i) {
        const std::string path = outbox + "/" + eml_name(i);
        test::write_file(path, make_eml(i, to_header(i), pdf_bytes));
        ::chmod(path.c_str(), 0600);
    }
    return outbox;
}

SendJob send_job(const std::string& outbox, const test::SmtpServer& server) {
    SendJob job;
    job.outbox = outbox;
    job.smtp_url = server.url();
    job.send = true;
    job.insecure_local = true;
    job.retries = 3;
    job.backoff_seconds = 0.01;
    job.timeout_seconds = 30;
    job.quiet = true;
    return job;
}

/// The Message-ID header's value in a received message ("" when none).
std::string id_in(const std::string& data) {
    const auto at = data.find("Message-ID: <");
    if (at == std::string::npos) {
        return {};
    }
    const auto begin = at + 13;
    return data.substr(begin, data.find('>', begin) - begin);
}

/// How many times each Message-ID reached the server.
std::map<std::string, int> ids_received(const std::vector<const test::SmtpServer*>& servers) {
    std::map<std::string, int> ids;
    for (const auto* s : servers) {
        for (const auto& m : s->messages()) {
            ++ids[id_in(m.data)];
        }
    }
    return ids;
}

const handout::SendResult& result_for(const SendOutcome& o, const std::string& file) {
    for (const auto& r : o.results) {
        if (r.file == file) {
            return r;
        }
    }
    FAIL("no result for " << file);
    throw std::logic_error("unreachable");
}

/// std::cout and std::cerr captured while the value lives.
class CaptureOutput {
public:
    CaptureOutput() : m_old_out(std::cout.rdbuf(m_out.rdbuf())), m_old_err(std::cerr.rdbuf(m_err.rdbuf())) {}
    ~CaptureOutput() {
        std::cout.rdbuf(m_old_out);
        std::cerr.rdbuf(m_old_err);
    }
    std::string out() const { return m_out.str(); }
    std::string err() const { return m_err.str(); }

private:
    std::ostringstream m_out, m_err;
    std::streambuf* m_old_out;
    std::streambuf* m_old_err;
};

std::string outcome_text(const SendOutcome& o) {
    std::string s = test::describe(o.diagnostics);
    for (const auto& r : o.results) {
        s += r.file + " status " + std::to_string(static_cast<int>(r.status)) + " code " + std::to_string(r.smtp_code) +
             " attempts " + std::to_string(r.attempts) + " " + r.error + "\n";
    }
    return s;
}

/// Fails the check when `text` holds any recipient of messages 1…n, or the patient's name.
void check_no_patient_value(const std::string& text, int n, const std::string& what) {
    INFO(what << ":\n" << text);
    CHECK(!test::contains(text, patient_name));
    CHECK(!test::contains(text, "zzyzx"));
    CHECK(!test::contains(text, "Zzyzx"));
    for (int i = 1; i <= n; ++i) {
        CHECK(!test::contains(text, recipient(i)));
    }
}

/// The sent-log's events for one file, in order.
std::vector<std::string> events_for(const std::string& outbox, const std::string& file) {
    std::vector<std::string> events;
    for (const auto& line : test::split_lines(test::read_file(outbox + "/sent-log.jsonl"))) {
        auto j = nlohmann::json::parse(line);
        if (j["file"] == file) {
            events.push_back(j["event"].get<std::string>());
        }
    }
    return events;
}

}  // namespace

TEST_SUITE("mail") {

TEST_CASE("send: every message arrives once and byte for byte, and a second run sends nothing") {
    test::TempDir dir;
    const std::string outbox = make_outbox(dir, 5);
    test::write_file(outbox + "/notes.txt", "not a message");
    test::write_file(outbox + "/.handout-0006.eml.tmp-host-1-abc", make_eml(6, to_header(6)));
    test::SmtpServer server;
    REQUIRE_MESSAGE(server.ok(), server.error());

    const SendOutcome first = handout::run_send(send_job(outbox, server));
    INFO(outcome_text(first));
    CHECK(first.ok());
    CHECK(first.sent == 5);
    CHECK(first.results.size() == 5);
    const auto received = server.messages();
    REQUIRE(received.size() == 5);
    for (int i = 1; i <= 5; ++i) {
        const auto& m = received[static_cast<std::size_t>(i - 1)];  // sent in name order
        CHECK(m.data == test::read_file(outbox + "/" + eml_name(i)));
        CHECK(m.mail_from == "desk@clinic.example");
        CHECK(m.rcpt_tos == std::vector<std::string>{recipient(i)});
        CHECK(events_for(outbox, eml_name(i)) == std::vector<std::string>{"pending", "sent"});
    }
    struct stat st {};
    REQUIRE(::stat((outbox + "/sent-log.jsonl").c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0600);

    const SendOutcome second = handout::run_send(send_job(outbox, server));
    CHECK(second.ok());
    CHECK(second.sent == 0);
    CHECK(second.already_sent == 5);
    CHECK(server.count() == 5);
}

TEST_CASE("send: a dry run sends nothing, writes no log and shows each recipient masked") {
    test::TempDir dir;
    const std::string outbox = make_outbox(dir, 3);
    test::SmtpServer server;
    REQUIRE_MESSAGE(server.ok(), server.error());
    SendJob job = send_job(outbox, server);
    job.send = false;
    job.quiet = false;
    SendOutcome o;
    std::string out, err;
    {
        CaptureOutput capture;
        o = handout::run_send(job);
        out = capture.out();
        err = capture.err();
    }
    INFO(out << err);
    CHECK(o.ok());
    CHECK(o.would_send == 3);
    CHECK(o.sent == 0);
    CHECK(server.count() == 0);
    CHECK(!test::exists(outbox + "/sent-log.jsonl"));
    check_no_patient_value(out + err, 3, "dry run output");
    for (int i = 1; i <= 3; ++i) {
        CHECK(test::contains(out, eml_name(i)));
    }
    CHECK(test::contains(out, "to z…@p….example"));
    CHECK(test::contains(out, "would send"));
    CHECK(test::contains(out, "3 messages"));
    CHECK(test::contains(out, "--send"));
}

TEST_CASE("send: a refused recipient fails that message alone, at once, and the rest arrive") {
    test::TempDir dir;
    const std::string outbox = make_outbox(dir, 4);
    test::SmtpServer server({.refuse = {recipient(2)}});
    REQUIRE_MESSAGE(server.ok(), server.error());
    SendJob job = send_job(outbox, server);
    job.quiet = false;
    SendOutcome o;
    std::string err;
    {
        CaptureOutput capture;
        o = handout::run_send(job);
        err = capture.err();
    }
    INFO(outcome_text(o) << err);
    CHECK(!o.ok());
    CHECK(o.sent == 3);
    CHECK(o.failed == 1);
    const auto& refused = result_for(o, eml_name(2));
    CHECK(refused.status == Status::failed);
    CHECK(refused.smtp_code == 550);
    CHECK(refused.attempts == 1);  // a 5xx is not tried again
    CHECK(test::contains(refused.error, "recipient refused"));
    CHECK(!test::contains(refused.error, "@"));
    CHECK(server.count() == 3);
    CHECK(events_for(outbox, eml_name(2)) == std::vector<std::string>{"failed"});
    check_no_patient_value(err, 4, "stderr");
    check_no_patient_value(test::read_file(outbox + "/sent-log.jsonl"), 4, "sent-log");

    // Failed is re-sendable: a re-run tries it (and only it) again.
    const SendOutcome again = handout::run_send(send_job(outbox, server));
    CHECK(again.already_sent == 3);
    CHECK(again.failed == 1);
    CHECK(result_for(again, eml_name(2)).attempts == 1);
    CHECK(server.count() == 3);
}

TEST_CASE("send: a 451 to the data, then 250, arrives once after a retry") {
    test::TempDir dir;
    const std::string outbox = make_outbox(dir, 3);
    test::SmtpServer server({.fail_data = 1});
    REQUIRE_MESSAGE(server.ok(), server.error());
    const SendOutcome o = handout::run_send(send_job(outbox, server));
    INFO(outcome_text(o));
    CHECK(o.ok());
    CHECK(o.sent == 3);
    CHECK(result_for(o, eml_name(1)).attempts == 2);
    CHECK(result_for(o, eml_name(2)).attempts == 1);
    // The 451 came after the whole message: its "failed" line settles the "pending" one.
    CHECK(events_for(outbox, eml_name(1)) == std::vector<std::string>{"pending", "failed", "pending", "sent"});
    const auto ids = ids_received({&server});
    CHECK(ids.size() == 3);
    for (const auto& [id, n] : ids) {
        CHECK_MESSAGE(n == 1, id);
    }
    check_no_patient_value(test::read_file(outbox + "/sent-log.jsonl"), 3, "sent-log");
}

TEST_CASE("send: 4xx on every try fails the message after the retries, and the next message still goes") {
    test::TempDir dir;
    const std::string outbox = make_outbox(dir, 2);
    test::SmtpServer server({.fail_data = 3});
    REQUIRE_MESSAGE(server.ok(), server.error());
    SendJob job = send_job(outbox, server);
    job.retries = 2;
    const SendOutcome o = handout::run_send(job);
    INFO(outcome_text(o));
    CHECK(result_for(o, eml_name(1)).status == Status::failed);
    CHECK(result_for(o, eml_name(1)).attempts == 3);
    CHECK(result_for(o, eml_name(1)).smtp_code == 451);
    CHECK(result_for(o, eml_name(2)).status == Status::sent);
    CHECK(server.count() == 1);
    // A re-run sends the failed one.
    const SendOutcome again = handout::run_send(job);
    CHECK(again.sent == 1);
    CHECK(again.already_sent == 1);
    CHECK(ids_received({&server}).size() == 2);
}

TEST_CASE("send: a connection reset in the middle of the data is tried again and the message arrives once") {
    test::TempDir dir;
    // The second message is far larger than what the socket buffers hold (the server reads only
    // its first 1,000 bytes, so its receive window stays small; the send buffer is at most 4 MB by
    // default), so the reset reaches curl while it still has data to hand over: not in doubt.
    const std::string outbox = make_outbox(dir, 3);
    const std::string big = outbox + "/" + eml_name(2);
    test::write_file(big, make_eml(2, to_header(2), 24u << 20));
    test::SmtpServer server({.drop_mid_data = 2});
    REQUIRE_MESSAGE(server.ok(), server.error());
    const SendOutcome o = handout::run_send(send_job(outbox, server));
    INFO(outcome_text(o) << server.log());
    CHECK(o.ok());
    CHECK(o.sent == 3);
    CHECK(result_for(o, eml_name(2)).attempts == 2);
    const auto received = server.messages();
    REQUIRE(received.size() == 3);
    CHECK(received[1].data == test::read_file(big));
}

TEST_CASE("send: a server gone mid-run leaves the cut-off message in doubt and the rest for a re-run") {
    test::TempDir dir;
    const std::string outbox = make_outbox(dir, 5);
    SendOutcome first, second, third;
    test::SmtpServer gone({.drop_after = 2});  // stores 0002 without replying, then refuses everything
    REQUIRE_MESSAGE(gone.ok(), gone.error());
    SendJob job = send_job(outbox, gone);
    job.retries = 2;
    first = handout::run_send(job);
    INFO("first run:\n" << outcome_text(first));
    CHECK(result_for(first, eml_name(1)).status == Status::sent);
    CHECK(result_for(first, eml_name(2)).status == Status::in_doubt);
    CHECK(result_for(first, eml_name(3)).status == Status::failed);
    CHECK(result_for(first, eml_name(3)).attempts == 3);
    CHECK(result_for(first, eml_name(4)).status == Status::stopped);
    CHECK(result_for(first, eml_name(5)).status == Status::stopped);
    CHECK(test::find_diag(first.diagnostics, "could not be reached") != nullptr);
    CHECK(gone.count() == 2);
    CHECK(events_for(outbox, eml_name(2)) == std::vector<std::string>{"pending"});

    // The re-run sends exactly the rest; 0002 stays in doubt (the server has it).
    test::SmtpServer back;
    REQUIRE_MESSAGE(back.ok(), back.error());
    second = handout::run_send(send_job(outbox, back));
    INFO("second run:\n" << outcome_text(second));
    CHECK(second.sent == 3);
    CHECK(second.already_sent == 1);
    CHECK(second.in_doubt == 1);
    CHECK(!second.ok());
    CHECK(result_for(second, eml_name(2)).status == Status::in_doubt);
    auto ids = ids_received({&gone, &back});
    CHECK(ids.size() == 5);
    for (const auto& [id, n] : ids) {
        CHECK_MESSAGE(n == 1, id);
    }

    // --resend-in-doubt sends it again, and only it.
    test::SmtpServer third_server;
    REQUIRE_MESSAGE(third_server.ok(), third_server.error());
    SendJob resend = send_job(outbox, third_server);
    resend.resend_in_doubt = true;
    third = handout::run_send(resend);
    CHECK(third.ok());
    CHECK(third.sent == 1);
    REQUIRE(third_server.count() == 1);
    CHECK(id_in(third_server.messages()[0].data) == message_id(2));
}

TEST_CASE("send: --limit sends at most N in name order, and the next runs send the rest") {
    test::TempDir dir;
    const std::string outbox = make_outbox(dir, 5);
    test::SmtpServer server;
    REQUIRE_MESSAGE(server.ok(), server.error());
    SendJob job = send_job(outbox, server);
    job.limit = 2;
    const SendOutcome first = handout::run_send(job);
    CHECK(first.ok());
    CHECK(first.sent == 2);
    CHECK(first.not_sent_limit == 3);
    CHECK(result_for(first, eml_name(3)).status == Status::skipped_limit);
    const SendOutcome second = handout::run_send(job);
    CHECK(second.sent == 2);
    CHECK(second.already_sent == 2);
    job.limit = 0;
    const SendOutcome third = handout::run_send(job);
    CHECK(third.sent == 1);
    const auto received = server.messages();
    REQUIRE(received.size() == 5);
    for (int i = 1; i <= 5; ++i) {
        CHECK(id_in(received[static_cast<std::size_t>(i - 1)].data) == message_id(i));
    }
}

TEST_CASE("send: kill -9 of handout send mid-run, a re-run, and the server has each Message-ID exactly once") {
    test::TempDir dir;
    constexpr int n = 12;
    const std::string outbox = make_outbox(dir, n);
    // Each reply waits a little after the message is stored: the kill lands while a message is
    // stored but not yet answered (its "pending" line written, no "sent").
    test::SmtpServer server({.delay_seconds = 0.3});
    REQUIRE_MESSAGE(server.ok(), server.error());

    // The real `handout send` process, killed as an operator's kill -9 or the OOM killer would.
    const int child = test::spawn_cli({"send", outbox, "--smtp", server.url(), "--send", "--insecure-local", "-q"}, {},
                                      dir / "send.out", dir / "send.err");
    REQUIRE(child > 0);
    for (int guard = 0; guard < 6000 && server.count() < 3; ++guard) {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    ::kill(child, SIGKILL);
    const test::ChildEnd end = test::wait_child(child);
    CHECK(end.signaled);
    const std::size_t before = server.count();
    CHECK(before >= 3);
    CHECK(before < n);

    SendJob job = send_job(outbox, server);
    job.quiet = false;
    SendOutcome again;
    std::string err;
    {
        CaptureOutput capture;
        again = handout::run_send(job);
        err = capture.err();
    }
    INFO(outcome_text(again) << err);
    CHECK(again.failed == 0);
    CHECK(again.in_doubt <= 1);
    CHECK(again.sent + again.already_sent + again.in_doubt == n);
    if (again.in_doubt == 1) {
        CHECK(test::contains(err, "--resend-in-doubt"));
    }
    const auto ids = ids_received({&server});
    CHECK(ids.size() == static_cast<std::size_t>(n));
    for (const auto& [id, count] : ids) {
        CHECK_MESSAGE(count == 1, id);
    }
    check_no_patient_value(test::read_file(outbox + "/sent-log.jsonl"), n, "sent-log");
    check_no_patient_value(err, n, "stderr");
}

TEST_CASE("send: smtp:// to a server without STARTTLS fails with a clear error and sends nothing") {
    test::TempDir dir;
    const std::string outbox = make_outbox(dir, 2);
    test::SmtpServer server;
    REQUIRE_MESSAGE(server.ok(), server.error());
    SendJob job = send_job(outbox, server);
    job.insecure_local = false;
    const SendOutcome o = handout::run_send(job);
    INFO(outcome_text(o));
    CHECK(!o.ok());
    CHECK(!o.bad_input);
    CHECK(o.sent == 0);
    CHECK(o.stopped == 2);
    CHECK(test::find_diag(o.diagnostics, "STARTTLS") != nullptr);
    CHECK(server.count() == 0);
    CHECK(events_for(outbox, eml_name(1)).empty());
}

TEST_CASE("send: --insecure-local to another host, another scheme, or a password in the URL is refused") {
    test::TempDir dir;
    const std::string outbox = make_outbox(dir, 1);
    SendJob job;
    job.outbox = outbox;
    job.send = true;
    job.quiet = true;
    job.insecure_local = true;
    for (const std::string url : {"smtp://mail.clinic.example:25", "smtp://10.0.0.1", "smtp://127.0.0.2:25"}) {
        job.smtp_url = url;
        const SendOutcome o = handout::run_send(job);
        INFO(url << "\n" << outcome_text(o));
        CHECK(o.bad_input);
        CHECK(test::find_diag(o.diagnostics, "only to this machine") != nullptr);
    }
    for (const std::string url : {"smtp://127.0.0.1:2525", "smtp://localhost:2525", "smtp://[::1]:2525"}) {
        CHECK_MESSAGE(!handout::check_smtp_url(url, true), url);
    }
    job.insecure_local = false;
    job.smtp_url = "http://mail.clinic.example";
    SendOutcome o = handout::run_send(job);
    CHECK(o.bad_input);
    CHECK(test::find_diag(o.diagnostics, "smtps://") != nullptr);
    job.smtp_url = "smtp://desk:secret@mail.clinic.example:587";
    o = handout::run_send(job);
    CHECK(o.bad_input);
    CHECK(test::find_diag(o.diagnostics, "HANDOUT_SMTP_PASSWORD") != nullptr);
    CHECK(test::describe(o.diagnostics).find("secret") == std::string::npos);
    job.smtp_url = "mail.clinic.example";
    o = handout::run_send(job);
    CHECK(o.bad_input);
    CHECK(!test::exists(outbox + "/sent-log.jsonl"));
}

TEST_CASE("send: a message for two recipients, or with Cc or Bcc, is refused by file name; the rest go") {
    test::TempDir dir;
    const std::string outbox = make_outbox(dir, 1);
    test::write_file(outbox + "/0002.eml", make_eml(2, to_header(2) + ", other@patients.example"));
    std::string cc = make_eml(3, to_header(3));
    cc.insert(cc.find("Subject:"), "Cc: " + recipient(30) + "\r\n");
    test::write_file(outbox + "/0003.eml", cc);
    std::string bcc = make_eml(4, to_header(4));
    bcc.insert(bcc.find("Subject:"), "Bcc: " + recipient(40) + "\r\n");
    test::write_file(outbox + "/0004.eml", bcc);
    std::string group = make_eml(5, "patients: " + recipient(5) + ", " + recipient(50) + ";");
    test::write_file(outbox + "/0005.eml", group);
    std::string no_id = make_eml(6, to_header(6));
    no_id.erase(no_id.find("Message-ID:"), no_id.find("\r\n", no_id.find("Message-ID:")) + 2 - no_id.find("Message-ID:"));
    test::write_file(outbox + "/0006.eml", no_id);
    test::SmtpServer server;
    REQUIRE_MESSAGE(server.ok(), server.error());
    SendJob job = send_job(outbox, server);
    job.quiet = false;
    SendOutcome o;
    std::string err;
    {
        CaptureOutput capture;
        o = handout::run_send(job);
        err = capture.err();
    }
    INFO(outcome_text(o) << err);
    CHECK(o.sent == 1);
    CHECK(o.failed == 5);
    CHECK(test::contains(result_for(o, "0002.eml").error, "0002.eml: To must hold exactly one address (found 2)"));
    CHECK(test::contains(result_for(o, "0003.eml").error, "Cc header"));
    CHECK(test::contains(result_for(o, "0004.eml").error, "Bcc header"));
    CHECK(test::contains(result_for(o, "0005.eml").error, "0005.eml: To"));
    CHECK(test::contains(result_for(o, "0006.eml").error, "Message-ID"));
    CHECK(server.count() == 1);
    check_no_patient_value(err, 60, "stderr");
    CHECK(!test::contains(err, "other@patients.example"));
}

TEST_CASE("send: the login comes from HANDOUT_SMTP_USER and HANDOUT_SMTP_PASSWORD") {
    test::TempDir dir;
    const std::string outbox = make_outbox(dir, 2);
    test::SmtpServer server({.auth = "desk:s3cret-pw"});
    REQUIRE_MESSAGE(server.ok(), server.error());
    struct Env {
        ~Env() {
            ::unsetenv("HANDOUT_SMTP_USER");
            ::unsetenv("HANDOUT_SMTP_PASSWORD");
        }
    } restore;

    ::unsetenv("HANDOUT_SMTP_USER");
    ::unsetenv("HANDOUT_SMTP_PASSWORD");
    SendOutcome o = handout::run_send(send_job(outbox, server));
    INFO(outcome_text(o));
    CHECK(o.sent == 0);
    CHECK(test::find_diag(o.diagnostics, "HANDOUT_SMTP_USER") != nullptr);  // 530: a login is wanted

    ::setenv("HANDOUT_SMTP_USER", "desk", 1);
    o = handout::run_send(send_job(outbox, server));
    CHECK(o.bad_input);  // one of the two
    CHECK(test::find_diag(o.diagnostics, "HANDOUT_SMTP_PASSWORD is not") != nullptr);

    ::setenv("HANDOUT_SMTP_PASSWORD", "wrong", 1);
    o = handout::run_send(send_job(outbox, server));
    CHECK(o.sent == 0);
    CHECK(o.stopped == 2);
    CHECK(test::find_diag(o.diagnostics, "login refused") != nullptr);
    CHECK(test::describe(o.diagnostics).find("wrong") == std::string::npos);

    ::setenv("HANDOUT_SMTP_PASSWORD", "s3cret-pw", 1);
    o = handout::run_send(send_job(outbox, server));
    CHECK(o.ok());
    CHECK(o.sent == 2);
    CHECK(server.count() == 2);
    CHECK(!test::contains(test::read_file(outbox + "/sent-log.jsonl"), "s3cret"));
}

TEST_CASE("send: STARTTLS to a server whose certificate --ca-file trusts, with a login; untrusted, nothing goes") {
    test::TempDir dir;
    const std::string outbox = make_outbox(dir, 2);
    // A throwaway certificate for 127.0.0.1, as a clinic's own CA would issue one.
    auto made = test::run_command({"openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", dir / "key.pem",
                                   "-out", dir / "cert.pem", "-days", "2", "-subj", "/CN=127.0.0.1", "-addext",
                                   "subjectAltName=IP:127.0.0.1,DNS:localhost"});
    REQUIRE_MESSAGE(made.exit_code == 0, made.err);
    test::SmtpServer server({.auth = "desk:s3cret-pw", .tls_cert = dir / "cert.pem", .tls_key = dir / "key.pem"});
    REQUIRE_MESSAGE(server.ok(), server.error());
    const test::EnvChanges login = {"HANDOUT_SMTP_USER=desk", "HANDOUT_SMTP_PASSWORD=s3cret-pw"};

    // The system's CAs do not know this certificate: the run stops before any message.
    auto untrusted = test::run_cli_env({"send", outbox, "--smtp", server.url(), "--send"}, login);
    CHECK(untrusted.exit_code == 1);
    CHECK(test::contains(untrusted.err, "certificate"));
    CHECK(server.count() == 0);

    // Trusted through --ca-file: STARTTLS, then AUTH, then both messages (no --insecure-local).
    auto trusted = test::run_cli_env({"send", outbox, "--smtp", server.url(), "--send", "--ca-file", dir / "cert.pem"},
                                     login);
    CHECK_MESSAGE(trusted.exit_code == 0, (trusted.err + server.log()));
    CHECK(server.count() == 2);
    CHECK_FALSE(test::contains(trusted.err + untrusted.err, "s3cret-pw"));
}

TEST_CASE("send: `only` restricts a run to the named files") {
    test::TempDir dir;
    const std::string outbox = make_outbox(dir, 4);
    test::SmtpServer server;
    REQUIRE_MESSAGE(server.ok(), server.error());
    const SendOutcome o = handout::run_send(send_job(outbox, server), std::vector<std::string>{"0003.eml", "0001.eml"});
    CHECK(o.sent == 2);
    CHECK(o.results.size() == 2);
    const auto received = server.messages();
    REQUIRE(received.size() == 2);
    CHECK(id_in(received[0].data) == message_id(1));
    CHECK(id_in(received[1].data) == message_id(3));
}

TEST_CASE("send: the sent-log ignores a torn last line and keeps later lines whole") {
    test::TempDir dir;
    const std::string outbox = dir / "outbox";
    fs::create_directories(outbox);
    const std::string path = outbox + "/sent-log.jsonl";
    const std::string whole = handout::sent_log_line(handout::SentEvent::sent, "0001.eml", "a@x", 250, 0);
    const std::string pending = handout::sent_log_line(handout::SentEvent::pending, "0002.eml", "b@x", 0, 0);
    const std::string torn_sent = handout::sent_log_line(handout::SentEvent::sent, "0002.eml", "b@x", 250, 0);
    test::write_file(path, whole + pending + torn_sent.substr(0, torn_sent.size() - 5));
    std::string error;
    {
        auto log = handout::SentLog::open(outbox, true, error);
        REQUIRE_MESSAGE(log, error);
        CHECK(log->state("a@x") == handout::SentState::sent);
        CHECK(log->state("b@x") == handout::SentState::in_doubt);  // the torn "sent" did not count
        CHECK(log->state("c@x") == handout::SentState::unsent);
        CHECK(log->ignored_lines() == 1);
        CHECK(!log->append(handout::SentEvent::failed, "0002.eml", "b@x", 451));
        CHECK(log->state("b@x") == handout::SentState::unsent);
        // A second writer is refused while the first holds the log.
        std::string busy;
        CHECK(!handout::SentLog::open(outbox, true, busy));
        CHECK(test::contains(busy, "another `handout send`"));
    }
    auto reread = handout::SentLog::open(outbox, false, error);
    REQUIRE(reread);
    CHECK(reread->state("b@x") == handout::SentState::unsent);  // the failed line was whole
    CHECK(reread->ignored_lines() == 1);                          // the torn one, ended by a newline
}

TEST_CASE("send: the command line — rates, --retries up to its limit, --limit above zero") {
    CHECK(handout::parse_rate("5/s") == 5.0);
    CHECK(handout::parse_rate("300/min") == 5.0);
    CHECK(handout::parse_rate("3600/h") == 1.0);
    CHECK(handout::parse_rate("0.5/s") == 0.5);
    for (const std::string bad : {"5", "0/s", "-1/s", "5/day", "/s", "five/s", "5/"}) {
        CHECK_MESSAGE(!handout::parse_rate(bad), bad);
    }
    auto parse = [](std::vector<std::string> args) {
        CLI::App app;
        auto command = handout::add_send_command(app);
        std::reverse(args.begin(), args.end());
        try {
            app.parse(args);
        } catch (const CLI::ParseError& e) {
            return std::make_pair(false, SendJob{});
        }
        return std::make_pair(true, *command.job);
    };
    auto [ok, job] = parse({"send", "out", "--smtp", "smtp://127.0.0.1:25", "--send", "--limit", "3", "--rate",
                            "300/min", "--insecure-local", "--retries", std::to_string(handout::max_retries),
                            "--resend-in-doubt", "-q"});
    CHECK(ok);
    CHECK(job.outbox == "out");
    CHECK(job.send);
    CHECK(job.limit == 3);
    CHECK(job.rate_per_second == 5.0);
    CHECK(job.insecure_local);
    CHECK(job.retries == handout::max_retries);
    CHECK(job.resend_in_doubt);
    CHECK(job.quiet);
    CHECK(!parse({"send", "out", "--smtp", "smtp://x", "--retries", std::to_string(handout::max_retries + 1)}).first);
    CHECK(!parse({"send", "out", "--smtp", "smtp://x", "--limit", "0"}).first);
    CHECK(!parse({"send", "out", "--smtp", "smtp://x", "--rate", "5/day"}).first);
    CHECK(!parse({"send", "out"}).first);  // --smtp is required
    auto dry = parse({"send", "out", "--smtp", "smtp://x"});
    CHECK(dry.first);
    CHECK(!dry.second.send);  // a dry run unless --send
}

TEST_CASE("send: a rate and a message over the dry run's totals") {
    test::TempDir dir;
    const std::string outbox = make_outbox(dir, 3);
    test::SmtpServer server;
    REQUIRE_MESSAGE(server.ok(), server.error());
    SendJob job = send_job(outbox, server);
    job.rate_per_second = 50;
    const SendOutcome o = handout::run_send(job);
    CHECK(o.ok());
    CHECK(o.sent == 3);
    std::uint64_t bytes = 0;
    for (int i = 1; i <= 3; ++i) {
        bytes += test::read_file(outbox + "/" + eml_name(i)).size();
    }
    CHECK(o.bytes == bytes);
    job.send = false;
    const SendOutcome dry = handout::run_send(job);
    CHECK(dry.already_sent == 3);
    CHECK(dry.would_send == 0);
    CHECK(dry.ok());
}

}  // TEST_SUITE
