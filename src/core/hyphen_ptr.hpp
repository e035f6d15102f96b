// core: the owner for libhyphen's dictionaries. Included only by typeset/, which links libhyphen.
#pragma once

#include "core/c_ptr.hpp"

#include <hyphen.h>

namespace handout {

using HyphenDictPtr = CPtr<HyphenDict, hnj_hyphen_free>;

}  // namespace handout
