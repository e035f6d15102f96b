#include "core/source_file.hpp"

namespace handout {

namespace {
bool is_continuation(char c) {
    return (static_cast<unsigned char>(c) & 0xC0U) == 0x80U;
}
}  // namespace

LineCol line_col(std::string_view text, std::size_t offset) {
    LineCol lc;
    if (offset > text.size()) {
        offset = text.size();
    }
    for (std::size_t i = 0; i < offset; ++i) {
        if (text[i] == '\n') {
            ++lc.line;
            lc.col = 1;
        } else if (!is_continuation(text[i]) && text[i] != '\r') {
            ++lc.col;
        }
    }
    return lc;
}

std::size_t offset_of(std::string_view text, std::size_t line, std::size_t col) {
    std::size_t i = 0;
    for (std::size_t l = 1; l < line && i < text.size(); ++i) {
        if (text[i] == '\n') {
            ++l;
        }
    }
    for (std::size_t c = 1; c < col && i < text.size() && text[i] != '\n'; ++c) {
        ++i;
        while (i < text.size() && is_continuation(text[i])) {
            ++i;
        }
    }
    return i;
}

std::string_view line_at(std::string_view text, std::size_t offset) {
    if (offset > text.size()) {
        offset = text.size();
    }
    std::size_t begin = text.rfind('\n', offset == 0 ? 0 : offset - 1);
    begin = (begin == std::string_view::npos || (offset == 0)) ? 0 : begin + 1;
    if (offset > 0 && text[offset - 1] == '\n') {
        begin = offset;
    }
    std::size_t end = text.find('\n', offset);
    if (end == std::string_view::npos) {
        end = text.size();
    }
    if (end > begin && text[end - 1] == '\r') {
        --end;
    }
    return text.substr(begin, end - begin);
}

}  // namespace handout
