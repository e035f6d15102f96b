// Fuzz harness: the JSON Lines manifest reader (src/batch/manifest.cpp parse_jsonl, which
// flattens each object through resolve's flatten_json). Takes any bytes as a manifest and reads
// them in process, then picks the id column as a batch does; every outcome is records or
// diagnostics — a crash, leak, sanitizer report or timeout is a finding. Built by
// -DHANDOUT_FUZZ=ON with clang (scripts/fuzz.sh); seeds: fuzz/corpus/manifest_jsonl/,
// samples/*.json, tests/data/**/*.jsonl. A finding becomes tests/data/fuzz/manifest_jsonl-<name>
// and a case in tests/test_fuzz_regressions.cpp.
#include "batch/manifest.hpp"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    auto file = std::make_shared<handout::SourceFile>();
    file->path = "fuzz.jsonl";
    file->text.assign(reinterpret_cast<const char*>(data), size);
    handout::Result<handout::Manifest> r = handout::parse_jsonl(file);
    for (const handout::Diagnostic& d : r.diagnostics) {
        (void)handout::format_diagnostic(d);
    }
    if (r.value) {
        (void)handout::pick_id_column(*r.value, "");
    }
    return 0;
}
