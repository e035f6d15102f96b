// tests: a real SMTP server for the tests — Debian's aiosmtpd (tests/smtp/aiosmtpd_server.py run
// by /usr/bin/python3) on 127.0.0.1 with an ephemeral port, started by the constructor (which
// returns once it listens) and stopped by the destructor; what it accepted, with the envelope,
// read back from its store folder. Switches make it refuse a recipient, answer 4xx, drop the
// connection, or want a login.
#pragma once

#include "helpers.hpp"

#include <memory>
#include <string>
#include <vector>

namespace test {

struct SmtpServerOptions {
    std::vector<std::string> refuse = {};  ///< recipients answered 550 at RCPT TO
    unsigned fail_data = 0;           ///< the first N messages' data answered 451
    unsigned drop_after = 0;          ///< after storing the Kth message: no reply, connection closed, and every later connection closed at once
    unsigned drop_mid_data = 0;       ///< at the Kth DATA command: 354, a little read, connection reset
    double delay_seconds = 0;         ///< waited after storing each message, before the reply
    std::string auth = {};            ///< "USER:PASSWORD": AUTH required (after STARTTLS when TLS is on)
    std::string tls_cert = {};        ///< with tls_key, PEM files: STARTTLS offered and required
    std::string tls_key = {};
};

/// One message the server accepted.
struct ReceivedMessage {
    std::string mail_from;
    std::vector<std::string> rcpt_tos;
    std::string data;  ///< the DATA as received, dot-unstuffed (SMTP transparency undone)
};

class SmtpServer {
public:
    explicit SmtpServer(const SmtpServerOptions& options = {});
    ~SmtpServer();
    SmtpServer(const SmtpServer&) = delete;
    SmtpServer& operator=(const SmtpServer&) = delete;

    /// Whether the server listens; else error() says why (with its stderr).
    bool ok() const { return m_port > 0; }
    const std::string& error() const { return m_error; }
    int port() const { return m_port; }
    std::string url() const { return "smtp://127.0.0.1:" + std::to_string(m_port); }

    /// The accepted messages, in the order they were accepted.
    std::vector<ReceivedMessage> messages() const;
    /// How many messages were accepted so far (cheap: counts files).
    std::size_t count() const;
    /// What the server wrote to stderr (aiosmtpd's warnings), for failure output.
    std::string log() const;

private:
    std::unique_ptr<TempDir> m_dir;  ///< store/ (the messages) and server.log
    int m_pid = -1;
    int m_stdin = -1;  ///< the server's stdin: closing it ends the server
    int m_port = 0;
    std::string m_error;
};

}  // namespace test
