// content: text hygiene — finds invalid UTF-8, NUL and C0/C1 control characters in text; tells
// bidirectional controls and right-to-left letters. (Messages show text with core's visible_text.)
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace handout {

enum class TextFault {
    none,          ///< the text is clean from `from` to its end
    invalid_utf8,  ///< a byte that does not begin or continue a UTF-8 character (or an overlong, a surrogate, > U+10FFFF)
    nul,           ///< U+0000
    control,       ///< a C0 control other than tab, line feed and carriage return, DEL, or a C1 control
};

struct TextProblem {
    TextFault fault = TextFault::none;
    std::size_t offset = 0;   ///< byte offset of the bad byte or character
    std::size_t length = 0;   ///< bytes it takes (1 for an invalid byte)
    char32_t code = 0;        ///< the control character (nul, control); the byte value for invalid_utf8
};

/// The first problem in `text` at or after byte `from`; fault none when there is none.
TextProblem next_text_problem(std::string_view text, std::size_t from = 0);

/// Whether `text` is valid UTF-8 (controls allowed).
bool valid_utf8(std::string_view text);

/// Decodes one UTF-8 character at `pos`; returns its length (0 when the bytes there are invalid).
std::size_t decode_utf8(std::string_view text, std::size_t pos, char32_t& out);

/// Appends the UTF-8 encoding of `cp` to `out`.
void append_utf8(std::string& out, char32_t cp);

/// Whether `c` is a C0 control other than tab, LF and CR, DEL, or a C1 control (NUL included).
bool is_forbidden_control(char32_t c);

/// "U+001B (ESC)", "U+0000 (NUL)", "U+0085 (NEL)" … for a message.
std::string control_name(char32_t c);

/// Bidirectional formatting characters: LRM, RLM, ALM, LRE, RLE, PDF, LRO, RLO, LRI, RLI, FSI, PDI.
bool is_bidi_control(char32_t c);

/// Letters written right to left (Unicode bidi classes R and AL: Hebrew, Arabic, Syriac, Thaana,
/// N'Ko, Adlam, … and their presentation forms), by block.
bool is_rtl_letter(char32_t c);

}  // namespace handout
