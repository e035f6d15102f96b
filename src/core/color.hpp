// core: Color — an sRGB colour, shared by layouts (what is asked for) and pages (what is drawn).
#pragma once

namespace handout {

/// sRGB, each channel 0..1.
struct Color {
    double r = 0, g = 0, b = 0;
    bool operator==(const Color&) const = default;
};

}  // namespace handout
