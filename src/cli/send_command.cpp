#include "cli/send_command.hpp"

#include "core/diagnostic.hpp"
#include "pipeline/exit_code.hpp"

#include <charconv>
#include <iostream>

namespace handout {

std::optional<double> parse_rate(const std::string& text) {
    const auto slash = text.find('/');
    if (slash == std::string::npos || slash == 0) {
        return std::nullopt;
    }
    double count = 0;
    const char* begin = text.data();
    const char* end = text.data() + slash;
    auto [ptr, ec] = std::from_chars(begin, end, count);
    if (ec != std::errc() || ptr != end || !(count > 0) || count > 1e9) {
        return std::nullopt;
    }
    const std::string unit = text.substr(slash + 1);
    if (unit == "s") {
        return count;
    }
    if (unit == "min") {
        return count / 60.0;
    }
    if (unit == "h") {
        return count / 3600.0;
    }
    return std::nullopt;
}

SendCommand add_send_command(CLI::App& app) {
    SendCommand command;
    command.job = std::make_unique<SendJob>();
    SendJob& job = *command.job;
    CLI::App* sub = app.add_subcommand(
        "send", "Send an outbox's messages over SMTP, each exactly once (a dry run unless --send is given)");
    command.app = sub;
    sub->add_option("outbox", job.outbox, "The outbox folder the batch wrote (--outbox)")->required();
    sub->add_option("--smtp", job.smtp_url,
                    "The server: smtp://HOST:587 (STARTTLS required) or smtps://HOST:465; a login comes from "
                    "HANDOUT_SMTP_USER and HANDOUT_SMTP_PASSWORD")
        ->required();
    sub->add_flag("--send", job.send, "Send (without it: list what would go, to whom (masked), counts and sizes)");
    sub->add_option("--limit", job.limit, "Send at most N messages this run (the rest go with the next run)")
        ->check(CLI::PositiveNumber);
    sub->add_option_function<std::string>(
           "--rate",
           [&job](const std::string& text) {
               auto rate = parse_rate(text);
               if (!rate) {
                   throw CLI::ValidationError("--rate", "`" + text + "` is not a rate: give COUNT/s, COUNT/min or "
                                                        "COUNT/h, e.g. 5/s or 300/min");
               }
               job.rate_per_second = *rate;
           },
           "At most this many messages, e.g. 5/s, 300/min or 1000/h (default: no limit)")
        ->type_name("COUNT/UNIT");
    sub->add_option("--ca-file", job.ca_file,
                    "Trust the certificates in this PEM file for the server (a clinic's own CA); default: the system's")
            ->check(CLI::ExistingFile);
    sub->add_flag("--insecure-local", job.insecure_local,
                  "smtp:// without TLS, to a relay on this machine only (127.0.0.1, ::1, localhost)");
    sub->add_option("--retries", job.retries,
                    "Tries after the first on a 4xx reply or a lost connection, waiting 1 s, 2 s, 4 s … (default 4)")
        ->check(CLI::Range(0U, max_retries));
    sub->add_flag("--resend-in-doubt", job.resend_in_doubt,
                  "Also send the messages an earlier run handed over whole without getting a reply (they may "
                  "arrive twice)");
    sub->add_flag("-q,--quiet", job.quiet, "No dry-run list, progress or summary (errors are still printed)");
    return command;
}

int run_send_command(const SendCommand& command) {
    const SendOutcome outcome = run_send(*command.job);
    for (const auto& d : outcome.diagnostics) {
        std::cerr << "handout: " << format_diagnostic(d);
    }
    if (outcome.bad_input) {
        return exit_status(ExitCode::bad_input);
    }
    return exit_status(outcome.ok() ? ExitCode::ok : ExitCode::failed);
}

}  // namespace handout
