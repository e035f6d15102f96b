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

}  // namespace handout
