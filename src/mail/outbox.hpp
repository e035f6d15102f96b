// mail: takes an outbox folder, returns its messages in name order and, for one message, what
// sending it needs — the envelope (From's and To's addr-specs), the Message-ID and the size —
// read with GMime's parser, refusing a message that could reach more than one recipient.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace handout {

/// The sent-log's file name inside the outbox (mail/sent_log.hpp).
inline constexpr const char* sent_log_name = "sent-log.jsonl";

/// The `.eml` files of `dir` (names only, sorted bytewise), leaving out everything else: the
/// sent-log, handout's temporaries (`.handout-*`), folders and files of other names. Nullopt
/// and `error` set when the folder cannot be listed.
std::optional<std::vector<std::string>> list_outbox(const std::string& dir, std::string& error);

/// One message file, opened: the descriptor stays open so the bytes sent are those read here
/// (a file replaced meanwhile is not mixed in).
class OutboxMessage {
public:
    OutboxMessage() = default;
    explicit OutboxMessage(int fd) : m_fd(fd) {}  ///< takes ownership of `fd`
    OutboxMessage(OutboxMessage&& other) noexcept;
    OutboxMessage& operator=(OutboxMessage&& other) noexcept;
    OutboxMessage(const OutboxMessage&) = delete;
    OutboxMessage& operator=(const OutboxMessage&) = delete;
    ~OutboxMessage();

    std::string file;           ///< the name within the outbox
    std::string envelope_from;  ///< From's addr-spec (the SMTP envelope sender)
    std::string recipient;      ///< To's addr-spec: a patient value, never logged or printed
    std::string message_id;     ///< without the angle brackets
    std::uint64_t size = 0;     ///< bytes, as on disk

    int fd() const { return m_fd; }

private:
    int m_fd = -1;  ///< the open file, read from offset 0 when sent
};

/// What open_outbox_message gives: the message, or why it cannot be sent — naming the file and
/// the header, never a value ("x.eml: To must hold exactly one address (found 2)").
struct OpenedMessage {
    std::optional<OutboxMessage> message;
    std::string error;
};

/// Opens `dir/file` (a regular file, not a link) and reads its headers with GMime: exactly one
/// From mailbox, exactly one To mailbox, no Cc or Bcc, a Message-ID, plain addr-specs (no
/// space, control character, angle bracket, comma or semicolon).
OpenedMessage open_outbox_message(const std::string& dir, const std::string& file);

}  // namespace handout
