#include "image/decode_image.hpp"

#include "core/glib_ptr.hpp"

#include "image/jpeg_decode.hpp"
#include "image/jpeg_header.hpp"
#include "image/rsvg_lazy.hpp"

namespace handout {

Result<ImageData> decode_image(const std::string& path, std::string bytes, const SvgStore* svgs) {
    Result<ImageData> r;
    ImageData img;
    img.path = path;
    static constexpr unsigned char png_sig[8] = {0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A};
    auto be32 = [&](std::size_t at) {
        return (static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[at])) << 24) |
               (static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[at + 1])) << 16) |
               (static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[at + 2])) << 8) |
               static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[at + 3]));
    };
    if (bytes.size() > 24 && std::equal(png_sig, png_sig + 8, reinterpret_cast<const unsigned char*>(bytes.data()))) {
        img.kind = ImageData::Kind::png;
        img.width = be32(16) * 0.75;
        img.height = be32(20) * 0.75;
    } else if (auto jpeg = read_jpeg_header(bytes)) {
        if (!decode_jpeg(bytes)) {
            // The PDF engine copies a JPEG as it is: one cut off or damaged must stop here.
            r.diagnostics.push_back(Diagnostic{Severity::error, nullptr, 0, "`" + path + "` is a damaged JPEG: its picture data does not decode",
                                               {"export the picture again, or use a PNG"}});
            return r;
        }
        img.kind = ImageData::Kind::jpeg;
        img.width = jpeg->width * 0.75;
        img.height = jpeg->height * 0.75;
    } else if (bytes.size() >= 2 && static_cast<unsigned char>(bytes[0]) == 0xFF && static_cast<unsigned char>(bytes[1]) == 0xD8) {
        r.diagnostics.push_back(Diagnostic{Severity::error, nullptr, 0, "`" + path + "` is a JPEG whose frame header cannot be read",
                                           {"save it again as a baseline or progressive JPEG, or as a PNG"}});
        return r;
    } else if (auto cached = svgs != nullptr ? svgs->find(bytes) : std::nullopt) {
        // Seen before: its size without loading librsvg.
        img.kind = ImageData::Kind::svg;
        img.width = cached->width;
        img.height = cached->height;
    } else {
        const RsvgApi* rsvg = rsvg_api();
        if (rsvg == nullptr) {
            r.diagnostics.push_back(Diagnostic{Severity::error, nullptr, 0, "`" + path + "` is not a PNG or JPEG, and SVG needs librsvg",
                                               {"install Debian's librsvg2-2, or use a PNG"}});
            return r;
        }
        GError* err = nullptr;
        GObjectPtr<RsvgHandle> h(rsvg->new_from_data(reinterpret_cast<const guint8*>(bytes.data()), bytes.size(), &err));
        GErrorPtr error(err);
        if (h == nullptr) {
            r.diagnostics.push_back(Diagnostic{Severity::error, nullptr, 0,
                                               "`" + path + "` is not a PNG, JPEG or SVG image" +
                                                   (error != nullptr ? std::string(": ") + error->message : ""),
                                               {"use a .png, .jpg or .svg file"}});
            return r;
        }
        gdouble w = 0, h_px = 0;
        if (!rsvg->get_intrinsic_size_in_pixels(h.get(), &w, &h_px)) {
            RsvgRectangle ink{}, logical{};
            rsvg->get_geometry_for_element(h.get(), nullptr, &ink, &logical, nullptr);
            w = logical.width;
            h_px = logical.height;
        }
        img.kind = ImageData::Kind::svg;
        img.width = w * 0.75;
        img.height = h_px * 0.75;
    }
    if (img.width <= 0 || img.height <= 0) {
        r.diagnostics.push_back(Diagnostic{Severity::error, nullptr, 0, "`" + path + "` has no size",
                                           {"give the SVG a width and height or a viewBox"}});
        return r;
    }
    img.bytes = std::make_shared<const std::string>(std::move(bytes));
    r.value = std::move(img);
    return r;
}

}  // namespace handout
