#include "batch/batch_plan.hpp"

#include "batch/output_name.hpp"
#include "content/parse_content.hpp"
#include "core/glib_ptr.hpp"
#include "layout/parse_layout.hpp"
#include "pipeline/inputs.hpp"
#include "pipeline/render_record.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <functional>
#include <optional>
#include <set>
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
void choose_content(const std::string& default_content, const Record& record, RecordPlan& plan) {
    std::string content = value_or_empty(record.vars, "content");
    plan.content_path = content.empty() ? default_content : content;
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
/// The part of the shared hash that is the files: the content, the layout, each picture and the
/// logo, each by its path and the SHA-256 of its bytes.
std::string files_digest_text(const std::string& content_path, const std::string& layout_path) {
    std::string s;
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


/// The hash collisions are first looked for by: equal names give equal hashes; the rare equal
/// hash of two different names is told apart by the names themselves, in a second pass.
std::uint64_t name_hash(std::string_view name) {
    return std::hash<std::string_view>{}(name);
}

/// Copies `from` (a pipe) into an unnamed temporary file; the new descriptor, or -1 with `error`.
int spool(int from, std::string& error) {
    std::error_code ec;
    fs::path dir = fs::temp_directory_path(ec);
    if (ec) {
        dir = "/tmp";
    }
    int fd = ::open(dir.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
    if (fd < 0 && (errno == EOPNOTSUPP || errno == EISDIR || errno == EINVAL)) {
        // A file system without O_TMPFILE: a named one, unlinked at once.
        std::string name = (dir / "handout-manifest-XXXXXX").string();
        fd = ::mkostemp(name.data(), O_CLOEXEC);
        if (fd >= 0) {
            ::unlink(name.c_str());
        }
    }
    if (fd < 0) {
        error = std::string("cannot make a temporary copy of it: ") + std::strerror(errno);
        return -1;
    }
    char buf[65536];
    for (;;) {
        const ssize_t n = ::read(from, buf, sizeof buf);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0) {
            error = std::strerror(errno);
            ::close(fd);
            return -1;
        }
        if (n == 0) {
            return fd;
        }
        for (ssize_t done = 0; done < n;) {
            const ssize_t w = ::write(fd, buf + done, static_cast<std::size_t>(n - done));
            if (w < 0 && errno == EINTR) {
                continue;
            }
            if (w < 0) {
                error = std::string("cannot make a temporary copy of it: ") + std::strerror(errno);
                ::close(fd);
                return -1;
            }
            done += w;
        }
    }
}

/// Calls `f` with each record of the whole manifest, in order; false when the manifest could not
/// be read as it was the first time (it changed meanwhile).
bool each_record(const BatchPlan& plan, const std::function<void(const Record&)>& f) {
    auto source = plan.manifest->source();
    ManifestReader reader(plan.manifest->format(), *source, false);
    std::size_t n = 0;
    while (auto record = reader.next()) {
        f(*record);
        ++n;
    }
    return !reader.error() && n == plan.manifest_records && !plan.manifest->changed();
}

std::string changed_message(const std::string& path) {
    return "manifest `" + path + "` changed while the batch was reading it; run the batch again once it is written";
}

/// The (content, layout) pairs of this shard's records that can be rendered, in the order first used.
bool collect_pairs(BatchPlan& plan) {
    std::set<InputPair> seen;
    plan.pairs.clear();
    return each_record(plan, [&](const Record& record) {
        if (!plan.shard.owns(record.row)) {
            return;
        }
        RecordPlan p = plan.plan_record(record);
        InputPair pair{p.content_path, p.layout_path};
        if (p.error.empty() && seen.insert(pair).second) {
            plan.pairs.push_back(std::move(pair));
        }
    });
}

/// Two records that would write one file both fail: neither may overwrite the other. First the
/// names' hashes (8 bytes a record), then, only for hashes seen twice, the names and rows.
bool find_collisions(BatchPlan& plan) {
    std::vector<std::uint64_t> hashes;
    hashes.reserve(plan.manifest_records);
    const bool same = each_record(plan, [&](const Record& record) {
        RecordPlan p = plan.plan_record(record);
        if (p.error.empty()) {
            hashes.push_back(name_hash(p.output));
        }
    });
    if (!same) {
        return false;
    }
    std::sort(hashes.begin(), hashes.end());
    std::vector<std::uint64_t> twice;
    for (std::size_t i = 1; i < hashes.size(); ++i) {
        if (hashes[i] == hashes[i - 1] && (twice.empty() || twice.back() != hashes[i])) {
            twice.push_back(hashes[i]);
        }
    }
    std::vector<std::uint64_t>().swap(hashes);
    if (twice.empty()) {
        return true;
    }
    std::map<std::string, std::vector<std::size_t>> rows_by_name;
    if (!each_record(plan, [&](const Record& record) {
            RecordPlan p = plan.plan_record(record);
            if (p.error.empty() && std::binary_search(twice.begin(), twice.end(), name_hash(p.output))) {
                rows_by_name[p.output].push_back(record.row);
            }
        })) {
        return false;
    }
    for (const auto& [output, rows] : rows_by_name) {
        if (rows.size() < 2) {
            continue;
        }
        std::string list;
        for (std::size_t row : rows) {
            list += (list.empty() ? "" : ", ") + std::to_string(row);
        }
        plan.collisions[output] = "rows " + list + " would all be written to the same file; make --name unique per record";
    }
    return true;
}

}  // namespace

// ---- ManifestFile ----

ManifestFile::ManifestFile(int fd, std::string path, std::string encoding)
    : m_fd(fd), m_path(std::move(path)), m_encoding(std::move(encoding)), m_format(manifest_format(m_path)) {
    ::fstat(m_fd, &m_opened);
}

ManifestFile::~ManifestFile() {
    if (m_fd >= 0) {
        ::close(m_fd);
    }
}

Result<std::shared_ptr<const ManifestFile>> ManifestFile::open(const std::string& path, const std::string& encoding) {
    Result<std::shared_ptr<const ManifestFile>> r;
    auto fail = [&](std::string problem, std::string hint) {
        ReadOutcome got;
        got.problem = std::move(problem);
        got.hint = std::move(hint);
        r.diagnostics.push_back(Diagnostic{Severity::error, nullptr, 0, got.message("manifest", path), {got.hint}});
        return std::move(r);
    };
    // Non-blocking, so opening a FIFO with no writer returns at once rather than hanging.
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
    if (fd < 0) {
        return fail(std::string(": ") + std::strerror(errno), "check the path and that the file exists");
    }
    struct stat st {};
    if (::fstat(fd, &st) != 0) {
        const int e = errno;
        ::close(fd);
        return fail(std::string(": ") + std::strerror(e), "check the path and that the file exists");
    }
    if (S_ISDIR(st.st_mode)) {
        ::close(fd);
        return fail(std::string(": ") + std::strerror(EISDIR), "check the file");
    }
    if (!S_ISREG(st.st_mode)) {
        // A pipe the user meant (`<(…)`): wait for it, and keep a copy to read again.
        ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) & ~O_NONBLOCK);
        std::string error;
        const int copy = spool(fd, error);
        ::close(fd);
        if (copy < 0) {
            return fail(": " + error, "check the file");
        }
        fd = copy;
    }
    r.value = std::shared_ptr<const ManifestFile>(new ManifestFile(fd, path, encoding));
    return r;
}

std::unique_ptr<ManifestSource> ManifestFile::source() const {
    return std::make_unique<ManifestSource>(m_fd, m_encoding, m_path);
}

bool ManifestFile::changed() const {
    struct stat now {};
    if (::fstat(m_fd, &now) != 0) {
        return true;
    }
    return now.st_size != m_opened.st_size || now.st_mtim.tv_sec != m_opened.st_mtim.tv_sec ||
           now.st_mtim.tv_nsec != m_opened.st_mtim.tv_nsec;
}

Diagnostic ManifestFile::diagnostic(const ManifestError& error) const {
    if (!error.positioned) {
        return manifest_diagnostic(nullptr, error);
    }
    // Only to place the error (line and column): the run ends here.
    std::string text;
    auto src = source();
    std::string line;
    while (src->read_line(line)) {
        line += '\n';
        text += line;
        line.clear();
    }
    return manifest_diagnostic(std::make_shared<const SourceFile>(SourceFile{m_path, std::move(text)}), error);
}

// ---- the plan ----

std::string id_of(const Record& record, const std::string& id_column) {
    return id_column.empty() ? std::string() : value_or_empty(record.vars, id_column.c_str());
}

std::string engine_digest_text(Engine engine) {
    return engine_version() + "; engine " + std::string(name(engine));
}

std::string base_digest(const std::string& content_path, const std::string& layout_path, Engine engine) {
    return engine_digest_text(engine) + files_digest_text(content_path, layout_path);
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

RecordPlan BatchPlan::plan_record(const Record& record) const {
    RecordPlan p;
    if (!record.error.empty()) {
        p.error = "row " + std::to_string(record.row) + " (line " + std::to_string(record.line) + ") " + record.error;
        return p;
    }
    OutputName name = output_name(name_template, record.vars, record.row);
    if (!name.error.empty()) {
        p.error = name.error;
        return p;
    }
    p.output = name.path;
    choose_content(content_path, record, p);
    std::string layout = value_or_empty(record.vars, "layout");
    p.layout_path = layout.empty() ? default_layout : layout;
    // A record names files only where the operator allows: never /etc/shadow into a PDF or a
    // message. The message names the column, not what it holds.
    for (const char* column : {"content", "layout"}) {
        const std::string& path = std::string(column) == "content" ? p.content_path : p.layout_path;
        if (!value_or_empty(record.vars, column).empty() && !inside(path, allowed)) {
            p.error = std::string("its `") + column + "` column names a file outside the allowed folders; "
                      "allow its folder with --allow-dir";
            return p;
        }
    }
    if (auto it = collisions.find(p.output); it != collisions.end()) {
        p.error = it->second;
    }
    return p;
}

Result<BatchPlan> plan_batch(const BatchJob& job) {
    Result<BatchPlan> r;
    auto file = ManifestFile::open(job.manifest_path, job.encoding);
    r.diagnostics = std::move(file.diagnostics);
    if (!file.value) {
        return r;
    }
    BatchPlan plan;
    plan.manifest = *file.value;
    // The whole manifest first: an error in the file as a whole (an unterminated quote, a bad
    // header, bytes not in --encoding) ends the run before any record is planned.
    std::vector<std::string> columns;
    {
        auto source = plan.manifest->source();
        ManifestReader reader(plan.manifest->format(), *source, false);
        std::set<std::string_view> present;  // JSON Lines: the id columns some record has
        while (auto record = reader.next()) {
            ++plan.manifest_records;
            if (plan.manifest->format() == ManifestFormat::jsonl && record->error.empty()) {
                for (std::string_view c : id_column_candidates) {
                    if (record->vars.count(std::string(c)) != 0) {
                        present.insert(c);
                    }
                }
            }
        }
        if (reader.error()) {
            r.diagnostics.push_back(plan.manifest->diagnostic(*reader.error()));
            return r;
        }
        columns = reader.columns();
        for (std::string_view c : id_column_candidates) {
            if (present.count(c) != 0) {
                columns.emplace_back(c);
            }
        }
    }
    ShardChoice shard = choose_shard(job.shard, job.shard_count, [](const char* n) { return std::getenv(n); });
    if (!shard.shard) {
        r.diagnostics.push_back(Diagnostic{Severity::error, nullptr, 0, shard.error,
                                           {"--shard K/N picks part K of N; see the README's section on clusters"}});
        return r;
    }
    plan.shard = *shard.shard;
    plan.id_column = pick_id_column(Manifest{columns, {}}, job.id_column);
    plan.content_path = job.content_path;
    plan.default_layout = job.layout_path.empty() ? default_layout_path() : job.layout_path;
    plan.name_template = job.name_template;
    if (plan.name_template.empty()) {
        plan.name_template = plan.id_column.empty() ? "record-{{row}}.pdf" : "{{" + plan.id_column + "}}.pdf";
    }
    plan.allowed = allowed_dirs(job, plan.default_layout);
    for (std::size_t row = 1; row <= plan.manifest_records; ++row) {
        plan.mine += plan.shard.owns(row) ? 1 : 0;
    }
    if (!find_collisions(plan) || !collect_pairs(plan)) {
        r.diagnostics.push_back(Diagnostic{Severity::error, nullptr, 0, changed_message(job.manifest_path), {}});
        return r;
    }
    for (const InputPair& pair : plan.pairs) {
        plan.base_digests[pair] = files_digest_text(pair.first, pair.second);
    }
    r.value = std::move(plan);
    return r;
}

// ---- this shard's records ----

PlannedRecords::PlannedRecords(const BatchPlan& plan)
    : m_plan(plan), m_source(plan.manifest->source()), m_reader(plan.manifest->format(), *m_source, false) {}

bool PlannedRecords::next(Record& record, RecordPlan& plan) {
    if (m_error) {
        return false;
    }
    while (auto r = m_reader.next()) {
        ++m_read;
        if (m_plan.manifest->changed()) {
            break;  // what is read now may not be what was planned: no record more
        }
        if (!m_plan.shard.owns(r->row)) {
            continue;
        }
        record = std::move(*r);
        plan = m_plan.plan_record(record);
        return true;
    }
    if (m_reader.error() || m_read != m_plan.manifest_records || m_plan.manifest->changed()) {
        m_error = changed_message(m_plan.manifest->path());
    }
    return false;
}

}  // namespace handout
