// tests: small shared helpers — sources from strings, diagnostics' positions, running the CLI,
// temp folders, files, and reading PDFs back through poppler-glib.
#pragma once

#include "core/diagnostic.hpp"
#include "core/source_file.hpp"

#include <doctest/doctest.h>

#include <cstdint>
#include <string>
#include <string_view>
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

/// Collapses runs of whitespace (including line breaks) to one space and trims.
std::string normalize_space(std::string_view s);
std::string lower(std::string_view s);

// ---- poppler-glib ------------------------------------------------------------------------

/// An open PDF document, closed when the value goes away.
class Pdf {
public:
    explicit Pdf(const std::string& path);
    ~Pdf();
    Pdf(const Pdf&) = delete;
    Pdf& operator=(const Pdf&) = delete;

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

private:
    PopplerDocument* m_doc = nullptr;
    std::string m_error;
};

/// Width and height from a PNG's IHDR; {0, 0} when `bytes` is not a PNG.
struct PngSize {
    std::uint32_t width = 0, height = 0;
};
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
