// content: takes a content file (Markdown + YAML front matter), returns a Document or diagnostics.
#pragma once

#include "content/document.hpp"
#include "core/diagnostic.hpp"

namespace handout {

Result<Document> parse_content(SourcePtr file);

}  // namespace handout
