// Fuzz harness: the readability counts (src/check/readability, syllables) on any bytes as text —
// sentence ends, abbreviations, numbers, phone numbers and addresses, invalid UTF-8. The first
// byte picks the language (odd: Spanish). Every sentence must lie inside the text, in order, and
// every count be sane; a crash, sanitizer report, timeout or trap is a finding.
// Built by -DHANDOUT_FUZZ=ON with clang (scripts/fuzz.sh); seeds: fuzz/corpus/readability/,
// content/ and tests/data/**/*.md.
#include "check/readability.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) {
        return 0;
    }
    const std::string_view lang = (data[0] & 1) != 0 ? "es" : "en";
    const std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
    std::size_t last = 0;
    for (const handout::Sentence& s : handout::split_sentences(text, lang)) {
        if (s.begin < last || s.end < s.begin || s.end > text.size() || s.stats.words <= 0 ||
            s.stats.syllables < s.stats.words || s.stats.polysyllables > s.stats.words) {
            __builtin_trap();
        }
        last = s.end;
    }
    for (std::size_t at = 0; at < text.size();) {
        std::size_t end = text.find(' ', at);
        end = end == std::string_view::npos ? text.size() : end;
        if (handout::syllables(text.substr(at, end - at), lang) < 0) {
            __builtin_trap();
        }
        at = end + 1;
    }
    return 0;
}
