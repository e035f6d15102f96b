#include "deliver/write_file.hpp"

#include "deliver/temporary.hpp"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <vector>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace handout {

namespace {

namespace fs = std::filesystem;

/// Creates a new temporary in `dir` with `mode` (the kernel applies the umask); the descriptor,
/// or -1 with errno set.
int create_temporary(const fs::path& dir, const std::string& target_name, unsigned mode, std::string& tmp_path) {
    for (int attempt = 0; attempt < 100; ++attempt) {
        tmp_path = (dir / temporary_name(target_name)).string();
        int fd = ::open(tmp_path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, static_cast<mode_t>(mode));
        if (fd >= 0 || errno != EEXIST) {
            return fd;
        }
    }
    return -1;
}

/// Writes all of `bytes` to `fd`; false with errno set on failure.
bool write_all(int fd, std::string_view bytes) {
    std::size_t done = 0;
    while (done < bytes.size()) {
        ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            return false;
        }
        done += static_cast<std::size_t>(n);
    }
    return true;
}

}  // namespace

std::optional<std::string> write_atomically(const std::string& path, std::string_view bytes, Durability durability,
                                            unsigned mode, const std::string& temp_dir) {
    fs::path target(path);
    fs::path dir = target.parent_path().empty() ? fs::path(".") : target.parent_path();
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) {
        return "cannot create folder `" + dir.string() + "`: " + ec.message();
    }
    mode &= 0777;
    // A file being replaced keeps at most the permissions it had: a re-run never opens up a file
    // the operator made private.
    struct stat existing {};
    if (::lstat(path.c_str(), &existing) == 0 && S_ISREG(existing.st_mode)) {
        mode &= static_cast<unsigned>(existing.st_mode) & 0777;
    }
    // The requested folder first; beside the target when that one is on another file system.
    std::vector<fs::path> places;
    if (!temp_dir.empty()) {
        places.emplace_back(temp_dir);
    }
    places.push_back(dir);
    const std::string name = target.filename().string();
    std::string error;
    for (std::size_t i = 0; i < places.size(); ++i) {
        std::string tmp;
        int fd = create_temporary(places[i], name, mode, tmp);
        if (fd < 0) {
            error = "cannot write in `" + places[i].string() + "`: " + std::strerror(errno);
            continue;
        }
        if (!write_all(fd, bytes)) {
            std::string err = std::strerror(errno);
            ::close(fd);
            ::unlink(tmp.c_str());
            return "cannot write `" + path + "`: " + err;
        }
        if ((durability == Durability::immediate && ::fsync(fd) != 0) || ::close(fd) != 0) {
            std::string err = std::strerror(errno);
            ::unlink(tmp.c_str());
            return "cannot write `" + path + "`: " + err;
        }
        if (::rename(tmp.c_str(), path.c_str()) != 0) {
            int rename_errno = errno;
            ::unlink(tmp.c_str());
            error = "cannot write `" + path + "`: " + std::strerror(rename_errno);
            if (rename_errno == EXDEV) {
                continue;  // the temporary folder is on another file system
            }
            return error;
        }
        return std::nullopt;
    }
    return error;
}

void sync_folder(const std::string& dir) {
    int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        ::syncfs(fd);
        ::close(fd);
    }
}

/// Flushed to the temporary when it holds this much.
constexpr std::size_t writer_buffer_bytes = 64 * 1024;

AtomicFileWriter::AtomicFileWriter(std::string path, unsigned mode, Durability durability, const std::string& temp_dir)
    : m_path(std::move(path)), m_durability(durability) {
    const fs::path target(m_path);
    const fs::path dir = target.parent_path().empty() ? fs::path(".") : target.parent_path();
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) {
        m_error = "cannot create folder `" + dir.string() + "`: " + ec.message();
        return;
    }
    mode &= 0777;
    // A file being replaced keeps at most the permissions it had (as write_atomically).
    struct stat existing {};
    if (::lstat(m_path.c_str(), &existing) == 0 && S_ISREG(existing.st_mode)) {
        mode &= static_cast<unsigned>(existing.st_mode) & 0777;
    }
    // The requested folder when the rename can reach the target from it, else beside the target.
    fs::path place = dir;
    struct stat wanted {}, target_dir {};
    if (!temp_dir.empty() && ::stat(temp_dir.c_str(), &wanted) == 0 && ::stat(dir.c_str(), &target_dir) == 0 &&
        wanted.st_dev == target_dir.st_dev) {
        place = temp_dir;
    }
    m_fd = create_temporary(place, target.filename().string(), mode, m_temporary);
    if (m_fd < 0) {
        m_error = "cannot write in `" + place.string() + "`: " + std::strerror(errno);
        m_temporary.clear();
    }
}

AtomicFileWriter::~AtomicFileWriter() {
    if (m_fd >= 0) {
        ::close(m_fd);
    }
    if (!m_temporary.empty()) {
        ::unlink(m_temporary.c_str());
    }
}

void AtomicFileWriter::write(std::string_view bytes) {
    if (m_fd < 0) {
        return;
    }
    m_buffer.append(bytes);
    if (m_buffer.size() >= writer_buffer_bytes) {
        flush();
    }
}

void AtomicFileWriter::flush() {
    if (m_fd >= 0 && !m_buffer.empty() && !write_all(m_fd, m_buffer) && !m_error) {
        m_error = "cannot write `" + m_path + "`: " + std::strerror(errno);
    }
    m_buffer.clear();
}

std::optional<std::string> AtomicFileWriter::commit() {
    if (m_fd < 0) {
        return m_error ? m_error : std::optional<std::string>("cannot write `" + m_path + "`");
    }
    flush();
    if (!m_error && ((m_durability == Durability::immediate && ::fsync(m_fd) != 0) || ::close(m_fd) != 0)) {
        m_error = "cannot write `" + m_path + "`: " + std::strerror(errno);
    } else if (m_error) {
        ::close(m_fd);
    }
    m_fd = -1;
    if (!m_error && ::rename(m_temporary.c_str(), m_path.c_str()) != 0) {
        m_error = "cannot write `" + m_path + "`: " + std::strerror(errno);
    }
    if (!m_error) {
        m_temporary.clear();  // in place: nothing to remove
    }
    return m_error;
}

}  // namespace handout
