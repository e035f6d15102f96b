// render/cairo: decodes a JPEG (libjpeg) into a Cairo image surface that also carries the JPEG
// itself, so Cairo's PDF surface embeds the original instead of re-encoding the pixels.
#pragma once

#include <cairo.h>

#include <memory>
#include <string>

namespace handout {

/// A new surface (caller owns it), in error status if the bytes do not decode.
cairo_surface_t* jpeg_surface(const std::shared_ptr<const std::string>& bytes);

}  // namespace handout
