// bench: formats the diagnostics of a layout with N errors (default 10,000; one unknown table a
// line) in process and prints the time: what `check` spends on positions and quoting once the
// parser has found them. A benchmark, not a test: it asserts nothing. Links handout_core only.
#include "core/diagnostic.hpp"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>

int main(int argc, char** argv) {
    const long n = argc > 1 ? std::strtol(argv[1], nullptr, 10) : 10000;
    std::string text;
    for (long i = 0; i < n; ++i) {
        text += "[unknown_table_" + std::to_string(i) + "]\n";
    }
    auto file = std::make_shared<const handout::SourceFile>(handout::SourceFile{"errors.toml", text});
    handout::Diagnostics ds;
    for (std::size_t at = 0; at < text.size(); at = text.find('\n', at) + 1) {
        ds.push_back(handout::error_at(file, at + 1, "unknown table"));
    }
    const auto t0 = std::chrono::steady_clock::now();
    std::size_t bytes = 0;
    for (const auto& d : ds) {
        bytes += handout::format_diagnostic(d).size();
    }
    const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    std::printf("%zu diagnostics of a %zu-byte layout formatted in %.1f ms (%.2f µs each, %zu bytes of text)\n", ds.size(),
                text.size(), ms, 1000 * ms / static_cast<double>(ds.size()), bytes);
    return 0;
}
