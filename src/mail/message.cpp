#include "mail/message.hpp"

namespace handout {

std::string safe_attachment_name(std::string_view name) {
    std::string out;
    bool gap = false;
    for (char c : name) {
        const bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
                          c == '-' || c == '_';
        if (keep) {
            if (gap && !out.empty()) {
                out += '-';
            }
            gap = false;
            out += c;
        } else {
            gap = true;
        }
    }
    while (!out.empty() && out.front() == '.') {
        out.erase(out.begin());
    }
    if (out.size() >= 4 && out.compare(out.size() - 4, 4, ".pdf") == 0) {
        out.resize(out.size() - 4);
    }
    if (out.empty()) {
        out = "handout";
    }
    return out + ".pdf";
}

}  // namespace handout
