#include "typeset/break_points.hpp"

#include <string_view>

namespace handout {

namespace {

bool ascii_alpha(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
bool ascii_alnum(char c) {
    return ascii_alpha(c) || (c >= '0' && c <= '9');
}
/// Printable ASCII other than the space: the bytes an address is made of here.
bool address_byte(char c) {
    return c > ' ' && c < '\x7f';
}

/// "example.org", "riverside-pain.example.org": two labels or more of letters, digits and
/// hyphens, the last all lower-case letters, two or more ("e.g", "Mr.Smith" and "2.5" are not).
bool domain_name(std::string_view s) {
    std::size_t labels = 0;
    std::size_t start = 0;
    while (true) {
        std::size_t dot = s.find('.', start);
        std::string_view label = s.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
        if (label.empty() || label.front() == '-' || label.back() == '-') {
            return false;
        }
        for (char c : label) {
            if (!ascii_alnum(c) && c != '-') {
                return false;
            }
        }
        ++labels;
        if (dot == std::string_view::npos) {
            if (label.size() < 2) {
                return false;
            }
            for (char c : label) {
                if (c < 'a' || c > 'z') {
                    return false;
                }
            }
            return labels >= 2;
        }
        start = dot + 1;
    }
}

/// Where the part of `core` that may break starts (after a scheme), or npos when `core` is no address.
std::size_t address_body(std::string_view core) {
    if (std::size_t sep = core.find("://"); sep != std::string_view::npos && sep > 0) {
        for (char c : core.substr(0, sep)) {
            if (!ascii_alpha(c) && c != '+' && c != '-' && c != '.') {
                return std::string_view::npos;
            }
        }
        return sep + 3 < core.size() ? sep + 3 : std::string_view::npos;
    }
    if (std::size_t at = core.find('@'); at != std::string_view::npos) {
        return at > 0 && core.find('@', at + 1) == std::string_view::npos && domain_name(core.substr(at + 1)) ? 0
                                                                                                      : std::string_view::npos;
    }
    std::string_view host = core.substr(0, core.find_first_of("/?#"));
    return domain_name(host) ? 0 : std::string_view::npos;
}

}  // namespace

std::vector<AddressSpan> address_breaks(std::string_view text) {
    std::vector<AddressSpan> out;
    std::size_t i = 0;
    while (i < text.size()) {
        if (!address_byte(text[i])) {
            ++i;
            continue;
        }
        std::size_t begin = i;
        while (i < text.size() && address_byte(text[i])) {
            ++i;
        }
        std::size_t end = i;
        // Punctuation around an address is the sentence's, not the address's.
        while (begin < end && std::string_view("([<\"'").find(text[begin]) != std::string_view::npos) {
            ++begin;
        }
        while (end > begin && std::string_view(".,;:!?)]>\"'").find(text[end - 1]) != std::string_view::npos) {
            --end;
        }
        if (end - begin < 4) {
            continue;
        }
        std::string_view core = text.substr(begin, end - begin);
        std::size_t body = address_body(core);
        if (body == std::string_view::npos) {
            continue;
        }
        AddressSpan span{begin, end, {}};
        std::size_t last = begin;
        for (std::size_t p = begin + body + 1; p + 1 < end; ++p) {
            const char before = text[p - 1], after = text[p];
            bool ok = (std::string_view("/.@-").find(before) != std::string_view::npos && before != after) ||
                      after == '?' || after == '#';
            ok = ok && p - begin >= 2 && end - p >= 2 && p - last >= 2 && p > begin + body;
            if (ok) {
                span.breaks.push_back(p);
                last = p;
            }
        }
        out.push_back(std::move(span));
    }
    return out;
}

}  // namespace handout
