// core: owners for Pango objects that are not GObjects (GObjects — layouts, font maps — use
// GObjectPtr from glib_ptr.hpp). Included only by stages that link Pango.
#pragma once

#include "core/c_ptr.hpp"
#include "core/glib_ptr.hpp"

#include <pango/pango.h>

namespace handout {

using PangoLayoutPtr = GObjectPtr<PangoLayout>;
using PangoAttrListPtr = CPtr<PangoAttrList, pango_attr_list_unref>;
using PangoFontDescriptionPtr = CPtr<PangoFontDescription, pango_font_description_free>;
using PangoFontMetricsPtr = CPtr<PangoFontMetrics, pango_font_metrics_unref>;
using PangoLayoutIterPtr = CPtr<PangoLayoutIter, pango_layout_iter_free>;

}  // namespace handout
