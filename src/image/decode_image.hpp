// image: takes a picture file's bytes, returns ImageData (kind and natural size) or an error.
#pragma once

#include "core/diagnostic.hpp"
#include "core/image_data.hpp"
#include "core/svg_store.hpp"
#include "image/picture_limits.hpp"

#include <string>

namespace handout {

/// PNG or JPEG (by signature) or SVG (its size from `svgs` when stored there, else through
/// librsvg). Pixels count as 1/96 in, as in CSS. A picture is measured by its header first and
/// refused over `limits` (an SVG by its natural size in CSS pixels) before anything is decoded;
/// a PNG or JPEG is then decoded once, so one that is cut off or damaged is an error here rather
/// than when it is drawn. Every failure is a diagnostic with no file or offset: the caller places
/// it at the picture's reference.
Result<ImageData> decode_image(const std::string& path, std::string bytes, const SvgStore* svgs = nullptr,
                               const PictureLimits& limits = {});

}  // namespace handout
