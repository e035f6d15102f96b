// tests: the one doctest binary's entry point; every tests/test_*.cpp registers its cases here.
#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include <unistd.h>

int main(int argc, char** argv) {
    // Hermetic: handout's caches (hyphenation) go to a folder of this run, not the user's
    // home; the handout processes the tests start inherit it.
    std::string cache = (std::filesystem::temp_directory_path() / ("handout-test-cache-" + std::to_string(getpid()))).string();
    setenv("HANDOUT_CACHE_DIR", cache.c_str(), 1);
    doctest::Context context(argc, argv);
    int rc = context.run();
    std::error_code ec;
    std::filesystem::remove_all(cache, ec);
    return rc;
}
