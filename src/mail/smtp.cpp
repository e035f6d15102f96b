#include "mail/smtp.hpp"

#include <algorithm>
#include <array>
#include <cerrno>
#include <mutex>
#include <string_view>
#include <utility>

#include <unistd.h>

namespace handout {

namespace {

void init_curl() {
    static std::once_flag once;
    std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

using CurlText = CPtr<char, curl_free>;
using CurlUrl = CPtr<CURLU, curl_url_cleanup>;
using CurlList = CPtr<curl_slist, curl_slist_free_all>;

std::string url_part(CURLU* u, CURLUPart part) {
    char* text = nullptr;
    if (curl_url_get(u, part, &text, 0) != CURLUE_OK) {
        return {};
    }
    CurlText owned(text);
    return text != nullptr ? std::string(text) : std::string();
}

/// The upload's state, shared with curl's read callback (which must not throw).
struct Upload {
    int fd = -1;
    std::uint64_t size = 0;
    std::uint64_t offset = 0;
    const std::function<bool()>* on_data_end = nullptr;
    bool data_end_reached = false;  ///< every byte handed to curl (and on_data_end ran)
    bool aborted_by_hook = false;
    bool read_failed = false;
};

std::size_t read_message(char* buffer, std::size_t size, std::size_t count, void* user) noexcept {
    auto* up = static_cast<Upload*>(user);
    const std::size_t room = size * count;
    std::size_t given = 0;
    if (up->offset < up->size) {
        const auto want = static_cast<std::size_t>(std::min<std::uint64_t>(room, up->size - up->offset));
        ssize_t n = -1;
        do {
            n = ::pread(up->fd, buffer, want, static_cast<off_t>(up->offset));
        } while (n < 0 && errno == EINTR);
        if (n <= 0) {  // an error, or the file became shorter than it was
            up->read_failed = true;
            return CURL_READFUNC_ABORT;
        }
        given = static_cast<std::size_t>(n);
        up->offset += given;
    }
    if (up->offset >= up->size && !up->data_end_reached) {
        // The last bytes are handed over now: from here the server may end up with the message.
        up->data_end_reached = true;
        try {
            if (up->on_data_end != nullptr && *up->on_data_end && !(*up->on_data_end)()) {
                up->aborted_by_hook = true;
            }
        } catch (...) {
            up->aborted_by_hook = true;
        }
        if (up->aborted_by_hook) {
            return CURL_READFUNC_ABORT;
        }
    }
    return given;
}

bool is_fatal(CURLcode c) {
    switch (c) {
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_URL_MALFORMAT:
    case CURLE_NOT_BUILT_IN:
    case CURLE_FAILED_INIT:
    case CURLE_USE_SSL_FAILED:
    case CURLE_LOGIN_DENIED:
    case CURLE_AUTH_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_ENGINE_NOTFOUND:
    case CURLE_SSL_ENGINE_SETFAILED:
    case CURLE_SSL_ENGINE_INITFAILED:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_SSL_INVALIDCERTSTATUS:
        return true;
    default:
        return false;
    }
}

/// Reply codes that say no message of this run can go (authentication needed or refused).
bool is_fatal_code(long code) {
    return code == 530 || code == 534 || code == 535 || code == 538;
}

std::string describe(CURLcode result, long code, std::string_view curl_error, bool data_end_reached) {
    std::string reason;
    if (result == CURLE_USE_SSL_FAILED) {
        reason = "the server does not offer STARTTLS, which smtp:// requires (use smtps:// if it speaks TLS "
                 "from the start, or --insecure-local for a relay on this machine)";
    } else if (result == CURLE_LOGIN_DENIED || code == 535) {
        reason = "login refused: check HANDOUT_SMTP_USER and HANDOUT_SMTP_PASSWORD";
    } else if (code == 530) {
        reason = "the server wants a login: set HANDOUT_SMTP_USER and HANDOUT_SMTP_PASSWORD";
    } else if (curl_error.starts_with("RCPT")) {
        reason = "recipient refused";
    } else if (curl_error.starts_with("MAIL")) {
        reason = "sender refused";
    } else if (data_end_reached && code >= 400) {
        reason = "message refused";
    } else {
        reason = curl_easy_strerror(result);
        if (!curl_error.empty()) {
            reason += ": " + without_addresses(std::string(curl_error));
        }
    }
    // A code below 400 is the last good reply before the failure (EHLO's 250, DATA's 354): not news.
    return code >= 400 ? std::to_string(code) + " " + reason : reason;
}

}  // namespace

std::string without_addresses(const std::string& text) {
    std::string out;
    std::size_t i = 0;
    while (i < text.size()) {
        const auto space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
        if (space(text[i])) {
            out += text[i] == '\t' || text[i] == ' ' ? text[i] : ' ';
            ++i;
            continue;
        }
        std::size_t end = i;
        while (end < text.size() && !space(text[end])) {
            ++end;
        }
        std::string_view word(text.data() + i, end - i);
        out += word.find('@') != std::string_view::npos ? std::string("[address]") : std::string(word);
        i = end;
    }
    return out;
}

std::optional<std::string> check_smtp_url(const std::string& url, bool insecure_local) {
    init_curl();
    const std::string example = "e.g. smtp://mail.clinic.example:587 (STARTTLS) or smtps://mail.clinic.example:465";
    CurlUrl u(curl_url());
    if (!u) {
        return "out of memory";
    }
    if (curl_url_set(u.get(), CURLUPART_URL, url.c_str(), 0) != CURLUE_OK) {
        return "--smtp is not a URL with a scheme and a host; " + example;
    }
    const std::string scheme = url_part(u.get(), CURLUPART_SCHEME);
    if (scheme != "smtp" && scheme != "smtps") {
        return "--smtp must be an smtp:// or smtps:// URL, not " + scheme + "://; " + example;
    }
    if (!url_part(u.get(), CURLUPART_USER).empty() || !url_part(u.get(), CURLUPART_PASSWORD).empty()) {
        return "--smtp must not hold a user name or password (it would show in process lists and shell history); "
               "set HANDOUT_SMTP_USER and HANDOUT_SMTP_PASSWORD instead";
    }
    const std::string host = url_part(u.get(), CURLUPART_HOST);
    if (host.empty()) {
        return "--smtp has no host; " + example;
    }
    if (insecure_local && scheme == "smtp") {
        static constexpr std::array<std::string_view, 4> loopback = {"127.0.0.1", "[::1]", "::1", "localhost"};
        if (std::find(loopback.begin(), loopback.end(), host) == loopback.end()) {
            return "--insecure-local sends without TLS and is allowed only to this machine (127.0.0.1, ::1 or "
                   "localhost), not to " + host + "; leave it out so STARTTLS protects the messages, or use smtps://";
        }
    }
    return std::nullopt;
}

SmtpClient::SmtpClient(SmtpSettings settings) : m_settings(std::move(settings)) {
    init_curl();
    m_curl.reset(curl_easy_init());
}

SmtpAttempt SmtpClient::send(const std::string& envelope_from, const std::string& recipient, int fd,
                             std::uint64_t size, const std::function<bool()>& on_data_end) {
    SmtpAttempt attempt;
    CURL* c = m_curl.get();
    if (c == nullptr) {
        attempt.error = "libcurl could not be set up";
        return attempt;
    }
    CurlList rcpt(curl_slist_append(nullptr, recipient.c_str()));
    if (!rcpt) {
        attempt.error = "out of memory";
        return attempt;
    }
    Upload upload;
    upload.fd = fd;
    upload.size = size;
    upload.on_data_end = &on_data_end;
    std::array<char, CURL_ERROR_SIZE> error_buffer{};
    const long timeout = static_cast<long>(m_settings.timeout_seconds);
    const bool tls_required = !m_settings.insecure_local;

    curl_easy_setopt(c, CURLOPT_URL, m_settings.url.c_str());
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, error_buffer.data());
    // smtps:// is TLS from the first byte; on smtp:// STARTTLS must succeed or nothing is sent.
    curl_easy_setopt(c, CURLOPT_USE_SSL, tls_required ? static_cast<long>(CURLUSESSL_ALL) : static_cast<long>(CURLUSESSL_NONE));
    if (!m_settings.user.empty()) {
        curl_easy_setopt(c, CURLOPT_USERNAME, m_settings.user.c_str());
        curl_easy_setopt(c, CURLOPT_PASSWORD, m_settings.password.c_str());
    }
    if (!m_settings.ca_file.empty()) {
        curl_easy_setopt(c, CURLOPT_CAINFO, m_settings.ca_file.c_str());  // e.g. the clinic's own CA
    }
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, timeout);
    curl_easy_setopt(c, CURLOPT_SERVER_RESPONSE_TIMEOUT, timeout);
    curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1L);  // an upload stalled for `timeout` seconds fails
    curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, timeout);
    curl_easy_setopt(c, CURLOPT_MAIL_FROM, envelope_from.c_str());
    curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpt.get());
    curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(c, CURLOPT_READFUNCTION, read_message);
    curl_easy_setopt(c, CURLOPT_READDATA, &upload);
    curl_easy_setopt(c, CURLOPT_FRESH_CONNECT, m_fresh_connection ? 1L : 0L);
    m_fresh_connection = false;

    const CURLcode result = curl_easy_perform(c);
    long code = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
    // Nothing of this message stays with the handle (the list and buffer die with this call).
    curl_easy_setopt(c, CURLOPT_MAIL_RCPT, static_cast<curl_slist*>(nullptr));
    curl_easy_setopt(c, CURLOPT_MAIL_FROM, static_cast<const char*>(nullptr));
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, static_cast<char*>(nullptr));
    curl_easy_setopt(c, CURLOPT_READDATA, static_cast<void*>(nullptr));

    attempt.code = static_cast<int>(code);
    if (result == CURLE_OK) {
        attempt.outcome = SmtpOutcome::sent;
        return attempt;
    }
    m_fresh_connection = true;  // whatever failed, the next message starts on a new connection
    const std::string_view curl_error(error_buffer.data());
    if (upload.aborted_by_hook) {
        attempt.outcome = SmtpOutcome::aborted;
        attempt.error = "stopped before the end of the message: the sent-log could not be written";
        return attempt;
    }
    if (upload.read_failed) {
        attempt.outcome = SmtpOutcome::permanent;
        attempt.error = "the message file could not be read to the end (changed while it was sent?)";
        return attempt;
    }
    attempt.error = describe(result, code, curl_error, upload.data_end_reached);
    if (is_fatal(result) || is_fatal_code(code)) {
        attempt.outcome = SmtpOutcome::fatal;
    } else if (code >= 500 && code <= 599) {
        attempt.outcome = SmtpOutcome::permanent;
    } else if (code >= 400 && code <= 499) {
        attempt.outcome = SmtpOutcome::transient;
    } else if (upload.data_end_reached) {
        // The whole message went, and no reply to it came: the server may have accepted it.
        attempt.outcome = SmtpOutcome::in_doubt;
        attempt.error += " (after the whole message was sent; no reply)";
    } else {
        attempt.outcome = SmtpOutcome::transient;
    }
    return attempt;
}

}  // namespace handout
