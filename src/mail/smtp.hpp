// mail: takes a message (envelope and bytes) and an SMTP server, returns what the server said —
// one libcurl easy handle reused from message to message (one connection while it lasts),
// STARTTLS required on smtp:// unless the server is this machine and the user said so.
#pragma once

#include "core/c_ptr.hpp"

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include <curl/curl.h>

namespace handout {

struct SmtpSettings {
    std::string url;              ///< smtp://host[:port][/ehlo-name] or smtps://…
    bool insecure_local = false;  ///< smtp:// without TLS (checked: loopback hosts only)
    unsigned timeout_seconds = 60;  ///< connect, each reply, and a stalled upload
    std::string user, password;   ///< from HANDOUT_SMTP_USER / HANDOUT_SMTP_PASSWORD; empty: no AUTH
    std::string ca_file;          ///< PEM certificates to trust for the server (--ca-file); empty: the system's
};

/// Why `url` cannot be used (scheme, credentials in the URL, --insecure-local to another host),
/// with the fix; nullopt when it can.
std::optional<std::string> check_smtp_url(const std::string& url, bool insecure_local);

/// How an attempt ended.
enum class SmtpOutcome {
    sent,       ///< 2xx after the data: accepted
    transient,  ///< 4xx, or the connection failed before all the data was handed over: try again
    permanent,  ///< 5xx: this message will not go (refused recipient, refused data)
    in_doubt,   ///< all the data was handed over, then the connection failed without a reply
    fatal,      ///< no message can go: TLS unavailable or not trusted, login refused, bad URL
    aborted,    ///< the data-end hook asked to stop (the sent-log could not be written)
};

struct SmtpAttempt {
    SmtpOutcome outcome = SmtpOutcome::fatal;
    int code = 0;       ///< the server's last reply code, 0 when none
    /// What went wrong, for people: the reply code and curl's reason, with anything that could
    /// be an address replaced; never an envelope value. Empty when sent.
    std::string error;
};

/// One SMTP client; not thread-safe (one easy handle).
class SmtpClient {
public:
    explicit SmtpClient(SmtpSettings settings);

    /// Sends `size` bytes read from `fd` (from offset 0, with pread) from `envelope_from` to
    /// `recipient`. `on_data_end` runs when all the bytes are handed to curl, before the
    /// end-of-data mark goes: false aborts the transfer (the server then discards the message).
    SmtpAttempt send(const std::string& envelope_from, const std::string& recipient, int fd, std::uint64_t size,
                     const std::function<bool()>& on_data_end);

    /// The next send opens a new connection (after a failed attempt).
    void reset_connection() { m_fresh_connection = true; }

private:
    SmtpSettings m_settings;
    CPtr<CURL, curl_easy_cleanup> m_curl;
    bool m_fresh_connection = false;
};

/// `text` with every word holding an '@' replaced by "[address]" (a server's reply or curl's
/// reason may echo an envelope address).
std::string without_addresses(const std::string& text);

}  // namespace handout
