#include "core/source_file.hpp"

#include <algorithm>

namespace handout {

namespace {

bool is_continuation(char c) {
    return (static_cast<unsigned char>(c) & 0xC0U) == 0x80U;
}

/// Bytes per mark: a position costs at most this many bytes scanned after the binary search.
constexpr std::size_t block = 256;

}  // namespace

LineIndex::LineIndex(std::string_view text) : m_size(text.size()) {
    m_starts.push_back(0);
    m_marks.reserve(text.size() / block + 1);
    Mark m;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (i % block == 0) {
            m_marks.push_back(m);
        }
        const char c = text[i];
        if (!is_continuation(c)) {
            ++m.leads;
        }
        if (c == '\r') {
            ++m.returns;
        } else if (c == '\n') {
            m_starts.push_back(i + 1);
        }
    }
    if (text.size() % block == 0) {
        m_marks.push_back(m);  // the mark at the very end
    }
}

LineIndex::Mark LineIndex::mark_at(std::string_view text, std::size_t offset) const {
    offset = std::min(offset, m_size);
    const std::size_t b = offset / block;
    Mark m = m_marks[b];
    for (std::size_t i = b * block; i < offset; ++i) {
        m.leads += is_continuation(text[i]) ? 0 : 1;
        m.returns += text[i] == '\r' ? 1 : 0;
    }
    return m;
}

std::size_t LineIndex::line_start(std::size_t offset) const {
    // The last line start at or before `offset` (m_starts[0] = 0, so there is one).
    auto it = std::upper_bound(m_starts.begin(), m_starts.end(), offset);
    return static_cast<std::size_t>(it - m_starts.begin()) - 1;
}

LineCol LineIndex::line_col(std::string_view text, std::size_t offset) const {
    offset = std::min(offset, m_size);
    const std::size_t line = line_start(offset);
    const Mark at = mark_at(text, offset), begin = mark_at(text, m_starts[line]);
    // Within one line: every lead byte is a character, but a carriage return is not counted.
    return LineCol{line + 1, 1 + (at.leads - begin.leads) - (at.returns - begin.returns)};
}

std::size_t LineIndex::offset_of(std::string_view text, std::size_t line, std::size_t col) const {
    const std::size_t l = line == 0 ? 0 : line - 1;
    if (l >= m_starts.size()) {
        return m_size;
    }
    const std::size_t begin = m_starts[l];
    const std::size_t end = l + 1 < m_starts.size() ? m_starts[l + 1] - 1 : m_size;  // its '\n', or the text's end
    if (col <= 1 || begin >= end) {
        return begin;
    }
    // col - 1 steps, each to the next lead byte after the current one (so a stray continuation
    // byte at the line's start goes with the first step), stopping at the line's end: the
    // (col - 1)-th lead byte after `begin`.
    const std::size_t target = mark_at(text, begin + 1).leads + (col - 1);
    if (mark_at(text, end + (end < m_size ? 1 : 0)).leads < target) {
        return end;
    }
    // The first block whose end holds `target` lead bytes, then a scan.
    auto it = std::lower_bound(m_marks.begin(), m_marks.end(), target,
                               [](const Mark& m, std::size_t t) { return m.leads < t; });
    std::size_t b = static_cast<std::size_t>(it - m_marks.begin());
    b = b == 0 ? 0 : b - 1;
    std::size_t i = std::max(b * block, begin + 1);
    std::size_t leads = mark_at(text, i).leads;
    for (; i < end; ++i) {
        leads += is_continuation(text[i]) ? 0 : 1;
        if (leads >= target) {
            return i;
        }
    }
    return end;
}

std::string_view LineIndex::line_at(std::string_view text, std::size_t offset) const {
    offset = std::min(offset, m_size);
    const std::size_t line = line_start(offset);
    const std::size_t begin = m_starts[line];
    std::size_t end = line + 1 < m_starts.size() ? m_starts[line + 1] - 1 : m_size;
    if (end > begin && text[end - 1] == '\r') {
        --end;
    }
    return text.substr(begin, end - begin);
}

const LineIndex& LazyLineIndex::get(std::string_view text) const {
    if (const LineIndex* ready = m_ready.load(std::memory_order_acquire)) {
        return *ready;
    }
    std::lock_guard<std::mutex> lock(m_mutex);
    if (!m_index) {
        m_index = std::make_unique<const LineIndex>(text);
        m_ready.store(m_index.get(), std::memory_order_release);
    }
    return *m_index;
}

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

LineCol line_col(const SourceFile& file, std::size_t offset) {
    return file.line_col(offset);
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

std::size_t offset_of(const SourceFile& file, std::size_t line, std::size_t col) {
    return file.offset_of(line, col);
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

std::string_view line_at(const SourceFile& file, std::size_t offset) {
    return file.line_at(offset);
}

}  // namespace handout
