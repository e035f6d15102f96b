// batch: takes a manifest (CSV or JSON Lines), returns its records — dotted names to literal values.
#pragma once

#include "core/diagnostic.hpp"
#include "resolve/resolve.hpp"

#include <string>
#include <vector>

namespace handout {

/// One row of the manifest. `error` is set when the row itself cannot be read; it never
/// holds a value from the row.
struct Record {
    std::size_t row = 0;       ///< 1-based record number (header excluded)
    std::size_t line = 0;      ///< 1-based line in the manifest where the record starts
    Vars vars;
    std::string error;
};

struct Manifest {
    std::vector<std::string> columns;  ///< CSV header, or the keys seen in JSON Lines (flattened)
    std::vector<Record> records;
};

/// RFC 4180: quoted fields with commas, doubled quotes and line breaks; UTF-8 with or without
/// BOM; CRLF or LF. Dotted header names become dotted variable names. An unterminated quote or
/// an empty header is an error for the file; a row with the wrong number of fields fails alone.
Result<Manifest> parse_csv(SourcePtr file);

/// One JSON object per line; nested objects become dotted names. A bad line fails alone.
Result<Manifest> parse_jsonl(SourcePtr file);

/// By extension: .jsonl/.ndjson/.json → JSON Lines, otherwise CSV.
Result<Manifest> parse_manifest(SourcePtr file);

/// The column that names a record in messages: `--id-column`, else `patient.id`, else `id`.
std::string pick_id_column(const Manifest& m, const std::string& requested);

}  // namespace handout
