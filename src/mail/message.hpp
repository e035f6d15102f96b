// mail: one record's message — an RFC 5322 message built with GMime from the e-mail template,
// the record's values and its PDF: From, To, Subject (RFC 2047 when not ASCII), Date,
// Message-ID, a text/plain body (with a text/html alternative when the template has one) and the
// PDF as an application/pdf attachment. No record value can add a header or a recipient: a value
// filled into To may not hold a line break, comma, semicolon, angle bracket, quote, backslash or
// control character, the address must be one plain addr-spec (checked again by GMime's parser,
// and the To header as written is read back), a Subject value may not hold a line break. Values
// are never quoted in errors. Lines end CRLF; the multipart boundaries are `=_handout_<id>_1`
// (mixed) and `_2` (alternative), and a text part holding one of them is sent quoted-printable.
#pragma once

#include "mail/email_template.hpp"
#include "resolve/resolve.hpp"

#include <cstdint>
#include <cstddef>
#include <ctime>
#include <optional>
#include <string>
#include <string_view>

namespace handout {

struct MessageInput {
    const EmailTemplate* email = nullptr;
    const Vars* vars = nullptr;          ///< the record's values
    std::string to_template;             ///< `--email-to`, e.g. `{{patient.email}}`
    std::string_view attachment;         ///< the PDF's bytes (as sent: protected when --protect)
    std::string attachment_name;         ///< a safe file name, e.g. `ketamine-consent.pdf`
    /// The Message-ID's unique part (hex, no patient value), e.g. the record's up-to-date digest:
    /// the same record rendered again gets the same Message-ID, so the sent-log knows it.
    std::string id;
    std::time_t date = 0;                ///< the Date header
    std::uint64_t max_bytes = 10u << 20; ///< the message as written (--limit message-size)
    std::size_t max_value_bytes = Limits{}.value_bytes;  ///< one value filled in (--limit value-size)
};

struct BuiltMessage {
    std::string bytes;        ///< the whole message, CRLF line ends, empty on error
    std::string message_id;   ///< `<id@domain-of-from>`
    std::string envelope_from;///< From's addr-spec
    std::string recipient;    ///< To's addr-spec
    /// Why the record's message cannot be made, naming the variable or template part and never
    /// a value (a CR, LF, comma, semicolon or angle bracket in the address; a header value with
    /// a line break; too big; an unknown variable). Empty when built.
    std::string error;
};

/// The record's message; thread-safe (each call builds its own GMime objects). The same input
/// gives the same bytes: the multipart boundaries come from `id`, the Date from `date`.
BuiltMessage build_message(const MessageInput& input);

/// What is wrong with an `--email-to` template itself (before any record): it must be one
/// recipient, `ADDRESS` or `DISPLAY <ADDRESS>`, e.g. `{{patient.email}}` or
/// `{{patient.name}} <{{patient.email}}>`, with no comma, semicolon, quote or line break of its
/// own. nullopt when it is usable. build_message checks it too.
std::optional<std::string> email_to_fault(std::string_view to_template);

/// `name` made safe as an attachment's file name: ASCII letters, digits, `.`, `-`, `_` kept, any
/// other run of characters becomes one `-`; never empty, never starting with a dot or a dash; ends `.pdf`.
std::string safe_attachment_name(std::string_view name);

}  // namespace handout
