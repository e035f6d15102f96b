#include "core/diagnostic.hpp"

#include <algorithm>

namespace handout {

Diagnostic error_at(SourcePtr file, std::size_t offset, std::string message,
                    std::vector<std::string> hints) {
    return Diagnostic{Severity::error, std::move(file), offset, std::move(message), std::move(hints)};
}

Diagnostic warning_at(SourcePtr file, std::size_t offset, std::string message,
                      std::vector<std::string> hints) {
    return Diagnostic{Severity::warning, std::move(file), offset, std::move(message), std::move(hints)};
}

namespace {

/// Characters of a quoted line shown at most on each side of the caret (a 5 MB line is never
/// copied whole into each of its diagnostics); lines up to `whole_line` bytes are shown whole.
constexpr std::size_t context_chars = 80;
constexpr std::size_t whole_line = 240;

bool is_continuation(char c) {
    return (static_cast<unsigned char>(c) & 0xC0U) == 0x80U;
}

/// The code point of the well-formed UTF-8 sequence at the start of `s`, and its length; a
/// length of 0 when it is not well formed (a stray or truncated byte, an overlong form).
std::pair<char32_t, std::size_t> decode(std::string_view s) {
    const auto b0 = static_cast<unsigned char>(s[0]);
    if (b0 < 0x80) {
        return {b0, 1};
    }
    std::size_t len = 0;
    char32_t cp = 0;
    if ((b0 & 0xE0U) == 0xC0U) {
        len = 2;
        cp = b0 & 0x1FU;
    } else if ((b0 & 0xF0U) == 0xE0U) {
        len = 3;
        cp = b0 & 0x0FU;
    } else if ((b0 & 0xF8U) == 0xF0U) {
        len = 4;
        cp = b0 & 0x07U;
    } else {
        return {0, 0};
    }
    if (s.size() < len) {
        return {0, 0};
    }
    for (std::size_t i = 1; i < len; ++i) {
        if (!is_continuation(s[i])) {
            return {0, 0};
        }
        cp = (cp << 6U) | (static_cast<unsigned char>(s[i]) & 0x3FU);
    }
    static constexpr char32_t least[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < least[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
        return {0, 0};
    }
    return {cp, len};
}

/// Characters that would act on a terminal or reorder what it shows: C0 and C1 controls, DEL,
/// the line and paragraph separators and the bidirectional marks, embeddings and isolates.
bool unsafe(char32_t cp) {
    return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F) || cp == 0x061C || cp == 0x200E || cp == 0x200F ||
           (cp >= 0x2028 && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069);
}

void append_hex(std::string& out, unsigned value, int digits) {
    static constexpr char hex[] = "0123456789ABCDEF";
    for (int d = digits - 1; d >= 0; --d) {
        out += hex[(value >> (4 * static_cast<unsigned>(d))) & 0xFU];
    }
}

/// Appends the character at the start of `s` as shown: itself, or `\xNN` for a control below
/// U+0080 or a byte that is not UTF-8, `\u{NNNN}` for the others above. A tab stays a tab
/// when `keep_tab`. Returns the bytes taken from `s`.
std::size_t append_visible(std::string& out, std::string_view s, bool keep_tab) {
    const auto [cp, len] = decode(s);
    if (len == 0) {
        out += "\\x";
        append_hex(out, static_cast<unsigned char>(s[0]), 2);
        return 1;
    }
    if (!unsafe(cp) || (keep_tab && cp == '\t')) {
        out.append(s.substr(0, len));
    } else if (cp < 0x80) {
        out += "\\x";
        append_hex(out, static_cast<unsigned>(cp), 2);
    } else {
        out += "\\u{";
        append_hex(out, static_cast<unsigned>(cp), 4);
        out += '}';
    }
    return len;
}

}  // namespace

std::string visible_text(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size();) {
        i += append_visible(out, s.substr(i), false);
    }
    return out;
}

std::string format_diagnostic(const Diagnostic& d) {
    static constexpr const char* names[] = {"error", "warning", "note"};
    std::string out;
    if (d.file) {
        const LineCol lc = d.file->line_col(d.offset);
        out += visible_text(d.file->path) + ":" + std::to_string(lc.line) + ":" + std::to_string(lc.col) + ": ";
    }
    out += names[static_cast<int>(d.severity)];
    out += ": " + visible_text(d.message) + "\n";
    if (d.file && d.quote_source) {
        const std::string_view text = d.file->text;
        const std::string_view line = d.file->line_at(d.offset);
        const std::size_t line_begin = static_cast<std::size_t>(line.data() - text.data());
        const std::size_t at = std::min(std::max(d.offset, line_begin), line_begin + line.size()) - line_begin;
        // The part of the line shown: all of it, or some characters either side of the caret.
        std::size_t from = 0, to = line.size();
        if (line.size() > whole_line) {
            from = at;
            for (std::size_t n = 0; n < context_chars && from > 0; ++n) {
                do {
                    --from;
                } while (from > 0 && is_continuation(line[from]) && at - from < 4 * context_chars);
            }
            to = at;
            for (std::size_t n = 0; n < context_chars && to < line.size(); ++n) {
                do {
                    ++to;
                } while (to < line.size() && is_continuation(line[to]) && to - at < 4 * context_chars);
            }
        }
        std::string shown = from > 0 ? "\u2026" : "";
        std::string caret(from > 0 ? 1 : 0, ' ');
        for (std::size_t i = from; i < to;) {
            const std::size_t before = shown.size();
            const std::size_t len = append_visible(shown, line.substr(i, to - i), true);
            if (i < at) {
                // The caret sits under the character; tabs stay tabs so it lines up, and an
                // escape is as wide as its text.
                const std::string_view drawn(shown.data() + before, shown.size() - before);
                if (drawn == "\t") {
                    caret += '\t';
                } else if (drawn.size() > len) {
                    caret.append(drawn.size(), ' ');
                } else {
                    caret += ' ';
                }
            }
            i += len;
        }
        if (to < line.size()) {
            shown += "\u2026";
        }
        out += "  " + shown + "\n";
        out += "  " + caret + "^\n";
    }
    for (const auto& h : d.hints) {
        out += "  hint: " + visible_text(h) + "\n";
    }
    return out;
}

bool has_errors(const Diagnostics& ds) {
    return std::any_of(ds.begin(), ds.end(),
                       [](const Diagnostic& d) { return d.severity == Severity::error; });
}

std::size_t edit_distance(std::string_view a, std::string_view b) {
    std::vector<std::size_t> row(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) {
        row[j] = j;
    }
    for (std::size_t i = 1; i <= a.size(); ++i) {
        std::size_t diag = row[0];
        row[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            std::size_t up = row[j];
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0U : 1U)});
            diag = up;
        }
    }
    return row[b.size()];
}

std::string nearest(std::string_view word, const std::vector<std::string>& candidates) {
    std::string best;
    std::size_t best_d = std::max<std::size_t>(3, word.size() / 2) + 1;
    for (const auto& c : candidates) {
        std::size_t d = edit_distance(word, c);
        if (d < best_d) {
            best_d = d;
            best = c;
        }
    }
    return best;
}

}  // namespace handout
