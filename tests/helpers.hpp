// tests: small shared helpers — sources from strings, diagnostics' positions, running the CLI,
// temp folders, files, and reading PDFs back through poppler-glib.
#pragma once

#include "check/check.hpp"
#include "content/document.hpp"
#include "core/diagnostic.hpp"
#include "core/glib_ptr.hpp"
#include "core/hb_ptr.hpp"
#include "core/source_file.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json_fwd.hpp>

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#ifndef HANDOUT_BINARY
#define HANDOUT_BINARY "build/handout"
#endif
#ifndef HANDOUT_TEST_DIR
#define HANDOUT_TEST_DIR "tests"
#endif

typedef struct _PopplerDocument PopplerDocument;

namespace test {

/// An in-memory input file named `path` holding `text`.
handout::SourcePtr source(std::string text, std::string path = "test.md");

/// "line:col" of a diagnostic's offset in its own file.
std::string pos(const handout::Diagnostic& d);

/// The 1-based line of a diagnostic's offset.
std::size_t line_of(const handout::Diagnostic& d);

/// All messages (and hints) of `ds`, one a line, for failure output.
std::string describe(const handout::Diagnostics& ds);

/// The first diagnostic whose message contains `needle`, or null.
const handout::Diagnostic* find_diag(const handout::Diagnostics& ds, std::string_view needle);

/// Whether any hint of `d` contains `needle`.
bool has_hint(const handout::Diagnostic& d, std::string_view needle);

/// "line:col" (column in characters) of the first occurrence of `needle` in `text`, or "?:?"
/// when it does not occur: what a diagnostic pointing at `needle` must say.
std::string pos_in(std::string_view text, std::string_view needle);

/// `text` with the first occurrence of `from` replaced by `to`; throws when `from` does not
/// occur (so a test built on shipped content fails loudly when that content changes).
std::string replace_once(std::string text, std::string_view from, std::string_view to);

/// `text` without the part from the first `begin` through the first `end` after it; throws
/// when either does not occur.
std::string cut(std::string text, std::string_view begin, std::string_view end);

/// The number of diagnostics whose message contains `needle`.
std::size_t count_diags(const handout::Diagnostics& ds, std::string_view needle);

/// Whole file as bytes; empty string when it cannot be read.
std::string read_file(const std::string& path);
void write_file(const std::string& path, std::string_view bytes);
bool exists(const std::string& path);

/// A fresh folder under /tmp, removed when the value goes away.
class TempDir {
public:
    TempDir();
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    const std::string& path() const { return m_path; }
    std::string operator/(std::string_view name) const { return m_path + "/" + std::string(name); }

private:
    std::string m_path;
};

struct RunResult {
    int exit_code = -1;         ///< the CLI's exit status, or -1 when it did not exit normally
    std::string out;            ///< stdout
    std::string err;            ///< stderr
};

/// Runs the built `handout` binary with `args` (no shell), from the working directory.
RunResult run_cli(const std::vector<std::string>& args);

/// Changes to the child's environment: "NAME=VALUE" sets (or replaces) NAME, a bare "NAME"
/// removes it. Everything else is inherited from the test process.
using EnvChanges = std::vector<std::string>;

/// The test process's environment with `changes` applied, as "NAME=VALUE" strings.
std::vector<std::string> child_environment(const EnvChanges& changes);

/// run_cli with a changed environment.
RunResult run_cli_env(const std::vector<std::string>& args, const EnvChanges& changes);

/// A render shared by every test process of one build: `handout ARGS` with "{out}" in `args`
/// standing for the output path. The first process to ask renders (under a lock, so two test
/// processes run side by side by ctest -j never render the same thing twice) into
/// BUILD/test-renders/; later ones reuse the file and the run's exit code and stderr. The key is
/// the arguments, the environment changes, the binary (size and time) and every file under
/// content/, layouts/, kinds/, fonts/ and samples/ that a render may read — so an edit to any of
/// them, or a rebuild, renders again.
struct SharedRender {
    RunResult run;       ///< exit code and stderr of the render (stdout is not kept)
    std::string path;    ///< the output file
};
SharedRender render_shared(const std::vector<std::string>& args, const EnvChanges& changes = {});

/// Starts the built `handout` binary with `args` and a changed environment, without waiting;
/// stdin is /dev/null, stdout and stderr go to the given files. Returns the child's pid, or -1.
int spawn_cli(const std::vector<std::string>& args, const EnvChanges& changes, const std::string& out_path,
              const std::string& err_path);

/// How a spawned child ended.
struct ChildEnd {
    bool exited = false;      ///< exited normally (then `exit_code` is set)
    int exit_code = -1;
    bool signaled = false;    ///< killed by a signal (then `signal` is set)
    int signal = 0;
};

/// Waits for `pid` (blocking). With `poll`, returns at once; {exited=false, signaled=false}
/// then means it is still running.
ChildEnd wait_child(int pid, bool poll = false);

/// Runs any program: `argv[0]` is looked up on PATH unless it holds a slash (no shell), with
/// stdin from /dev/null, in the test process's environment with `changes` applied. When the
/// program cannot be started, exit_code is -1 and `err` says why.
RunResult run_command(const std::vector<std::string>& argv, const EnvChanges& changes = {});

/// The environment a batch test runs `handout batch` in: no scheduler variables inherited from
/// the machine running the tests (JOB_COMPLETION_INDEX, SLURM_ARRAY_*, AWS_BATCH_*, BATCH_TASK_*,
/// HANDOUT_SHARD_COUNT), SOURCE_DATE_EPOCH fixed; then `extra` applied on top.
EnvChanges batch_env(const EnvChanges& extra = {});

/// `handout batch ARGS` (or any subcommand) in batch_env(extra).
RunResult run_batch_cli(const std::vector<std::string>& args, const EnvChanges& extra = {});

/// Every regular file under `dir` (recursive), as paths relative to `dir`, sorted.
std::vector<std::string> list_files(const std::string& dir);

/// Whether `needle` occurs in `hay`.
bool contains(std::string_view hay, std::string_view needle);

/// Every path under `dir` (relative, sorted) ending in `.pdf`.
std::vector<std::string> pdfs_in(const std::string& dir);

/// The `title: "…"` of a content file's front matter; fails the test when there is none.
std::string front_matter_title(const std::string& path);

/// A JSON file (a batch report); fails the test when it does not parse.
nlohmann::ordered_json read_json(const std::string& path);

/// The document's first top-level paragraph (the test fails when it has none).
const handout::Paragraph& first_paragraph(const handout::Document& doc);

/// A batch report's records by row number.
std::map<std::size_t, nlohmann::ordered_json> by_row(const nlohmann::ordered_json& report);

/// A report record's error, or "" when it has none.
std::string error_of(const nlohmann::ordered_json& record);

/// Collapses runs of whitespace (including line breaks) to one space and trims.
std::string normalize_space(std::string_view s);
std::string lower(std::string_view s);

// ---- check ---------------------------------------------------------------------------------

struct CheckOptions {
    std::string layout_toml;  ///< the layout file's text (as `layout.toml`); empty: no layout, so no page or glyph rules
    std::string kind_toml;    ///< the kind file's text (as `kind.toml`); empty: kinds/KIND.toml as the front matter names it
    std::string topic_toml;   ///< the topic file's text (as `topic.toml`); empty: kinds/topics/TOPIC.toml when named
    std::function<bool(const std::string& family, char32_t cp)> covers;  ///< null: no glyph rule
    std::string path = "sheet.md";  ///< the content's file name in messages
};

/// check_document on `markdown`, held to its kind and topic (read from kinds/ under the working
/// directory unless given) and the layout. Throws when the content, kind or layout does not parse.
handout::CheckResult check_text(const std::string& markdown, const CheckOptions& options = {});

// ---- poppler-glib ------------------------------------------------------------------------

/// An open PDF document, closed when the value goes away.
class Pdf {
public:
    explicit Pdf(const std::string& path);

    bool ok() const { return m_doc != nullptr; }
    const std::string& error() const { return m_error; }
    int page_count() const;
    std::string page_text(int page) const;
    std::string text() const;                  ///< all pages, joined by "\n"
    std::string title() const;
    std::string author() const;
    std::string keywords() const;
    std::vector<std::string> outline() const;  ///< every entry's title, depth first
    std::vector<std::string> link_uris(int page) const;
    std::vector<std::string> link_uris() const;   ///< all pages

    struct Font {
        std::string name;
        bool embedded = false;
        bool subset = false;
    };
    std::vector<Font> fonts() const;

    /// Width and height of page `page` (0-based) in points; {0, 0} when there is no such page.
    std::pair<double, double> page_size(int page) const;

private:
    handout::GObjectPtr<PopplerDocument> m_doc;
    std::string m_error;
};

/// `s` split at newlines (no trailing empty line).
std::vector<std::string> split_lines(std::string_view s);

/// One row of pdffonts' table.
struct FontRow {
    std::string name, type, encoding, emb, sub, uni;
};

/// pdffonts' table for `pdf` (its raw output in `raw`); the check fails when pdffonts does.
std::vector<FontRow> pdffonts(const std::string& pdf, std::string& raw);

/// Whether a render wrote `path`; fails the check (with the CLI's stderr) when it did not.
bool have(const RunResult& run, const std::string& path);

/// pdftotext's UTF-8 text of the whole file; the check fails when pdftotext does.
std::string pdftotext(const std::string& pdf);

/// `mutool`'s stderr without its own build note ("warning: ICC support is not available"),
/// one message a line: empty when MuPDF had nothing to say about the file.
std::string mutool_messages(std::string_view err);

/// Whether a font name carries a subset tag: six capitals and '+' ("ABCDEF+NotoSans").
bool subset_tagged(const std::string& name);

/// A PNG decoded through Cairo onto a white page (transparent parts read as white): Cairo RGB24
/// pixels, 0x00RRGGBB, row by row. Empty (0 × 0) when the file is not a readable PNG.
struct RgbImage {
    int width = 0, height = 0;
    std::vector<std::uint32_t> px;
};
RgbImage decode_png(const std::string& png_path);

/// A font file's face opened by HarfBuzz (blob, face and font owned).
class HbFont {
public:
    HbFont(const std::string& path, unsigned index);

    /// Whether the file could be read and the face has glyphs.
    bool ok() const;
    hb_face_t* face() const { return m_face.get(); }
    /// The cmap's glyph for `cp`; fails the test when the font has none.
    std::uint32_t glyph(char32_t cp) const;
    /// Advance of glyph `g` in pt at `size`.
    double advance(std::uint32_t g, double size) const;
    /// The family the face names itself (typographic family, else family), in English; empty
    /// when it names none.
    std::string family() const;

private:
    handout::HbBlobPtr m_blob;
    handout::HbFacePtr m_face;  ///< holds its own reference to the blob
    handout::HbFontPtr m_font;  ///< and to the face
};

/// The bytes of `face`'s table `tag` (empty when it has none).
std::string font_table(hb_face_t* face, hb_tag_t tag);

/// Width and height from a PNG's IHDR; {0, 0} when `bytes` is not a PNG.
struct PngSize {
    std::uint32_t width = 0, height = 0;
};
/// A real PNG of `width` × `height`, through Cairo: a gradient from (red, 0.2, 0.4) to blue, so
/// pictures of one size but another `red` differ, and the file does not compress to nothing.
std::string png_bytes(int width, int height, double red = 1.0);

bool is_png(std::string_view bytes);
PngSize png_size(std::string_view bytes);

}  // namespace test

namespace doctest {
/// Lists of strings print as ["a", "b"] in failed checks.
template <>
struct StringMaker<std::vector<std::string>> {
    static String convert(const std::vector<std::string>& v) {
        std::string s = "[";
        for (std::size_t i = 0; i < v.size(); ++i) {
            s += (i == 0 ? "\"" : ", \"") + v[i] + "\"";
        }
        s += "]";
        return String(s.c_str());
    }
};
}  // namespace doctest
