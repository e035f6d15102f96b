// image: the limits a picture is held to before it is decoded (README, "Reliability").
#pragma once

#include "core/limits.hpp"

#include <cstdint>
#include <string>

namespace handout {

/// The most pixels a picture may have by default (Limits::picture_pixels, `--limit
/// picture-pixels`): 40 megapixels (a 1.5 MB PNG of 20000 × 20000 would take
/// 1.6 GB as pixels, and several times that on its way into a PDF). An A4 page at 300 dpi is
/// 8.7 megapixels.
inline constexpr std::uint64_t max_picture_pixels = Limits{}.picture_pixels;

/// The widest or highest a picture may be, in pixels: Cairo's largest image surface.
inline constexpr std::uint32_t max_picture_side = 32767;

/// The most scans a progressive JPEG may have (as libjpeg-turbo's TJPARAM_SCANLIMIT advises):
/// thousands of tiny scans take minutes to decode and add nothing.
inline constexpr int max_jpeg_scans = 500;

struct PictureLimits {
    std::uint64_t max_pixels = max_picture_pixels;
    std::uint32_t max_side = max_picture_side;
};

/// Why a picture of `width` × `height` pixels is over `limits` ("is 20000 × 20000 pixels (400
/// megapixels); a picture may have at most 40 megapixels"), or empty when it is not.
std::string picture_size_problem(std::uint64_t width, std::uint64_t height, const PictureLimits& limits);

}  // namespace handout
