// core: the limits one document or record is held to (README, "Reliability"), with their
// defaults, and `--limit NAME=VALUE` to change them. They are plain values carried by each job:
// nothing global.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace handout {

struct Limits {
    std::uint64_t text_bytes = 8u << 20;         ///< text-size: a content, layout or kind file
    std::uint64_t picture_bytes = 32u << 20;     ///< picture-size: a picture or logo file
    std::uint64_t picture_pixels = 40'000'000;   ///< picture-pixels: a picture's width × height
    std::uint64_t nesting = 64;                  ///< nesting: blocks, front matter lists, layout tables
    std::uint64_t value_bytes = 64u << 10;       ///< value-size: one variable's value
    std::uint64_t pages = 100;                   ///< pages: one document
    std::uint64_t message_bytes = 10u << 20;     ///< message-size: one e-mail message, attachment included
};

/// One limit as the README and `--limit` name it.
struct LimitInfo {
    std::string_view name;     ///< "text-size"
    std::string_view unit;     ///< "bytes", "pixels", "levels", "pages", "items"
    std::uint64_t max_value;   ///< the largest value accepted
    std::string_view what;     ///< what it limits, for help and the README
};

/// Every limit, in the README's order.
const std::vector<LimitInfo>& limit_infos();

/// The current value of the limit `name` (which must be one of limit_infos()).
std::uint64_t limit_value(const Limits& limits, std::string_view name);

/// Applies `NAME=VALUE` (sizes may end in K, M or G: 1024-based; counts in k or M: 1000-based)
/// to `limits`; returns what is wrong with it (naming the limits there are) when it cannot.
std::optional<std::string> apply_limit(Limits& limits, std::string_view setting);

/// The flag that sets `name` to a bigger value: "--limit text-size=16M"-style advice for hints.
std::string limit_hint(std::string_view name);

}  // namespace handout
