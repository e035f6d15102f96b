// check: stepping through UTF-8 text by character — shared by the readability counts and the
// plain-language checks.
#pragma once

#include <glib.h>

#include <cstddef>
#include <string_view>

namespace handout {

/// The character at byte `i`, or (gunichar)-1 / -2 where the bytes are not valid UTF-8.
inline gunichar char_at(std::string_view text, std::size_t i) {
    return g_utf8_get_char_validated(text.data() + i, static_cast<gssize>(text.size() - i));
}

/// The byte after the character at `i` (the end of the text at most).
inline std::size_t next_char(std::string_view text, std::size_t i) {
    const char* q = g_utf8_find_next_char(text.data() + i, text.data() + text.size());
    return q == nullptr ? text.size() : static_cast<std::size_t>(q - text.data());
}

}  // namespace handout
