// Fuzz harness: the layout parser (TOML through toml++, src/layout/parse_layout).
// Takes any bytes as a layout file and parses them in process; every outcome is a Layout or
// diagnostics — a crash, leak, sanitizer report or timeout is a finding.
// Built by -DHANDOUT_FUZZ=ON with clang (scripts/fuzz.sh); seeds: fuzz/corpus/layout/, layouts/,
// tests/data/**/*.toml. A finding becomes tests/data/fuzz/layout-<name> and a case in
// tests/test_fuzz_regressions.cpp.
#include "layout/parse_layout.hpp"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    auto file = std::make_shared<handout::SourceFile>();
    file->path = "fuzz.toml";
    file->text.assign(reinterpret_cast<const char*>(data), size);
    handout::Result<handout::Layout> r = handout::parse_layout(file);
    for (const handout::Diagnostic& d : r.diagnostics) {
        (void)handout::format_diagnostic(d);
    }
    return 0;
}
