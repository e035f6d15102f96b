#include "image/decode_image.hpp"
#include "image/png_decode.hpp"

#include "core/cairo_ptr.hpp"
#include "core/glib_ptr.hpp"

#include "image/jpeg_decode.hpp"
#include "image/jpeg_header.hpp"
#include "image/rsvg_lazy.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace handout {

namespace {

/// "(its XML goes wrong on line 3, column 7)" from a libxml2 message such as "Error domain 1 code
/// 76 on line 3 column 7 of data: Opening and ending tag mismatch: NAME …", whose names and text
/// come from the file and are never shown; empty when it gives no place.
std::string xml_error_place(std::string_view message) {
    auto number_after = [&](std::string_view word) -> std::string {
        std::size_t at = message.find(word);
        if (at == std::string_view::npos) {
            return {};
        }
        std::size_t i = at + word.size(), j = i;
        while (j < message.size() && j - i < 9 && message[j] >= '0' && message[j] <= '9') {
            ++j;
        }
        return std::string(message.substr(i, j - i));
    };
    const std::string line = number_after("line "), column = number_after(" column ");
    if (line.empty()) {
        return {};
    }
    return " (its XML goes wrong on line " + line + (column.empty() ? "" : ", column " + column) + ")";
}

const char* const scale_hint = "scale it down and save it again: 300 dpi at its printed size is plenty (a whole A4 page "
                               "at 300 dpi is 8.7 megapixels)";

Diagnostic picture_error(std::string message, std::vector<std::string> hints) {
    return Diagnostic{Severity::error, nullptr, 0, std::move(message), std::move(hints)};
}

std::uint32_t be32(std::string_view b, std::size_t at) {
    return (static_cast<std::uint32_t>(static_cast<unsigned char>(b[at])) << 24) |
           (static_cast<std::uint32_t>(static_cast<unsigned char>(b[at + 1])) << 16) |
           (static_cast<std::uint32_t>(static_cast<unsigned char>(b[at + 2])) << 8) |
           static_cast<std::uint32_t>(static_cast<unsigned char>(b[at + 3]));
}

bool png_signature(std::string_view b) {
    static constexpr unsigned char sig[8] = {0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A};
    return b.size() >= 8 && std::memcmp(b.data(), sig, 8) == 0;
}

/// Whether the PNG decodes whole, through the decoder the renderers use (Cairo's, on libpng).
/// Its pixels are held for the moment: at most limits' pixels × 4 bytes.
bool png_decodes(const std::string& bytes) {
    CairoSurfacePtr s = decode_png(bytes);
    return s != nullptr && cairo_surface_status(s.get()) == CAIRO_STATUS_SUCCESS;
}

}  // namespace

Result<ImageData> decode_image(const std::string& path, std::string bytes, const SvgStore* svgs, const PictureLimits& limits) {
    Result<ImageData> r;
    ImageData img;
    img.path = path;
    const std::string quoted = "`" + path + "`";
    if (png_signature(bytes)) {
        // The header chunk comes first: length 13, "IHDR", width, height, …, CRC.
        if (bytes.size() < 33 || be32(bytes, 8) != 13 || bytes.compare(12, 4, "IHDR") != 0 || be32(bytes, 16) == 0 ||
            be32(bytes, 20) == 0) {
            r.diagnostics.push_back(picture_error(quoted + " starts as a PNG but its header cannot be read",
                                                  {"export the picture again as a PNG"}));
            return r;
        }
        const std::uint32_t w = be32(bytes, 16), h = be32(bytes, 20);
        if (std::string problem = picture_size_problem(w, h, limits); !problem.empty()) {
            r.diagnostics.push_back(picture_error(quoted + " " + problem, {scale_hint}));
            return r;
        }
        if (!png_decodes(bytes)) {
            r.diagnostics.push_back(picture_error(quoted + " is a damaged PNG: its picture data does not decode (cut off, or changed)",
                                                  {"export the picture again"}));
            return r;
        }
        img.kind = ImageData::Kind::png;
        img.width = w * 0.75;
        img.height = h * 0.75;
    } else if (auto jpeg = read_jpeg_header(bytes)) {
        if (std::string problem = picture_size_problem(static_cast<std::uint64_t>(jpeg->width), static_cast<std::uint64_t>(jpeg->height), limits);
            !problem.empty()) {
            r.diagnostics.push_back(picture_error(quoted + " " + problem, {scale_hint}));
            return r;
        }
        // The PDF engine copies a JPEG as it is: one cut off or damaged must stop here.
        if (!jpeg_decodes(bytes, limits.max_pixels)) {
            r.diagnostics.push_back(picture_error(quoted + " is a damaged JPEG: its picture data does not decode",
                                                  {"export the picture again, or use a PNG"}));
            return r;
        }
        img.kind = ImageData::Kind::jpeg;
        img.width = jpeg->width * 0.75;
        img.height = jpeg->height * 0.75;
    } else if (bytes.size() >= 2 && static_cast<unsigned char>(bytes[0]) == 0xFF && static_cast<unsigned char>(bytes[1]) == 0xD8) {
        r.diagnostics.push_back(picture_error(quoted + " is a JPEG whose frame header cannot be read",
                                              {"save it again as a baseline or progressive JPEG, or as a PNG"}));
        return r;
    } else {
        double w_pt = 0, h_pt = 0;  // natural size
        if (auto cached = svgs != nullptr ? svgs->find(bytes) : std::nullopt) {
            // Seen before: its size without loading librsvg.
            w_pt = cached->width;
            h_pt = cached->height;
        } else {
            const RsvgApi* rsvg = rsvg_api();
            if (rsvg == nullptr) {
                r.diagnostics.push_back(picture_error(quoted + " is not a PNG or JPEG, and SVG needs librsvg",
                                                      {"install Debian's librsvg2-2, or use a PNG"}));
                return r;
            }
            GError* err = nullptr;
            GObjectPtr<RsvgHandle> h(rsvg->new_from_data(reinterpret_cast<const guint8*>(bytes.data()), bytes.size(), &err));
            GErrorPtr error(err);
            if (h == nullptr) {
                // libxml2's message quotes the file's element names: only where it went wrong is kept.
                r.diagnostics.push_back(picture_error(quoted + " is not a PNG, JPEG or SVG image" +
                                                          (error != nullptr ? xml_error_place(error->message) : ""),
                                                      {"use a .png, .jpg or .svg file"}));
                return r;
            }
            gdouble w = 0, h_px = 0;
            if (!rsvg->get_intrinsic_size_in_pixels(h.get(), &w, &h_px)) {
                RsvgRectangle ink{}, logical{};
                rsvg->get_geometry_for_element(h.get(), nullptr, &ink, &logical, nullptr);
                w = logical.width;
                h_px = logical.height;
            }
            w_pt = w * 0.75;
            h_pt = h_px * 0.75;
        }
        if (!std::isfinite(w_pt) || !std::isfinite(h_pt) || w_pt <= 0 || h_pt <= 0) {
            r.diagnostics.push_back(picture_error(quoted + " has no size", {"give the SVG a width and height or a viewBox"}));
            return r;
        }
        // Held to the limits at its natural size in CSS pixels, as if it were pixels: it is drawn
        // at that size or smaller, and as pixels where a renderer cannot draw vectors.
        const auto side = [](double pt) { return static_cast<std::uint64_t>(std::ceil(std::min(pt / 0.75, 1e12))); };
        if (std::string problem = picture_size_problem(side(w_pt), side(h_pt), limits); !problem.empty()) {
            r.diagnostics.push_back(picture_error(quoted + " at its natural size " + problem,
                                                  {"give the SVG a smaller width and height (its viewBox keeps the drawing)"}));
            return r;
        }
        img.kind = ImageData::Kind::svg;
        img.width = w_pt;
        img.height = h_pt;
    }
    img.bytes = std::make_shared<const std::string>(std::move(bytes));
    r.value = std::move(img);
    return r;
}

}  // namespace handout
