// core: an input file's path and text, shared read-only by every stage that points into it.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

namespace handout {

/// One input file as read from disk. Offsets elsewhere are byte offsets into `text`.
struct SourceFile {
    std::string path;
    std::string text;
};

using SourcePtr = std::shared_ptr<const SourceFile>;

/// 1-based line and column (column counts UTF-8 characters) of a byte offset.
struct LineCol {
    std::size_t line = 1;
    std::size_t col = 1;
};

LineCol line_col(std::string_view text, std::size_t offset);

/// Byte offset of a 1-based line and column (column in characters); clamps to the text.
std::size_t offset_of(std::string_view text, std::size_t line, std::size_t col);

/// The text of the line holding `offset`, without its line break.
std::string_view line_at(std::string_view text, std::size_t offset);

}  // namespace handout
