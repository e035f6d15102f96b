// mail: one record's message, built with GMime (see message.hpp).
#include "mail/message.hpp"

#include "core/glib_ptr.hpp"

#include <gmime/gmime.h>

#include <array>
#include <charconv>
#include <functional>
#include <map>
#include <utility>
#include <vector>

namespace handout {

namespace {

using AddressListPtr = GObjectPtr<InternetAddressList>;
using FormatOptionsPtr = CPtr<GMimeFormatOptions, g_mime_format_options_free>;
using DateTimePtr = CPtr<GDateTime, g_date_time_unref>;

/// The longest line RFC 5322 allows, without its CRLF.
constexpr std::size_t max_line_bytes = 998;

std::string html_escape(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (char c : s) {
        switch (c) {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '"': out += "&quot;"; break;
            case '\'': out += "&#39;"; break;
            default: out += c; break;
        }
    }
    return out;
}

/// What a value filled into To (a display name or an address) holds that could change the
/// recipients or add a header, with why it is refused; nullopt when it holds none of it.
std::optional<std::string> recipient_value_fault(std::string_view v) {
    for (char ch : v) {
        const auto c = static_cast<unsigned char>(ch);
        if (c == '\r' || c == '\n') {
            return "holds a line break: it could add a header";
        }
        if (c == ',' || c == ';') {
            return std::string("holds a ") + (c == ',' ? "comma" : "semicolon") + ": a record may name one address only";
        }
        if (c == '<' || c == '>') {
            return "holds an angle bracket: it could name another address";
        }
        if (c == '"' || c == '\\') {
            return std::string("holds a ") + (c == '"' ? "double quote" : "backslash") +
                   ": it could change how the recipient is read";
        }
        if (c < 0x20 || c == 0x7f) {
            return "holds a control character";
        }
    }
    return std::nullopt;
}

/// Checks one value before it is filled in: the message for the record, naming the variable and
/// never the value, or nullopt.
using ValueCheck = std::function<std::optional<std::string>(const std::string& name, std::string_view value)>;

/// `tmpl` with its variables filled from `vars` (HTML-escaped when `escape`), each value passing
/// `check`. The first problem — a value's, or a variable the record lacks — goes to `error` when
/// that is still empty. `used`, when given, collects the variables' names.
std::string fill_checked(std::string_view tmpl, const Vars& vars, const std::string& part, const ValueCheck& check,
                         bool escape, std::string& error, std::vector<std::string>* used = nullptr) {
    std::map<std::string, std::string> escaped;  // node-based: the pointers handed out stay valid
    auto lookup = [&](std::string_view name) -> const std::string* {
        auto it = vars.find(std::string(name));
        if (it == vars.end()) {
            return nullptr;
        }
        if (used != nullptr) {
            used->push_back(it->first);
        }
        if (error.empty()) {
            if (auto fault = check(it->first, it->second)) {
                error = std::move(*fault);
            }
        }
        if (!escape) {
            return &it->second;
        }
        return &escaped.try_emplace(it->first, html_escape(it->second)).first->second;
    };
    std::vector<std::string> unknown;
    std::string out = fill_template(tmpl, lookup, &unknown);
    if (error.empty() && !unknown.empty()) {
        error = part + " uses the variable `" + unknown.front() +
                "`, which the record does not have (the variables are the manifest's columns)";
    }
    return out;
}

std::string variables_text(const std::vector<std::string>& names) {
    if (names.empty()) {
        return "";
    }
    std::string out = names.size() == 1 ? ", variable " : ", variables ";
    for (std::size_t i = 0; i < names.size(); ++i) {
        out += (i == 0 ? "`" : ", `") + names[i] + "`";
    }
    return out;
}

/// `--email-to` split into its display-name and address templates.
struct ToParts {
    std::string_view display;  ///< empty when there is none
    std::string_view address;
};

std::optional<ToParts> split_to(std::string_view to, std::string* fault) {
    to = trim_blanks(to);
    ToParts parts;
    if (!to.empty() && to.back() == '>') {
        const std::size_t lt = to.rfind('<');
        if (lt == std::string_view::npos) {
            *fault = "--email-to ends with `>` but has no `<` before it";
            return std::nullopt;
        }
        parts.display = trim_blanks(to.substr(0, lt));
        parts.address = trim_blanks(to.substr(lt + 1, to.size() - lt - 2));
        if (parts.display.size() >= 2 && parts.display.front() == '"' && parts.display.back() == '"') {
            parts.display = parts.display.substr(1, parts.display.size() - 2);
        }
    } else {
        parts.address = to;
    }
    if (parts.address.empty()) {
        *fault = "--email-to names no address";
        return std::nullopt;
    }
    return parts;
}

/// `tmpl` with every variable replaced by one letter: the template's own text.
std::string literal_text(std::string_view tmpl) {
    static const std::string stand_in = "x";
    return fill_template(tmpl, [](std::string_view) { return &stand_in; });
}

std::string megabytes(std::uint64_t bytes) {
    std::array<char, 32> buf{};
    auto res = std::to_chars(buf.data(), buf.data() + buf.size(), static_cast<double>(bytes) / (1024.0 * 1024.0),
                             std::chars_format::fixed, 1);
    return std::string(buf.data(), res.ptr) + " MB (" + std::to_string(bytes) + " bytes)";
}

std::string too_big(std::uint64_t size, std::uint64_t limit, bool at_least) {
    return std::string("the message is ") + (at_least ? "at least " : "") + megabytes(size) +
           ", over the limit of " + megabytes(limit) +
           " (--limit message-size); send the PDF another way or raise the limit";
}

/// A memory stream holding a copy of `bytes`, as a part's content.
GObjectPtr<GMimeDataWrapper> content_of(std::string_view bytes) {
    GObjectPtr<GMimeStream> stream(g_mime_stream_mem_new_with_buffer(bytes.data(), bytes.size()));
    // The wrapper takes its own reference to the stream.
    return GObjectPtr<GMimeDataWrapper>(g_mime_data_wrapper_new_with_stream(stream.get(), GMIME_CONTENT_ENCODING_DEFAULT));
}

/// A text/`subtype` part in UTF-8, encoded as GMime finds best for 7-bit transport.
GObjectPtr<GMimePart> text_part(const char* subtype, std::string_view text) {
    GObjectPtr<GMimePart> part(GMIME_PART(g_mime_text_part_new_with_subtype(subtype)));
    g_mime_part_set_content(part.get(), content_of(text).get());  // takes its own reference
    g_mime_text_part_set_charset(GMIME_TEXT_PART(part.get()), "utf-8");
    GMimeContentEncoding encoding = g_mime_part_get_best_content_encoding(part.get(), GMIME_ENCODING_CONSTRAINT_7BIT);
    // A value could hold a line that looks like one of our boundaries: quoted-printable writes
    // every `=` as `=3D`, so no line of the part can then be one.
    if ((encoding == GMIME_CONTENT_ENCODING_7BIT || encoding == GMIME_CONTENT_ENCODING_DEFAULT) &&
        text.find("=_handout_") != std::string_view::npos) {
        encoding = GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE;
    }
    g_mime_part_set_content_encoding(part.get(), encoding);
    return part;
}

bool plain_id(std::string_view id) {
    if (id.empty() || id.size() > 200) {
        return false;
    }
    for (char c : id) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
                        c == '-' || c == '_';
        if (!ok) {
            return false;
        }
    }
    return true;
}

/// The one mailbox `text` parses to (transfer: the list owns it), or null.
InternetAddressMailbox* only_mailbox(InternetAddressList* list) {
    if (list == nullptr || internet_address_list_length(list) != 1) {
        return nullptr;
    }
    InternetAddress* a = internet_address_list_get_address(list, 0);  // transfer none
    return INTERNET_ADDRESS_IS_MAILBOX(a) ? INTERNET_ADDRESS_MAILBOX(a) : nullptr;
}

bool parses_to_exactly(const std::string& text, const std::string& addr) {
    AddressListPtr list(internet_address_list_parse(nullptr, text.c_str()));
    InternetAddressMailbox* box = only_mailbox(list.get());
    const char* got = box != nullptr ? internet_address_mailbox_get_addr(box) : nullptr;
    return got != nullptr && addr == got;
}

}  // namespace

std::optional<std::string> email_to_fault(std::string_view to_template) {
    std::string fault;
    auto parts = split_to(to_template, &fault);
    const std::string form = "write one recipient: `{{patient.email}}` or `{{patient.name}} <{{patient.email}}>`";
    if (!parts) {
        return fault + "; " + form;
    }
    const std::string display = literal_text(parts->display);
    const std::string address = literal_text(parts->address);
    if (auto f = recipient_value_fault(display)) {
        return "--email-to's display name " + f->substr(0, f->find(':')) + "; " + form;
    }
    if (auto f = recipient_value_fault(address)) {
        return "--email-to's address " + f->substr(0, f->find(':')) + "; " + form;
    }
    if (address.find_first_of(" \t") != std::string::npos) {
        return "--email-to's address holds a space; " + form;
    }
    return std::nullopt;
}

BuiltMessage build_message(const MessageInput& input) {
    BuiltMessage out;
    if (input.email == nullptr || input.vars == nullptr) {
        out.error = "internal error: build_message was given no template or no values";
        return out;
    }
    const EmailTemplate& email = *input.email;
    const Vars& vars = *input.vars;
    std::string& error = out.error;

    if (auto fault = email_to_fault(input.to_template)) {
        error = *fault;
        return out;
    }
    if (!plain_id(input.id)) {
        error = "internal error: the Message-ID's unique part must be letters, digits, `.`, `-` or `_`";
        return out;
    }
    // The attachment alone, base64-encoded, is at least 4 bytes for every 3: refuse before
    // building a message that cannot be sent.
    const std::uint64_t attachment_floor = (static_cast<std::uint64_t>(input.attachment.size()) + 2) / 3 * 4;
    if (attachment_floor > input.max_bytes) {
        error = too_big(attachment_floor, input.max_bytes, true);
        return out;
    }

    // To: each value checked on its own (naming its variable), then the whole.
    std::string fault;
    const ToParts to = *split_to(input.to_template, &fault);
    auto to_check = [&](const std::string& what) {
        return [&input, what](const std::string& name, std::string_view value) -> std::optional<std::string> {
            if (auto f = recipient_value_fault(value)) {
                return what + " (--email-to, variable `" + name + "`) " + *f;
            }
            if (auto f = value_fault(name, value, input.max_value_bytes)) {
                return what + " (--email-to): " + *f;
            }
            return std::nullopt;
        };
    };
    std::vector<std::string> address_vars;
    const std::string display = std::string(trim_blanks(
        fill_checked(to.display, vars, "the recipient name (--email-to)", to_check("the recipient name"), false, error)));
    const std::string address = fill_checked(to.address, vars, "the recipient address (--email-to)",
                                             to_check("the recipient address"), false, error, &address_vars);
    if (!error.empty()) {
        return out;
    }
    if (auto f = address_fault(address)) {
        error = "the recipient address (--email-to" + variables_text(address_vars) + ") " + *f +
                ": a record must name one plain address, like `name@example.org`";
        return out;
    }
    init_gmime();
    if (!parses_to_exactly(address, address)) {
        error = "the recipient address (--email-to" + variables_text(address_vars) +
                ") is not one plain address, like `name@example.org`";
        return out;
    }

    auto subject_check = [&input](const std::string& name, std::string_view value) -> std::optional<std::string> {
        if (value.find_first_of("\r\n") != std::string_view::npos) {
            return "the Subject: the value of `" + name + "` holds a line break, which a header may not hold";
        }
        if (auto f = value_fault(name, value, input.max_value_bytes)) {
            return "the Subject: " + *f;
        }
        return std::nullopt;
    };
    auto body_check = [&input](const std::string& name, std::string_view value) -> std::optional<std::string> {
        if (auto f = value_fault(name, value, input.max_value_bytes)) {
            return "the e-mail's body: " + *f;
        }
        return std::nullopt;
    };
    const std::string subject = fill_checked(email.subject, vars, "the e-mail template's Subject", subject_check, false, error);
    const std::string text = fill_checked(email.text, vars, "the e-mail template's text", body_check, false, error);
    const std::string html =
        email.html.empty() ? std::string() : fill_checked(email.html, vars, "the e-mail template's HTML", body_check, true, error);
    if (!error.empty()) {
        return out;
    }

    const std::string domain = email.from_address.substr(email.from_address.find('@') + 1);
    const std::string id_spec = input.id + "@" + domain;

    GObjectPtr<GMimeMessage> message(g_mime_message_new(TRUE));
    GMimeObject* message_object = GMIME_OBJECT(message.get());
    {
        AddressListPtr from(internet_address_list_parse(nullptr, email.from.c_str()));
        if (only_mailbox(from.get()) == nullptr) {
            error = "internal error: the template's From is not one address";
            return out;
        }
        internet_address_list_append(g_mime_message_get_from(message.get()), from.get());  // transfer none
    }
    if (!email.reply_to.empty()) {
        AddressListPtr reply_to(internet_address_list_parse(nullptr, email.reply_to.c_str()));
        internet_address_list_append(g_mime_message_get_reply_to(message.get()), reply_to.get());
    }
    {
        GObjectPtr<InternetAddress> mailbox(
            internet_address_mailbox_new(display.empty() ? nullptr : display.c_str(), address.c_str()));
        InternetAddressList* to_list = g_mime_message_get_to(message.get());  // transfer none
        internet_address_list_add(to_list, mailbox.get());                     // takes its own reference
        // The header as it will be written, read back: one recipient, this address.
        FormatOptionsPtr plain(g_mime_format_options_new());
        GCharPtr written(internet_address_list_to_string(to_list, plain.get(), TRUE));
        if (written == nullptr || !parses_to_exactly(written.get(), address)) {
            error = "the recipient (--email-to) does not read back as one address";
            return out;
        }
    }
    g_mime_message_set_subject(message.get(), subject.c_str(), "utf-8");
    {
        DateTimePtr date(g_date_time_new_from_unix_utc(static_cast<gint64>(input.date)));
        if (date == nullptr) {
            error = "internal error: the message's date is out of range";
            return out;
        }
        g_mime_message_set_date(message.get(), date.get());
    }
    g_mime_message_set_message_id(message.get(), id_spec.c_str());
    g_mime_object_set_header(message_object, "MIME-Version", "1.0", nullptr);

    GObjectPtr<GMimePart> plain_part = text_part("plain", text);
    GObjectPtr<GMimeMultipart> alternative;
    if (!html.empty()) {
        alternative.reset(g_mime_multipart_new_with_subtype("alternative"));
        g_mime_multipart_set_boundary(alternative.get(), ("=_handout_" + input.id + "_2").c_str());
        GObjectPtr<GMimePart> html_part = text_part("html", html);
        g_mime_multipart_add(alternative.get(), GMIME_OBJECT(plain_part.get()));  // each takes its own reference
        g_mime_multipart_add(alternative.get(), GMIME_OBJECT(html_part.get()));
    }
    GObjectPtr<GMimePart> pdf(g_mime_part_new_with_type("application", "pdf"));
    g_mime_part_set_content(pdf.get(), content_of(input.attachment).get());
    g_mime_object_set_disposition(GMIME_OBJECT(pdf.get()), GMIME_DISPOSITION_ATTACHMENT);
    g_mime_part_set_filename(pdf.get(), safe_attachment_name(input.attachment_name).c_str());
    g_mime_part_set_content_encoding(pdf.get(), GMIME_CONTENT_ENCODING_BASE64);

    GObjectPtr<GMimeMultipart> mixed(g_mime_multipart_new_with_subtype("mixed"));
    g_mime_multipart_set_boundary(mixed.get(), ("=_handout_" + input.id + "_1").c_str());
    g_mime_multipart_add(mixed.get(), alternative ? GMIME_OBJECT(alternative.get()) : GMIME_OBJECT(plain_part.get()));
    g_mime_multipart_add(mixed.get(), GMIME_OBJECT(pdf.get()));
    g_mime_message_set_mime_part(message.get(), GMIME_OBJECT(mixed.get()));  // takes its own reference

    FormatOptionsPtr options(g_mime_format_options_new());
    g_mime_format_options_set_newline_format(options.get(), GMIME_NEWLINE_FORMAT_DOS);  // SMTP's CRLF
    GObjectPtr<GMimeStream> stream(g_mime_stream_mem_new());
    if (g_mime_object_write_to_stream(message_object, options.get(), stream.get()) < 0) {
        error = "internal error: GMime could not write the message";
        return out;
    }
    const GByteArray* written = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(stream.get()));  // transfer none
    std::string bytes(reinterpret_cast<const char*>(written->data), written->len);

    for (std::size_t pos = 0; pos < bytes.size();) {
        std::size_t end = bytes.find("\r\n", pos);
        if (end == std::string::npos) {
            end = bytes.size();
        }
        if (end - pos > max_line_bytes) {
            error = "a line of the message would be over " + std::to_string(max_line_bytes) +
                    " bytes (a header too long to fold? shorten the Subject or the recipient's name)";
            return out;
        }
        pos = end + 2;
    }
    if (bytes.size() > input.max_bytes) {
        error = too_big(bytes.size(), input.max_bytes, false);
        return out;
    }
    out.bytes = std::move(bytes);
    out.message_id = "<" + id_spec + ">";
    out.envelope_from = email.from_address;
    out.recipient = address;
    return out;
}

std::string safe_attachment_name(std::string_view name) {
    std::string out;
    bool gap = false;
    for (char c : name) {
        const bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
                          c == '-' || c == '_';
        if (keep) {
            if (gap && !out.empty()) {
                out += '-';
            }
            gap = false;
            out += c;
        } else {
            gap = true;
        }
    }
    if (out.size() >= 4 && out.compare(out.size() - 4, 4, ".pdf") == 0) {
        out.resize(out.size() - 4);
    }
    // Not a hidden file, and not something a command line would read as an option.
    while (!out.empty() && (out.front() == '.' || out.front() == '-')) {
        out.erase(out.begin());
    }
    if (out.empty()) {
        out = "handout";
    }
    return out + ".pdf";
}

}  // namespace handout
