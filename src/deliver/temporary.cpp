#include "deliver/temporary.hpp"

#include "deliver/write_file.hpp"

#include <array>
#include <cstdint>
#include <cstdio>

#include <sys/random.h>
#include <unistd.h>

namespace handout {

namespace {

constexpr std::size_t max_name_bytes = 255;  // NAME_MAX on Linux file systems
constexpr std::size_t tag_digits = 8;

bool is_hex(std::string_view s) {
    for (char c : s) {
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
            return false;
        }
    }
    return !s.empty();
}

std::string hex32(std::uint32_t v) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "%08x", static_cast<unsigned>(v));
    return buf;
}

}  // namespace

const std::string& host_tag() {
    // Computed once; the host's name does not change under a running process.
    static const std::string tag = [] {
        std::array<char, 256> name{};
        if (::gethostname(name.data(), name.size() - 1) != 0) {
            name[0] = '\0';
        }
        std::uint32_t h = 2166136261U;
        for (const char* p = name.data(); *p != '\0'; ++p) {
            h = (h ^ static_cast<unsigned char>(*p)) * 16777619U;
        }
        return hex32(h);
    }();
    return tag;
}

std::string temporary_name(std::string_view target_name) {
    std::uint32_t random = 0;
    if (::getrandom(&random, sizeof random, 0) != static_cast<ssize_t>(sizeof random)) {
        // No entropy yet (early boot): the address of a local and the name's length still differ
        // between calls often enough, and the caller retries a name that exists (O_EXCL).
        random = static_cast<std::uint32_t>(reinterpret_cast<std::uintptr_t>(&random)) ^ static_cast<std::uint32_t>(target_name.size());
    }
    const std::string owner = std::string(temporary_infix) + host_tag() + "-" + std::to_string(::getpid()) + "-" + hex32(random);
    const std::size_t room = max_name_bytes - temporary_prefix.size() - owner.size();
    if (target_name.size() > room) {
        std::size_t cut = room;
        while (cut > 0 && (static_cast<unsigned char>(target_name[cut]) & 0xC0) == 0x80) {
            --cut;  // not inside a UTF-8 character
        }
        target_name = target_name.substr(0, cut);
    }
    return std::string(temporary_prefix) + std::string(target_name) + owner;
}

std::optional<TemporaryOwner> temporary_owner(std::string_view name) {
    // .handout-<name>.tmp-<host>-<pid>-<random>, read from the right: <name> may hold anything.
    if (name.substr(0, temporary_prefix.size()) != temporary_prefix) {
        return std::nullopt;
    }
    auto last_field = [&]() -> std::optional<std::string_view> {
        std::size_t dash = name.rfind('-');
        if (dash == std::string_view::npos) {
            return std::nullopt;
        }
        std::string_view f = name.substr(dash + 1);
        name = name.substr(0, dash);
        return f;
    };
    auto random = last_field();
    auto pid = last_field();
    // What is left: .handout-<name>.tmp-<host>
    if (!random || !pid || name.size() < tag_digits) {
        return std::nullopt;
    }
    std::string_view host = name.substr(name.size() - tag_digits);
    name.remove_suffix(tag_digits);
    if (host.size() != tag_digits || !is_hex(host) || random->size() != tag_digits || !is_hex(*random) || pid->empty() ||
        pid->size() > 9 || name.size() < temporary_prefix.size() + 1 + temporary_infix.size() ||
        name.substr(name.size() - temporary_infix.size()) != temporary_infix) {
        return std::nullopt;
    }
    TemporaryOwner owner{std::string(host), 0};
    for (char c : *pid) {
        if (c < '0' || c > '9') {
            return std::nullopt;
        }
        owner.pid = owner.pid * 10 + (c - '0');
    }
    if (owner.pid <= 0) {
        return std::nullopt;
    }
    return owner;
}

}  // namespace handout
