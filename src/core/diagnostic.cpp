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

std::string format_diagnostic(const Diagnostic& d) {
    static constexpr const char* names[] = {"error", "warning", "note"};
    std::string out;
    std::string_view line;
    LineCol lc;
    if (d.file) {
        lc = line_col(d.file->text, d.offset);
        line = line_at(d.file->text, d.offset);
        out += d.file->path + ":" + std::to_string(lc.line) + ":" + std::to_string(lc.col) + ": ";
    }
    out += names[static_cast<int>(d.severity)];
    out += ": " + d.message + "\n";
    if (d.file && d.quote_source) {
        out += "  " + std::string(line) + "\n";
        out += "  ";
        // The caret sits under the character; tabs stay tabs so it lines up.
        std::size_t chars = 0;
        for (char c : line) {
            if (chars + 1 >= lc.col) {
                break;
            }
            if ((static_cast<unsigned char>(c) & 0xC0U) != 0x80U) {
                out += (c == '\t') ? '\t' : ' ';
                ++chars;
            }
        }
        out += "^\n";
    }
    for (const auto& h : d.hints) {
        out += "  hint: " + h + "\n";
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
