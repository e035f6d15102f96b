// core: bounded reads of input files (see bounded_read.hpp).
#include "core/bounded_read.hpp"

#include "core/limits.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace handout {

namespace {

/// Closes a file descriptor when it goes out of scope.
struct Fd {
    int fd = -1;
    ~Fd() {
        if (fd >= 0) {
            ::close(fd);
        }
    }
};

std::string kind_of(mode_t mode) {
    if (S_ISDIR(mode)) {
        return "a folder";
    }
    if (S_ISFIFO(mode)) {
        return "a FIFO";
    }
    if (S_ISCHR(mode) || S_ISBLK(mode)) {
        return "a device";
    }
    if (S_ISSOCK(mode)) {
        return "a socket";
    }
    return "not a regular file";
}

/// "8 MB", or "512 KB", or "1000 bytes": the limit as it was most likely written.
std::string amount(std::uintmax_t bytes) {
    if (bytes % (1u << 20) == 0) {
        return std::to_string(bytes >> 20) + " MB";
    }
    if (bytes % (1u << 10) == 0) {
        return std::to_string(bytes >> 10) + " KB";
    }
    return std::to_string(bytes) + " bytes";
}

/// "split it, or shrink it; or raise the limit: --limit text-size=16M".
std::string over_limit_hint(const ReadRule& rule, const char* fix) {
    std::string hint = fix;
    if (!rule.limit_name.empty()) {
        hint += "; or raise the limit: " + limit_hint(rule.limit_name);
    }
    return hint;
}

}  // namespace

std::string ReadOutcome::message(const std::string& what, const std::string& path) const {
    if (problem.rfind(": ", 0) == 0) {
        return "cannot read " + what + " `" + path + "`" + problem;
    }
    return what + " `" + path + "` " + problem;
}

ReadOutcome read_whole_file(const std::string& path, const ReadRule& rule) {
    ReadOutcome out;
    // Non-blocking, so opening a FIFO with no writer returns at once rather than hanging.
    Fd f{::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY)};
    if (f.fd < 0) {
        out.problem = std::string(": ") + std::strerror(errno);
        out.hint = "check the path and that the file exists";
        return out;
    }
    struct stat st {};
    if (::fstat(f.fd, &st) != 0) {
        out.problem = std::string(": ") + std::strerror(errno);
        out.hint = "check the path and that the file exists";
        return out;
    }
    const bool regular = S_ISREG(st.st_mode);
    if (!regular && rule.regular_only) {
        out.problem = "is " + kind_of(st.st_mode) + ", not a regular file";
        out.hint = "name an ordinary file";
        return out;
    }
    if (regular && static_cast<std::uintmax_t>(st.st_size) > rule.max_bytes) {
        out.problem = "is larger than the limit of " + amount(rule.max_bytes);
        out.hint = over_limit_hint(rule, "split it, or shrink it (pictures: save at print size)");
        return out;
    }
    if (!regular) {
        ::fcntl(f.fd, F_SETFL, ::fcntl(f.fd, F_GETFL) & ~O_NONBLOCK);  // a pipe the user meant: wait for it
    }
    std::string bytes;
    bytes.reserve(regular ? static_cast<std::size_t>(st.st_size) : 0);
    char buf[65536];
    for (;;) {
        const ssize_t n = ::read(f.fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0) {
            out.problem = std::string(": ") + std::strerror(errno);
            out.hint = "check the file";
            return out;
        }
        if (n == 0) {
            break;
        }
        if (bytes.size() + static_cast<std::size_t>(n) > rule.max_bytes) {  // grew, or a pipe
            out.problem = "is larger than the limit of " + amount(rule.max_bytes);
            out.hint = over_limit_hint(rule, "split it, or shrink it");
            return out;
        }
        bytes.append(buf, static_cast<std::size_t>(n));
    }
    out.bytes = std::move(bytes);
    return out;
}

}  // namespace handout
