#include "cli/render_job.hpp"

#include "content/image_data.hpp"
#include "content/parse_content.hpp"
#include "deliver/write_file.hpp"
#include "layout/parse_layout.hpp"
#include "render/cairo/render_cairo.hpp"
#include "resolve/resolve.hpp"
#include "typeset/font_system.hpp"
#include "typeset/hyphenator.hpp"
#include "typeset/typeset.hpp"

#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#ifndef HANDOUT_SOURCE_DIR
#define HANDOUT_SOURCE_DIR "."
#endif

namespace handout {

namespace {

namespace fs = std::filesystem;

Result<SourcePtr> read_source(const std::string& path, const std::string& what) {
    Result<SourcePtr> r;
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        r.diagnostics.push_back(Diagnostic{Severity::error, nullptr, 0, "cannot read " + what + " `" + path + "`",
                                           {"check the path and that the file exists"}});
        return r;
    }
    std::ostringstream ss;
    ss << in.rdbuf();
    r.value = std::make_shared<const SourceFile>(SourceFile{path, ss.str()});
    return r;
}

std::string env_or(const char* name, const std::string& fallback) {
    const char* v = std::getenv(name);
    return (v != nullptr && *v != '\0') ? std::string(v) : fallback;
}

/// The document date as ISO 8601: SOURCE_DATE_EPOCH wins, then the content's own date.
std::string document_date(const Meta& meta) {
    if (const char* sde = std::getenv("SOURCE_DATE_EPOCH"); sde != nullptr && *sde != '\0') {
        std::time_t t = static_cast<std::time_t>(std::strtoll(sde, nullptr, 10));
        std::tm tm{};
        gmtime_r(&t, &tm);
        char buf[32];
        std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
        return buf;
    }
    if (!meta.date.empty()) {
        return meta.date + "T00:00:00";
    }
    return "2000-01-01T00:00:00";
}

void append(Diagnostics& to, Diagnostics from) {
    for (auto& d : from) {
        to.push_back(std::move(d));
    }
}

}  // namespace

std::string data_dir() {
    return env_or("HANDOUT_HOME", HANDOUT_SOURCE_DIR);
}

RenderOutcome run_render(const RenderJob& job) {
    RenderOutcome out;
    auto fail = [&](int code) {
        out.exit_code = code;
        return out;
    };
    // ---- read and parse ----
    auto content_src = read_source(job.content_path, "content file");
    append(out.diagnostics, std::move(content_src.diagnostics));
    std::string layout_path = job.layout_path.empty() ? (fs::path(data_dir()) / "layouts" / "letter.toml").string()
                                                      : job.layout_path;
    auto layout_src = read_source(layout_path, "layout file");
    append(out.diagnostics, std::move(layout_src.diagnostics));
    if (!content_src.value || !layout_src.value) {
        return fail(2);
    }
    auto doc = parse_content(*content_src.value);
    append(out.diagnostics, std::move(doc.diagnostics));
    auto layout = parse_layout(*layout_src.value);
    append(out.diagnostics, std::move(layout.diagnostics));
    Vars vars;
    if (!job.data_path.empty()) {
        auto data_src = read_source(job.data_path, "data file");
        append(out.diagnostics, std::move(data_src.diagnostics));
        if (data_src.value) {
            auto v = vars_from_json(*data_src.value);
            append(out.diagnostics, std::move(v.diagnostics));
            if (v.value) {
                vars = std::move(*v.value);
            }
        }
    }
    for (const auto& [k, v] : job.vars) {
        vars[k] = v;
    }
    if (has_errors(out.diagnostics)) {
        return fail(2);
    }
    auto resolved = resolve(*doc.value, vars);
    append(out.diagnostics, std::move(resolved.diagnostics));
    if (has_errors(out.diagnostics)) {
        return fail(2);
    }

    // ---- images ----
    TypesetInput in;
    in.doc = &*resolved.value;
    in.layout = &*layout.value;
    fs::path content_dir = fs::path(job.content_path).parent_path();
    std::function<void(const Blocks&)> collect = [&](const Blocks& bs) {
        for (const auto& b : bs) {
            if (const auto* im = std::get_if<Image>(&b.v)) {
                if (in.image_by_src.count(im->src) != 0) {
                    continue;
                }
                std::string path = (content_dir / im->src).string();
                std::ifstream f(path, std::ios::binary);
                if (!f) {
                    out.diagnostics.push_back(error_at(doc.value->source, im->offset, "cannot read image `" + im->src + "`",
                                                       {"image paths are relative to the content file"}));
                    continue;
                }
                std::ostringstream ss;
                ss << f.rdbuf();
                auto img = decode_image(im->src, ss.str());
                if (!img.value) {
                    for (auto& d : img.diagnostics) {
                        d.file = doc.value->source;
                        d.offset = im->offset;
                    }
                    append(out.diagnostics, std::move(img.diagnostics));
                    continue;
                }
                in.image_by_src[im->src] = static_cast<std::uint32_t>(in.images.size());
                in.images.push_back(std::move(*img.value));
            } else if (const auto* l = std::get_if<List>(&b.v)) {
                for (const auto& item : l->items) {
                    collect(item.blocks);
                }
            } else if (const auto* d = std::get_if<Div>(&b.v)) {
                collect(d->blocks);
            }
        }
    };
    collect(in.doc->blocks);
    if (!layout.value->logo_path.empty()) {
        std::ifstream f(layout.value->logo_path, std::ios::binary);
        std::ostringstream ss;
        ss << f.rdbuf();
        auto img = f ? decode_image(layout.value->logo_path, ss.str()) : Result<ImageData>{};
        if (!img.value) {
            std::size_t off = layout_src.value->get()->text.find("path");
            out.diagnostics.push_back(error_at(*layout_src.value, off == std::string::npos ? 0 : off,
                                               "cannot use logo `" + layout.value->logo_path + "`",
                                               {"the logo path is relative to the layout file; use a PNG or SVG"}));
        } else {
            in.logo = static_cast<int>(in.images.size());
            in.images.push_back(std::move(*img.value));
        }
    }
    if (has_errors(out.diagnostics)) {
        return fail(2);
    }

    // ---- typeset ----
    auto fonts = FontSystem::create(env_or("HANDOUT_FONTS", (fs::path(data_dir()) / "fonts").string()));
    append(out.diagnostics, std::move(fonts.diagnostics));
    if (!fonts.value) {
        return fail(2);
    }
    for (const std::string* fam : {&layout.value->body_family, &layout.value->heading_family, &layout.value->mono_family}) {
        if (!(*fonts.value)->has_family(*fam)) {
            std::size_t off = layout_src.value->get()->text.find("\"" + *fam + "\"");
            out.diagnostics.push_back(error_at(*layout_src.value, off == std::string::npos ? 0 : off + 1,
                                               "font family `" + *fam + "` is not in handout's fonts/ folder",
                                               {"use \"Noto Sans\" or \"DejaVu Sans Mono\", or add the font files to fonts/"}));
        }
    }
    if (has_errors(out.diagnostics)) {
        return fail(2);
    }
    Hyphenator hyph(env_or("HANDOUT_HYPHEN_DIR", "/usr/share/hyphen"));
    in.fonts = fonts.value->get();
    in.hyphenator = layout.value->hyphenate ? &hyph : nullptr;
    in.vars = vars;
    in.date_iso = document_date(in.doc->meta);
    auto pages = typeset(in);
    append(out.diagnostics, std::move(pages.diagnostics));
    if (has_errors(out.diagnostics)) {
        return fail(2);
    }

    // ---- render and deliver ----
    if (job.format == "dump") {
        std::string text = dump_pages(*pages.value);
        if (job.output == "-") {
            std::cout << text;
            return out;
        }
        if (auto err = write_atomically(job.output, text)) {
            out.diagnostics.push_back(Diagnostic{Severity::error, nullptr, 0, *err, {}});
            return fail(1);
        }
        out.written.push_back(job.output);
        return out;
    }
    if (job.format == "png") {
        auto pngs = render_png_cairo(*pages.value, job.dpi);
        append(out.diagnostics, std::move(pngs.diagnostics));
        if (!pngs.value || has_errors(out.diagnostics)) {
            return fail(1);
        }
        std::string prefix = job.output;
        if (prefix.size() > 4 && prefix.compare(prefix.size() - 4, 4, ".png") == 0) {
            prefix.resize(prefix.size() - 4);
        }
        for (std::size_t i = 0; i < pngs.value->size(); ++i) {
            std::string path = prefix + "-" + std::to_string(i + 1) + ".png";
            if (auto err = write_atomically(path, (*pngs.value)[i])) {
                out.diagnostics.push_back(Diagnostic{Severity::error, nullptr, 0, *err, {}});
                return fail(1);
            }
            out.written.push_back(path);
        }
        return out;
    }
    auto pdf = render_pdf_cairo(*pages.value);
    append(out.diagnostics, std::move(pdf.diagnostics));
    if (!pdf.value || has_errors(out.diagnostics)) {
        return fail(1);
    }
    if (auto err = write_atomically(job.output, *pdf.value)) {
        out.diagnostics.push_back(Diagnostic{Severity::error, nullptr, 0, *err, {}});
        return fail(1);
    }
    out.written.push_back(job.output);
    return out;
}

}  // namespace handout
