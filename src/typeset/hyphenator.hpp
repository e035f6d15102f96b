// typeset: hyphenation points from libhyphen dictionaries, cached per word. One per worker thread.
#pragma once

#include "core/hyphen_ptr.hpp"

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace handout {

class Hyphenator {
public:
    /// `dict_dir` holds hyph_LL_CC.dic files (Debian: /usr/share/hyphen).
    explicit Hyphenator(std::string dict_dir);

    /// Whether a dictionary for `lang` ("en", "es", "en-US") can be loaded.
    bool supports(std::string_view lang);

    /// `text` with U+00AD inserted at every allowed break inside its words.
    std::string hyphenate(std::string_view text, std::string_view lang);

    /// Allowed break positions (byte offsets into word, break before that byte).
    const std::vector<std::size_t>& points(std::string_view word, std::string_view lang);

    /// The words hyphenated so far as text, one `lang:word<TAB>p,p,p` a line, after a first line
    /// naming the dictionaries (so a cache made with other dictionaries is not used).
    std::string export_cache() const;
    /// Takes words from export_cache()'s text; ignores it when the dictionaries differ.
    void import_cache(std::string_view text);
    /// Whether words were hyphenated since the last import or export.
    bool cache_grew() const { return m_grew; }

private:
    HyphenDict* dict(std::string_view lang);
    std::string m_dir;
    std::map<std::string, HyphenDictPtr, std::less<>> m_dicts;  ///< null: no dictionary
    std::string dictionaries_id() const;
    std::unordered_map<std::string, std::vector<std::size_t>> m_cache;
    bool m_grew = false;
};

}  // namespace handout
