// image: librsvg, loaded on first use. Most documents have no SVG; not linking librsvg (and
// libxml2, ICU, gdk-pixbuf behind it) saves a third of handout's start-up.
#pragma once

#include <librsvg/rsvg.h>

namespace handout {

/// The librsvg functions handout uses.
struct RsvgApi {
    RsvgHandle* (*new_from_data)(const guint8*, gsize, GError**);
    gboolean (*get_intrinsic_size_in_pixels)(RsvgHandle*, gdouble*, gdouble*);
    gboolean (*get_geometry_for_element)(RsvgHandle*, const char*, RsvgRectangle*, RsvgRectangle*, GError**);
    gboolean (*render_document)(RsvgHandle*, cairo_t*, const RsvgRectangle*, GError**);
};

/// The loaded API, or nullptr when librsvg is not installed. Thread-safe; loads once per process.
const RsvgApi* rsvg_api();

}  // namespace handout
