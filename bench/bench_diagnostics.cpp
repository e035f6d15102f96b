// bench: what diagnostics and their positions cost on hostile sizes (issue 11, "linear cost").
// Whole `handout` processes: `check` of a layout with N errors (one unknown table a line; 10,000
// and 800,000 by default), `render` and `check` of a 1 MB paragraph; then, in process, the same
// layouts parsed and their diagnostics formatted, and 10,000 diagnostics inside the 1 MB
// paragraph (one line) formatted, with positions also found by a scan from the file's start
// (the old way) for comparison. A benchmark, not a test: it asserts nothing. Run from the
// repository's top (it checks content/ketamine-consent.md).
//   handout_bench_diagnostics [N …]     (the layout sizes; each file stays under the 8 MB text limit)
#include "content/parse_content.hpp"
#include "core/diagnostic.hpp"
#include "layout/parse_layout.hpp"

#include "bench_util.hpp"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include <unistd.h>

#ifndef HANDOUT_BINARY
#define HANDOUT_BINARY "build/handout"
#endif

namespace fs = std::filesystem;

namespace {

using bench::Child;
using bench::prose_bytes;
using bench::run_quiet;

using Clock = std::chrono::steady_clock;

double ms_since(Clock::time_point t0) {
    return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}

handout::SourcePtr source(std::string path, std::string text) {
    return std::make_shared<const handout::SourceFile>(handout::SourceFile{std::move(path), std::move(text)});
}

/// One unknown table a line, names short enough that 800,000 fit the 8 MB text limit.
std::string layout_with_errors(long n) {
    std::string text;
    for (long i = 0; i < n; ++i) {
        text += "[k" + std::to_string(i) + "]\n";
    }
    return text;
}


std::size_t format_all(const handout::Diagnostics& ds) {
    std::size_t bytes = 0;
    for (const auto& d : ds) {
        bytes += handout::format_diagnostic(d).size();
    }
    return bytes;
}

/// Positions as the callers found them before the line index: a scan from the file's start each.
std::size_t scan_positions(const handout::Diagnostics& ds) {
    std::size_t sum = 0;
    for (const auto& d : ds) {
        sum += handout::line_col(std::string_view(d.file->text), d.offset).col;
    }
    return sum;
}

void layout_in_process(long n) {
    auto file = source("errors-" + std::to_string(n) + ".toml", layout_with_errors(n));
    auto t0 = Clock::now();
    auto layout = handout::parse_layout(file);
    const double parse_ms = ms_since(t0);
    t0 = Clock::now();
    const std::size_t bytes = format_all(layout.diagnostics);
    const double format_ms = ms_since(t0);
    std::printf("| a %ld-error layout (%zu bytes) | %zu | %.1f | %.1f | %zu |\n", n, file->text.size(),
                layout.diagnostics.size(), parse_ms, format_ms, bytes);
    std::fflush(stdout);
}

void paragraph_in_process() {
    const std::string text = "---\ntitle: Bench\n---\n\n" + prose_bytes(1 << 20) + "\n";
    auto file = source("paragraph-1mb.md", text);
    auto t0 = Clock::now();
    auto doc = handout::parse_content(file);
    const double parse_ms = ms_since(t0);
    // 10,000 diagnostics spread over the paragraph's one line: each column counted from the
    // nearest index mark, not from the line's start.
    handout::Diagnostics ds;
    const std::size_t begin = text.find("\n\n") + 2, step = (text.size() - begin) / 10000;
    for (std::size_t i = 0; i < 10000; ++i) {
        ds.push_back(handout::warning_at(file, begin + i * step, "bench"));
    }
    t0 = Clock::now();
    const std::size_t bytes = format_all(ds);
    const double format_ms = ms_since(t0);
    t0 = Clock::now();
    const std::size_t cols = scan_positions(ds);
    const double scan_ms = ms_since(t0);
    std::printf("| a 1 MB paragraph, 10,000 diagnostics on its line | %zu | %.1f | %.1f | %zu |\n",
                doc.diagnostics.size() + ds.size(), parse_ms, format_ms, bytes);
    std::printf("\nthe same 10,000 positions by a scan from the file's start each: %.1f ms (columns summed: %zu)\n",
                scan_ms, cols);
    auto errors = handout::parse_layout(source("errors-10000.toml", layout_with_errors(10000)));
    t0 = Clock::now();
    const std::size_t lines = scan_positions(errors.diagnostics);
    std::printf("a 10,000-error layout's positions by a scan each: %.1f ms (columns summed: %zu)\n", ms_since(t0), lines);
    std::fflush(stdout);
}

void processes(const fs::path& dir, const std::vector<long>& sizes) {
    const std::string binary = HANDOUT_BINARY;
    auto write = [&](const std::string& name, const std::string& text) {
        std::ofstream(dir / name, std::ios::binary) << text;
        return (dir / name).string();
    };
    const std::string justified = write("justified.toml", "[page]\nsize = \"letter\"\nmargin = \"1in\"\n\n[body]\nsize = 12\n"
                                                          "min_size = 12\nhyphenate = true\njustify = true\n");
    const std::string mb = write("paragraph-1mb.md", "---\ntitle: Bench\n---\n\n" + prose_bytes(1 << 20) + "\n");
    struct Case {
        std::string what;
        std::vector<std::string> args;
    };
    std::vector<Case> cases;
    for (long n : sizes) {
        const std::string layout = write("errors-" + std::to_string(n) + ".toml", layout_with_errors(n));
        cases.push_back({"`check`, a " + std::to_string(n) + "-error layout", {binary, "check", "content/ketamine-consent.md", "-l", layout}});
    }
    // A 1 MB paragraph sets about 330 letter pages: past the default page limit (100).
    cases.push_back({"`render --format dump`, a 1 MB paragraph, justified",
                     {binary, "render", mb, "-l", justified, "--limit", "pages=1000", "--format", "dump", "-o", (dir / "out.txt").string()}});
    cases.push_back({"`check`, a 1 MB paragraph, justified", {binary, "check", mb, "-l", justified, "--limit", "pages=1000"}});
    std::printf("whole processes (%s; output thrown away)\n\n| case | exit | wall ms | CPU ms | peak RSS |\n|---|---:|---:|---:|---:|\n",
                binary.c_str());
    for (const Case& c : cases) {
        const Child r = run_quiet(c.args);
        std::printf("| %s | %d | %.0f | %.0f | %.1f MiB |\n", c.what.c_str(), r.status, 1000 * r.wall_s, 1000 * r.cpu_s, r.rss_mib);
        std::fflush(stdout);
    }
}

}  // namespace

int main(int argc, char** argv) {
    std::vector<long> sizes;
    for (int i = 1; i < argc; ++i) {
        sizes.push_back(std::strtol(argv[i], nullptr, 10));
    }
    if (sizes.empty()) {
        sizes = {10000, 800000};
    }
    // The processes first: a child's peak RSS counts the parent's at the spawn (they share it
    // until the exec), so they run while this process is still small.
    setenv("SOURCE_DATE_EPOCH", "1793491200", 1);
    const fs::path dir = fs::temp_directory_path() / ("handout-bench-diagnostics-" + std::to_string(getpid()));
    fs::create_directories(dir);
    processes(dir, sizes);
    fs::remove_all(dir);
    std::printf("\nin process (handout_layout, handout_content, handout_core)\n\n"
                "| case | diagnostics | parse ms | format ms | bytes printed |\n|---|---:|---:|---:|---:|\n");
    for (long n : sizes) {
        layout_in_process(n);
    }
    paragraph_in_process();
    return 0;
}
