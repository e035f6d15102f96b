#include "image/picture_limits.hpp"

namespace handout {

std::string picture_size_problem(std::uint64_t width, std::uint64_t height, const PictureLimits& limits) {
    auto mp = [](std::uint64_t pixels) {
        // Megapixels, rounded up: "40.1 megapixels" never reads as the limit itself.
        std::uint64_t tenths = (pixels + 99'999) / 100'000;
        return std::to_string(tenths / 10) + (tenths % 10 != 0 ? "." + std::to_string(tenths % 10) : "") + " megapixels";
    };
    const std::string size = std::to_string(width) + " × " + std::to_string(height) + " pixels";
    if (width > limits.max_side || height > limits.max_side) {
        return "is " + size + "; a picture may be at most " + std::to_string(limits.max_side) + " pixels wide or high";
    }
    if (width * height > limits.max_pixels) {
        return "is " + size + " (" + mp(width * height) + "); a picture may have at most " + mp(limits.max_pixels) +
               " (--limit picture-pixels)";
    }
    return {};
}

}  // namespace handout
