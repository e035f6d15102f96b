// batch: tasks in child processes (see child_pool.hpp).
#include "batch/child_pool.hpp"

#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace handout {

namespace {

using Clock = std::chrono::steady_clock;

/// Writes all of `s`; false when the other end is gone.
bool write_all(int fd, std::string_view s) {
    while (!s.empty()) {
        const ssize_t n = ::send(fd, s.data(), s.size(), MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            return false;
        }
        s.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
}

/// Reads one line (without its newline) from `fd` into `line`, using `buffer` for what came
/// after it; false at the end of the input.
bool read_line(int fd, std::string& buffer, std::string& line) {
    for (;;) {
        if (auto nl = buffer.find('\n'); nl != std::string::npos) {
            line.assign(buffer, 0, nl);
            buffer.erase(0, nl + 1);
            return true;
        }
        char chunk[4096];
        const ssize_t n = ::read(fd, chunk, sizeof chunk);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            return false;
        }
        buffer.append(chunk, static_cast<std::size_t>(n));
    }
}

/// The child's life: limits, then tasks until the parent closes the socket.
[[noreturn]] void serve_forever(int fd, pid_t parent, const ChildLimits& limits, const ChildPool::Serve& serve,
                                const ChildPool::Farewell& farewell) {
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);  // a parent killed outright takes its children along
    if (::getppid() != parent) {
        ::_exit(1);  // it died before the line above
    }
#if !defined(__SANITIZE_ADDRESS__)  // AddressSanitizer reserves terabytes of address space
    if (limits.memory_bytes > 0) {
        rlimit as{limits.memory_bytes, limits.memory_bytes};
        ::setrlimit(RLIMIT_AS, &as);
    }
#endif
    std::string buffer, line;
    while (read_line(fd, buffer, line)) {
        const std::size_t task = std::strtoull(line.c_str(), nullptr, 10);
        std::string reply = serve(task);
        std::replace(reply.begin(), reply.end(), '\n', ' ');
        if (!write_all(fd, reply + "\n")) {
            break;
        }
    }
    std::string last = farewell ? farewell() : std::string();
    std::replace(last.begin(), last.end(), '\n', ' ');
    write_all(fd, last + "\n");
    ::close(fd);
    ::_exit(0);  // no static destructors: they belong to the parent
}

struct Child {
    pid_t pid = -1;
    int fd = -1;
    std::optional<std::size_t> task;  ///< the task it is serving
    Clock::time_point started;
    std::string buffer;
};

}  // namespace

std::string describe_wait_status(int status) {
    if (WIFEXITED(status)) {
        return "exited with status " + std::to_string(WEXITSTATUS(status));
    }
    if (WIFSIGNALED(status)) {
        const int sig = WTERMSIG(status);
        std::string what;
        switch (sig) {
            case SIGSEGV: what = "SIGSEGV: a crash"; break;
            case SIGBUS: what = "SIGBUS: a crash"; break;
            case SIGFPE: what = "SIGFPE: a crash"; break;
            case SIGILL: what = "SIGILL: a crash"; break;
            case SIGABRT: what = "SIGABRT: an abort, e.g. memory running out past --record-memory"; break;
            case SIGKILL: what = "SIGKILL: killed"; break;
            default: what = sigabbrev_np(sig) != nullptr ? std::string("SIG") + sigabbrev_np(sig) : "unknown"; break;
        }
        return "stopped by signal " + std::to_string(sig) + " (" + what + ")";
    }
    return "ended (wait status " + std::to_string(status) + ")";
}

void ChildPool::run(const std::vector<std::size_t>& tasks, const Serve& serve, const Farewell& farewell, const Done& done,
                    const Heard& heard) {
    const pid_t parent = ::getpid();
    std::vector<Child> children;
    std::size_t next = 0;
    auto spawn = [&]() -> std::optional<Child> {
        int sv[2];
        if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) {
            return std::nullopt;
        }
        const pid_t pid = ::fork();
        if (pid < 0) {
            ::close(sv[0]);
            ::close(sv[1]);
            return std::nullopt;
        }
        if (pid == 0) {
            ::close(sv[0]);
            for (const Child& c : children) {
                ::close(c.fd);  // the other children's sockets are the parent's
            }
            serve_forever(sv[1], parent, m_limits, serve, farewell);
        }
        ::close(sv[1]);
        Child c;
        c.pid = pid;
        c.fd = sv[0];
        return c;
    };
    auto finish = [&](Child& c, TaskEnd end) {
        if (c.task) {
            end.ms = std::chrono::duration<double, std::milli>(Clock::now() - c.started).count();
            const std::size_t t = *c.task;
            c.task.reset();
            done(t, end);
        }
    };
    const std::size_t wanted = std::min(m_children, tasks.size());
    for (std::size_t i = 0; i < wanted; ++i) {
        if (auto c = spawn()) {
            children.push_back(std::move(*c));
        }
    }
    if (children.empty() && !tasks.empty()) {  // cannot fork at all: every task fails, and says why
        const std::string why = std::string("could not be started: ") + std::strerror(errno);
        for (std::size_t t : tasks) {
            done(t, TaskEnd{std::nullopt, why, false, 0});
        }
        return;
    }
    // A child that ended (or was killed) is reaped; its task fails; a new child takes its place
    // while tasks remain.
    auto bury = [&](std::size_t i, const std::string& timed_out) {
        Child& c = children[i];
        ::close(c.fd);
        int status = 0;
        while (::waitpid(c.pid, &status, 0) < 0 && errno == EINTR) {
        }
        finish(c, TaskEnd{std::nullopt, timed_out.empty() ? describe_wait_status(status) : timed_out, !timed_out.empty(), 0});
        if (next < tasks.size()) {
            if (auto fresh = spawn()) {
                children[i] = std::move(*fresh);
                return;
            }
        }
        children.erase(children.begin() + static_cast<std::ptrdiff_t>(i));
    };
    for (;;) {
        for (Child& c : children) {  // hand out work
            if (!c.task && next < tasks.size()) {
                c.task = tasks[next++];
                c.started = Clock::now();
                write_all(c.fd, std::to_string(*c.task) + "\n");  // a dead child shows up as its end below
            }
        }
        const bool busy = std::any_of(children.begin(), children.end(), [](const Child& c) { return c.task.has_value(); });
        if (!busy) {
            break;
        }
        int timeout_ms = -1;
        const auto now = Clock::now();
        for (const Child& c : children) {
            if (c.task) {
                const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(c.started + m_limits.time - now).count();
                timeout_ms = timeout_ms < 0 ? static_cast<int>(std::max<long long>(left, 0))
                                            : std::min(timeout_ms, static_cast<int>(std::max<long long>(left, 0)));
            }
        }
        if (m_tick) {
            const int tick_ms = static_cast<int>(tick_period.count());
            timeout_ms = timeout_ms < 0 ? tick_ms : std::min(timeout_ms, tick_ms);
        }
        std::vector<pollfd> fds;
        for (const Child& c : children) {
            fds.push_back(pollfd{c.fd, POLLIN, 0});
        }
        const int ready = ::poll(fds.data(), fds.size(), timeout_ms);
        if (ready < 0 && errno != EINTR) {
            break;
        }
        if (m_tick) {
            m_tick();
        }
        for (std::size_t i = children.size(); i-- > 0;) {
            Child& c = children[i];
            if (fds[i].revents != 0) {
                char chunk[4096];
                const ssize_t n = ::read(c.fd, chunk, sizeof chunk);
                if (n > 0) {
                    c.buffer.append(chunk, static_cast<std::size_t>(n));
                    if (auto nl = c.buffer.find('\n'); nl != std::string::npos) {
                        std::string reply = c.buffer.substr(0, nl);
                        c.buffer.erase(0, nl + 1);
                        finish(c, TaskEnd{std::move(reply), std::string(), false, 0});
                    }
                    continue;
                }
                if (n < 0 && errno == EINTR) {
                    continue;
                }
                bury(i, std::string());  // the end of its socket: it died
                continue;
            }
            if (c.task && Clock::now() - c.started >= m_limits.time) {
                ::kill(c.pid, SIGKILL);
                bury(i, "took longer than " + std::to_string(m_limits.time.count()) + " s (--record-time)");
            }
        }
    }
    // Every task is done: each child says goodbye (its farewell line) and exits.
    for (Child& c : children) {
        ::shutdown(c.fd, SHUT_WR);
        std::string line;
        if (read_line(c.fd, c.buffer, line) && heard && !line.empty()) {
            heard(line);
        }
        ::close(c.fd);
        int status = 0;
        while (::waitpid(c.pid, &status, 0) < 0 && errno == EINTR) {
        }
    }
}

}  // namespace handout
