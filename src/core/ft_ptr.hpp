// core: owners for FreeType objects. Included only where FreeType is linked.
#pragma once

#include "core/c_ptr.hpp"

#include <ft2build.h>
#include FT_FREETYPE_H

namespace handout {

using FtLibraryPtr = CPtr<FT_LibraryRec_, FT_Done_FreeType>;
using FtFacePtr = CPtr<FT_FaceRec_, FT_Done_Face>;

}  // namespace handout
