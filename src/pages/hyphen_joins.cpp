#include "pages/hyphen_joins.hpp"

namespace handout {

std::vector<HyphenJoin> hyphen_joins(const Pages& pages) {
    std::vector<HyphenJoin> out;
    const GlyphRun* pending = nullptr;
    int pending_node = -1;
    for (const auto& page : pages.pages) {
        for (const auto& item : page.items) {
            const auto* run = std::get_if<GlyphRun>(&item.v);
            if (run == nullptr || item.node < 0 || run->glyphs.empty()) {
                continue;
            }
            if (pending != nullptr && item.node == pending_node) {
                // The rest of the word with its punctuation: up to the next space.
                std::size_t tail = run->text.find(' ');
                if (tail == std::string::npos) {
                    tail = run->text.size();
                }
                if (tail > 0) {  // the rest may be the whole run (a paragraph's last line)
                    out.push_back(HyphenJoin{pending, run, tail});
                }
            }
            pending = nullptr;
            if (run->text.size() >= 2 && run->text.compare(run->text.size() - 2, 2, "\xC2\xAD") == 0) {
                pending = run;
                pending_node = item.node;
            }
        }
    }
    return out;
}

}  // namespace handout
