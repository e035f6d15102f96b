#include "batch/batch_plan.hpp"

#include "batch/output_name.hpp"
#include "content/parse_content.hpp"
#include "core/glib_ptr.hpp"
#include "layout/parse_layout.hpp"
#include "pipeline/inputs.hpp"
#include "pipeline/render_record.hpp"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string_view>

namespace handout {

namespace fs = std::filesystem;

namespace {

std::string value_or_empty(const Vars& vars, const char* key) {
    auto it = vars.find(key);
    return it == vars.end() ? std::string() : it->second;
}

/// The content file for a record: its `content` column or the job's, then `NAME.LANG.md` beside
/// it when the record's `lang` asks for one that exists (else a warning).
void choose_content(const BatchJob& job, const Record& record, RecordPlan& plan) {
    std::string content = value_or_empty(record.vars, "content");
    plan.content_path = content.empty() ? job.content_path : content;
    std::string lang = value_or_empty(record.vars, "lang");
    if (lang.empty()) {
        return;
    }
    fs::path base(plan.content_path);
    std::string localised_name = base.stem().string() + "." + lang + base.extension().string();
    fs::path localised = base.parent_path() / localised_name;
    std::error_code ec;
    if (fs::exists(localised, ec)) {
        plan.content_path = localised.string();
    } else {
        plan.warnings.push_back("no " + localised_name + " beside the content: the default language is used");
    }
}

/// Two records that would write one file both fail: neither may overwrite the other.
void fail_collisions(const Manifest& manifest, std::vector<RecordPlan>& plans) {
    std::map<std::string, std::vector<std::size_t>> by_name;
    for (std::size_t i = 0; i < plans.size(); ++i) {
        if (plans[i].error.empty()) {
            by_name[plans[i].output].push_back(i);
        }
    }
    for (const auto& [output, indices] : by_name) {
        if (indices.size() < 2) {
            continue;
        }
        std::string rows;
        for (std::size_t i : indices) {
            rows += (rows.empty() ? "" : ", ") + std::to_string(manifest.records[i].row);
        }
        for (std::size_t i : indices) {
            plans[i].error = "rows " + rows + " would all be written to the same file; make --name unique per record";
        }
    }
}

std::string sha256_hex(std::string_view bytes) {
    GChecksumPtr sum(g_checksum_new(G_CHECKSUM_SHA256));
    g_checksum_update(sum.get(), reinterpret_cast<const guchar*>(bytes.data()), static_cast<gssize>(bytes.size()));
    return g_checksum_get_string(sum.get());  // owned by `sum`
}

/// One file's part of the shared hash: its kind and path, then the SHA-256 of its bytes — or,
/// when it cannot be read (a FIFO, too large, missing), what is wrong; loading it then fails the
/// records. Returns the bytes when they were read.
std::optional<std::string> add_file(std::string& s, const char* what, const std::string& path, const ReadRule& rule) {
    ReadOutcome got = read_whole_file(path, rule);
    s += '\0';
    s += what;
    s += '\0';
    s += path;
    s += '\0';
    s += got.bytes ? sha256_hex(*got.bytes) : "unreadable: " + got.problem;
    return std::move(got.bytes);
}

/// The pictures a content file shows, as load_content finds them: each Image block's `src`,
/// relative to the content file, once, in document order. Walks the blocks with a stack of its
/// own (no recursion on a deep document).
std::vector<std::string> picture_paths(const Document& doc) {
    std::vector<std::string> out;
    // Depth first, in order: the stack holds (blocks, next index).
    std::vector<std::pair<const Blocks*, std::size_t>> stack{{&doc.blocks, 0}};
    while (!stack.empty()) {
        auto& [blocks, next] = stack.back();
        if (next == blocks->size()) {
            stack.pop_back();
            continue;
        }
        const Block& b = (*blocks)[next++];
        if (const auto* im = std::get_if<Image>(&b.v)) {
            if (std::find(out.begin(), out.end(), im->src) == out.end()) {
                out.push_back(im->src);
            }
        } else if (const auto* l = std::get_if<List>(&b.v)) {
            // Items in order: pushed last first.
            for (auto it = l->items.rbegin(); it != l->items.rend(); ++it) {
                stack.emplace_back(&it->blocks, 0);
            }
        } else if (const auto* d = std::get_if<Div>(&b.v)) {
            stack.emplace_back(&d->blocks, 0);
        }
    }
    return out;
}

/// The part of the up-to-date hash that every record shares: engine; content and layout; the
/// pictures the content shows and the layout's logo — each file by its path and the SHA-256 of
/// its bytes, so that a changed picture or logo renders again. The content and layout are parsed
/// here only to find those files (as load_content and load_layout do); one that does not parse
/// shows none, and fails its records when loaded.
std::string base_digest_input(const std::string& content_path, const std::string& layout_path, Engine engine) {
    std::string s = engine_version() + "; engine " + std::string(name(engine));
    const ReadRule text_rule{Limits{}.text_bytes, true, "text-size"};
    const ReadRule picture_rule{Limits{}.picture_bytes, true, "picture-size"};
    auto content = add_file(s, "content", content_path, text_rule);
    auto layout = add_file(s, "layout", layout_path, text_rule);
    if (content) {
        auto doc = parse_content(std::make_shared<const SourceFile>(SourceFile{content_path, std::move(*content)}));
        if (doc.value) {
            const fs::path dir = fs::path(content_path).parent_path();
            for (const std::string& src : picture_paths(*doc.value)) {
                add_file(s, "picture", (dir / src).string(), picture_rule);
            }
        }
    }
    if (layout) {
        auto parsed = parse_layout(std::make_shared<const SourceFile>(SourceFile{layout_path, std::move(*layout)}));
        if (parsed.value && !parsed.value->logo_path.empty()) {
            add_file(s, "logo", parsed.value->logo_path, picture_rule);
        }
    }
    return s;
}

/// Whether `path` lies inside one of `dirs` (both resolved: symbolic links and `..` cannot
/// lead out).
bool inside(const std::string& path, const std::vector<fs::path>& dirs) {
    std::error_code ec;
    const fs::path p = fs::weakly_canonical(fs::absolute(path, ec), ec);
    if (ec) {
        return false;
    }
    for (const fs::path& d : dirs) {
        auto [dm, pm] = std::mismatch(d.begin(), d.end(), p.begin(), p.end());
        if (dm == d.end() && pm != p.end()) {
            return true;
        }
    }
    return false;
}

/// The folders a record's columns may name files in (see BatchJob::allow_dirs).
std::vector<fs::path> allowed_dirs(const BatchJob& job, const std::string& default_layout) {
    std::vector<std::string> dirs = job.allow_dirs;
    for (const std::string& f : {job.content_path, default_layout}) {
        dirs.push_back(fs::path(f).parent_path().empty() ? "." : fs::path(f).parent_path().string());
    }
    dirs.push_back((fs::path(data_dir()) / "content").string());
    dirs.push_back((fs::path(data_dir()) / "layouts").string());
    std::vector<fs::path> out;
    for (const std::string& d : dirs) {
        std::error_code ec;
        fs::path c = fs::weakly_canonical(fs::absolute(d, ec), ec);
        if (!ec) {
            out.push_back(c.lexically_normal());
        }
    }
    return out;
}

}  // namespace

std::string id_of(const Record& record, const std::string& id_column) {
    return id_column.empty() ? std::string() : value_or_empty(record.vars, id_column.c_str());
}

std::string record_digest(const std::string& base, const Record& record, const std::string& output) {
    GChecksumPtr sum(g_checksum_new(G_CHECKSUM_SHA256));
    g_checksum_update(sum.get(), reinterpret_cast<const guchar*>(base.data()), static_cast<gssize>(base.size()));
    auto add = [&](const std::string& s) {
        g_checksum_update(sum.get(), reinterpret_cast<const guchar*>(s.data()), static_cast<gssize>(s.size()));
        g_checksum_update(sum.get(), reinterpret_cast<const guchar*>("\0"), 1);
    };
    for (const auto& [key, value] : record.vars) {  // std::map: sorted, so the same record gives the same hash
        add(key);
        add(value);
    }
    add(output);
    if (const char* sde = std::getenv("SOURCE_DATE_EPOCH")) {
        add(sde);
    }
    return g_checksum_get_string(sum.get());  // owned by `sum`
}

Result<BatchPlan> plan_batch(const BatchJob& job) {
    Result<BatchPlan> r;
    auto source = read_source(job.manifest_path, "manifest");
    r.diagnostics = std::move(source.diagnostics);
    if (!source.value) {
        return r;
    }
    if (!job.encoding.empty()) {  // --encoding: an export in WINDOWS-1252, ISO-8859-1, …
        std::string error;
        auto converted = to_utf8((*source.value)->text, job.encoding, error);
        if (!converted) {
            r.diagnostics.push_back(Diagnostic{Severity::error, nullptr, 0, "manifest `" + job.manifest_path + "`: " + error,
                                               {"check --encoding: the export's encoding, e.g. WINDOWS-1252 or ISO-8859-1"}});
            return r;
        }
        source.value = std::make_shared<const SourceFile>(SourceFile{job.manifest_path, std::move(*converted)});
    }
    auto manifest = parse_manifest(*source.value);
    for (auto& d : manifest.diagnostics) {
        r.diagnostics.push_back(std::move(d));
    }
    if (!manifest.value) {
        return r;
    }
    ShardChoice shard = choose_shard(job.shard, job.shard_count, [](const char* n) { return std::getenv(n); });
    if (!shard.shard) {
        r.diagnostics.push_back(Diagnostic{Severity::error, nullptr, 0, shard.error,
                                           {"--shard K/N picks part K of N; see the README's section on clusters"}});
        return r;
    }
    BatchPlan plan;
    plan.manifest = std::move(*manifest.value);
    plan.shard = *shard.shard;
    plan.id_column = pick_id_column(plan.manifest, job.id_column);
    plan.default_layout = job.layout_path.empty() ? default_layout_path() : job.layout_path;
    std::string name_template = job.name_template;
    if (name_template.empty()) {
        name_template = plan.id_column.empty() ? "record-{{row}}.pdf" : "{{" + plan.id_column + "}}.pdf";
    }

    const std::vector<fs::path> allowed = allowed_dirs(job, plan.default_layout);
    const auto& records = plan.manifest.records;
    plan.records.resize(records.size());
    for (std::size_t i = 0; i < records.size(); ++i) {
        const Record& record = records[i];
        RecordPlan& p = plan.records[i];
        if (!record.error.empty()) {
            p.error = "row " + std::to_string(record.row) + " (line " + std::to_string(record.line) + ") " + record.error;
            continue;
        }
        OutputName name = output_name(name_template, record.vars, record.row);
        if (!name.error.empty()) {
            p.error = name.error;
            continue;
        }
        p.output = name.path;
        choose_content(job, record, p);
        std::string layout = value_or_empty(record.vars, "layout");
        p.layout_path = layout.empty() ? plan.default_layout : layout;
        // A record names files only where the operator allows: never /etc/shadow into a PDF or a
        // message. The message names the column, not what it holds.
        for (const char* column : {"content", "layout"}) {
            const std::string& path = std::string(column) == "content" ? p.content_path : p.layout_path;
            if (!value_or_empty(record.vars, column).empty() && !inside(path, allowed)) {
                p.error = std::string("its `") + column + "` column names a file outside the allowed folders; "
                          "allow its folder with --allow-dir";
                break;
            }
        }
    }
    fail_collisions(plan.manifest, plan.records);

    for (std::size_t i = 0; i < records.size(); ++i) {
        if (!plan.shard.owns(records[i].row)) {
            continue;
        }
        plan.mine.push_back(i);
        const RecordPlan& p = plan.records[i];
        InputPair pair{p.content_path, p.layout_path};
        if (p.error.empty() && plan.base_digests.count(pair) == 0) {
            plan.base_digests[pair] = base_digest_input(p.content_path, p.layout_path, job.engine);
        }
    }
    r.value = std::move(plan);
    return r;
}

}  // namespace handout
