// core: an input file's path and text, shared read-only by every stage that points into it.
#pragma once

#include <atomic>
#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace handout {

/// 1-based line and column (column counts UTF-8 characters) of a byte offset.
struct LineCol {
    std::size_t line = 1;
    std::size_t col = 1;
};

/// Where each line of a text starts, and how many characters come before every 256th byte:
/// built in one pass, then a position either way is a binary search and a scan of at most
/// 256 bytes (a diagnostic at the end of a 5 MB line costs no more than one on a short line).
/// Holds no pointer into the text: each call is handed the text it was built from.
class LineIndex {
public:
    explicit LineIndex(std::string_view text);

    LineCol line_col(std::string_view text, std::size_t offset) const;
    std::size_t offset_of(std::string_view text, std::size_t line, std::size_t col) const;
    std::string_view line_at(std::string_view text, std::size_t offset) const;
    std::size_t lines() const { return m_starts.size(); }
    std::size_t size() const { return m_size; }

private:
    /// Byte offset of the first byte of each line (line 1 at [0]).
    std::vector<std::size_t> m_starts;
    /// Per block of `block` bytes: characters (UTF-8 lead bytes) and carriage returns before it.
    struct Mark {
        std::size_t leads = 0, returns = 0;
    };
    std::vector<Mark> m_marks;
    std::size_t m_size = 0;

    Mark mark_at(std::string_view text, std::size_t offset) const;
    std::size_t line_start(std::size_t offset) const;
};

/// A LineIndex built on first use, once, whichever thread asks first. A copy of the file
/// builds its own.
class LazyLineIndex {
public:
    LazyLineIndex() = default;
    LazyLineIndex(const LazyLineIndex&) {}
    /// Forgets the index (the file it belonged to is being replaced); not while others read it.
    LazyLineIndex& operator=(const LazyLineIndex&) {
        m_ready.store(nullptr, std::memory_order_relaxed);
        m_index.reset();
        return *this;
    }
    ~LazyLineIndex() = default;

    /// The index of `text`; `text` must be the same every call (the file is read-only once shared).
    const LineIndex& get(std::string_view text) const;

private:
    mutable std::mutex m_mutex;
    mutable std::unique_ptr<const LineIndex> m_index;
    mutable std::atomic<const LineIndex*> m_ready{nullptr};
};

/// One input file as read from disk. Offsets elsewhere are byte offsets into `text`; the text
/// is not changed once positions in it have been asked for.
struct SourceFile {
    std::string path;
    std::string text;
    LazyLineIndex line_index{};  ///< positions in `text`, built on first use

    /// Each in O(log lines): prefer these to the text-only forms below for any file asked often.
    LineCol line_col(std::size_t offset) const { return index().line_col(text, offset); }
    std::size_t offset_of(std::size_t line, std::size_t col) const { return index().offset_of(text, line, col); }
    std::string_view line_at(std::size_t offset) const { return index().line_at(text, offset); }

private:
    const LineIndex& index() const { return line_index.get(text); }
};

using SourcePtr = std::shared_ptr<const SourceFile>;

/// The same from a bare text: a scan from its start each call (for one position; for many, use
/// SourceFile's members or a LineIndex).
LineCol line_col(std::string_view text, std::size_t offset);
LineCol line_col(const SourceFile& file, std::size_t offset);

/// Byte offset of a 1-based line and column (column in characters); clamps to the text.
std::size_t offset_of(std::string_view text, std::size_t line, std::size_t col);
std::size_t offset_of(const SourceFile& file, std::size_t line, std::size_t col);

/// The text of the line holding `offset`, without its line break.
std::string_view line_at(std::string_view text, std::size_t offset);
std::string_view line_at(const SourceFile& file, std::size_t offset);

}  // namespace handout
