#include "mail/send.hpp"

#include "mail/outbox.hpp"
#include "mail/sent_log.hpp"
#include "mail/smtp.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <iostream>
#include <set>
#include <string_view>
#include <thread>

namespace handout {

namespace {

using Status = SendResult::Status;

/// The first UTF-8 character of `s` (or "").
std::string first_character(std::string_view s) {
    if (s.empty()) {
        return {};
    }
    std::size_t n = 1;
    while (n < s.size() && n < 4 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) {
        ++n;
    }
    return std::string(s.substr(0, n));
}

/// `jane.doe@example.org` → `j…@e….org`: enough to spot a wrong address, not enough to read one.
std::string mask_address(std::string_view address) {
    const auto at = address.rfind('@');
    if (at == std::string_view::npos) {
        return "…";
    }
    const std::string_view local = address.substr(0, at);
    const std::string_view domain = address.substr(at + 1);
    std::string out = first_character(local) + "…@" + first_character(domain) + "…";
    const auto dot = domain.rfind('.');
    if (dot != std::string_view::npos && dot > 0 && dot + 1 < domain.size()) {
        out += std::string(domain.substr(dot));
    }
    return visible_text(out);
}

const char* status_words(Status s, bool dry_run) {
    switch (s) {
    case Status::sent:
        return "sent";
    case Status::already_sent:
        return "already sent";
    case Status::in_doubt:
        return "in doubt";
    case Status::failed:
        return dry_run ? "cannot send" : "failed";
    case Status::skipped_limit:
        return "over --limit";
    case Status::would_send:
        return "would send";
    case Status::stopped:
        return "not tried";
    }
    return "";
}

void count(SendOutcome& out, Status s) {
    switch (s) {
    case Status::sent:
        ++out.sent;
        break;
    case Status::already_sent:
        ++out.already_sent;
        break;
    case Status::in_doubt:
        ++out.in_doubt;
        break;
    case Status::failed:
        ++out.failed;
        break;
    case Status::skipped_limit:
        ++out.not_sent_limit;
        break;
    case Status::would_send:
        ++out.would_send;
        break;
    case Status::stopped:
        ++out.stopped;
        break;
    }
}

std::string plural(std::size_t n, const char* one, const char* many) {
    return std::to_string(n) + " " + (n == 1 ? one : many);
}

std::string getenv_string(const char* name) {
    const char* v = std::getenv(name);
    return v != nullptr ? std::string(v) : std::string();
}

void print_totals(const SendOutcome& out, bool dry_run) {
    std::string line = dry_run ? plural(out.results.size(), "message", "messages") + ", " +
                                     std::to_string(out.bytes) + " bytes to send: " +
                                     std::to_string(out.would_send) + " would send"
                               : std::to_string(out.sent) + " sent";
    auto add = [&line](std::size_t n, const std::string& what) {
        if (n > 0) {
            line += ", " + std::to_string(n) + " " + what;
        }
    };
    add(out.already_sent, "already sent");
    add(out.failed, dry_run ? "cannot be sent" : "failed");
    add(out.in_doubt, "in doubt");
    add(out.not_sent_limit, "left for a later run (--limit)");
    add(out.stopped, "not tried (the run stopped)");
    if (dry_run) {
        std::cout << line << "\n"
                  << "This was a dry run: nothing was sent. Add --send to send them.\n";
    } else {
        std::cerr << "handout: " << line << (out.sent > 0 ? " (" + std::to_string(out.bytes) + " bytes)" : "") << "\n";
    }
    if (out.in_doubt > 0) {
        (dry_run ? std::cout : std::cerr)
            << (dry_run ? "" : "handout: ") << "hint: a message in doubt was handed to the server whole, but no reply "
            << "was recorded: it may have arrived. Check the server's log or ask the recipient; "
               "--resend-in-doubt sends it again.\n";
    }
}

}  // namespace

SendOutcome run_send(const SendJob& job, const std::optional<std::vector<std::string>>& only) {
    SendOutcome out;
    const bool dry_run = !job.send;
    auto fail_job = [&out](std::string message, std::vector<std::string> hints, bool bad_input) {
        out.diagnostics.push_back(error_at(nullptr, 0, std::move(message), std::move(hints)));
        out.bad_input = out.bad_input || bad_input;
        return out;
    };
    if (auto problem = check_smtp_url(job.smtp_url, job.insecure_local)) {
        return fail_job(*problem, {}, true);
    }
    SmtpSettings settings;
    settings.url = job.smtp_url;
    settings.insecure_local = job.insecure_local;
    settings.ca_file = job.ca_file;
    settings.timeout_seconds = job.timeout_seconds;
    settings.user = getenv_string("HANDOUT_SMTP_USER");
    settings.password = getenv_string("HANDOUT_SMTP_PASSWORD");
    if (settings.user.empty() != settings.password.empty()) {
        return fail_job(std::string(settings.user.empty() ? "HANDOUT_SMTP_PASSWORD" : "HANDOUT_SMTP_USER") +
                            " is set but " + (settings.user.empty() ? "HANDOUT_SMTP_USER" : "HANDOUT_SMTP_PASSWORD") +
                            " is not",
                        {"set both for a server that wants a login, or neither"}, true);
    }

    std::string error;
    auto names = list_outbox(job.outbox, error);
    if (!names) {
        return fail_job(error, {"give the folder the batch wrote with --outbox"}, true);
    }
    if (only) {
        const std::set<std::string> wanted(only->begin(), only->end());
        const std::set<std::string> present(names->begin(), names->end());
        std::erase_if(*names, [&wanted](const std::string& n) { return wanted.count(n) == 0; });
        for (const auto& w : wanted) {
            if (present.count(w) == 0) {
                SendResult r;
                r.file = w;
                r.status = Status::failed;
                r.error = "not in the outbox";
                out.results.push_back(r);
            }
        }
    }
    auto log = SentLog::open(job.outbox, !dry_run, error);
    if (!log) {
        return fail_job(error, {}, false);
    }

    SmtpClient client(settings);
    std::size_t tried = 0;
    bool stopped = false;
    const auto interval = std::chrono::duration<double>(job.rate_per_second > 0 ? 1.0 / job.rate_per_second : 0.0);
    auto next_start = std::chrono::steady_clock::now();
    const std::size_t total = names->size();
    std::size_t position = 0;

    for (const auto& name : *names) {
        ++position;
        SendResult result;
        result.file = name;
        if (stopped) {
            result.status = Status::stopped;
            out.results.push_back(result);
            continue;
        }
        OpenedMessage opened = open_outbox_message(job.outbox, name);
        if (!opened.message) {
            result.status = Status::failed;
            result.error = opened.error;
            if (!job.quiet) {
                (dry_run ? std::cout : std::cerr) << (dry_run ? "" : "handout: ") << "error: "
                                                  << visible_text(opened.error) << "\n";
            }
            out.results.push_back(result);
            continue;
        }
        OutboxMessage& message = *opened.message;
        const SentState state = log->state(message.message_id);
        bool to_send = false;
        if (state == SentState::sent) {
            result.status = Status::already_sent;
        } else if (state == SentState::in_doubt && !job.resend_in_doubt) {
            result.status = Status::in_doubt;
            result.error = "an earlier run handed it to the server whole, and no reply was recorded";
        } else if (job.limit > 0 && tried >= job.limit) {
            result.status = Status::skipped_limit;
        } else if (dry_run) {
            result.status = Status::would_send;
            ++tried;
        } else {
            to_send = true;
        }
        if (dry_run) {
            out.bytes += message.size;
            if (!job.quiet) {
                std::string words = status_words(result.status, true);
                words.resize(std::max<std::size_t>(words.size(), 13), ' ');
                std::cout << words << visible_text(name) << "  " << message.size << " bytes  to "
                          << mask_address(message.recipient) << "\n";
            }
            out.results.push_back(result);
            continue;
        }
        if (!to_send) {  // already sent, in doubt, or over the limit
            if (!job.quiet && result.status == Status::in_doubt) {
                std::cerr << "handout: " << visible_text(name) << " in doubt (from an earlier run): not sent again\n";
            }
            out.results.push_back(result);
            continue;
        }

        ++tried;
        if (job.rate_per_second > 0) {
            std::this_thread::sleep_until(next_start);
            next_start = std::max(next_start, std::chrono::steady_clock::now()) +
                         std::chrono::duration_cast<std::chrono::steady_clock::duration>(interval);
        }
        std::string log_error;
        bool pending_written = false;
        const std::function<bool()> on_data_end = [&]() {
            if (auto e = log->append(SentEvent::pending, name, message.message_id, 0)) {
                log_error = *e;
                return false;
            }
            pending_written = true;
            return true;
        };
        for (unsigned attempt = 0;; ++attempt) {
            pending_written = false;
            const SmtpAttempt a =
                client.send(message.envelope_from, message.recipient, message.fd(), message.size, on_data_end);
            ++result.attempts;
            result.smtp_code = a.code;
            result.error = a.error;
            if (a.outcome == SmtpOutcome::sent) {
                result.status = Status::sent;
                result.error.clear();
                out.bytes += message.size;
                if (auto e = log->append(SentEvent::sent, name, message.message_id, a.code)) {
                    // Accepted, but the log cannot say so: it keeps "pending", so a re-run holds
                    // the message in doubt rather than sending it twice. Nothing more is sent.
                    fail_job(*e, {"the message " + name + " was sent; free space or fix the folder's permissions"},
                             false);
                    stopped = true;
                }
                break;
            }
            if (a.outcome == SmtpOutcome::in_doubt) {
                result.status = Status::in_doubt;
                break;
            }
            if (a.outcome == SmtpOutcome::fatal || a.outcome == SmtpOutcome::aborted) {
                result.status = Status::stopped;
                fail_job(a.outcome == SmtpOutcome::aborted ? log_error : a.error,
                         {"nothing more was sent; what was not sent goes with the next run"}, false);
                stopped = true;
                break;
            }
            // transient or permanent: the server did not take the message. A "failed" line
            // closes a "pending" one, so a kill now does not leave the message in doubt.
            const bool last = a.outcome == SmtpOutcome::permanent || attempt >= job.retries;
            if (pending_written || last) {
                if (auto e = log->append(SentEvent::failed, name, message.message_id, a.code)) {
                    fail_job(*e, {}, false);
                    stopped = true;
                    result.status = Status::failed;
                    break;
                }
            }
            if (last) {
                result.status = Status::failed;
                if (a.outcome == SmtpOutcome::transient && a.code == 0) {
                    // No reply at all, however often tried: the server is out of reach; the
                    // messages after this one would only wait out the same retries.
                    fail_job("the SMTP server could not be reached (" + visible_text(a.error) + ")",
                             {"the messages not sent go with the next run"}, false);
                    stopped = true;
                }
                break;
            }
            const double wait = job.backoff_seconds * std::pow(2.0, static_cast<double>(attempt));
            if (!job.quiet) {
                std::cerr << "handout: " << visible_text(name) << ": " << visible_text(a.error) << "; trying again in "
                          << wait << " s (attempt " << attempt + 2 << " of " << job.retries + 1 << ")\n";
            }
            std::this_thread::sleep_for(std::chrono::duration<double>(wait));
            client.reset_connection();
        }
        if (!job.quiet && result.status != Status::stopped) {  // a stopped run says why once, below
            std::cerr << "handout: " << visible_text(name) << " " << status_words(result.status, false);
            if (!result.error.empty()) {
                std::cerr << ": " << visible_text(result.error);
            }
            std::cerr << " (" << position << " of " << total << ")\n";
        }
        out.results.push_back(result);
    }
    for (const auto& r : out.results) {
        count(out, r.status);
    }
    if (!job.quiet) {
        print_totals(out, dry_run);
    }
    return out;
}

}  // namespace handout
