// image: takes a picture file's bytes, returns ImageData (kind and natural size) or an error.
#pragma once

#include "core/diagnostic.hpp"
#include "core/image_data.hpp"
#include "core/svg_store.hpp"

#include <string>

namespace handout {

/// PNG or JPEG (by signature) or SVG (its size from `svgs` when stored there, else through
/// librsvg). Pixels count as 1/96 in, as in CSS.
Result<ImageData> decode_image(const std::string& path, std::string bytes, const SvgStore* svgs = nullptr);

}  // namespace handout
