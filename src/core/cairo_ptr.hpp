// core: owners for Cairo objects (each released by its own destroy call). Included only by
// stages that link Cairo.
#pragma once

#include "core/c_ptr.hpp"

#include <cairo.h>

namespace handout {

using CairoPtr = CPtr<cairo_t, cairo_destroy>;
using CairoSurfacePtr = CPtr<cairo_surface_t, cairo_surface_destroy>;
using CairoFontFacePtr = CPtr<cairo_font_face_t, cairo_font_face_destroy>;
using CairoFontOptionsPtr = CPtr<cairo_font_options_t, cairo_font_options_destroy>;

}  // namespace handout
