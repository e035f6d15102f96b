#include "deliver/cache.hpp"

#include "deliver/write_file.hpp"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace handout {

std::string cache_dir() {
    if (const char* d = std::getenv("HANDOUT_CACHE_DIR"); d != nullptr && *d != '\0') {
        return d;
    }
    if (const char* x = std::getenv("XDG_CACHE_HOME"); x != nullptr && *x != '\0') {
        return (std::filesystem::path(x) / "handout").string();
    }
    if (const char* h = std::getenv("HOME"); h != nullptr && *h != '\0') {
        return (std::filesystem::path(h) / ".cache" / "handout").string();
    }
    return {};
}

namespace {

constexpr std::string_view magic = "%handout-svg ";

}  // namespace

/// m_dir/svg-<64-bit FNV-1a of the bytes, and their length>.pdf; empty without a folder.
std::string DiskSvgStore::record_path(std::string_view svg) const {
    const std::string& dir = m_dir;
    if (dir.empty()) {
        return {};
    }
    std::uint64_t h = 1469598103934665603ULL;
    for (char c : svg) {
        h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ULL;
    }
    char name[64];
    std::snprintf(name, sizeof name, "svg-%016llx-%zu.pdf", static_cast<unsigned long long>(h), svg.size());
    return (std::filesystem::path(dir) / name).string();
}

std::optional<SvgRecord> DiskSvgStore::find(std::string_view svg) const {
    std::string path = record_path(svg);
    std::ifstream f(path, std::ios::binary);
    if (path.empty() || !f) {
        return std::nullopt;
    }
    // A PDF comment line first: "%handout-svg <width> <height>", then the PDF.
    std::string first;
    std::getline(f, first);
    SvgRecord r;
    if (first.rfind(magic, 0) != 0 || std::sscanf(first.c_str() + magic.size(), "%lf %lf", &r.width, &r.height) != 2 ||
        r.width <= 0 || r.height <= 0) {
        return std::nullopt;
    }
    std::ostringstream ss;
    ss << f.rdbuf();
    r.pdf = ss.str();
    if (r.pdf.rfind("%PDF-", 0) != 0) {
        return std::nullopt;
    }
    return r;
}

void DiskSvgStore::store(std::string_view svg, const SvgRecord& record) const {
    std::string path = record_path(svg);
    if (path.empty()) {
        return;
    }
    char head[96];
    std::snprintf(head, sizeof head, "%%handout-svg %.4f %.4f\n", record.width, record.height);
    // Atomic, with a temporary name of its own: two workers may store the same record at once.
    write_atomically(path, std::string(head) + record.pdf, Durability::deferred);
}

}  // namespace handout
