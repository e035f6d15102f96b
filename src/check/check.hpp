// check: takes a Document, its Layout and the rules of its kind (and topic); returns diagnostics —
// required sections, what a topic must mention, variables, glyph coverage, readability, plain
// language (terms explained, passive voice, numerals, long sentences), and the layout's own
// rules (text sizes, contrast, visible links). Does no drawing and no file I/O.
#pragma once

#include "check/kind.hpp"
#include "check/readability.hpp"
#include "content/document.hpp"
#include "core/diagnostic.hpp"
#include "layout/layout.hpp"

#include <functional>
#include <string>
#include <vector>

namespace handout {

struct SectionReadability {
    std::string id;             ///< the section's id, or its heading text
    std::size_t offset = 0;     ///< of its heading in the content file
    TextStats stats;
};

struct HardSentence {
    std::size_t offset = 0;
    std::string text;
    double grade = 0;           ///< Flesch–Kincaid grade (English) or 100 − ease (Spanish)
};

struct ReadabilityReport {
    std::string lang;
    TextStats document;
    std::vector<SectionReadability> sections;
    std::vector<HardSentence> hardest;  ///< the hardest few, hardest first
};

struct CheckInput {
    const Document* doc = nullptr;  ///< resolved, or with variables left (then their values are not checked)
    const Layout* layout = nullptr;
    const Kind* kind = nullptr;     ///< null when the document's kind has no file
    const Kind* topic = nullptr;    ///< null when the document names no topic
    /// Whether `family` has a glyph for `cp`; null skips the coverage check.
    std::function<bool(const std::string& family, char32_t cp)> covers;
    /// `all`: every rule. `record_values`: only what a record's values can break (their
    /// glyphs); a batch checks the rest once per content and layout.
    enum class Scope { all, record_values } scope = Scope::all;
};

struct CheckResult {
    Diagnostics diagnostics;
    ReadabilityReport readability;
};

CheckResult check_document(const CheckInput& in);

/// WCAG 2 contrast ratio of two colours (1–21).
double contrast_ratio(const Color& a, const Color& b);

}  // namespace handout
