// core: lengths with units ("12pt", "20mm", "0.75in") to points.
#pragma once

#include <optional>
#include <string_view>

namespace handout {

/// Points (1/72 in) for "N", "Npt", "Nmm", "Ncm" or "Nin"; nullopt when malformed.
std::optional<double> parse_length(std::string_view text);

}  // namespace handout
