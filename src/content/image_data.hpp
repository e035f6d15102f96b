// content: takes an image file's bytes, returns ImageData (kind and natural size) or an error.
#pragma once

#include "core/diagnostic.hpp"
#include "pages/pages.hpp"

#include <string>

namespace handout {

/// PNG or JPEG (by signature) or SVG (through librsvg). Pixels count as 1/96 in, as in CSS.
Result<ImageData> decode_image(const std::string& path, std::string bytes);

}  // namespace handout
