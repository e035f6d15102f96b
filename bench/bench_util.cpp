#include "bench_util.hpp"

#include <chrono>

#include <fcntl.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

namespace bench {

Child run_quiet(std::vector<std::string> args, const std::string& stderr_path) {
    Child c;
    std::vector<char*> argv_c;
    for (auto& a : args) {
        argv_c.push_back(a.data());
    }
    argv_c.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 2, stderr_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    const auto t0 = std::chrono::steady_clock::now();
    pid_t pid = 0;
    const int spawned = posix_spawn(&pid, argv_c[0], &actions, nullptr, argv_c.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (spawned != 0) {
        return c;
    }
    int status = 0;
    rusage ru{};
    wait4(pid, &status, 0, &ru);
    c.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    c.cpu_s = static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
              static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
    c.rss_mib = static_cast<double>(ru.ru_maxrss) / 1024.0;
    c.status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    return c;
}

std::string prose_bytes(std::size_t n) {
    static const char* vocab[] = {"the", "infusion", "staff", "watch", "dose", "closely", "and", "you",
                                  "may", "feel", "tired", "after", "session", "pain", "changes", "slowly"};
    std::string out;
    for (std::size_t i = 0; out.size() < n; ++i) {
        out += (i == 0 ? "" : " ") + std::string(vocab[(i * 7 + i / 5) % 16]);
        if (i % 11 == 10) {
            out += ".";
        }
    }
    return out;
}

}  // namespace bench
