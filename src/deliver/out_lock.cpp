#include "deliver/out_lock.hpp"

#include <cerrno>
#include <cstring>
#include <filesystem>

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

namespace handout {

std::string OutLock::file_name(std::size_t shard_index, std::size_t shard_count) {
    if (shard_count <= 1) {
        return ".handout-lock";
    }
    return ".handout-lock-" + std::to_string(shard_index) + "-of-" + std::to_string(shard_count);
}

std::optional<OutLock> OutLock::acquire(const std::string& out_dir, std::size_t shard_index, std::size_t shard_count,
                                        std::string& error) {
    const std::string path = (std::filesystem::path(out_dir) / file_name(shard_index, shard_count)).string();
    // Empty and holding nothing: its permissions do not matter beyond the umask's.
    int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
    if (fd < 0) {
        error = "cannot create the lock file `" + path + "`: " + std::strerror(errno);
        return std::nullopt;
    }
    OutLock lock(fd);
    int rc = 0;
    do {
        rc = ::flock(fd, LOCK_EX | LOCK_NB);
    } while (rc != 0 && errno == EINTR);
    if (rc != 0) {
        if (errno == EWOULDBLOCK) {
            std::string shard = shard_count > 1 ? " (shard " + std::to_string(shard_index) + " of " + std::to_string(shard_count) + ")" : "";
            error = "another handout batch is writing to " + out_dir + shard + "; wait for it or choose another --out";
        } else {
            error = "cannot lock `" + path + "`: " + std::strerror(errno);
        }
        return std::nullopt;
    }
    return lock;
}

OutLock& OutLock::operator=(OutLock&& other) noexcept {
    if (this != &other) {
        if (m_fd >= 0) {
            ::close(m_fd);
        }
        m_fd = other.m_fd;
        other.m_fd = -1;
    }
    return *this;
}

OutLock::~OutLock() {
    if (m_fd >= 0) {
        ::close(m_fd);
    }
}

}  // namespace handout
