// tests/pdfua: the project's own PDF/UA-1 check — takes a PDF, returns one row per check (a
// name, the ISO 14289-1 clause and Matterhorn Protocol checkpoints, pass/fail, a count of
// offending items and the items: page, element). It covers what the pdfua_lite tool kept by hand
// checks (the same ids and semantics) and the machine-checkable Matterhorn conditions that apply
// to what handout writes: structure integrity, tables, fonts against their programs, reading order.
#pragma once

#include "pdfua/document.hpp"

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pdfua {

enum class Status {
    pass,
    fail,
    not_applicable,  ///< nothing to look at: the row that made it so has failed already
    info,            ///< information only, never fails
};

struct Check {
    std::string id;                    ///< "tagged", "to-unicode" …
    std::string clause;                ///< "ISO 14289-1 7.21.7; MP 10-001"
    std::string what;                  ///< when it passes
    Status status = Status::pass;
    std::optional<std::size_t> count;  ///< offending items (0 on pass); none for yes/no checks
    std::string detail;
    std::vector<std::string> items;    ///< each offending item: page, element, value
};

struct Report {
    std::string file;
    int pages = 0;
    std::vector<Check> checks;  ///< in check_ids() order

    bool passed() const;
    const Check* find(std::string_view id) const;
    /// The ids of the failing checks, in order.
    std::vector<std::string> failed() const;
};

/// Every check id, in the order reports list them.
const std::vector<std::string>& check_ids();

/// Runs every check on `doc` (the file at doc.path() is also opened with poppler for the
/// extracted text). Throws Unreadable when poppler cannot open it.
Report check(Document& doc);

/// Reads `path` and checks it; throws Unreadable.
Report check_file(const std::string& path);

/// The report as a table: one row per check, and with `verbose` the items of failing rows
/// (at most `max_items` each, 0 = all).
std::string format(const Report& report, bool verbose = false, std::size_t max_items = 10);

/// Whether `tag` is a well-formed language tag (BCP 47, RFC 5646 section 2.1: langtag,
/// privateuse or grandfathered, any case) with no variant or extension singleton repeated (2.2.5, 2.2.6).
bool valid_language_tag(std::string_view tag);

}  // namespace pdfua
