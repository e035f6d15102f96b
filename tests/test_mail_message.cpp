// tests: mail/ — the e-mail template file and one record's message, built with GMime and read
// back with GMime's own parser: headers, RFC 2047, the attachment's bytes, the HTML escaping,
// header and recipient injection refused without naming the value, the size limit, determinism.
#include "mail/email_template.hpp"
#include "mail/message.hpp"

#include "core/glib_ptr.hpp"
#include "helpers.hpp"

#include <doctest/doctest.h>
#include <gmime/gmime.h>

#include <algorithm>
#include <string>
#include <thread>
#include <vector>

using namespace handout;

namespace {

using ParserPtr = GObjectPtr<GMimeParser>;
using MessagePtr = GObjectPtr<GMimeMessage>;
using StreamPtr = GObjectPtr<GMimeStream>;

const std::string plain_template =
    "From: Riverside Pain & Wellness Clinic <consent@riverside.example.org>\n"
    "Reply-To: Front desk <desk@riverside.example.org>\n"
    "Subject: Your consent sheet for {{date}}\n"
    "\n"
    "Dear {{patient.name}},\n"
    "\n"
    "your sheet is attached. Questions? Call {{clinic.phone}}.\n";

const std::string html_template = plain_template +
                                  "--- html ---\n"
                                  "<p>Dear {{patient.name}},</p>\n"
                                  "<p>Call {{clinic.phone}}.</p>\n";

/// 2026-11-26 09:30:00 UTC.
constexpr std::time_t test_date = 1795685400;

EmailTemplate parsed_template(const std::string& text) {
    auto r = parse_email_template(test::source(text, "consent.eml.txt"));
    REQUIRE_MESSAGE(r.ok(), test::describe(r.diagnostics));
    return *r;
}

Vars record() {
    return Vars{{"patient.id", "P1001"},
                {"patient.name", "José Núñez"},
                {"patient.email", "jose.nunez@example.org"},
                {"date", "November 26, 2026"},
                {"clinician.name", "Dr. Maya Okafor"},
                {"clinic.phone", "(555) 014-2368"}};
}

/// Binary bytes with NUL, CR, LF, 0xFF and every other byte value.
std::string binary_attachment() {
    std::string bytes = "%PDF-1.7\r\n";
    for (int round = 0; round < 40; ++round) {
        for (int b = 0; b < 256; ++b) {
            bytes += static_cast<char>(b);
        }
    }
    bytes += std::string("\0\0\r\n.\r\n", 7);
    return bytes;
}

struct Fixture {
    EmailTemplate email;
    Vars vars = record();
    std::string attachment = binary_attachment();
    MessageInput input;

    explicit Fixture(const std::string& template_text = plain_template) : email(parsed_template(template_text)) {
        input.email = &email;
        input.vars = &vars;
        input.to_template = "{{patient.name}} <{{patient.email}}>";
        input.attachment = attachment;
        input.attachment_name = "ketamine-consent.pdf";
        input.id = "3f9a0c1d";
        input.date = test_date;
    }

    BuiltMessage build() const { return build_message(input); }
};

MessagePtr parse(const std::string& bytes) {
    StreamPtr stream(g_mime_stream_mem_new_with_buffer(bytes.data(), bytes.size()));
    ParserPtr parser(g_mime_parser_new_with_stream(stream.get()));
    MessagePtr message(g_mime_parser_construct_message(parser.get(), nullptr));
    REQUIRE(message != nullptr);
    return message;
}

std::string header(GMimeMessage* m, const char* name) {
    const char* v = g_mime_object_get_header(GMIME_OBJECT(m), name);  // transfer none
    return v != nullptr ? v : "";
}

std::string addresses(InternetAddressList* list) {
    GCharPtr s(internet_address_list_to_string(list, nullptr, FALSE));
    return s != nullptr ? s.get() : "";
}

/// `s` without its carriage returns: a text part's canonical CRLF line ends read as LF.
std::string unix_lines(std::string s) {
    s.erase(std::remove(s.begin(), s.end(), '\r'), s.end());
    return s;
}

/// The decoded content of a leaf part.
std::string content_of(GMimeObject* part) {
    REQUIRE(GMIME_IS_PART(part));
    GMimeDataWrapper* wrapper = g_mime_part_get_content(GMIME_PART(part));  // transfer none
    REQUIRE(wrapper != nullptr);
    StreamPtr out(g_mime_stream_mem_new());
    REQUIRE(g_mime_data_wrapper_write_to_stream(wrapper, out.get()) >= 0);
    const GByteArray* bytes = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(out.get()));
    return std::string(reinterpret_cast<const char*>(bytes->data), bytes->len);
}

std::string mime_type(GMimeObject* part) {
    GCharPtr t(g_mime_content_type_get_mime_type(g_mime_object_get_content_type(part)));
    return t.get();
}

GMimeObject* child(GMimeObject* multipart, int i) {
    REQUIRE(GMIME_IS_MULTIPART(multipart));
    REQUIRE(i < g_mime_multipart_get_count(GMIME_MULTIPART(multipart)));
    return g_mime_multipart_get_part(GMIME_MULTIPART(multipart), i);  // transfer none
}

/// The message's header block (up to the first blank line), as written.
std::string raw_headers(const std::string& bytes) {
    return bytes.substr(0, bytes.find("\r\n\r\n") + 2);
}

/// Whether every line of `bytes` ends CRLF (no bare CR or LF) and none is over 998 bytes.
void check_lines(const std::string& bytes) {
    std::size_t longest = 0, bare = 0, start = 0;
    for (std::size_t i = 0; i < bytes.size(); ++i) {
        if (bytes[i] == '\n') {
            if (i == 0 || bytes[i - 1] != '\r') {
                ++bare;
            }
            longest = std::max(longest, i - start - 1);
            start = i + 1;
        } else if (bytes[i] == '\r' && (i + 1 == bytes.size() || bytes[i + 1] != '\n')) {
            ++bare;
        }
    }
    CHECK(bare == 0);
    CHECK(start == bytes.size());  // the message ends with CRLF
    CHECK(longest <= 998);
}

/// Builds and expects an error that names `must_name` and none of `secrets`.
void check_refused(const MessageInput& input, const std::string& must_name, const std::vector<std::string>& secrets) {
    BuiltMessage m = build_message(input);
    CHECK(m.bytes.empty());
    REQUIRE_MESSAGE(!m.error.empty(), "built a message that should have been refused");
    CHECK_MESSAGE(test::contains(m.error, must_name), m.error);
    for (const auto& s : secrets) {
        CHECK_MESSAGE(!test::contains(m.error, s), m.error);
    }
}

Diagnostics template_errors(const std::string& text) {
    test::TempDir dir;
    const std::string path = dir / "consent.eml.txt";
    test::write_file(path, text);
    auto r = load_email_template(path, Limits{});
    CHECK(!r.ok());
    for (auto& d : r.diagnostics) {
        CHECK(d.file != nullptr);
    }
    return r.diagnostics;
}

/// The one error whose message holds `needle`, its position "line:col", and whether a hint holds `hint`.
void check_template_error(const std::string& text, const std::string& needle, const std::string& at,
                          const std::string& hint) {
    Diagnostics ds = template_errors(text);
    const Diagnostic* d = test::find_diag(ds, needle);
    REQUIRE_MESSAGE(d != nullptr, test::describe(ds));
    CHECK(test::pos(*d) == at);
    CHECK_MESSAGE(test::has_hint(*d, hint), test::describe(ds));
}

}  // namespace

TEST_SUITE("mail") {

TEST_CASE("mail message: From, To, Subject, Date, Message-ID and MIME-Version read back") {
    Fixture f;
    BuiltMessage m = f.build();
    REQUIRE_MESSAGE(m.error.empty(), m.error);
    CHECK(m.message_id == "<3f9a0c1d@riverside.example.org>");
    CHECK(m.envelope_from == "consent@riverside.example.org");
    CHECK(m.recipient == "jose.nunez@example.org");

    MessagePtr back = parse(m.bytes);
    CHECK(addresses(g_mime_message_get_from(back.get())) == "Riverside Pain & Wellness Clinic <consent@riverside.example.org>");
    CHECK(addresses(g_mime_message_get_reply_to(back.get())) == "Front desk <desk@riverside.example.org>");
    CHECK(addresses(g_mime_message_get_to(back.get())) == "José Núñez <jose.nunez@example.org>");
    CHECK(internet_address_list_length(g_mime_message_get_to(back.get())) == 1);
    CHECK(internet_address_list_length(g_mime_message_get_cc(back.get())) == 0);
    CHECK(internet_address_list_length(g_mime_message_get_bcc(back.get())) == 0);
    CHECK(std::string(g_mime_message_get_subject(back.get())) == "Your consent sheet for November 26, 2026");
    CHECK(std::string(g_mime_message_get_message_id(back.get())) == "3f9a0c1d@riverside.example.org");
    GDateTime* date = g_mime_message_get_date(back.get());  // transfer none
    REQUIRE(date != nullptr);
    CHECK(g_date_time_to_unix(date) == test_date);
    CHECK(header(back.get(), "Date") == "Thu, 26 Nov 2026 09:30:00 +0000");
    CHECK(header(back.get(), "MIME-Version") == "1.0");
    CHECK(test::contains(raw_headers(m.bytes), "\r\nMessage-Id: <3f9a0c1d@riverside.example.org>\r\n"));
}

TEST_CASE("mail message: non-ASCII names are written as RFC 2047 encoded words and read back") {
    for (const std::string name : {"José Núñez", "Nguyễn Thị Hương"}) {
        CAPTURE(name);
        Fixture f;
        f.vars["patient.name"] = name;
        f.email.subject = "Hoja para {{patient.name}}";
        BuiltMessage m = f.build();
        REQUIRE_MESSAGE(m.error.empty(), m.error);
        const std::string headers = raw_headers(m.bytes);
        CHECK(test::contains(test::lower(headers), "=?utf-8?"));
        CHECK(!test::contains(headers, name));  // only ASCII in the header block
        CHECK(std::count_if(headers.begin(), headers.end(), [](char c) { return static_cast<unsigned char>(c) >= 0x80; }) == 0);
        MessagePtr back = parse(m.bytes);
        InternetAddressList* to = g_mime_message_get_to(back.get());
        REQUIRE(internet_address_list_length(to) == 1);
        InternetAddress* a = internet_address_list_get_address(to, 0);
        CHECK(std::string(internet_address_get_name(a)) == name);
        CHECK(std::string(internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(a))) == "jose.nunez@example.org");
        CHECK(std::string(g_mime_message_get_subject(back.get())) == "Hoja para " + name);
    }
}

TEST_CASE("mail message: the attachment decodes to exactly the bytes given, as application/pdf in base64") {
    const std::string real_pdf = test::read_file("samples/ketamine-consent-a4.pdf");
    REQUIRE(real_pdf.size() > 1000);
    for (const std::string& bytes : {binary_attachment(), real_pdf}) {
        Fixture f;
        f.attachment = bytes;
        f.input.attachment = f.attachment;
        BuiltMessage m = f.build();
        REQUIRE_MESSAGE(m.error.empty(), m.error);
        MessagePtr back = parse(m.bytes);
        GMimeObject* body = g_mime_message_get_mime_part(back.get());
        CHECK(mime_type(body) == "multipart/mixed");
        REQUIRE(g_mime_multipart_get_count(GMIME_MULTIPART(body)) == 2);
        GMimeObject* pdf = child(body, 1);
        CHECK(mime_type(pdf) == "application/pdf");
        CHECK(std::string(g_mime_object_get_disposition(pdf)) == "attachment");
        CHECK(std::string(g_mime_part_get_filename(GMIME_PART(pdf))) == "ketamine-consent.pdf");
        CHECK(g_mime_part_get_content_encoding(GMIME_PART(pdf)) == GMIME_CONTENT_ENCODING_BASE64);
        const std::string decoded = content_of(pdf);
        CHECK(decoded.size() == bytes.size());
        CHECK(decoded == bytes);
    }
}

TEST_CASE("mail message: an unsafe attachment name is made safe") {
    Fixture f;
    f.input.attachment_name = "../José's consent\r\nX: y.pdf";
    BuiltMessage m = f.build();
    REQUIRE_MESSAGE(m.error.empty(), m.error);
    MessagePtr back = parse(m.bytes);
    GMimeObject* pdf = child(g_mime_message_get_mime_part(back.get()), 1);
    CHECK(std::string(g_mime_part_get_filename(GMIME_PART(pdf))) == "Jos-s-consent-X-y.pdf");
}

TEST_CASE("mail message: the text part alone, or text and HTML as alternatives, hold the values; HTML escaped") {
    SUBCASE("plain text only") {
        Fixture f;
        BuiltMessage m = f.build();
        REQUIRE_MESSAGE(m.error.empty(), m.error);
        MessagePtr back = parse(m.bytes);
        GMimeObject* text = child(g_mime_message_get_mime_part(back.get()), 0);
        CHECK(mime_type(text) == "text/plain");
        CHECK(std::string(g_mime_object_get_content_type_parameter(text, "charset")) == "utf-8");
        CHECK(unix_lines(content_of(text)) == "Dear José Núñez,\n\nyour sheet is attached. Questions? Call (555) 014-2368.\n");
        GCharPtr utf8(g_mime_text_part_get_text(GMIME_TEXT_PART(text)));
        CHECK(test::contains(utf8.get(), "Dear José Núñez,"));
    }
    SUBCASE("with an HTML alternative") {
        Fixture f(html_template);
        f.vars["clinic.phone"] = "<b>555</b> & \"Co\" 'x'";
        f.input.to_template = "{{patient.email}}";
        BuiltMessage m = f.build();
        REQUIRE_MESSAGE(m.error.empty(), m.error);
        MessagePtr back = parse(m.bytes);
        GMimeObject* body = g_mime_message_get_mime_part(back.get());
        CHECK(mime_type(body) == "multipart/mixed");
        GMimeObject* alternative = child(body, 0);
        CHECK(mime_type(alternative) == "multipart/alternative");
        REQUIRE(g_mime_multipart_get_count(GMIME_MULTIPART(alternative)) == 2);
        GMimeObject* text = child(alternative, 0);
        GMimeObject* html = child(alternative, 1);
        CHECK(mime_type(text) == "text/plain");
        CHECK(mime_type(html) == "text/html");
        CHECK(test::contains(content_of(text), "Call <b>555</b> & \"Co\" 'x'."));
        CHECK(unix_lines(content_of(html)) == "<p>Dear José Núñez,</p>\n<p>Call &lt;b&gt;555&lt;/b&gt; &amp; &quot;Co&quot; &#39;x&#39;.</p>\n");
        CHECK(mime_type(child(body, 1)) == "application/pdf");
        CHECK(addresses(g_mime_message_get_to(back.get())) == "jose.nunez@example.org");
    }
}

TEST_CASE("mail message: a value that would add a header or a recipient fails, naming the part, never the value") {
    Fixture f;
    SUBCASE("address values") {
        for (const std::string& bad : std::vector<std::string>{"a@b.org\r\nBcc: x@y.org", "a@b.org, c@d.org", "a@b.org; c@d.org", "A <a@b.org>",
                                      "a@b.org\n", "a@b.org\r", std::string("a@b.org\0c@d.org", 15), "\"a\"@b.org",
                                      "a\\@b.org", "a@b.org c@d.org", "a@b@c.org", "@b.org", "a@", "", "a(b)@c.org",
                                      "jos\xC3\xA9@b.org"}) {
            CAPTURE(visible_text(bad));
            f.vars["patient.email"] = bad;
            check_refused(f.input, "the recipient address (--email-to", {"a@b", "c@d", "x@y", "Bcc", "jos"});
            check_refused(f.input, "patient.email", {});
        }
    }
    SUBCASE("the specific reasons") {
        f.vars["patient.email"] = "a@b.org, c@d.org";
        check_refused(f.input,
                      "the recipient address (--email-to, variable `patient.email`) holds a comma: a record may name one "
                      "address only",
                      {});
        f.vars["patient.email"] = "a@b.org\r\nBcc: x@y.org";
        check_refused(f.input, "variable `patient.email`) holds a line break", {});
        f.vars["patient.email"] = "A <a@b.org>";
        check_refused(f.input, "holds an angle bracket", {});
        f.vars["patient.email"] = "a@b.org; c@d.org";
        check_refused(f.input, "holds a semicolon", {});
    }
    SUBCASE("display name values") {
        for (const std::string& bad : std::vector<std::string>{"Ruiz, Ana", "Ana; Bob", "Ana <a@b.org>", "Ana\r\nBcc: x@y.org", "\"Ana\"", "Ana\\",
                                      std::string("Ana\0", 4)}) {
            f.vars["patient.name"] = bad;
            check_refused(f.input, "the recipient name (--email-to, variable `patient.name`)", {"Ana", "Ruiz", "x@y"});
        }
    }
    SUBCASE("a line break in a Subject value") {
        f.vars["date"] = "Monday\r\nBcc: x@y.org";
        check_refused(f.input, "the Subject: the value of `date` holds a line break", {"Monday", "x@y", "Bcc"});
        f.vars["date"] = "Monday\nBcc: x@y.org";
        check_refused(f.input, "`date`", {"Monday", "x@y"});
        f.vars["date"] = std::string("Monday\x1B[2J");
        check_refused(f.input, "`date`", {"Monday"});
    }
    SUBCASE("the good address is accepted, so the cases above fail for their value") {
        BuiltMessage m = f.build();
        CHECK_MESSAGE(m.error.empty(), m.error);
        MessagePtr back = parse(m.bytes);
        CHECK(internet_address_list_length(g_mime_message_get_to(back.get())) == 1);
    }
}

TEST_CASE("mail message: an --email-to template that is not one recipient is refused before any record") {
    CHECK(!email_to_fault("{{patient.email}}"));
    CHECK(!email_to_fault("{{patient.name}} <{{patient.email}}>"));
    CHECK(!email_to_fault("\"{{patient.name}}\" <{{patient.email}}>"));
    CHECK(!email_to_fault("{{patient.id}}@clinic.example.org"));
    for (const std::string bad : {"{{patient.email}}, boss@clinic.example.org", "{{patient.email}};x@y.org", "",
                                  "{{patient.email}}\r\nBcc: x@y.org", "{{patient.name}} {{patient.email}}>",
                                  "{{a}} <b> <{{patient.email}}>", "<>"}) {
        CAPTURE(bad);
        auto fault = email_to_fault(bad);
        REQUIRE(fault);
        CHECK(test::contains(*fault, "--email-to"));
        Fixture f;
        f.input.to_template = bad;
        BuiltMessage m = f.build();
        CHECK(m.bytes.empty());
        CHECK(m.error == *fault);
    }
}

TEST_CASE("mail message: a variable the record lacks fails, naming it") {
    Fixture f;
    f.vars.erase("clinic.phone");
    BuiltMessage m = f.build();
    CHECK(m.bytes.empty());
    CHECK(m.error == "the e-mail template's text uses the variable `clinic.phone`, which the record does not have (the "
                     "variables are the manifest's columns)");
    Fixture g;
    g.input.to_template = "{{patient.mail}}";
    m = g.build();
    CHECK(test::contains(m.error, "the recipient address (--email-to) uses the variable `patient.mail`"));
    Fixture h;
    h.email.subject = "For {{patient.nam}}";
    m = h.build();
    CHECK(test::contains(m.error, "Subject uses the variable `patient.nam`"));
}

TEST_CASE("mail message: a value over the value-size limit fails, naming the variable") {
    Fixture f;
    f.input.max_value_bytes = 30;
    f.vars["clinic.phone"] = std::string(30, '5');
    BuiltMessage at = f.build();
    CHECK_MESSAGE(at.error.empty(), at.error);
    f.vars["clinic.phone"] = std::string(31, '5');
    BuiltMessage m = f.build();
    CHECK(m.bytes.empty());
    CHECK_MESSAGE(test::contains(m.error, "`clinic.phone` is 31 bytes, over the limit of 30 (--limit value-size)"), m.error);
    f.vars["clinic.phone"] = "5";
    f.vars["patient.email"] = std::string(25, 'a') + "@example.org";
    CHECK(test::contains(f.build().error, "the recipient address (--email-to): the value of `patient.email` is 37 bytes"));
}

TEST_CASE("mail message: the size limit holds at the limit and fails one byte past it") {
    Fixture f;
    BuiltMessage full = f.build();
    REQUIRE_MESSAGE(full.error.empty(), full.error);
    f.input.max_bytes = full.bytes.size();
    BuiltMessage at = f.build();
    CHECK(at.error.empty());
    CHECK(at.bytes == full.bytes);
    f.input.max_bytes = full.bytes.size() - 1;
    BuiltMessage over = f.build();
    CHECK(over.bytes.empty());
    CHECK(test::contains(over.error, "the message is 0.0 MB (" + std::to_string(full.bytes.size()) +
                                         " bytes), over the limit of 0.0 MB (" + std::to_string(full.bytes.size() - 1) +
                                         " bytes) (--limit message-size); send the PDF another way or raise the limit"));

    SUBCASE("an attachment too big on its own is refused before the message is built") {
        f.attachment = std::string(11u << 20, 'x');
        f.input.attachment = f.attachment;
        f.input.max_bytes = 10u << 20;
        BuiltMessage big = f.build();
        CHECK(big.bytes.empty());
        CHECK(test::contains(big.error, "the message is at least 14.7 MB"));
        CHECK(test::contains(big.error, "over the limit of 10.0 MB (10485760 bytes)"));
    }
}

TEST_CASE("mail message: the same input gives the same bytes; boundaries come from the id") {
    Fixture f(html_template);
    BuiltMessage a = f.build();
    BuiltMessage b = f.build();
    REQUIRE_MESSAGE(a.error.empty(), a.error);
    CHECK(a.bytes == b.bytes);
    CHECK(test::contains(a.bytes, "boundary=\"=_handout_3f9a0c1d_1\""));
    CHECK(test::contains(a.bytes, "\r\n--=_handout_3f9a0c1d_2\r\n"));
    f.input.id = "77aa";
    BuiltMessage c = f.build();
    CHECK(c.bytes != a.bytes);
    CHECK(c.message_id == "<77aa@riverside.example.org>");
    f.input.id = "bad id>";
    CHECK(test::contains(f.build().error, "Message-ID"));
}

TEST_CASE("mail message: messages built on several threads at once are the same as built alone") {
    Fixture f(html_template);
    const BuiltMessage alone = f.build();
    REQUIRE_MESSAGE(alone.error.empty(), alone.error);
    std::vector<std::string> built(8);
    std::vector<std::thread> threads;
    for (std::size_t i = 0; i < built.size(); ++i) {
        threads.emplace_back([&f, &built, i] {
            for (int round = 0; round < 20; ++round) {
                built[i] = f.build().bytes;
            }
        });
    }
    for (auto& t : threads) {
        t.join();
    }
    for (const auto& b : built) {
        CHECK(b == alone.bytes);
    }
}

TEST_CASE("mail message: a body value that looks like a boundary cannot split the message") {
    Fixture f;
    f.vars["patient.name"] = "Ana Ruiz";  // all ASCII: GMime alone would write the part as 7bit
    f.vars["clinic.phone"] = "\n--=_handout_3f9a0c1d_1\nContent-Type: text/html\n\n<script>x</script>\n--=_handout_3f9a0c1d_1--\n";
    BuiltMessage m = f.build();
    REQUIRE_MESSAGE(m.error.empty(), m.error);
    MessagePtr back = parse(m.bytes);
    GMimeObject* body = g_mime_message_get_mime_part(back.get());
    REQUIRE(g_mime_multipart_get_count(GMIME_MULTIPART(body)) == 2);
    CHECK(test::contains(content_of(child(body, 0)), "<script>x</script>"));
    CHECK(content_of(child(body, 1)) == f.attachment);
}

TEST_CASE("mail message: every line ends CRLF and none is over 998 bytes, long values included") {
    Fixture f(html_template);
    f.vars["clinic.phone"] = std::string(3000, '5');              // one long line in both bodies
    f.vars["date"] = std::string(900, 'x') + " " + std::string(900, 'y');  // a long Subject
    f.vars["patient.name"] = "Nguyễn Thị Hương " + std::string(1200, 'n');
    f.input.max_value_bytes = 1u << 20;
    BuiltMessage m = f.build();
    REQUIRE_MESSAGE(m.error.empty(), m.error);
    check_lines(m.bytes);
    MessagePtr back = parse(m.bytes);
    CHECK(std::string(g_mime_message_get_subject(back.get())) == "Your consent sheet for " + f.vars["date"]);
    GMimeObject* alternative = child(g_mime_message_get_mime_part(back.get()), 0);
    CHECK(test::contains(content_of(child(alternative, 0)), std::string(3000, '5')));

    Fixture plain;
    BuiltMessage p = plain.build();
    check_lines(p.bytes);
}

TEST_CASE("mail message: the template's header lines, body and HTML part are read, CRLF or LF") {
    std::string crlf;
    for (char c : html_template) {
        crlf += c == '\n' ? std::string("\r\n") : std::string(1, c);
    }
    for (const std::string& text : {html_template, crlf, "\xEF\xBB\xBF" + html_template}) {
        auto r = parse_email_template(test::source(text, "consent.eml.txt"));
        REQUIRE_MESSAGE(r.ok(), test::describe(r.diagnostics));
        CHECK(r->from == "Riverside Pain & Wellness Clinic <consent@riverside.example.org>");
        CHECK(r->from_address == "consent@riverside.example.org");
        CHECK(r->reply_to == "Front desk <desk@riverside.example.org>");
        CHECK(r->subject == "Your consent sheet for {{date}}");
        CHECK(r->text == "Dear {{patient.name}},\n\nyour sheet is attached. Questions? Call {{clinic.phone}}.\n");
        CHECK(r->html == "<p>Dear {{patient.name}},</p>\n<p>Call {{clinic.phone}}.</p>\n");
    }
    auto bare = parse_email_template(test::source("from: a@b.example.org\nSUBJECT: Hi\n\nText\n", "t.eml.txt"));
    REQUIRE_MESSAGE(bare.ok(), test::describe(bare.diagnostics));
    CHECK(bare->from_address == "a@b.example.org");
    CHECK(bare->reply_to.empty());
    CHECK(bare->html.empty());
}

TEST_CASE("mail message: template errors name file:line:col and the fix") {
    const std::string subject = "Subject: Hi {{patient.name}}\n";
    const std::string body = "\nDear {{patient.name}}\n";
    check_template_error("From: a@b.org\nX-Mailer: me\n" + subject + body, "`X-Mailer` is not a header", "2:1",
                         "only From, Reply-To and Subject");
    check_template_error("From: a@b.org\nSubjet: Hi\n" + body, "`Subjet` is not a header", "2:1", "did you mean `Subject`");
    check_template_error("From: a@b.org\nTo: {{patient.email}}\n" + subject + body, "`To` is not a header", "2:1",
                         "To comes from --email-to");
    check_template_error("From: a@b.org\n" + subject + "From: c@d.org\n" + body, "From is given twice", "3:1",
                         "first given at line 1");
    check_template_error("From: a@b.org\n" + body, "no Subject header", "1:1", "add a line `Subject:");
    check_template_error(subject + body, "no From header", "1:1", "add a line `From:");
    check_template_error("From: {{clinic.name}} <a@b.org>\n" + subject + body, "From may not use variables", "1:7",
                         "the clinic's own address");
    check_template_error("From: Clinic <{{clinic.email}}>\n" + subject + body, "From may not use variables", "1:15",
                         "the clinic's own address");
    check_template_error("From: a@b.org, c@d.org\n" + subject + body, "From must be one address, not 2", "1:7",
                         "write one mailbox");
    check_template_error("From: Clinic: a@b.org, c@d.org;\n" + subject + body, "From must be one address", "1:7",
                         "write one mailbox");
    check_template_error("From: not an address\n" + subject + body, "From", "1:7", "write one mailbox");
    check_template_error("From: a@b.org\nReply-To: x@y.org, z@y.org\n" + subject + body, "Reply-To must be one address",
                         "2:11", "write one mailbox");
    check_template_error("From: a@b.org\n" + subject + "  continued\n" + body, "may not continue on the next line", "3:1",
                         "write each header on one line");
    check_template_error("From: a@b.org\nSubject:   \n" + body, "Subject is empty", "2:12", "write a subject");
    check_template_error("From: a@b.org\n" + subject, "has no body", "3:1", "write a blank line");
    check_template_error("From: a@b.org\n" + subject + "\n\n--- html ---\n<p>x</p>\n", "plain-text body is empty", "4:1",
                         "not a replacement");
    check_template_error("From: a@b.org\n" + subject + body + "--- html ---\n\n", "HTML body after `--- html ---` is empty",
                         "5:1", "or remove the line");
    check_template_error("From: a@b.org\n" + subject + "\nDear \xFF\n", "not UTF-8", "4:6", "save the file as UTF-8");
    check_template_error("From: a@b.org\nDear reader\n", "expected a header line", "2:1", "then a blank line");
}

TEST_CASE("mail message: a template that cannot be read is an error naming it") {
    auto r = load_email_template("tests/data/no-such-template.eml.txt", Limits{});
    REQUIRE(!r.ok());
    CHECK(test::contains(r.diagnostics.front().message, "e-mail template `tests/data/no-such-template.eml.txt`"));
    test::TempDir dir;
    const std::string path = dir / "big.eml.txt";
    test::write_file(path, "From: a@b.org\nSubject: x\n\n" + std::string(100, 'x') + "\n");
    Limits small;
    small.text_bytes = 100;
    auto big = load_email_template(path, small);
    REQUIRE(!big.ok());
    CHECK_MESSAGE(test::contains(test::describe(big.diagnostics), "text-size"), test::describe(big.diagnostics));
    small.text_bytes = 1000;
    CHECK(load_email_template(path, small).ok());
}

TEST_CASE("mail message: the sample templates load and make a message for every sample patient") {
    for (const char* path : {"samples/email/consent.eml.txt", "samples/email/consent.es.eml.txt"}) {
        CAPTURE(path);
        auto t = load_email_template(path, Limits{});
        REQUIRE_MESSAGE(t.ok(), test::describe(t.diagnostics));
        CHECK(test::contains(t->text, "{{clinic.phone}}"));
        CHECK(test::contains(t->text, "DDMM"));
        CHECK(test::contains(t->from_address, "example.org"));
        for (const std::string name : {"José Núñez", "Nguyễn Thị Hương", "Zoë Brontë-Adébáyọ̀"}) {
            Vars vars = record();
            vars["patient.name"] = name;
            MessageInput in;
            in.email = &*t;
            in.vars = &vars;
            in.to_template = "{{patient.name}} <{{patient.email}}>";
            const std::string pdf = test::read_file("samples/ketamine-consent-a4.pdf");
            in.attachment = pdf;
            in.attachment_name = "ketamine-consent.pdf";
            in.id = "abc123";
            in.date = test_date;
            BuiltMessage m = build_message(in);
            REQUIRE_MESSAGE(m.error.empty(), m.error);
            check_lines(m.bytes);
            MessagePtr back = parse(m.bytes);
            CHECK(test::contains(addresses(g_mime_message_get_to(back.get())), name));
        }
    }
    auto en = load_email_template("samples/email/consent.eml.txt", Limits{});
    CHECK(!en->html.empty());
}

TEST_CASE("mail message: safe_attachment_name keeps letters, digits, dot, dash and underscore") {
    CHECK(safe_attachment_name("ketamine-consent.pdf") == "ketamine-consent.pdf");
    CHECK(safe_attachment_name("ketamine consent") == "ketamine-consent.pdf");
    CHECK(safe_attachment_name("José Núñez.pdf") == "Jos-N-ez.pdf");
    CHECK(safe_attachment_name("../../etc/passwd") == "etc-passwd.pdf");
    CHECK(safe_attachment_name("a\r\nContent-Type: x") == "a-Content-Type-x.pdf");
    CHECK(safe_attachment_name("") == "handout.pdf");
    CHECK(safe_attachment_name("...") == "handout.pdf");
    CHECK(safe_attachment_name(".hidden.pdf") == "hidden.pdf");
    CHECK(safe_attachment_name("-rf") == "rf.pdf");
    CHECK(safe_attachment_name("--.pdf") == "handout.pdf");
    CHECK(safe_attachment_name("a\"b;c=d.PDF") == "a-b-c-d.PDF.pdf");
}

}  // TEST_SUITE
