// mail: reading and checking the e-mail template file (see email_template.hpp).
#include "mail/email_template.hpp"

#include "core/bounded_read.hpp"
#include "core/glib_ptr.hpp"

#include <gmime/gmime.h>

#include <array>
#include <cstddef>
#include <memory>
#include <mutex>
#include <utility>
#include <vector>

namespace handout {

void init_gmime() {
    static std::once_flag once;
    std::call_once(once, [] { g_mime_init(); });
}

std::optional<std::string> address_fault(std::string_view addr) {
    if (addr.empty()) {
        return "is empty";
    }
    std::size_t ats = 0;
    for (char ch : addr) {
        const auto c = static_cast<unsigned char>(ch);
        if (c == '\r' || c == '\n') {
            return "holds a line break";
        }
        if (c < 0x20 || c == 0x7f) {
            return "holds a control character";
        }
        if (c >= 0x80) {
            return "holds a character outside ASCII (international addresses are not supported)";
        }
        if (c == ' ' || c == '\t') {
            return "holds a space";
        }
        if (c == ',' || c == ';') {
            return c == ',' ? "holds a comma" : "holds a semicolon";
        }
        if (c == '<' || c == '>') {
            return "holds an angle bracket";
        }
        if (c == '(' || c == ')' || c == '[' || c == ']' || c == ':' || c == '"' || c == '\\') {
            return std::string("holds `") + ch + "`, which an address may not hold";
        }
        if (c == '@') {
            ++ats;
        }
    }
    if (ats == 0) {
        return "holds no `@`";
    }
    if (ats > 1) {
        return "holds more than one `@`";
    }
    const std::size_t at = addr.find('@');
    const std::string_view local = addr.substr(0, at);
    const std::string_view domain = addr.substr(at + 1);
    if (local.empty()) {
        return "has nothing before the `@`";
    }
    if (domain.empty()) {
        return "has no domain after the `@`";
    }
    auto bad_dots = [](std::string_view s) {
        return s.front() == '.' || s.back() == '.' || s.find("..") != std::string_view::npos;
    };
    if (bad_dots(local)) {
        return "has a misplaced dot before the `@`";
    }
    if (bad_dots(domain)) {
        return "has a misplaced dot in its domain";
    }
    for (char c : domain) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.';
        if (!ok) {
            return "has a domain with characters a domain may not hold";
        }
    }
    return std::nullopt;
}

std::string_view trim_blanks(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) {
        s.remove_prefix(1);
    }
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) {
        s.remove_suffix(1);
    }
    return s;
}

namespace {

using AddressListPtr = GObjectPtr<InternetAddressList>;

constexpr std::string_view html_marker = "--- html ---";
const std::vector<std::string> allowed_headers = {"From", "Reply-To", "Subject"};

struct Line {
    std::size_t offset = 0;  ///< of the line's first byte in the file
    std::string_view text;   ///< without its line break (LF or CRLF)
};

std::vector<Line> split_lines(std::string_view text, std::size_t start) {
    std::vector<Line> lines;
    std::size_t pos = start;
    while (pos < text.size()) {
        std::size_t end = text.find('\n', pos);
        const std::size_t next = end == std::string_view::npos ? text.size() : end + 1;
        if (end == std::string_view::npos) {
            end = text.size();
        }
        std::string_view line = text.substr(pos, end - pos);
        if (!line.empty() && line.back() == '\r') {
            line.remove_suffix(1);
        }
        lines.push_back(Line{pos, line});
        pos = next;
    }
    return lines;
}

bool equal_ascii_nocase(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) {
        return false;
    }
    for (std::size_t i = 0; i < a.size(); ++i) {
        auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
        if (lower(a[i]) != lower(b[i])) {
            return false;
        }
    }
    return true;
}

/// Byte offset of the first control character (other than tab, CR, LF) in `s`, or npos.
std::size_t first_control(std::string_view s) {
    for (std::size_t i = 0; i < s.size(); ++i) {
        const auto c = static_cast<unsigned char>(s[i]);
        if ((c < 0x20 && c != '\t' && c != '\r' && c != '\n') || c == 0x7f) {
            return i;
        }
    }
    return std::string_view::npos;
}

/// Joins lines back with LF line ends (each line ends with one).
std::string join_lf(const std::vector<Line>& lines, std::size_t from, std::size_t to) {
    std::string out;
    for (std::size_t i = from; i < to; ++i) {
        out.append(lines[i].text);
        out += '\n';
    }
    return out;
}

/// Checks a From or Reply-To value: fixed (no variable), one mailbox, a plain address.
/// Returns the mailbox's addr-spec, or "" after adding an error.
std::string check_mailbox(const SourcePtr& file, std::size_t value_offset, std::string_view value,
                          std::string_view header, Diagnostics& diags) {
    const std::string example = std::string(header) + ": Riverside Pain Clinic <consent@riverside.example>";
    if (std::size_t var = value.find("{{"); var != std::string_view::npos) {
        diags.push_back(error_at(file, value_offset + var,
                                 std::string(header) + " may not use variables: a record must never choose the " +
                                     (header == "From" ? "sender" : "reply address"),
                                 {"write the clinic's own address, e.g. `" + example + "`"}));
        return {};
    }
    if (value.empty()) {
        diags.push_back(error_at(file, value_offset, std::string(header) + " is empty", {"write `" + example + "`"}));
        return {};
    }
    init_gmime();
    const std::string text(value);
    AddressListPtr list(internet_address_list_parse(nullptr, text.c_str()));
    const int count = list ? internet_address_list_length(list.get()) : 0;
    InternetAddress* only = count == 1 ? internet_address_list_get_address(list.get(), 0) : nullptr;  // transfer none
    if (only == nullptr || !INTERNET_ADDRESS_IS_MAILBOX(only)) {
        diags.push_back(error_at(
            file, value_offset,
            std::string(header) + " must be one address" +
                (count > 1 ? std::string(", not ") + std::to_string(count) : std::string()),
            {"write one mailbox, `Name <address>` or `address`, e.g. `" + example + "`"}));
        return {};
    }
    const char* addr = internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(only));
    const std::string spec = addr != nullptr ? addr : "";
    if (auto fault = address_fault(spec)) {
        diags.push_back(error_at(file, value_offset, std::string(header) + "'s address " + *fault,
                                 {"write one mailbox, `Name <address>` or `address`, e.g. `" + example + "`"}));
        return {};
    }
    return spec;
}

}  // namespace

Result<EmailTemplate> parse_email_template(SourcePtr file) {
    Result<EmailTemplate> r;
    Diagnostics& diags = r.diagnostics;
    const std::string_view text = file->text;

    const gchar* bad_utf8 = nullptr;
    if (g_utf8_validate_len(text.data(), text.size(), &bad_utf8) == FALSE) {
        diags.push_back(error_at(file, static_cast<std::size_t>(bad_utf8 - text.data()),
                                 "the e-mail template is not UTF-8 text", {"save the file as UTF-8"}));
        return r;
    }
    if (std::size_t c = first_control(text); c != std::string_view::npos) {
        diags.push_back(error_at(file, c, "the e-mail template holds a control character",
                                 {"remove it: only tabs and line breaks may be used"}));
        return r;
    }
    const std::size_t start = text.substr(0, 3) == "\xEF\xBB\xBF" ? 3 : 0;  // a UTF-8 byte order mark
    const std::vector<Line> lines = split_lines(text, start);

    EmailTemplate t;
    t.file = file;
    std::array<std::optional<std::size_t>, 3> seen{};  // the line offset of each allowed header
    std::size_t body_line = lines.size();              // the first body line (after the blank line)
    bool headers_ok = true;
    for (std::size_t i = 0; i < lines.size(); ++i) {
        const Line& line = lines[i];
        if (trim_blanks(line.text).empty()) {
            body_line = i + 1;
            break;
        }
        if (line.text.front() == ' ' || line.text.front() == '\t') {
            diags.push_back(error_at(file, line.offset, "a header may not continue on the next line",
                                     {"write each header on one line, and end the headers with a blank line"}));
            headers_ok = false;
            continue;
        }
        const std::size_t colon = line.text.find(':');
        if (colon == std::string_view::npos) {
            diags.push_back(error_at(file, line.offset, "expected a header line `Name: value`",
                                     {"the template starts with its headers (From, Reply-To, Subject), then a blank "
                                      "line, then the body"}));
            headers_ok = false;
            continue;
        }
        const std::string_view name = trim_blanks(line.text.substr(0, colon));
        std::size_t which = allowed_headers.size();
        for (std::size_t h = 0; h < allowed_headers.size(); ++h) {
            if (equal_ascii_nocase(name, allowed_headers[h])) {
                which = h;
            }
        }
        if (which == allowed_headers.size()) {
            std::vector<std::string> hints = {"an e-mail template may set only From, Reply-To and Subject; To comes "
                                              "from --email-to, Date and Message-ID are made for each message"};
            if (std::string near = nearest(name, allowed_headers); !near.empty()) {
                hints.insert(hints.begin(), "did you mean `" + near + "`?");
            }
            diags.push_back(error_at(file, line.offset, "`" + std::string(name) + "` is not a header an e-mail "
                                                                                  "template may set",
                                     std::move(hints)));
            headers_ok = false;
            continue;
        }
        const std::string& header = allowed_headers[which];
        if (seen[which]) {
            diags.push_back(error_at(file, line.offset, header + " is given twice",
                                     {"keep one " + header + " line (first given at line " +
                                      std::to_string(file->line_col(*seen[which]).line) + ")"}));
            headers_ok = false;
            continue;
        }
        seen[which] = line.offset;
        std::string_view raw = line.text.substr(colon + 1);
        std::size_t value_offset = line.offset + colon + 1;
        while (!raw.empty() && (raw.front() == ' ' || raw.front() == '\t')) {
            raw.remove_prefix(1);
            ++value_offset;
        }
        const std::string_view value = trim_blanks(raw);
        if (header == "Subject") {
            if (value.empty()) {
                diags.push_back(error_at(file, value_offset, "Subject is empty",
                                         {"write a subject, e.g. `Subject: Your consent sheet for {{date}}`"}));
                headers_ok = false;
            }
            t.subject = std::string(value);
        } else {
            std::string spec = check_mailbox(file, value_offset, value, header, diags);
            if (spec.empty()) {
                headers_ok = false;
            } else if (header == "From") {
                t.from = std::string(value);
                t.from_address = std::move(spec);
            } else {
                t.reply_to = std::string(value);
            }
        }
    }
    if (!seen[0]) {
        diags.push_back(error_at(file, start, "the e-mail template has no From header",
                                 {"add a line `From: Clinic name <address@clinic.example>` before the blank line that "
                                  "starts the body"}));
    }
    if (!seen[2]) {
        diags.push_back(error_at(file, start, "the e-mail template has no Subject header",
                                 {"add a line `Subject: …` before the blank line that starts the body"}));
    }
    if (body_line == lines.size() && headers_ok && seen[0] && seen[2]) {
        diags.push_back(error_at(file, text.size(), "the e-mail template has no body",
                                 {"after the headers, write a blank line, then the message's text"}));
    }
    if (has_errors(diags)) {
        return r;
    }

    std::size_t html_line = lines.size();
    for (std::size_t i = body_line; i < lines.size(); ++i) {
        if (trim_blanks(lines[i].text) == html_marker) {
            html_line = i;
            break;
        }
    }
    t.text = join_lf(lines, body_line, html_line);
    if (html_line < lines.size()) {
        t.html = join_lf(lines, html_line + 1, lines.size());
    }
    if (t.text.find_first_not_of(" \t\n") == std::string::npos) {
        const std::size_t at = body_line < lines.size() ? lines[body_line].offset : text.size();
        diags.push_back(error_at(file, at, "the e-mail template's plain-text body is empty",
                                 {"write the message's text after the blank line that ends the headers (the HTML "
                                  "part, when there is one, is an alternative to it, not a replacement)"}));
    }
    if (html_line < lines.size() && t.html.find_first_not_of(" \t\n") == std::string::npos) {
        diags.push_back(error_at(file, lines[html_line].offset, "the HTML body after `--- html ---` is empty",
                                 {"write the HTML body after this line, or remove the line"}));
    }
    if (has_errors(diags)) {
        return r;
    }
    r.value = std::move(t);
    return r;
}

Result<EmailTemplate> load_email_template(const std::string& path, const Limits& limits) {
    ReadOutcome got = read_whole_file(path, ReadRule{limits.text_bytes, true, "text-size"});
    if (!got.bytes) {
        Result<EmailTemplate> r;
        r.diagnostics.push_back(
            Diagnostic{Severity::error, nullptr, 0, got.message("e-mail template", path), {got.hint}});
        return r;
    }
    return parse_email_template(std::make_shared<const SourceFile>(SourceFile{path, std::move(*got.bytes)}));
}

}  // namespace handout
