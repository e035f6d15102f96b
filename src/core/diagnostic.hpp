// core: diagnostics (severity, file, byte offset, message, hints) and Result<T>.
#pragma once

#include "core/source_file.hpp"

#include <optional>
#include <string_view>
#include <string>
#include <utility>
#include <vector>

namespace handout {

enum class Severity { error, warning, note };

/// One message about the input. Line:col is computed when printed, from `file`.
struct Diagnostic {
    Severity severity = Severity::error;
    SourcePtr file;           ///< may be null for messages about no particular file
    std::size_t offset = 0;   ///< byte offset into file->text
    std::string message;
    std::vector<std::string> hints;
    bool quote_source = true; ///< false for files of patient records: their lines are never printed
};

Diagnostic error_at(SourcePtr file, std::size_t offset, std::string message,
                    std::vector<std::string> hints = {});
Diagnostic warning_at(SourcePtr file, std::size_t offset, std::string message,
                      std::vector<std::string> hints = {});

/// `path:line:col: error: message`, the source line, a caret, then `hint:` lines. Control
/// characters (ESC, C1, bidirectional controls) and bytes that are not UTF-8 are shown escaped
/// (`\x1B`, `\u{202E}`, `\xFF`) in every part, so nothing in an input acts on a terminal; a
/// long line is quoted only around the caret. Line and column come from the file's line index
/// (one pass over the file, then a binary search per diagnostic).
std::string format_diagnostic(const Diagnostic& d);

/// `s` with its control characters and bytes that are not UTF-8 escaped, as format_diagnostic shows them.
std::string visible_text(std::string_view s);

using Diagnostics = std::vector<Diagnostic>;

bool has_errors(const Diagnostics& ds);

/// A value or the reasons there is none; warnings may travel with a value.
template <typename T>
struct Result {
    std::optional<T> value;
    Diagnostics diagnostics;

    bool ok() const { return value.has_value() && !has_errors(diagnostics); }
    T& operator*() { return *value; }
    const T& operator*() const { return *value; }
    T* operator->() { return &*value; }
    const T* operator->() const { return &*value; }
};

/// Levenshtein distance, for "did you mean" hints.
std::size_t edit_distance(std::string_view a, std::string_view b);

/// The candidate nearest to `word`, or "" when none is close enough to suggest.
std::string nearest(std::string_view word, const std::vector<std::string>& candidates);

}  // namespace handout
