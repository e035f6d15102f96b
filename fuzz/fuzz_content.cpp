// Fuzz harness: the content parser (Markdown + YAML front matter, src/content/parse_content).
// Takes any bytes as a content file and parses them in process; every outcome is a Document or
// diagnostics — a crash, leak, sanitizer report or timeout is a finding.
// Built by -DHANDOUT_FUZZ=ON with clang (scripts/fuzz.sh); seeds: fuzz/corpus/content/, content/,
// tests/data/**/*.md. A finding becomes tests/data/fuzz/content-<name> and a case in
// tests/test_fuzz_regressions.cpp.
#include "content/parse_content.hpp"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    auto file = std::make_shared<handout::SourceFile>();
    file->path = "fuzz.md";
    file->text.assign(reinterpret_cast<const char*>(data), size);
    handout::Result<handout::Document> r = handout::parse_content(file);
    // Printing positions walks the text once more: every offset a diagnostic holds must be valid.
    for (const handout::Diagnostic& d : r.diagnostics) {
        (void)handout::format_diagnostic(d);
    }
    return 0;
}
