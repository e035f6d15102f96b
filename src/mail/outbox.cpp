#include "mail/outbox.hpp"

#include "core/glib_ptr.hpp"
#include "mail/email_template.hpp"

#include <gmime/gmime.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <mutex>
#include <string_view>
#include <utility>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace handout {

namespace {

namespace fs = std::filesystem;

constexpr std::string_view temporary_prefix = ".handout-";

bool ends_with(std::string_view s, std::string_view tail) {
    return s.size() >= tail.size() && s.substr(s.size() - tail.size()) == tail;
}

/// An addr-spec curl can put between angle brackets as it is: something@something, with none of
/// the characters that would end or add a command or an address.
bool plain_addr_spec(std::string_view a) {
    const auto at = a.rfind('@');
    if (at == std::string_view::npos || at == 0 || at + 1 == a.size()) {
        return false;
    }
    return std::none_of(a.begin(), a.end(), [](char c) {
        const auto u = static_cast<unsigned char>(c);
        return u <= 0x20 || u == 0x7f || c == '<' || c == '>' || c == ',' || c == ';' || c == '(' || c == ')' ||
               c == '"' || c == '\\';
    });
}

/// The one mailbox of `list`, or why there is not exactly one (never the address itself).
std::optional<std::string> only_mailbox(InternetAddressList* list, const char* header, std::string& error) {
    const int count = list == nullptr ? 0 : internet_address_list_length(list);
    if (count != 1) {
        error = std::string(header) + " must hold exactly one address (found " + std::to_string(count) + ")";
        return std::nullopt;
    }
    InternetAddress* address = internet_address_list_get_address(list, 0);  // transfer none
    if (!INTERNET_ADDRESS_IS_MAILBOX(address)) {
        error = std::string(header) + " holds a group, not one mailbox";
        return std::nullopt;
    }
    const char* addr = internet_address_mailbox_get_idn_addr(INTERNET_ADDRESS_MAILBOX(address));
    std::string spec = addr != nullptr ? addr : "";
    if (!plain_addr_spec(spec)) {
        error = std::string(header) + "'s address is not a plain address (name@domain without spaces, brackets, "
                                      "commas or control characters)";
        return std::nullopt;
    }
    return spec;
}

}  // namespace

std::optional<std::vector<std::string>> list_outbox(const std::string& dir, std::string& error) {
    std::vector<std::string> names;
    std::error_code ec;
    fs::directory_iterator it(dir, ec);
    if (ec) {
        error = "cannot read the outbox `" + dir + "`: " + ec.message();
        return std::nullopt;
    }
    for (; it != fs::directory_iterator(); it.increment(ec)) {
        std::string name = it->path().filename().string();
        if (name.starts_with(temporary_prefix) || !ends_with(name, ".eml") || name == sent_log_name) {
            continue;
        }
        std::error_code type_ec;
        if (it->is_directory(type_ec)) {
            continue;
        }
        names.push_back(std::move(name));
    }
    if (ec) {
        error = "cannot read the outbox `" + dir + "`: " + ec.message();
        return std::nullopt;
    }
    std::sort(names.begin(), names.end());
    return names;
}

OutboxMessage::OutboxMessage(OutboxMessage&& other) noexcept
    : file(std::move(other.file)),
      envelope_from(std::move(other.envelope_from)),
      recipient(std::move(other.recipient)),
      message_id(std::move(other.message_id)),
      size(other.size),
      m_fd(std::exchange(other.m_fd, -1)) {}

OutboxMessage& OutboxMessage::operator=(OutboxMessage&& other) noexcept {
    if (this != &other) {
        if (m_fd >= 0) {
            ::close(m_fd);
        }
        file = std::move(other.file);
        envelope_from = std::move(other.envelope_from);
        recipient = std::move(other.recipient);
        message_id = std::move(other.message_id);
        size = other.size;
        m_fd = std::exchange(other.m_fd, -1);
    }
    return *this;
}

OutboxMessage::~OutboxMessage() {
    if (m_fd >= 0) {
        ::close(m_fd);
    }
}

OpenedMessage open_outbox_message(const std::string& dir, const std::string& file) {
    init_gmime();
    OpenedMessage out;
    const std::string path = (fs::path(dir) / file).string();
    // O_NONBLOCK: a FIFO named *.eml must not hang the run; it is refused below.
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
    if (fd < 0) {
        out.error = file + ": cannot open: " + std::strerror(errno);
        return out;
    }
    OutboxMessage message(fd);
    message.file = file;
    struct stat st {};
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        out.error = file + ": not a regular file";
        return out;
    }
    message.size = static_cast<std::uint64_t>(st.st_size);
    const int flags = ::fcntl(fd, F_GETFL);
    if (flags >= 0) {
        ::fcntl(fd, F_SETFL, flags & ~O_NONBLOCK);
    }

    // Parsed from the file itself: GMime keeps the parts' contents as ranges of the stream
    // (persistent stream), so a big attachment is not copied into memory. The stream does not
    // own the descriptor: the message keeps it for sending.
    GObjectPtr<GMimeStream> stream(g_mime_stream_fs_new(fd));
    g_mime_stream_fs_set_owner(GMIME_STREAM_FS(stream.get()), FALSE);
    GObjectPtr<GMimeParser> parser(g_mime_parser_new_with_stream(stream.get()));
    GObjectPtr<GMimeMessage> parsed(g_mime_parser_construct_message(parser.get(), nullptr));
    if (!parsed) {
        out.error = file + ": not an e-mail message (GMime cannot parse its headers)";
        return out;
    }
    GMimeObject* object = GMIME_OBJECT(parsed.get());
    for (const char* header : {"Cc", "Bcc"}) {
        if (g_mime_object_get_header(object, header) != nullptr) {
            out.error = file + ": has a " + header + " header; a message from the outbox goes to its To address only";
            return out;
        }
    }
    std::string why;
    auto from = only_mailbox(g_mime_message_get_from(parsed.get()), "From", why);
    if (!from) {
        out.error = file + ": " + why;
        return out;
    }
    auto to = only_mailbox(g_mime_message_get_to(parsed.get()), "To", why);
    if (!to) {
        out.error = file + ": " + why;
        return out;
    }
    const char* id = g_mime_message_get_message_id(parsed.get());
    if (id == nullptr || *id == '\0') {
        out.error = file + ": has no Message-ID (the sent-log knows a message by it)";
        return out;
    }
    message.envelope_from = std::move(*from);
    message.recipient = std::move(*to);
    message.message_id = id;
    if (::lseek(fd, 0, SEEK_SET) != 0) {
        out.error = file + ": cannot read: " + std::strerror(errno);
        return out;
    }
    out.message = std::move(message);
    return out;
}

}  // namespace handout
