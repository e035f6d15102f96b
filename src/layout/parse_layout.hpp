// layout: takes a layout TOML file, returns a Layout or diagnostics with file:line:col.
#pragma once

#include "core/diagnostic.hpp"
#include "core/limits.hpp"
#include "layout/layout.hpp"

#include <cstddef>

namespace handout {

/// Checked before toml++ reads a layout (it builds one nested table per part, and frees them by
/// recursion), by default (Limits::nesting, `--limit nesting`): a dotted key or table header may
/// have at most this many parts (`[a.b.c]` has 3; the shipped layouts need 3), and arrays,
/// inline tables and headers may nest at most this deep (`[[a]]` is 2 levels).
inline constexpr std::size_t max_layout_nesting = Limits{}.nesting;

/// Every number read is finite (nan and inf are errors naming the key and its range). Keys and
/// brackets past `max_depth` are an error at the first part or bracket past it.
Result<Layout> parse_layout(SourcePtr file, std::size_t max_depth = max_layout_nesting);

}  // namespace handout
