// check: one block of a document's text as the checks read it — its plain text, and a map from
// each byte of it back to the content file, so a finding anywhere in it names file:line:col.
#pragma once

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

namespace handout {

struct TextBlock {
    std::string text;
    std::vector<std::pair<std::size_t, std::size_t>> map;  ///< (byte in text, byte in file), ascending
    int section = -1;                                        ///< index into the checker's sections
    bool prose = true;                                       ///< counts for readability (sentences a reader reads)
    bool heading = false;                                    ///< the text of a heading
    bool glossary = false;                                   ///< inside a glossary section ("Words to know")

    /// The byte in the content file that byte `pos` of `text` came from.
    std::size_t source(std::size_t pos) const {
        std::size_t src = 0, at = 0;
        for (const auto& [t, s] : map) {
            if (t > pos) {
                break;
            }
            at = t;
            src = s;
        }
        return src + (pos - at);
    }
};

}  // namespace handout
