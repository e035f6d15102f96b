#include "batch/output_name.hpp"

#include <glib.h>

namespace handout {

namespace {

constexpr std::size_t max_value_bytes = 80;
constexpr std::size_t max_part_bytes = 200;

/// A value made harmless as part of a file name.
std::string clean_value(std::string_view v) {
    std::string out;
    const char* p = v.data();
    const char* end = v.data() + v.size();
    while (p < end && out.size() < max_value_bytes) {
        gunichar c = g_utf8_get_char_validated(p, end - p);
        if (c == static_cast<gunichar>(-1) || c == static_cast<gunichar>(-2)) {
            out += '_';
            ++p;
            continue;
        }
        const char* next = g_utf8_next_char(p);
        bool bad = c < 0x20 || c == 0x7F || (c >= 0x80 && c < 0xA0) || c == '/' || c == '\\' || c == ':' ||
                   c == '*' || c == '?' || c == '"' || c == '<' || c == '>' || c == '|';
        if (bad) {
            out += '_';
        } else if (out.size() + static_cast<std::size_t>(next - p) <= max_value_bytes) {
            out.append(p, next);
        } else {
            break;
        }
        p = next;
    }
    // No hidden files and no `.`/`..` from a value.
    std::size_t dots = 0;
    while (dots < out.size() && out[dots] == '.') {
        ++dots;
    }
    if (dots > 0) {
        out.replace(0, dots, std::string(dots, '_'));
    }
    return out;
}

std::string cut_utf8(std::string s, std::size_t max) {
    if (s.size() <= max) {
        return s;
    }
    // Back to the start of the character at the cut: at most three continuation bytes. More (or
    // none before the start) is not UTF-8, and is cut as bytes: a part is never cut to nothing.
    auto continuation = [&](std::size_t i) { return (static_cast<unsigned char>(s[i]) & 0xC0U) == 0x80U; };
    std::size_t n = max;
    for (int back = 0; back < 3 && n > 0 && continuation(n); ++back) {
        --n;
    }
    if (n == 0 || continuation(n)) {
        n = max;
    }
    s.resize(n);
    return s;
}

}  // namespace

OutputName output_name(const std::string& tmpl, const Vars& vars, std::size_t row) {
    OutputName out;
    std::string row_text = std::to_string(row);
    std::vector<std::string> cleaned;
    cleaned.reserve(8);
    std::vector<std::string> unknown;
    std::string filled = fill_template(
        tmpl,
        [&](std::string_view name) -> const std::string* {
            if (name == "row") {
                return &row_text;
            }
            auto it = vars.find(std::string(name));
            if (it == vars.end()) {
                return nullptr;
            }
            cleaned.push_back(clean_value(it->second));
            return &cleaned.back();
        },
        &unknown);
    if (!unknown.empty()) {
        out.error = "the name template uses `" + unknown.front() + "`, which this record does not have";
        return out;
    }
    if (filled.empty() || filled.front() == '/' || filled.front() == '\\') {
        out.error = filled.empty() ? "the output name is empty" : "the output name is an absolute path";
        return out;
    }
    // Split into parts; the template's own '/' may make folders, nothing may climb out.
    std::string path;
    std::size_t pos = 0;
    while (pos <= filled.size()) {
        std::size_t e = filled.find('/', pos);
        if (e == std::string::npos) {
            e = filled.size();
        }
        std::string part = filled.substr(pos, e - pos);
        if (part == "..") {
            out.error = "the output name climbs out of --out with `..`";
            return out;
        }
        if (!part.empty() && part != ".") {
            if (part.find_first_not_of(' ') == std::string::npos) {
                out.error = "a part of the output name is blank";
                return out;
            }
            path += (path.empty() ? "" : "/") + cut_utf8(part, max_part_bytes);
        }
        pos = e + 1;
    }
    if (path.empty()) {
        out.error = "the output name is empty";
        return out;
    }
    if (path[path.rfind('/') == std::string::npos ? 0 : path.rfind('/') + 1] == '.') {
        out.error = "the output name would be a hidden file (is a value the name uses empty?)";
        return out;
    }
    out.path = std::move(path);
    return out;
}

}  // namespace handout
