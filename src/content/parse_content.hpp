// content: takes a content file (Markdown + YAML front matter), returns a Document or diagnostics.
#pragma once

#include "content/document.hpp"
#include "core/diagnostic.hpp"
#include "core/limits.hpp"

#include <cstddef>

namespace handout {

/// How deep blocks may nest by default (Limits::nesting, `--limit nesting`): `>` quotes, list
/// levels and `:::` blocks together. Deeper content is an error at the first block past the
/// limit ("nested deeper than 64 levels"), so nothing that walks the tree (check, typeset,
/// render) can run out of stack.
inline constexpr std::size_t max_content_depth = Limits{}.nesting;

/// At most this many text-hygiene errors (invalid UTF-8, NUL, control characters) are listed
/// per file; a last one counts the rest.
inline constexpr std::size_t max_text_errors = 20;

/// Invalid UTF-8, NUL and control characters other than tab, LF and CR are errors at their
/// position, and the file is not parsed further. Blocks and front matter lists nested deeper
/// than `max_depth` are an error at the first level past it.
Result<Document> parse_content(SourcePtr file, std::size_t max_depth = max_content_depth);

}  // namespace handout
