// core: owners for GLib objects — GObject references, GErrors, strings from g_malloc, checksums.
// Included only by stages that link GLib.
#pragma once

#include "core/c_ptr.hpp"

#include <glib-object.h>

namespace handout {

/// A reference to a GObject (PangoLayout, PangoFontMap, RsvgHandle …), released with g_object_unref.
template <typename T>
using GObjectPtr = CPtr<T, g_object_unref>;
using GErrorPtr = CPtr<GError, g_error_free>;
/// Memory from g_malloc (strings, arrays a GLib-based API hands over), released with g_free.
template <typename T>
using GMallocPtr = CPtr<T, g_free>;
using GCharPtr = GMallocPtr<gchar>;
using GChecksumPtr = CPtr<GChecksum, g_checksum_free>;

}  // namespace handout
