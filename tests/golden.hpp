// tests: text goldens — compare an actual text with the file beside its input; UPDATE_GOLDEN=1
// rewrites the file instead; a mismatch prints the lines that differ.
#pragma once

#include <string>

namespace test {

/// A line-by-line diff: for each line number that differs, `-` the expected line, `+` the actual.
std::string line_diff(const std::string& expected, const std::string& actual);

/// Checks `actual` against the golden file at `path` (relative to the repository root).
void check_golden(const std::string& path, const std::string& actual);

}  // namespace test
