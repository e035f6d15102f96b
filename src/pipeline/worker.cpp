#include "pipeline/worker.hpp"

#include "core/source_date.hpp"
#include "deliver/cache.hpp"
#include "deliver/journal.hpp"
#include "deliver/write_file.hpp"
#include "typeset/typeset.hpp"

#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>

namespace handout {

namespace {

std::string env_or(const char* name, const std::string& fallback) {
    const char* v = std::getenv(name);
    return (v != nullptr && *v != '\0') ? std::string(v) : fallback;
}


}  // namespace

Worker::~Worker() {
    // Loading libhyphen's patterns costs more than laying out a whole handout: keep the words.
    if (!m_hyphen_cache.empty() && m_hyphenator.cache_grew()) {
        write_atomically(m_hyphen_cache, m_hyphenator.export_cache(), Durability::deferred);
    }
}

Result<std::unique_ptr<Worker>> Worker::create(const Limits& limits) {
    Result<std::unique_ptr<Worker>> r;
    const std::string fonts_dir = env_or("HANDOUT_FONTS", (std::filesystem::path(data_dir()) / "fonts").string());
    auto packaged = load_packaged_fonts(fonts_dir);
    if (!packaged.ok()) {
        r.diagnostics = std::move(packaged.diagnostics);
        return r;
    }
    auto fonts = FontSystem::create(fonts_dir, *packaged.value);
    r.diagnostics = std::move(fonts.diagnostics);
    if (!fonts.value) {
        return r;
    }
    auto worker = std::unique_ptr<Worker>(
        new Worker(std::move(*fonts.value), env_or("HANDOUT_HYPHEN_DIR", "/usr/share/hyphen"), limits));
    if (std::string dir = cache_dir(); !dir.empty()) {
        // A run killed while it wrote the cache left its temporaries: they go once their process has.
        remove_stale_temporaries(dir);
        worker->m_hyphen_cache = (std::filesystem::path(dir) / "hyphenation.txt").string();
        std::ifstream f(worker->m_hyphen_cache, std::ios::binary);
        if (f) {
            std::ostringstream ss;
            ss << f.rdbuf();
            worker->m_hyphenator.import_cache(ss.str());
        }
    }
    r.value = std::move(worker);
    return r;
}

const Diagnostics& Worker::check_families(const LayoutInput& input) {
    if (auto it = m_family_checks.find(&input); it != m_family_checks.end()) {
        return it->second;
    }
    const Layout& layout = input.layout;
    Diagnostics& out = m_family_checks[&input];
    std::vector<const std::string*> families{&layout.body_family, &layout.heading_family, &layout.mono_family};
    for (const auto& f : layout.fallback) {
        families.push_back(&f);
    }
    for (const auto& [tag, f] : layout.lang_families) {
        families.push_back(&f);
    }
    for (const std::string* fam : families) {
        if (m_fonts->has_family(*fam)) {
            continue;
        }
        std::size_t off = layout.source ? layout.source->text.find("\"" + *fam + "\"") : std::string::npos;
        std::string package = m_fonts->package_of(*fam);
        out.push_back(error_at(layout.source, off == std::string::npos ? 0 : off + 1,
                               package.empty() ? "font family `" + *fam + "` is not in handout's fonts/ folder"
                                               : "font family `" + *fam + "` is not installed",
                               package.empty() ? std::vector<std::string>{"use \"Noto Sans\" or \"DejaVu Sans Mono\", or add the font files to fonts/"}
                                               : std::vector<std::string>{"install the Debian package " + package +
                                                                          " (bash scripts/install-deps.sh does)"}));
    }
    return out;
}

const CheckResult& Worker::check_template(const ContentInput& content, const LayoutInput& layout) {
    auto key = std::make_pair(static_cast<const void*>(&content), static_cast<const void*>(&layout));
    auto it = m_template_checks.find(key);
    if (it == m_template_checks.end()) {
        CheckInput ci;
        ci.doc = &content.doc;
        ci.layout = &layout.layout;
        ci.kind = content.kind.get();
        ci.topic = content.topic.get();
        ci.covers = [this](const std::string& f, char32_t c) { return m_fonts->covers(f, c); };
        it = m_template_checks.emplace(key, check_document(ci)).first;
    }
    return it->second;
}

Result<Pages> Worker::typeset_record(const ContentInput& content, const LayoutInput& layout, const Vars& vars) {
    Result<Pages> r;
    for (const auto& d : check_template(content, layout).diagnostics) {
        if (d.severity != Severity::note) {
            r.diagnostics.push_back(d);
        }
    }
    auto resolved = resolve(content.doc, vars, m_limits.value_bytes);
    for (auto& d : resolved.diagnostics) {
        r.diagnostics.push_back(std::move(d));
    }
    if (!resolved.value || has_errors(r.diagnostics)) {
        return r;
    }
    CheckInput values;
    values.doc = &*resolved.value;
    values.layout = &layout.layout;
    values.covers = [this](const std::string& f, char32_t c) { return m_fonts->covers(f, c); };
    values.scope = CheckInput::Scope::record_values;
    for (auto& d : check_document(values).diagnostics) {
        r.diagnostics.push_back(std::move(d));
    }
    if (has_errors(r.diagnostics)) {
        return r;
    }
    TypesetInput in;
    in.doc = &*resolved.value;
    in.layout = &layout.layout;
    in.fonts = m_fonts.get();
    in.hyphenator = layout.layout.hyphenate ? &m_hyphenator : nullptr;
    in.cache = &m_cache;
    in.images = content.images;
    in.image_by_src = content.image_by_src;
    if (layout.logo) {
        in.logo = static_cast<int>(in.images.size());
        in.images.push_back(*layout.logo);
    }
    in.vars = &vars;
    in.date_iso = document_date(in.doc->meta);
    in.max_value_bytes = m_limits.value_bytes;
    // Pango 1.50 is not deterministic when two threads lay out text at once, even with one font
    // map and context each: justified lines then differ by a fraction of a Pango unit (measured
    // in tests/test_batch_run.cpp). Layout takes turns; rendering, most of the time, does not.
    static std::mutex pango_turns;
    std::unique_lock<std::mutex> turn(pango_turns);
    auto pages = typeset(in);
    turn.unlock();
    for (auto& d : pages.diagnostics) {
        r.diagnostics.push_back(std::move(d));
    }
    if (pages.value && pages.value->pages.size() > m_limits.pages) {
        r.diagnostics.push_back(error_at(content.doc.source, 0,
                                         "the document runs to " + std::to_string(pages.value->pages.size()) +
                                             " pages, over the limit of " + std::to_string(m_limits.pages) +
                                             " (--limit pages)",
                                         {"shorten the content, or raise the limit: " + limit_hint("pages")}));
        return r;
    }
    r.value = std::move(pages.value);
    return r;
}

std::string document_date(const Meta& meta) {
    if (const auto epoch = source_date_epoch()) {
        const std::time_t t = *epoch;
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

}  // namespace handout
