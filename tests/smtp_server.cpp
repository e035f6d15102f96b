#include "smtp_server.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <filesystem>

#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace test {

namespace {

namespace fs = std::filesystem;

const std::string python = "/usr/bin/python3";  // Debian's, where python3-aiosmtpd is installed
const std::string script = std::string(HANDOUT_TEST_DIR) + "/smtp/aiosmtpd_server.py";
constexpr int startup_ms = 30000;  // a guard against a server that never listens, not a measure

std::string format_seconds(double s) {
    return std::to_string(s);
}

}  // namespace

SmtpServer::SmtpServer(const SmtpServerOptions& options) : m_dir(std::make_unique<TempDir>()) {
    const std::string store = *m_dir / "store";
    fs::create_directories(store);
    std::vector<std::string> args = {python, "-I", script, "--store", store};
    for (const auto& r : options.refuse) {
        args.insert(args.end(), {"--refuse", r});
    }
    if (options.fail_data > 0) {
        args.insert(args.end(), {"--fail-data", std::to_string(options.fail_data)});
    }
    if (options.drop_after > 0) {
        args.insert(args.end(), {"--drop-after", std::to_string(options.drop_after)});
    }
    if (options.drop_mid_data > 0) {
        args.insert(args.end(), {"--drop-mid-data", std::to_string(options.drop_mid_data)});
    }
    if (options.delay_seconds > 0) {
        args.insert(args.end(), {"--delay", format_seconds(options.delay_seconds)});
    }
    if (!options.tls_cert.empty()) {
        args.insert(args.end(), {"--tls-cert", options.tls_cert, "--tls-key", options.tls_key});
    }
    if (!options.auth.empty()) {
        args.insert(args.end(), {"--auth", options.auth});
    }

    int in_pipe[2] = {-1, -1};
    int out_pipe[2] = {-1, -1};
    if (::pipe2(in_pipe, O_CLOEXEC) != 0 || ::pipe2(out_pipe, O_CLOEXEC) != 0) {
        m_error = std::string("pipe: ") + std::strerror(errno);
        return;
    }
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, in_pipe[0], 0);
    posix_spawn_file_actions_adddup2(&actions, out_pipe[1], 1);
    const std::string log_path = *m_dir / "server.log";
    posix_spawn_file_actions_addopen(&actions, 2, log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    std::vector<char*> argv;
    for (auto& a : args) {
        argv.push_back(a.data());
    }
    argv.push_back(nullptr);
    pid_t pid = -1;
    const int rc = posix_spawn(&pid, python.c_str(), &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    ::close(in_pipe[0]);
    ::close(out_pipe[1]);
    m_stdin = in_pipe[1];
    if (rc != 0) {
        ::close(out_pipe[0]);
        m_error = "cannot start " + python + ": " + std::strerror(rc);
        return;
    }
    m_pid = pid;

    // Waits for "PORT n\n": printed once the socket listens.
    std::string line;
    while (line.find('\n') == std::string::npos) {
        pollfd p{out_pipe[0], POLLIN, 0};
        if (::poll(&p, 1, startup_ms) <= 0) {
            break;
        }
        char buf[64];
        const ssize_t n = ::read(out_pipe[0], buf, sizeof buf);
        if (n <= 0) {
            break;
        }
        line.append(buf, static_cast<std::size_t>(n));
    }
    ::close(out_pipe[0]);
    if (line.rfind("PORT ", 0) == 0) {
        m_port = std::atoi(line.c_str() + 5);
    }
    if (m_port <= 0) {
        m_error = "the SMTP server did not start: " + log();
    }
}

SmtpServer::~SmtpServer() {
    if (m_stdin >= 0) {
        ::close(m_stdin);
    }
    if (m_pid > 0) {
        ::kill(m_pid, SIGTERM);
        int status = 0;
        while (::waitpid(m_pid, &status, 0) < 0 && errno == EINTR) {
        }
    }
}

std::vector<ReceivedMessage> SmtpServer::messages() const {
    std::vector<std::string> names;
    for (const auto& e : fs::directory_iterator(*m_dir / "store")) {
        const std::string name = e.path().filename().string();
        if (name.size() > 5 && name.substr(name.size() - 5) == ".json") {
            names.push_back(name.substr(0, name.size() - 5));
        }
    }
    std::sort(names.begin(), names.end());
    std::vector<ReceivedMessage> out;
    for (const auto& base : names) {
        const std::string dir = *m_dir / "store";
        auto envelope = nlohmann::json::parse(read_file(dir + "/" + base + ".json"));
        ReceivedMessage m;
        m.mail_from = envelope["mail_from"].get<std::string>();
        m.rcpt_tos = envelope["rcpt_tos"].get<std::vector<std::string>>();
        m.data = read_file(dir + "/" + base + ".eml");
        out.push_back(std::move(m));
    }
    return out;
}

std::size_t SmtpServer::count() const {
    std::size_t n = 0;
    for (const auto& e : fs::directory_iterator(*m_dir / "store")) {
        const std::string name = e.path().filename().string();
        n += name.size() > 5 && name.substr(name.size() - 5) == ".json" ? 1 : 0;
    }
    return n;
}

std::string SmtpServer::log() const {
    return read_file(*m_dir / "server.log");
}

}  // namespace test
