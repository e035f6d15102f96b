// layout: takes a layout TOML file, returns a Layout or diagnostics with file:line:col.
#pragma once

#include "core/diagnostic.hpp"
#include "layout/layout.hpp"

namespace handout {

Result<Layout> parse_layout(SourcePtr file);

}  // namespace handout
