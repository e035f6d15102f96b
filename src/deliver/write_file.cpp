#include "deliver/write_file.hpp"

#include <cerrno>
#include <cstring>
#include <filesystem>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace handout {

std::optional<std::string> write_atomically(const std::string& path, std::string_view bytes, Durability durability) {
    namespace fs = std::filesystem;
    fs::path target(path);
    fs::path dir = target.parent_path().empty() ? fs::path(".") : target.parent_path();
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) {
        return "cannot create folder `" + dir.string() + "`: " + ec.message();
    }
    std::string tmpl = (dir / ("." + target.filename().string() + ".tmp-XXXXXX")).string();
    int fd = mkstemp(tmpl.data());
    if (fd < 0) {
        return "cannot write in `" + dir.string() + "`: " + std::strerror(errno);
    }
    std::size_t done = 0;
    while (done < bytes.size()) {
        ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            std::string err = std::strerror(errno);
            ::close(fd);
            ::unlink(tmpl.c_str());
            return "cannot write `" + path + "`: " + err;
        }
        done += static_cast<std::size_t>(n);
    }
    // Temporary files are private; the result gets ordinary permissions.
    ::fchmod(fd, 0644);
    if ((durability == Durability::immediate && ::fsync(fd) != 0) || ::close(fd) != 0) {
        std::string err = std::strerror(errno);
        ::unlink(tmpl.c_str());
        return "cannot write `" + path + "`: " + err;
    }
    if (::rename(tmpl.c_str(), path.c_str()) != 0) {
        std::string err = std::strerror(errno);
        ::unlink(tmpl.c_str());
        return "cannot write `" + path + "`: " + err;
    }
    return std::nullopt;
}

void sync_folder(const std::string& dir) {
    int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY);
    if (fd >= 0) {
        ::syncfs(fd);
        ::close(fd);
    }
}

}  // namespace handout
