// Fuzz harness: the picture loaders (src/image/decode_image: PNG and JPEG by signature — a JPEG
// is decoded whole with libjpeg — anything else through librsvg as SVG).
// Takes any bytes as a picture file and loads them in process; every outcome is an ImageData
// with a finite, positive size or a diagnostic — a crash, leak, sanitizer report or timeout is a
// finding. librsvg is opened with dlopen and not instrumented: its own leaks are suppressed in
// fuzz/lsan.supp. Built by -DHANDOUT_FUZZ=ON with clang (scripts/fuzz.sh); seeds:
// fuzz/corpus/image/, layouts/*.png|svg, tests/data/*.jpg. A finding becomes
// tests/data/fuzz/image-<name> and a case in tests/test_fuzz_regressions.cpp.
#include "image/decode_image.hpp"

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string bytes(reinterpret_cast<const char*>(data), size);
    handout::Result<handout::ImageData> r = handout::decode_image("fuzz-picture", std::move(bytes));
    if (r.ok() && !(std::isfinite(r->width) && std::isfinite(r->height) && r->width > 0 && r->height > 0)) {
        std::fprintf(stderr, "decode_image returned a picture whose size is not finite and positive\n");
        std::abort();
    }
    return 0;
}
