// render/pdf: reads a CID-keyed CFF font's charset (glyph index → CID), which a PDF viewer
// uses to find the glyph for each code of a CIDFontType0 font.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace handout::pdf {

/// For a CFF table whose Top DICT has ROS (a CIDFont): the CID of every glyph index.
/// nullopt for a name-keyed CFF (its codes are glyph indices) or bytes that do not parse.
std::optional<std::vector<std::uint32_t>> cff_cids(std::string_view cff);

}  // namespace handout::pdf
