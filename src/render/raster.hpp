// render: pictures as pixels, for the engines that draw them so — a PNG decoded, an SVG drawn by
// librsvg at print resolution — as plain 8-bit RGB samples and an alpha channel.
#pragma once

#include "core/image_data.hpp"

#include <optional>
#include <string>
#include <utility>

namespace handout {

/// A picture's pixels, unpremultiplied: 3 bytes a pixel in `rgb`, 1 in `alpha`.
struct Pixels {
    int w = 0, h = 0;
    std::string rgb;
    std::string alpha;   ///< empty when every pixel is opaque
};

/// The pixel size of a vector picture of `width_pt` × `height_pt` drawn as pixels: 300 dpi of
/// its natural size, scaled down (aspect kept) to the picture limits when that is more —
/// max_picture_pixels (40 MP, over 25 × 17 in at 300 dpi: a page-sized print stays at 300 dpi
/// or more) and max_picture_side (Cairo's largest surface). The content's check held the SVG to
/// the limits in CSS pixels (96 dpi); at 300 dpi it may have nearly ten times as many.
std::pair<int, int> svg_raster_size(double width_pt, double height_pt);

/// A PNG decoded, or an SVG drawn at svg_raster_size; nothing when it cannot be (damaged, no
/// librsvg, out of memory). Not for JPEG: engines take those as they are.
std::optional<Pixels> picture_pixels(const ImageData& img);

}  // namespace handout
