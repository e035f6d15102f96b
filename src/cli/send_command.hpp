// cli: the `handout send` subcommand — takes its arguments, runs mail's run_send, returns the
// exit status (0 all sent or a clean dry run, 1 some failed, in doubt or not tried, 2 bad input).
#pragma once

#include "mail/send.hpp"

#include <CLI/CLI.hpp>

#include <memory>
#include <optional>
#include <string>

namespace handout {

struct SendCommand {
    CLI::App* app = nullptr;  ///< the subcommand (owned by the parent App); `*app` is true when it was given
    /// Filled in by parsing. On the heap: the options hold references into it, and SendCommand
    /// is returned by value.
    std::unique_ptr<SendJob> job;
};

/// Registers `send OUTBOX --smtp URL [--send] [--limit N] [--rate 5/s|300/min|1000/h]
/// [--insecure-local] [--retries N] [--resend-in-doubt] [-q]` on `app`.
SendCommand add_send_command(CLI::App& app);

/// Runs the parsed command: prints the job's errors to stderr, returns the process exit status.
int run_send_command(const SendCommand& command);

/// `5/s`, `300/min`, `1000/h` as messages a second; nullopt when `text` is none of those (or
/// not above zero).
std::optional<double> parse_rate(const std::string& text);

/// The most retries --retries takes (each waits twice as long as the one before: 10 retries
/// after a 1 s first wait is up to 17 minutes for one message).
inline constexpr unsigned max_retries = 10;

}  // namespace handout
