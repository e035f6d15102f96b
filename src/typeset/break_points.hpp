// typeset: where a line may break inside a web or email address, as TeX's url package and browsers
// allow; takes UTF-8 text and returns byte offsets. Knows no font.
#pragma once

#include <cstddef>
#include <string_view>
#include <vector>

namespace handout {

/// A stretch of text that reads as one address: [begin, end) in bytes, without the punctuation
/// around it ("(see www.x.org)." gives "www.x.org").
struct AddressSpan {
    std::size_t begin = 0, end = 0;
    std::vector<std::size_t> breaks;  ///< byte offsets inside (begin, end): a line may break before each
};

/// Every web address (a scheme such as https://, a www. name or a bare domain name with a
/// letter-only top-level label) and email address (name@domain) in `text`, each with its break
/// points: after '/', '.', '@' and '-', before '?' and '#' — never inside the scheme ("https://"),
/// never right after another break point, and never leaving a single character alone on either side.
std::vector<AddressSpan> address_breaks(std::string_view text);

}  // namespace handout
