// mail: the e-mail template file (`--email-template`): a few headers, a plain-text body and an
// optional HTML alternative, each with `{{variables}}` filled from a record.
//
// The file (README, "Sending to patients"):
//
//     From: Riverside Pain Clinic <consent@riverside.example>
//     Reply-To: Front desk <desk@riverside.example>        (optional)
//     Subject: Your consent sheet for {{date}}
//
//     Dear {{patient.name}},
//     … the plain-text body …
//     --- html ---                                           (optional: from here, the HTML body)
//     <p>Dear {{patient.name}},</p>
//
// Only From, Reply-To and Subject may be given, each once (From and Subject required); From and
// Reply-To are fixed addresses (no variables: a record must never choose a sender); Subject and
// the bodies may use variables. Values filled into the HTML body are escaped. Header names are
// matched without regard to case; a header may not continue on a second line. The body starts
// after the first blank line; a line `--- html ---` (alone on its line) starts the HTML body.
// LF or CRLF line ends, UTF-8 (a byte order mark is skipped), no control characters but tab.
#pragma once

#include "core/diagnostic.hpp"
#include "core/limits.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace handout {

struct EmailTemplate {
    SourcePtr file;
    std::string from;       ///< one mailbox, as written: `Name <addr>` or `addr`
    std::string reply_to;   ///< empty when not given
    std::string subject;    ///< template text
    std::string text;       ///< plain-text body template (LF line ends)
    std::string html;       ///< HTML body template, empty when there is none
    std::string from_address;  ///< the addr-spec of `from` (the SMTP envelope sender)
};

/// Reads and checks the template (at most limits.text_bytes, a regular file, UTF-8, LF or CRLF
/// line ends); errors name file:line:col and the fix. Safe to call from any thread.
Result<EmailTemplate> load_email_template(const std::string& path, const Limits& limits);

/// The same from a text already read (`file->path` names it in messages).
Result<EmailTemplate> parse_email_template(SourcePtr file);

/// What keeps `addr` from being one plain addr-spec (`local@domain`: one `@`, both sides
/// non-empty, printable ASCII without spaces, `,;<>()[]"\\:`), as a phrase such as "holds a space",
/// or nullopt when it is one. Never quotes the address.
std::optional<std::string> address_fault(std::string_view addr);

/// Initialises GMime once per process, whichever thread asks first (g_mime_init is not
/// thread-safe and must not run twice); every GMime-using function of mail/ calls it first.
void init_gmime();

/// `s` without the spaces and tabs at its ends (header values, the parts of an address).
std::string_view trim_blanks(std::string_view s);

}  // namespace handout
