#include "helpers.hpp"

#include "check/kind.hpp"
#include "content/parse_content.hpp"
#include "layout/parse_layout.hpp"

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

int spawn_with(const std::vector<std::string>& args, char** envp, const std::string& out_path,
               const std::string& err_path) {
    std::vector<std::string> argv_s;
    argv_s.emplace_back(HANDOUT_BINARY);
    argv_s.insert(argv_s.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& a : argv_s) {
        argv.push_back(a.data());
    }
    argv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 1, out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    posix_spawn_file_actions_addopen(&actions, 2, err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    pid_t pid = 0;
    int rc = posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), envp);
    posix_spawn_file_actions_destroy(&actions);
    return rc == 0 ? static_cast<int>(pid) : -1;
}

}  // namespace

int spawn_cli(const std::vector<std::string>& args, const EnvChanges& changes, const std::string& out_path,
              const std::string& err_path) {
    std::vector<std::string> env = child_environment(changes);
    std::vector<char*> envp;
    for (auto& e : env) {
        envp.push_back(e.data());
    }
    envp.push_back(nullptr);
    return spawn_with(args, envp.data(), out_path, err_path);
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
    RunResult r;
    int pid = spawn_cli(args, changes, io / "stdout", io / "stderr");
    if (pid < 0) {
        r.err = "posix_spawn failed";
        return r;
    }
    ChildEnd end = wait_child(pid);
    r.exit_code = end.exited ? end.exit_code : -1;
    r.out = read_file(io / "stdout");
    r.err = read_file(io / "stderr");
    return r;
}

RunResult run_command(const std::vector<std::string>& argv_in, const EnvChanges& changes) {
    RunResult r;
    if (argv_in.empty()) {
        r.err = "run_command: no program";
        return r;
    }
    TempDir io;
    std::string out_path = io / "stdout";
    std::string err_path = io / "stderr";
    std::vector<std::string> argv_s = argv_in;
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
    int rc = posix_spawnp(&pid, argv[0], &actions, nullptr, argv.data(), envp.data());
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) {
        r.err = "cannot run `" + argv_in[0] + "`: " + std::strerror(rc);
        return r;
    }
    ChildEnd end = wait_child(static_cast<int>(pid));
    r.exit_code = end.exited ? end.exit_code : -1;
    r.out = read_file(out_path);
    r.err = read_file(err_path);
    if (end.signaled) {
        r.err += "\n(killed by signal " + std::to_string(end.signal) + ")";
    }
    return r;
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
    TempDir io;
    std::string out_path = io / "stdout";
    std::string err_path = io / "stderr";
    int spawned = spawn_with(args, environ, out_path, err_path);
    RunResult r;
    if (spawned < 0) {
        r.err = "posix_spawn failed";
        return r;
    }
    auto pid = static_cast<pid_t>(spawned);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR) {
            r.err = "waitpid failed";
            return r;
        }
    }
    r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    r.out = read_file(out_path);
    r.err = read_file(err_path);
    return r;
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

/// Takes a g_malloc'd string and frees it.
std::string take(gchar* s) {
    if (s == nullptr) {
        return {};
    }
    std::string out(s);
    g_free(s);
    return out;
}

void walk_outline(PopplerIndexIter* iter, std::vector<std::string>& out) {
    do {
        PopplerAction* action = poppler_index_iter_get_action(iter);
        if (action != nullptr) {
            if (action->any.title != nullptr) {
                out.emplace_back(action->any.title);
            }
            poppler_action_free(action);
        }
        if (PopplerIndexIter* child = poppler_index_iter_get_child(iter)) {
            walk_outline(child, out);
            poppler_index_iter_free(child);
        }
    } while (poppler_index_iter_next(iter));
}

}  // namespace

Pdf::Pdf(const std::string& path) {
    std::string abs = std::filesystem::absolute(path).string();
    GError* err = nullptr;
    gchar* uri = g_filename_to_uri(abs.c_str(), nullptr, &err);
    if (uri == nullptr) {
        m_error = err != nullptr ? err->message : "g_filename_to_uri failed";
        g_clear_error(&err);
        return;
    }
    m_doc = poppler_document_new_from_file(uri, nullptr, &err);
    g_free(uri);
    if (m_doc == nullptr) {
        m_error = err != nullptr ? err->message : "poppler could not open the file";
        g_clear_error(&err);
    }
}

Pdf::~Pdf() {
    if (m_doc != nullptr) {
        g_object_unref(m_doc);
    }
}

int Pdf::page_count() const {
    return m_doc == nullptr ? 0 : poppler_document_get_n_pages(m_doc);
}

std::string Pdf::page_text(int page) const {
    if (m_doc == nullptr) {
        return {};
    }
    PopplerPage* p = poppler_document_get_page(m_doc, page);
    if (p == nullptr) {
        return {};
    }
    std::string t = take(poppler_page_get_text(p));
    g_object_unref(p);
    return t;
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
    return m_doc == nullptr ? std::string() : take(poppler_document_get_title(m_doc));
}

std::string Pdf::author() const {
    return m_doc == nullptr ? std::string() : take(poppler_document_get_author(m_doc));
}

std::string Pdf::keywords() const {
    return m_doc == nullptr ? std::string() : take(poppler_document_get_keywords(m_doc));
}

std::vector<std::string> Pdf::outline() const {
    std::vector<std::string> out;
    if (m_doc == nullptr) {
        return out;
    }
    if (PopplerIndexIter* iter = poppler_index_iter_new(m_doc)) {
        walk_outline(iter, out);
        poppler_index_iter_free(iter);
    }
    return out;
}

std::vector<std::string> Pdf::link_uris(int page) const {
    std::vector<std::string> out;
    if (m_doc == nullptr) {
        return out;
    }
    PopplerPage* p = poppler_document_get_page(m_doc, page);
    if (p == nullptr) {
        return out;
    }
    GList* links = poppler_page_get_link_mapping(p);
    for (GList* l = links; l != nullptr; l = l->next) {
        auto* m = static_cast<PopplerLinkMapping*>(l->data);
        if (m->action != nullptr && m->action->type == POPPLER_ACTION_URI && m->action->uri.uri != nullptr) {
            out.emplace_back(m->action->uri.uri);
        }
    }
    poppler_page_free_link_mapping(links);
    g_object_unref(p);
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
    if (m_doc == nullptr) {
        return {0, 0};
    }
    PopplerPage* p = poppler_document_get_page(m_doc, page);
    if (p == nullptr) {
        return {0, 0};
    }
    double w = 0, h = 0;
    poppler_page_get_size(p, &w, &h);
    g_object_unref(p);
    return {w, h};
}

std::vector<Pdf::Font> Pdf::fonts() const {
    std::vector<Font> out;
    if (m_doc == nullptr) {
        return out;
    }
    PopplerFontInfo* info = poppler_font_info_new(m_doc);
    PopplerFontsIter* iter = nullptr;
    while (poppler_font_info_scan(info, page_count(), &iter)) {
        if (iter == nullptr) {
            continue;
        }
        do {
            // The full name keeps the subset tag ("ABCDEF+"); get_name strips it.
            const char* name = poppler_fonts_iter_get_full_name(iter);
            out.push_back(Font{name != nullptr ? name : "", poppler_fonts_iter_is_embedded(iter) != 0,
                               poppler_fonts_iter_is_subset(iter) != 0});
        } while (poppler_fonts_iter_next(iter));
        poppler_fonts_iter_free(iter);
        iter = nullptr;
    }
    g_object_unref(info);
    return out;
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

}  // namespace test
