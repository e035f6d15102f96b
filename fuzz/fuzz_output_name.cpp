// Fuzz harness: the output-name template (src/batch/output_name.cpp output_name).
// Input: the first line is the `--name` template; each later line `name=value` is one variable of
// the record (a line without `=` is a name with an empty value). Whatever the bytes, the result is
// an error or a relative path that stays below --out: no empty part, no `.`/`..` part, no leading
// `/`, no NUL, no hidden file — anything else aborts, as does a crash, leak, sanitizer report or timeout.
// Built by -DHANDOUT_FUZZ=ON with clang (scripts/fuzz.sh); seeds: fuzz/corpus/output_name/.
// A finding becomes tests/data/fuzz/output_name-<name> and a case in
// tests/test_fuzz_regressions.cpp.
#include "batch/output_name.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

namespace {

[[noreturn]] void broken(const char* promise) {
    std::fprintf(stderr, "output_name broke its promise: %s\n", promise);
    std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view in(reinterpret_cast<const char*>(data), size);
    std::size_t eol = in.find('\n');
    std::string tmpl(in.substr(0, eol));
    if (tmpl.find('\0') != std::string::npos) {
        return 0;  // a command-line argument (`--name`) cannot hold NUL
    }
    handout::Vars vars;
    while (eol != std::string_view::npos) {
        in.remove_prefix(eol + 1);
        eol = in.find('\n');
        std::string_view line = in.substr(0, eol);
        std::size_t eq = line.find('=');
        vars[std::string(line.substr(0, eq))] = eq == std::string_view::npos ? std::string() : std::string(line.substr(eq + 1));
    }
    handout::OutputName name = handout::output_name(tmpl, vars, size);
    if (!name.error.empty()) {
        return 0;
    }
    // The promise of output_name.hpp: a safe relative path, '/'-separated.
    const std::string& p = name.path;
    if (p.empty() || p.front() == '/') {
        broken("an empty or absolute path");
    }
    if (p.find('\0') != std::string::npos) {
        broken("a NUL in the path");
    }
    std::string_view rest = p;
    while (true) {
        std::size_t slash = rest.find('/');
        std::string_view part = rest.substr(0, slash);
        if (part.empty() || part == "." || part == "..") {
            broken("an empty, `.` or `..` part");
        }
        if (slash == std::string_view::npos) {
            if (part.front() == '.') {
                broken("a hidden file");
            }
            break;
        }
        rest.remove_prefix(slash + 1);
    }
    return 0;
}
