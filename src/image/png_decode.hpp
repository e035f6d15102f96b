// image: decodes a PNG through Cairo's decoder (libpng) — the one every renderer draws with, and
// the one the content's check proves a picture against.
#pragma once

#include "core/cairo_ptr.hpp"

#include <string>

namespace handout {

/// An image surface of the PNG's pixels (premultiplied), or one in an error status (cut off,
/// damaged, out of memory): check cairo_surface_status.
CairoSurfacePtr decode_png(const std::string& bytes);

}  // namespace handout
