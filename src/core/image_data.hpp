// core: ImageData — a picture's bytes, kind and natural size, as content reads it and every
// renderer draws it (decoding lives in image/).
#pragma once

#include <memory>
#include <string>

namespace handout {

/// The bytes of a picture (PNG, JPEG or SVG) with its natural size.
struct ImageData {
    enum class Kind { png, jpeg, svg };
    Kind kind = Kind::png;
    std::shared_ptr<const std::string> bytes; ///< shared: every document of a batch uses the same picture
    double width = 0, height = 0;     ///< natural size in pt
    std::string path;                 ///< as given, for diagnostics
};

}  // namespace handout
