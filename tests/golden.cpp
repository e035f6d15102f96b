#include "golden.hpp"

#include "helpers.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cstdlib>
#include <sstream>
#include <vector>

namespace test {

namespace {

std::vector<std::string> lines_of(const std::string& s) {
    std::vector<std::string> out;
    std::istringstream in(s);
    for (std::string line; std::getline(in, line);) {
        out.push_back(line);
    }
    return out;
}

}  // namespace

std::string line_diff(const std::string& expected, const std::string& actual) {
    auto e = lines_of(expected), a = lines_of(actual);
    std::string out;
    std::size_t shown = 0;
    for (std::size_t i = 0; i < std::max(e.size(), a.size()); ++i) {
        const std::string* el = i < e.size() ? &e[i] : nullptr;
        const std::string* al = i < a.size() ? &a[i] : nullptr;
        if (el != nullptr && al != nullptr && *el == *al) {
            continue;
        }
        if (++shown > 40) {
            out += "… (more lines differ)\n";
            break;
        }
        out += "line " + std::to_string(i + 1) + ":\n";
        if (el != nullptr) {
            out += "  - " + *el + "\n";
        }
        if (al != nullptr) {
            out += "  + " + *al + "\n";
        }
    }
    return out;
}

void check_golden(const std::string& path, const std::string& actual) {
    const char* update = std::getenv("UPDATE_GOLDEN");
    if (update != nullptr && std::string(update) == "1") {
        write_file(path, actual);
        MESSAGE("rewrote ", path);
        return;
    }
    std::string expected = read_file(path);
    REQUIRE_MESSAGE(!expected.empty(), "no golden ", path, " — run with UPDATE_GOLDEN=1");
    CHECK_MESSAGE(actual == expected, path, " differs:\n", line_diff(expected, actual));
}

}  // namespace test
