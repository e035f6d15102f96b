// core: owners for fontconfig objects. Included only by stages that link fontconfig.
#pragma once

#include "core/c_ptr.hpp"

#include <fontconfig/fontconfig.h>

namespace handout {

using FcConfigPtr = CPtr<FcConfig, FcConfigDestroy>;
using FcPatternPtr = CPtr<FcPattern, FcPatternDestroy>;
using FcFontSetPtr = CPtr<FcFontSet, FcFontSetDestroy>;
using FcObjectSetPtr = CPtr<FcObjectSet, FcObjectSetDestroy>;
using FcCharSetPtr = CPtr<FcCharSet, FcCharSetDestroy>;

}  // namespace handout
