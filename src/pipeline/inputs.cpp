#include "pipeline/inputs.hpp"

#include "content/parse_content.hpp"
#include "deliver/cache.hpp"
#include "image/decode_image.hpp"
#include "layout/parse_layout.hpp"

#include <toml++/toml.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <functional>

#ifndef HANDOUT_SOURCE_DIR
#define HANDOUT_SOURCE_DIR "."
#endif

namespace handout {

namespace fs = std::filesystem;

std::string data_dir() {
    const char* v = std::getenv("HANDOUT_HOME");
    return (v != nullptr && *v != '\0') ? std::string(v) : std::string(HANDOUT_SOURCE_DIR);
}

std::string kinds_dir() {
    const char* v = std::getenv("HANDOUT_KINDS");
    return (v != nullptr && *v != '\0') ? std::string(v) : (fs::path(data_dir()) / "kinds").string();
}

std::string default_layout_path() {
    return (fs::path(data_dir()) / "layouts" / "letter.toml").string();
}

Result<SourcePtr> read_source(const std::string& path, const std::string& what, const ReadRule& rule) {
    Result<SourcePtr> r;
    ReadOutcome got = read_whole_file(path, rule);
    if (!got.bytes) {
        r.diagnostics.push_back(Diagnostic{Severity::error, nullptr, 0, got.message(what, path), {got.hint}});
        return r;
    }
    r.value = std::make_shared<const SourceFile>(SourceFile{path, std::move(*got.bytes)});
    return r;
}

namespace {

ReadRule text_rule(const Limits& limits) {
    return ReadRule{limits.text_bytes, true, "text-size"};
}

ReadRule picture_rule(const Limits& limits) {
    return ReadRule{limits.picture_bytes, true, "picture-size"};
}

PictureLimits picture_limits(const Limits& limits) {
    PictureLimits p;
    p.max_pixels = limits.picture_pixels;
    return p;
}

void append(Diagnostics& to, Diagnostics from) {
    for (auto& d : from) {
        to.push_back(std::move(d));
    }
}

}  // namespace

Result<std::shared_ptr<const ContentInput>> load_content(const std::string& path, const Limits& limits) {
    Result<std::shared_ptr<const ContentInput>> r;
    auto src = read_source(path, "content file", text_rule(limits));
    append(r.diagnostics, std::move(src.diagnostics));
    if (!src.value) {
        return r;
    }
    auto doc = parse_content(*src.value, limits.nesting);
    append(r.diagnostics, std::move(doc.diagnostics));
    if (!doc.value || has_errors(r.diagnostics)) {
        return r;
    }
    auto in = std::make_shared<ContentInput>();
    in->doc = std::move(*doc.value);
    fs::path dir = fs::path(path).parent_path();
    DiskSvgStore svgs;
    std::function<void(const Blocks&)> collect = [&](const Blocks& bs) {
        for (const auto& b : bs) {
            if (const auto* im = std::get_if<Image>(&b.v)) {
                if (in->image_by_src.count(im->src) != 0) {
                    continue;
                }
                ReadOutcome got = read_whole_file((dir / im->src).string(), picture_rule(limits));
                if (!got.bytes) {
                    r.diagnostics.push_back(error_at(in->doc.source, im->offset, got.message("image", im->src),
                                                     {got.hint, "image paths are relative to the content file"}));
                    continue;
                }
                auto img = decode_image(im->src, std::move(*got.bytes), &svgs, picture_limits(limits));
                if (!img.value) {
                    for (auto& d : img.diagnostics) {
                        d.file = in->doc.source;
                        d.offset = im->offset;
                    }
                    append(r.diagnostics, std::move(img.diagnostics));
                    continue;
                }
                in->image_by_src[im->src] = static_cast<std::uint32_t>(in->images.size());
                in->images.push_back(std::move(*img.value));
            } else if (const auto* l = std::get_if<List>(&b.v)) {
                for (const auto& item : l->items) {
                    collect(item.blocks);
                }
            } else if (const auto* d = std::get_if<Div>(&b.v)) {
                collect(d->blocks);
            }
        }
    };
    collect(in->doc.blocks);
    // The kind's and the topic's rules.
    // Messages name a rule file as a person would type it: relative when that is shorter.
    auto shown_path = [](const fs::path& file) {
        std::error_code rel_ec;
        fs::path shown = fs::relative(file, fs::current_path(rel_ec), rel_ec);
        return rel_ec || shown.empty() || shown.string().rfind("..", 0) == 0 ? file : shown;
    };
    auto load_rules = [&](const std::string& name, const fs::path& rules_dir, const char* key) -> std::shared_ptr<Kind> {
        fs::path file = rules_dir / (name + ".toml");
        std::size_t at = in->doc.source->text.find(std::string("\n") + key + ":");
        at = at == std::string::npos ? 0 : at + 1;
        fs::path shown = shown_path(file);
        auto ksrc = read_source(shown.string(), std::string(key) + " file", text_rule(limits));
        if (std::error_code exists_ec; !ksrc.value && fs::exists(file, exists_ec)) {
            // There, but not readable (too big, not a regular file): say why, at the content's key.
            for (auto& d : ksrc.diagnostics) {
                r.diagnostics.push_back(error_at(in->doc.source, at, d.message, d.hints));
            }
            return nullptr;
        }
        if (!ksrc.value) {
            std::vector<std::string> names;
            std::error_code ec;
            for (const auto& e : fs::directory_iterator(rules_dir, ec)) {
                if (e.path().extension() == ".toml") {
                    names.push_back(e.path().stem().string());
                }
            }
            std::string near = nearest(name, names);
            std::vector<std::string> hints{"there is no " + file.string()};
            if (!near.empty()) {
                hints.push_back("did you mean `" + near + "`?");
            }
            r.diagnostics.push_back(error_at(in->doc.source, at, std::string("unknown ") + key + " `" + name + "`", hints));
            return nullptr;
        }
        auto k = parse_kind(*ksrc.value, name);
        append(r.diagnostics, std::move(k.diagnostics));
        return k.value ? std::make_shared<Kind>(std::move(*k.value)) : nullptr;
    };
    auto kind = load_rules(in->doc.meta.kind, kinds_dir(), "kind");
    // The medical terms a sheet in the document's language must explain: kinds/terms/LANG.txt
    // by the language's first subtag (es-MX reads es.txt); none when there is no such file.
    std::string lang = in->doc.meta.lang.substr(0, in->doc.meta.lang.find('-'));
    std::transform(lang.begin(), lang.end(), lang.begin(), [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; });
    const bool letters = !lang.empty() && std::all_of(lang.begin(), lang.end(), [](char c) { return c >= 'a' && c <= 'z'; });
    const fs::path terms_file = fs::path(kinds_dir()) / "terms" / (lang + ".txt");
    if (std::error_code ec; kind && letters && fs::is_regular_file(terms_file, ec)) {
        auto tsrc = read_source(shown_path(terms_file).string(), "term list", text_rule(limits));
        append(r.diagnostics, std::move(tsrc.diagnostics));
        if (tsrc.value) {
            auto terms = parse_terms(*tsrc.value);
            append(r.diagnostics, std::move(terms.diagnostics));
            if (terms.value) {
                kind->terms = std::move(*terms.value);
            }
        }
    }
    in->kind = std::move(kind);
    if (!in->doc.meta.topic.empty()) {
        in->topic = load_rules(in->doc.meta.topic, fs::path(kinds_dir()) / "topics", "topic");
    }
    if (!has_errors(r.diagnostics)) {
        r.value = std::move(in);
    }
    return r;
}

Result<std::shared_ptr<const LayoutInput>> load_layout(const std::string& path, const Limits& limits) {
    Result<std::shared_ptr<const LayoutInput>> r;
    auto src = read_source(path, "layout file", text_rule(limits));
    append(r.diagnostics, std::move(src.diagnostics));
    if (!src.value) {
        return r;
    }
    auto layout = parse_layout(*src.value, limits.nesting);
    append(r.diagnostics, std::move(layout.diagnostics));
    if (!layout.value || has_errors(r.diagnostics)) {
        return r;
    }
    auto in = std::make_shared<LayoutInput>();
    in->layout = std::move(*layout.value);
    if (!in->layout.logo_path.empty()) {
        // Any failure is placed at the `path` key of [logo] and says why (what the read or the
        // decoder found: missing, not a regular file, too large, damaged, too many pixels), with
        // its fix; the picture's bytes are never quoted.
        const SourcePtr& layout_file = *src.value;
        const std::size_t at = in->layout.offset_of_key("logo.path");
        const std::string where = "the logo path is relative to the layout file; a logo is a PNG, JPEG or SVG";
        ReadOutcome got = read_whole_file(in->layout.logo_path, picture_rule(limits));
        if (!got.bytes) {
            r.diagnostics.push_back(error_at(layout_file, at, got.message("logo", in->layout.logo_path), {got.hint, where}));
            return r;
        }
        DiskSvgStore svgs;
        auto img = decode_image(in->layout.logo_path, std::move(*got.bytes), &svgs, picture_limits(limits));
        if (!img.value) {
            if (img.diagnostics.empty()) {  // decode_image always says why; never fail silently
                img.diagnostics.push_back(error_at(nullptr, 0, "`" + in->layout.logo_path + "` cannot be read as a picture"));
            }
            for (auto& d : img.diagnostics) {
                d.file = layout_file;
                d.offset = at;
                d.message = "logo " + d.message;
                d.hints.push_back(where);
            }
            append(r.diagnostics, std::move(img.diagnostics));
            return r;
        }
        in->logo = std::move(*img.value);
    }
    r.value = std::move(in);
    return r;
}

Result<std::vector<PackagedFont>> load_packaged_fonts(const std::string& fonts_dir) {
    Result<std::vector<PackagedFont>> r;
    r.value.emplace();
    std::string listing = (std::filesystem::path(fonts_dir) / "debian.toml").string();
    std::error_code ec;
    if (!std::filesystem::exists(listing, ec)) {
        return r;
    }
    try {
        toml::table t = toml::parse_file(listing);
        if (const toml::array* fonts = t["font"].as_array()) {
            for (const toml::node& f : *fonts) {
                const toml::table* ft = f.as_table();
                if (ft == nullptr) {
                    continue;
                }
                PackagedFont font;
                font.package = (*ft)["package"].value_or(std::string());
                font.families.push_back((*ft)["family"].value_or(std::string()));
                if (const toml::array* also = (*ft)["also"].as_array()) {
                    for (const toml::node& a : *also) {
                        font.families.push_back(a.value_or(std::string()));
                    }
                }
                if (const toml::array* files = (*ft)["files"].as_array()) {
                    for (const toml::node& file : *files) {
                        font.files.push_back(file.value_or(std::string()));
                    }
                }
                r.value->push_back(std::move(font));
            }
        }
    } catch (const toml::parse_error& e) {
        r.value.reset();
        r.diagnostics.push_back(Diagnostic{Severity::error, nullptr, 0, "cannot read `" + listing + "`: " + std::string(e.description()), {}});
    }
    return r;
}

}  // namespace handout
