#include "helpers.hpp"

#include "check/kind.hpp"
#include "content/parse_content.hpp"
#include "layout/parse_layout.hpp"

#include "core/cairo_ptr.hpp"

#include <hb-ot.h>
#include <nlohmann/json.hpp>
#include <poppler.h>

#include <spawn.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <optional>
#include <sstream>
#include <stdexcept>

extern char** environ;

namespace test {

handout::SourcePtr source(std::string text, std::string path) {
    return std::make_shared<const handout::SourceFile>(handout::SourceFile{std::move(path), std::move(text)});
}

std::string pos(const handout::Diagnostic& d) {
    if (!d.file) {
        return "?:?";
    }
    handout::LineCol lc = handout::line_col(d.file->text, d.offset);
    return std::to_string(lc.line) + ":" + std::to_string(lc.col);
}

std::size_t line_of(const handout::Diagnostic& d) {
    return d.file ? handout::line_col(d.file->text, d.offset).line : 0;
}

std::string describe(const handout::Diagnostics& ds) {
    std::string out;
    for (const auto& d : ds) {
        out += handout::format_diagnostic(d);
    }
    return out.empty() ? "(no diagnostics)" : out;
}

const handout::Diagnostic* find_diag(const handout::Diagnostics& ds, std::string_view needle) {
    for (const auto& d : ds) {
        if (d.message.find(needle) != std::string::npos) {
            return &d;
        }
    }
    return nullptr;
}

bool has_hint(const handout::Diagnostic& d, std::string_view needle) {
    for (const auto& h : d.hints) {
        if (h.find(needle) != std::string::npos) {
            return true;
        }
    }
    return false;
}

std::string pos_in(std::string_view text, std::string_view needle) {
    std::size_t at = text.find(needle);
    if (at == std::string_view::npos) {
        return "?:?";
    }
    handout::LineCol lc = handout::line_col(text, at);
    return std::to_string(lc.line) + ":" + std::to_string(lc.col);
}

std::string replace_once(std::string text, std::string_view from, std::string_view to) {
    std::size_t at = text.find(from);
    if (at == std::string::npos) {
        throw std::runtime_error("replace_once: `" + std::string(from) + "` does not occur");
    }
    text.replace(at, from.size(), to);
    return text;
}

std::string cut(std::string text, std::string_view begin, std::string_view end) {
    std::size_t b = text.find(begin);
    std::size_t e = b == std::string::npos ? b : text.find(end, b + begin.size());
    if (b == std::string::npos || e == std::string::npos) {
        throw std::runtime_error("cut: `" + std::string(begin) + "` … `" + std::string(end) + "` does not occur");
    }
    text.erase(b, e + end.size() - b);
    return text;
}

std::size_t count_diags(const handout::Diagnostics& ds, std::string_view needle) {
    std::size_t n = 0;
    for (const auto& d : ds) {
        n += d.message.find(needle) != std::string::npos ? 1 : 0;
    }
    return n;
}

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        return {};
    }
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

void write_file(const std::string& path, std::string_view bytes) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    if (!out) {
        throw std::runtime_error("cannot write " + path);
    }
}

bool exists(const std::string& path) {
    std::error_code ec;
    return std::filesystem::exists(path, ec);
}

TempDir::TempDir() {
    std::string tmpl = "/tmp/handout-test-XXXXXX";
    if (mkdtemp(tmpl.data()) == nullptr) {
        throw std::runtime_error("mkdtemp failed");
    }
    m_path = tmpl;
}

TempDir::~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(m_path, ec);
}

std::vector<std::string> child_environment(const EnvChanges& changes) {
    std::vector<std::string> env;
    for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
        env.emplace_back(*e);
    }
    for (const auto& c : changes) {
        std::string name = c.substr(0, c.find('='));
        env.erase(std::remove_if(env.begin(), env.end(),
                                 [&](const std::string& e) { return e.compare(0, name.size() + 1, name + "=") == 0; }),
                  env.end());
        if (c.find('=') != std::string::npos) {
            env.push_back(c);
        }
    }
    return env;
}

namespace {

/// Starts `argv` (looked up on PATH when `search_path`) with stdin from /dev/null and stdout and
/// stderr written to the given files; returns the child's pid, or the error number negated.
int spawn_process(std::vector<std::string> argv_s, const EnvChanges& changes, bool search_path,
                  const std::string& out_path, const std::string& err_path) {
    std::vector<char*> argv;
    for (auto& a : argv_s) {
        argv.push_back(a.data());
    }
    argv.push_back(nullptr);
    std::vector<std::string> env = child_environment(changes);
    std::vector<char*> envp;
    for (auto& e : env) {
        envp.push_back(e.data());
    }
    envp.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 1, out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    posix_spawn_file_actions_addopen(&actions, 2, err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    pid_t pid = 0;
    int rc = search_path ? posix_spawnp(&pid, argv[0], &actions, nullptr, argv.data(), envp.data())
                         : posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), envp.data());
    posix_spawn_file_actions_destroy(&actions);
    return rc == 0 ? static_cast<int>(pid) : -rc;
}

/// Waits for `pid` and collects what it wrote to the two files.
RunResult finish(int pid, const std::string& out_path, const std::string& err_path) {
    RunResult r;
    ChildEnd end = wait_child(pid);
    r.exit_code = end.exited ? end.exit_code : -1;
    r.out = read_file(out_path);
    r.err = read_file(err_path);
    if (end.signaled) {
        r.err += "\n(killed by signal " + std::to_string(end.signal) + ")";
    }
    return r;
}

}  // namespace

int spawn_cli(const std::vector<std::string>& args, const EnvChanges& changes, const std::string& out_path,
              const std::string& err_path) {
    std::vector<std::string> argv = {HANDOUT_BINARY};
    argv.insert(argv.end(), args.begin(), args.end());
    int pid = spawn_process(std::move(argv), changes, false, out_path, err_path);
    return pid > 0 ? pid : -1;
}

ChildEnd wait_child(int pid, bool poll) {
    ChildEnd end;
    int status = 0;
    for (;;) {
        pid_t r = waitpid(static_cast<pid_t>(pid), &status, poll ? WNOHANG : 0);
        if (r == 0) {
            return end;  // still running
        }
        if (r < 0) {
            if (errno == EINTR) {
                continue;
            }
            return end;
        }
        break;
    }
    if (WIFEXITED(status)) {
        end.exited = true;
        end.exit_code = WEXITSTATUS(status);
    } else if (WIFSIGNALED(status)) {
        end.signaled = true;
        end.signal = WTERMSIG(status);
    }
    return end;
}

namespace {

std::uint64_t fnv1a(std::uint64_t h, std::string_view bytes) {
    for (char c : bytes) {
        h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ULL;
    }
    return (h ^ 0xFF) * 1099511628211ULL;  // a separator, so "ab"+"c" differs from "a"+"bc"
}

/// What every render may read and a build may change: computed once per test process.
std::uint64_t inputs_stamp() {
    static const std::uint64_t stamp = [] {
        std::uint64_t h = 1469598103934665603ULL;
        struct stat st {};
        if (::stat(HANDOUT_BINARY, &st) == 0) {
            h = fnv1a(h, std::to_string(st.st_size) + ":" + std::to_string(st.st_mtim.tv_sec) + "." + std::to_string(st.st_mtim.tv_nsec));
        }
        std::vector<std::string> files;
        for (const char* dir : {"content", "layouts", "kinds", "fonts", "samples"}) {
            std::error_code ec;
            for (std::filesystem::recursive_directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
                std::string ext = it->path().extension().string();
                if (it->is_regular_file(ec) && ext != ".pdf" && ext != ".png" && ext != ".ttf" && ext != ".otf") {
                    files.push_back(it->path().string());
                }
            }
        }
        std::sort(files.begin(), files.end());
        for (const auto& f : files) {
            h = fnv1a(fnv1a(h, f), read_file(f));
        }
        return h;
    }();
    return stamp;
}

}  // namespace

SharedRender render_shared(const std::vector<std::string>& args, const EnvChanges& changes) {
    std::uint64_t h = inputs_stamp();
    for (const auto& a : args) {
        h = fnv1a(h, a);
    }
    for (const auto& c : changes) {
        h = fnv1a(h, "env " + c);
    }
    const std::string dir = std::filesystem::path(HANDOUT_BINARY).parent_path().string() + "/test-renders";
    std::filesystem::create_directories(dir);
    char name[32];
    std::snprintf(name, sizeof name, "%016llx", static_cast<unsigned long long>(h));
    SharedRender out;
    out.path = dir + "/" + name + ".out";
    const std::string run_file = dir + "/" + name + ".run";
    int lock = ::open((dir + "/.lock").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    REQUIRE_MESSAGE(lock >= 0, "cannot open the render lock in ", dir);
    ::flock(lock, LOCK_EX);
    std::string kept = read_file(run_file);
    if (!kept.empty() && exists(out.path)) {
        // "<exit code>\n<stderr>"
        std::size_t nl = kept.find('\n');
        out.run.exit_code = std::atoi(kept.substr(0, nl).c_str());
        out.run.err = nl == std::string::npos ? "" : kept.substr(nl + 1);
    } else {
        std::vector<std::string> real = args;
        for (auto& a : real) {
            if (a == "{out}") {
                a = out.path;
            }
        }
        out.run = run_cli_env(real, changes);
        if (out.run.exit_code == 0) {  // a failed render is not kept: the next process tries again
            write_file(run_file, std::to_string(out.run.exit_code) + "\n" + out.run.err);
        }
    }
    ::flock(lock, LOCK_UN);
    ::close(lock);
    return out;
}

RunResult run_cli_env(const std::vector<std::string>& args, const EnvChanges& changes) {
    TempDir io;
    int pid = spawn_cli(args, changes, io / "stdout", io / "stderr");
    if (pid < 0) {
        RunResult r;
        r.err = "posix_spawn failed";
        return r;
    }
    return finish(pid, io / "stdout", io / "stderr");
}

RunResult run_command(const std::vector<std::string>& argv, const EnvChanges& changes) {
    if (argv.empty()) {
        RunResult r;
        r.err = "run_command: no program";
        return r;
    }
    TempDir io;
    int pid = spawn_process(argv, changes, true, io / "stdout", io / "stderr");
    if (pid <= 0) {
        RunResult r;
        r.err = "cannot run `" + argv[0] + "`: " + std::strerror(-pid);
        return r;
    }
    return finish(pid, io / "stdout", io / "stderr");
}

EnvChanges batch_env(const EnvChanges& extra) {
    EnvChanges env = {"JOB_COMPLETION_INDEX",   "HANDOUT_SHARD_COUNT",    "SLURM_ARRAY_TASK_ID",
                      "SLURM_ARRAY_TASK_MIN",   "SLURM_ARRAY_TASK_COUNT", "AWS_BATCH_JOB_ARRAY_INDEX",
                      "BATCH_TASK_INDEX",       "BATCH_TASK_COUNT",       "SOURCE_DATE_EPOCH=1767225600"};
    env.insert(env.end(), extra.begin(), extra.end());
    return env;
}

RunResult run_batch_cli(const std::vector<std::string>& args, const EnvChanges& extra) {
    return run_cli_env(args, batch_env(extra));
}

std::vector<std::string> list_files(const std::string& dir) {
    std::vector<std::string> out;
    std::error_code ec;
    for (std::filesystem::recursive_directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
        if (it->is_regular_file(ec)) {
            out.push_back(std::filesystem::relative(it->path(), dir, ec).string());
        }
    }
    std::sort(out.begin(), out.end());
    return out;
}

RunResult run_cli(const std::vector<std::string>& args) {
    return run_cli_env(args, {});
}

bool contains(std::string_view hay, std::string_view needle) {
    return hay.find(needle) != std::string_view::npos;
}

std::vector<std::string> pdfs_in(const std::string& dir) {
    std::vector<std::string> out;
    for (const auto& f : list_files(dir)) {
        if (f.ends_with(".pdf")) {
            out.push_back(f);
        }
    }
    return out;
}

std::string front_matter_title(const std::string& path) {
    std::string text = read_file(path);
    REQUIRE_MESSAGE(!text.empty(), "cannot read ", path);
    std::size_t at = text.find("\ntitle:");
    REQUIRE(at != std::string::npos);
    std::size_t b = text.find('"', at);
    std::size_t e = text.find('"', b + 1);
    REQUIRE((b != std::string::npos && e != std::string::npos));
    return text.substr(b + 1, e - b - 1);
}

nlohmann::ordered_json read_json(const std::string& path) {
    std::string text = read_file(path);
    auto j = nlohmann::ordered_json::parse(text, nullptr, false);
    REQUIRE_MESSAGE(!j.is_discarded(), path, ": ", text);
    return j;
}

std::string normalize_space(std::string_view s) {
    std::string out;
    bool space = false;
    for (char c : s) {
        if (c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f') {
            space = true;
            continue;
        }
        if (space && !out.empty()) {
            out += ' ';
        }
        space = false;
        out += c;
    }
    return out;
}

std::string lower(std::string_view s) {
    std::string out(s);
    for (auto& c : out) {
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    return out;
}

// ---- check ---------------------------------------------------------------------------------

handout::CheckResult check_text(const std::string& markdown, const CheckOptions& options) {
    auto doc = handout::parse_content(source(markdown, options.path));
    if (!doc.ok()) {
        throw std::runtime_error("check_text: the content does not parse:\n" + describe(doc.diagnostics));
    }
    auto rules = [](const std::string& text, const std::string& path, const std::string& name) -> std::optional<handout::Kind> {
        auto k = handout::parse_kind(source(text, path), name);
        if (!k.ok()) {
            throw std::runtime_error("check_text: " + path + " does not parse:\n" + describe(k.diagnostics));
        }
        return std::move(*k.value);
    };
    const handout::Meta& meta = doc.value->meta;
    std::optional<handout::Kind> kind, topic;
    if (!options.kind_toml.empty()) {
        kind = rules(options.kind_toml, "kind.toml", meta.kind);
    } else if (std::string path = "kinds/" + meta.kind + ".toml"; exists(path)) {
        kind = rules(read_file(path), path, meta.kind);
    }
    if (!options.topic_toml.empty()) {
        topic = rules(options.topic_toml, "topic.toml", meta.topic);
    } else if (std::string path = "kinds/topics/" + meta.topic + ".toml"; !meta.topic.empty() && exists(path)) {
        topic = rules(read_file(path), path, meta.topic);
    }
    std::optional<handout::Layout> layout;
    if (!options.layout_toml.empty()) {
        auto l = handout::parse_layout(source(options.layout_toml, "layout.toml"));
        if (!l.ok()) {
            throw std::runtime_error("check_text: the layout does not parse:\n" + describe(l.diagnostics));
        }
        layout = std::move(*l.value);
    }
    handout::CheckInput in;
    in.doc = &*doc.value;
    in.layout = layout ? &*layout : nullptr;
    in.kind = kind ? &*kind : nullptr;
    in.topic = topic ? &*topic : nullptr;
    in.covers = options.covers;
    return handout::check_document(in);
}

// ---- poppler-glib ------------------------------------------------------------------------

namespace {

using handout::GCharPtr;
using handout::GErrorPtr;
using handout::GObjectPtr;
using PopplerIndexIterPtr = handout::CPtr<PopplerIndexIter, poppler_index_iter_free>;
using PopplerActionPtr = handout::CPtr<PopplerAction, poppler_action_free>;
using PopplerFontsIterPtr = handout::CPtr<PopplerFontsIter, poppler_fonts_iter_free>;
using PopplerLinkMappingPtr = handout::CPtr<GList, poppler_page_free_link_mapping>;

/// Takes a g_malloc'd string and frees it.
std::string take(gchar* s) {
    GCharPtr owned(s);
    return owned ? std::string(owned.get()) : std::string();
}

void walk_outline(PopplerIndexIter* iter, std::vector<std::string>& out) {
    do {
        if (PopplerActionPtr action{poppler_index_iter_get_action(iter)}) {
            if (action->any.title != nullptr) {
                out.emplace_back(action->any.title);
            }
        }
        if (PopplerIndexIterPtr child{poppler_index_iter_get_child(iter)}) {
            walk_outline(child.get(), out);
        }
    } while (poppler_index_iter_next(iter));
}

}  // namespace

Pdf::Pdf(const std::string& path) {
    std::string abs = std::filesystem::absolute(path).string();
    GError* raw_err = nullptr;
    GCharPtr uri(g_filename_to_uri(abs.c_str(), nullptr, &raw_err));
    GErrorPtr err(raw_err);
    if (!uri) {
        m_error = err ? err->message : "g_filename_to_uri failed";
        return;
    }
    raw_err = nullptr;
    m_doc.reset(poppler_document_new_from_file(uri.get(), nullptr, &raw_err));
    err.reset(raw_err);
    if (!m_doc) {
        m_error = err ? err->message : "poppler could not open the file";
    }
}

int Pdf::page_count() const {
    return m_doc ? poppler_document_get_n_pages(m_doc.get()) : 0;
}

namespace {

GObjectPtr<PopplerPage> page_of(PopplerDocument* doc, int page) {
    return GObjectPtr<PopplerPage>(doc != nullptr ? poppler_document_get_page(doc, page) : nullptr);
}

}  // namespace

std::string Pdf::page_text(int page) const {
    GObjectPtr<PopplerPage> p = page_of(m_doc.get(), page);
    return p ? take(poppler_page_get_text(p.get())) : std::string();
}

std::string Pdf::text() const {
    std::string all;
    for (int i = 0; i < page_count(); ++i) {
        all += page_text(i);
        all += "\n";
    }
    return all;
}

std::string Pdf::title() const {
    return m_doc ? take(poppler_document_get_title(m_doc.get())) : std::string();
}

std::string Pdf::author() const {
    return m_doc ? take(poppler_document_get_author(m_doc.get())) : std::string();
}

std::string Pdf::keywords() const {
    return m_doc ? take(poppler_document_get_keywords(m_doc.get())) : std::string();
}

std::vector<std::string> Pdf::outline() const {
    std::vector<std::string> out;
    if (!m_doc) {
        return out;
    }
    if (PopplerIndexIterPtr iter{poppler_index_iter_new(m_doc.get())}) {
        walk_outline(iter.get(), out);
    }
    return out;
}

std::vector<std::string> Pdf::link_uris(int page) const {
    std::vector<std::string> out;
    GObjectPtr<PopplerPage> p = page_of(m_doc.get(), page);
    if (!p) {
        return out;
    }
    PopplerLinkMappingPtr links(poppler_page_get_link_mapping(p.get()));
    for (GList* l = links.get(); l != nullptr; l = l->next) {
        auto* m = static_cast<PopplerLinkMapping*>(l->data);
        if (m->action != nullptr && m->action->type == POPPLER_ACTION_URI && m->action->uri.uri != nullptr) {
            out.emplace_back(m->action->uri.uri);
        }
    }
    return out;
}

std::vector<std::string> Pdf::link_uris() const {
    std::vector<std::string> out;
    for (int i = 0; i < page_count(); ++i) {
        auto page = link_uris(i);
        out.insert(out.end(), page.begin(), page.end());
    }
    return out;
}

std::pair<double, double> Pdf::page_size(int page) const {
    GObjectPtr<PopplerPage> p = page_of(m_doc.get(), page);
    if (!p) {
        return {0, 0};
    }
    double w = 0, h = 0;
    poppler_page_get_size(p.get(), &w, &h);
    return {w, h};
}

std::vector<Pdf::Font> Pdf::fonts() const {
    std::vector<Font> out;
    if (!m_doc) {
        return out;
    }
    GObjectPtr<PopplerFontInfo> info(poppler_font_info_new(m_doc.get()));
    for (;;) {
        PopplerFontsIter* raw = nullptr;
        bool more = poppler_font_info_scan(info.get(), page_count(), &raw) != 0;
        PopplerFontsIterPtr iter(raw);
        if (!more) {
            break;
        }
        if (!iter) {
            continue;
        }
        do {
            // The full name keeps the subset tag ("ABCDEF+"); get_name strips it.
            const char* name = poppler_fonts_iter_get_full_name(iter.get());
            out.push_back(Font{name != nullptr ? name : "", poppler_fonts_iter_is_embedded(iter.get()) != 0,
                               poppler_fonts_iter_is_subset(iter.get()) != 0});
        } while (poppler_fonts_iter_next(iter.get()));
    }
    return out;
}

// ---- outside tools, pixels and fonts -------------------------------------------------------

bool have(const RunResult& run, const std::string& path) {
    bool ok = run.exit_code == 0 && exists(path);
    CHECK_MESSAGE(ok, "render failed (exit ", run.exit_code, "): ", run.err);
    return ok;
}

std::string pdftotext(const std::string& pdf) {
    auto r = run_command({"pdftotext", "-enc", "UTF-8", pdf, "-"});
    CHECK_MESSAGE(r.exit_code == 0, "pdftotext ", pdf, ": ", r.err);
    return r.out;
}

std::string mutool_messages(std::string_view err) {
    std::string out;
    for (const std::string& line : split_lines(err)) {
        if (line != "warning: ICC support is not available") {  // mutool's own build note
            out += line + "\n";
        }
    }
    return out;
}

bool subset_tagged(const std::string& name) {
    if (name.size() < 8 || name[6] != '+') {
        return false;
    }
    return std::all_of(name.begin(), name.begin() + 6, [](char c) { return c >= 'A' && c <= 'Z'; });
}

RgbImage decode_png(const std::string& png_path) {
    RgbImage out;
    handout::CairoSurfacePtr png(cairo_image_surface_create_from_png(png_path.c_str()));
    if (cairo_surface_status(png.get()) != CAIRO_STATUS_SUCCESS) {
        return out;
    }
    int w = cairo_image_surface_get_width(png.get());
    int h = cairo_image_surface_get_height(png.get());
    handout::CairoSurfacePtr rgb(cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h));
    {
        handout::CairoPtr cr(cairo_create(rgb.get()));
        cairo_set_source_rgb(cr.get(), 1, 1, 1);  // transparent parts read as the white page
        cairo_paint(cr.get());
        cairo_set_source_surface(cr.get(), png.get(), 0, 0);
        cairo_paint(cr.get());
    }
    cairo_surface_flush(rgb.get());
    int stride = cairo_image_surface_get_stride(rgb.get());
    const unsigned char* data = cairo_image_surface_get_data(rgb.get());
    out.width = w;
    out.height = h;
    out.px.resize(static_cast<std::size_t>(w) * static_cast<std::size_t>(h));
    for (int y = 0; y < h; ++y) {
        const auto* row = reinterpret_cast<const std::uint32_t*>(data + static_cast<std::ptrdiff_t>(y) * stride);
        std::copy(row, row + w, out.px.begin() + static_cast<std::ptrdiff_t>(y) * w);
    }
    return out;
}

HbFont::HbFont(const std::string& path, unsigned index)
    : m_blob(hb_blob_create_from_file_or_fail(path.c_str())),
      m_face(hb_face_create(m_blob.get(), index)),
      m_font(hb_font_create(m_face.get())) {}

bool HbFont::ok() const {
    return m_blob != nullptr && hb_face_get_glyph_count(m_face.get()) > 0;
}

std::uint32_t HbFont::glyph(char32_t cp) const {
    hb_codepoint_t g = 0;
    bool found = hb_font_get_nominal_glyph(m_font.get(), cp, &g);
    REQUIRE_MESSAGE(found, "the font has no glyph for U+", static_cast<std::uint32_t>(cp));
    return g;
}

double HbFont::advance(std::uint32_t g, double size) const {
    return static_cast<double>(hb_font_get_glyph_h_advance(m_font.get(), g)) * size /
           static_cast<double>(hb_face_get_upem(m_face.get()));
}

std::string HbFont::family() const {
    for (hb_ot_name_id_t id : {HB_OT_NAME_ID_TYPOGRAPHIC_FAMILY, HB_OT_NAME_ID_FONT_FAMILY}) {
        char buf[256];
        unsigned len = sizeof buf;
        if (hb_ot_name_get_utf8(m_face.get(), id, hb_language_from_string("en", -1), &len, buf) > 0) {
            return std::string(buf, len);
        }
    }
    return {};
}

std::string font_table(hb_face_t* face, hb_tag_t tag) {
    handout::HbBlobPtr blob(hb_face_reference_table(face, tag));
    unsigned len = 0;
    const char* data = hb_blob_get_data(blob.get(), &len);
    return data != nullptr ? std::string(data, len) : std::string();
}

bool is_png(std::string_view bytes) {
    return bytes.size() >= 8 && bytes.substr(0, 8) == std::string_view("\x89PNG\r\n\x1a\n", 8);
}

PngSize png_size(std::string_view bytes) {
    // Signature (8), chunk length (4), "IHDR" (4), then width and height, big-endian.
    if (!is_png(bytes) || bytes.size() < 24 || bytes.substr(12, 4) != "IHDR") {
        return {};
    }
    auto be32 = [&](std::size_t at) {
        return (static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[at])) << 24) |
               (static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[at + 1])) << 16) |
               (static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[at + 2])) << 8) |
               static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[at + 3]));
    };
    return PngSize{be32(16), be32(20)};
}

std::vector<std::string> split_lines(std::string_view s) {
    std::vector<std::string> out;
    std::size_t at = 0;
    while (at <= s.size()) {
        std::size_t nl = s.find('\n', at);
        if (nl == std::string_view::npos) {
            if (at < s.size()) {
                out.emplace_back(s.substr(at));
            }
            break;
        }
        out.emplace_back(s.substr(at, nl - at));
        at = nl + 1;
    }
    return out;
}

/// pdffonts' table: name, type (may hold spaces), encoding, emb, sub, uni, object number, generation.
std::vector<FontRow> pdffonts(const std::string& pdf, std::string& raw) {
    auto r = test::run_command({"pdffonts", pdf});
    CHECK_MESSAGE(r.exit_code == 0, "pdffonts ", pdf, ": ", r.err);
    raw = r.out;
    std::vector<FontRow> out;
    bool body = false;
    for (const std::string& line : split_lines(r.out)) {
        if (!body) {
            body = line.rfind("----", 0) == 0;
            continue;
        }
        std::istringstream in(line);
        std::vector<std::string> t;
        for (std::string w; in >> w;) {
            t.push_back(w);
        }
        if (t.size() < 8) {
            out.push_back(FontRow{line, "?", "?", "?", "?", "?"});  // unparsable: fails every check below
            continue;
        }
        std::size_t n = t.size();
        FontRow f;
        f.name = t[0];
        for (std::size_t i = 1; i < n - 6; ++i) {
            f.type += (i > 1 ? " " : "") + t[i];
        }
        f.encoding = t[n - 6];
        f.emb = t[n - 5];
        f.sub = t[n - 4];
        f.uni = t[n - 3];
        out.push_back(f);
    }
    return out;
}

std::string png_bytes(int width, int height, double red) {
    cairo_surface_t* s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, width, height);
    cairo_t* cr = cairo_create(s);
    cairo_pattern_t* p = cairo_pattern_create_linear(0, 0, width, height);
    cairo_pattern_add_color_stop_rgb(p, 0, red, 0.2, 0.4);
    cairo_pattern_add_color_stop_rgb(p, 1, 0, 0, 1);
    cairo_set_source(cr, p);
    cairo_paint(cr);
    cairo_pattern_destroy(p);
    cairo_destroy(cr);
    std::string out;
    cairo_surface_write_to_png_stream(
        s,
        [](void* closure, const unsigned char* data, unsigned int length) {
            static_cast<std::string*>(closure)->append(reinterpret_cast<const char*>(data), length);
            return CAIRO_STATUS_SUCCESS;
        },
        &out);
    cairo_surface_destroy(s);
    return out;
}

std::map<std::size_t, nlohmann::ordered_json> by_row(const nlohmann::ordered_json& report) {
    std::map<std::size_t, nlohmann::ordered_json> out;
    for (const auto& r : report["records"]) {
        out[r["row"].get<std::size_t>()] = r;
    }
    return out;
}

std::string error_of(const nlohmann::ordered_json& record) {
    return record["error"].is_string() ? record["error"].get<std::string>() : std::string();
}

const handout::Paragraph& first_paragraph(const handout::Document& doc) {
    for (const auto& b : doc.blocks) {
        if (const auto* p = std::get_if<handout::Paragraph>(&b.v)) {
            return *p;
        }
    }
    FAIL("no paragraph");
    static const handout::Paragraph none;
    return none;
}

}  // namespace test
