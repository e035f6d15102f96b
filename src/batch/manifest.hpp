// batch: takes a manifest (CSV or JSON Lines), returns its records — dotted names to literal values.
#pragma once

#include "core/diagnostic.hpp"
#include "resolve/resolve.hpp"

#include <optional>
#include <string>
#include <string_view>
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

/// The manifest's bytes converted from `encoding` (an iconv name: WINDOWS-1252, ISO-8859-1,
/// ISO-8859-15, UTF-16, …) to UTF-8. nullopt, with `error` set, for a name iconv does not know
/// or bytes that are not valid in that encoding (the message gives the byte offset and line,
/// never the bytes). For `batch --encoding NAME`.
std::optional<std::string> to_utf8(std::string_view bytes, const std::string& encoding, std::string& error);

/// RFC 4180: quoted fields with commas, doubled quotes and line breaks; UTF-8 with or without
/// BOM; CRLF or LF. Dotted header names become dotted variable names. An unterminated quote or
/// an empty header is an error for the file, and so is a column name that is not valid UTF-8 or
/// holds a control character; a row with the wrong number of fields fails alone, and so does a
/// row with a field that is not valid UTF-8 (its error names the column, never the value).
Result<Manifest> parse_csv(SourcePtr file);

/// One JSON object per line; nested objects become dotted names. A bad line fails alone; a line
/// that is not valid UTF-8 fails naming the columns that are not.
Result<Manifest> parse_jsonl(SourcePtr file);

/// By extension: .jsonl/.ndjson/.json → JSON Lines, otherwise CSV.
Result<Manifest> parse_manifest(SourcePtr file);

/// The column that names a record in messages: `--id-column`, else `patient.id`, else `id`.
std::string pick_id_column(const Manifest& m, const std::string& requested);

}  // namespace handout
