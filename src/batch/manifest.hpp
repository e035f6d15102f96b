// batch: takes a manifest (CSV or JSON Lines), returns its records — dotted names to literal values —
// one at a time (ManifestReader, which holds one record, never the file) or all at once.
#pragma once

#include "core/diagnostic.hpp"
#include "resolve/resolve.hpp"

#include <array>
#include <cstddef>
#include <memory>
#include <optional>
#include <set>
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

enum class ManifestFormat { csv, jsonl };

/// By extension: .jsonl/.ndjson/.json → JSON Lines, otherwise CSV.
ManifestFormat manifest_format(std::string_view path);

/// What makes a whole manifest unusable (rather than one record): an unterminated quote, an
/// empty file, a bad header, a read or conversion error. `offset` is a byte offset in the UTF-8
/// text (0 for read and conversion errors, which have no position: `positioned` is false).
struct ManifestError {
    std::size_t offset = 0;
    bool positioned = true;
    std::string message;
    std::vector<std::string> hints;
    bool quote_source = true;  ///< false when the line it points at holds patient values
};

/// A manifest's text as UTF-8, a chunk at a time: from a string held by the caller, or read from
/// a file descriptor from its start (pread: the descriptor's offset is untouched, so the file can
/// be read again by another source), converted from `encoding` on the way when one is given.
/// Holds one chunk (64 KB), never the file.
class ManifestSource {
public:
    explicit ManifestSource(std::string_view text);
    /// `fd` stays the caller's and must outlive this source. `encoding` empty: UTF-8 as it is.
    /// `path` names the manifest in messages.
    ManifestSource(int fd, const std::string& encoding, const std::string& path);
    ~ManifestSource();
    ManifestSource(const ManifestSource&) = delete;
    ManifestSource& operator=(const ManifestSource&) = delete;

    /// The next byte of the text, or -1 at its end (or at an error: then error() says which).
    int get() {
        if (m_pos == m_view.size() && !fill(1)) {
            return -1;
        }
        ++m_consumed;
        return static_cast<unsigned char>(m_view[m_pos++]);
    }
    /// The byte `ahead` bytes on, without consuming it; -1 past the end.
    int peek(std::size_t ahead = 0) {
        if (m_pos + ahead >= m_view.size() && !fill(ahead + 1)) {
            return -1;
        }
        return static_cast<unsigned char>(m_view[m_pos + ahead]);
    }
    /// Appends the bytes up to the next '\n' (consumed, not appended) to `line`; false when the
    /// text had ended before (nothing appended).
    bool read_line(std::string& line);
    /// Bytes of text consumed so far: the offset of the next byte.
    std::size_t offset() const { return m_consumed; }
    /// Why the text ended early: the file could not be read, or the encoding's conversion failed
    /// (a message naming the file, and the byte offset and line, never the bytes).
    const std::optional<ManifestError>& error() const { return m_error; }

private:
    /// Makes at least `want` bytes available from m_pos; false when the text ends first.
    bool fill(std::size_t want);
    /// Reads (and converts) the next part of the file onto m_buffer; false at its end.
    bool read_more();

    std::string_view m_view;       ///< the bytes at hand: the caller's text, or m_buffer
    std::size_t m_pos = 0;         ///< next byte in m_view
    std::size_t m_consumed = 0;
    std::string m_buffer;          ///< a file's bytes at hand (fd sources)
    int m_fd = -1;
    std::size_t m_file_offset = 0; ///< next byte of the file to read
    bool m_file_ended = false;
    std::string m_path;
    std::string m_pending;         ///< bytes read but not yet converted (a character cut by a chunk's end)
    struct Converter;
    std::unique_ptr<Converter> m_converter;  ///< iconv from --encoding, or null
    std::optional<ManifestError> m_error;
};

/// Reads a manifest one record at a time, as parse_csv and parse_jsonl describe, holding only the
/// record being read. The records, their rows and lines, and the errors are those parse_csv and
/// parse_jsonl give (they are made from this).
class ManifestReader {
public:
    /// `collect_jsonl_columns` false: a JSON Lines manifest's keys are not gathered in columns()
    /// (a manifest with a new key per line would make that grow with its length).
    ManifestReader(ManifestFormat format, ManifestSource& source, bool collect_jsonl_columns = true);

    /// The next record, or nullopt at the end or when the file cannot be used (then error()).
    std::optional<Record> next();

    /// CSV: the header's names, once the first next() returned. JSON Lines: the keys of the
    /// records read so far, in the order first seen (unless not collected).
    const std::vector<std::string>& columns() const { return m_columns; }

    const std::optional<ManifestError>& error() const { return m_error; }

private:
    std::optional<Record> next_csv();
    std::optional<Record> next_jsonl();
    /// The next non-blank CSV row; false at the end or at an unterminated quote (m_quote_open).
    bool read_row(std::vector<std::string>& row, std::size_t& row_line);
    /// The header's problem, if any (names trimmed in place).
    std::optional<ManifestError> check_header();
    /// At the end of the text: whether it ended by a read or conversion error (then m_error).
    bool source_failed();
    std::nullopt_t fail(ManifestError error);

    ManifestFormat m_format;
    ManifestSource& m_source;
    bool m_collect_columns;
    bool m_started = false;
    bool m_done = false;
    std::size_t m_line = 1;
    std::size_t m_rows = 0;
    std::optional<std::size_t> m_quote_open;   ///< offset of a quote never closed
    std::vector<std::string> m_columns;
    std::vector<std::string> m_row;            ///< reused between rows
    std::string m_line_text;                   ///< JSON Lines: reused between lines
    std::set<std::string> m_seen_columns;      ///< JSON Lines: for columns()
    std::optional<ManifestError> m_error;
};

/// RFC 4180: quoted fields with commas, doubled quotes and line breaks; UTF-8 with or without
/// BOM; CRLF or LF. Dotted header names become dotted variable names. An unterminated quote or
/// an empty header is an error for the file, and so is a column name that is not valid UTF-8 or
/// holds a control character; a row with the wrong number of fields fails alone, and so does a
/// row with a field that is not valid UTF-8 (its error names the column, never the value).
Result<Manifest> parse_csv(SourcePtr file);

/// One JSON object per line; nested objects become dotted names. A bad line fails alone; a line
/// that is not valid UTF-8 fails naming the columns that are not.
Result<Manifest> parse_jsonl(SourcePtr file);

/// By extension (manifest_format).
Result<Manifest> parse_manifest(SourcePtr file);

/// The diagnostic for a ManifestError in `file` (the manifest's whole UTF-8 text).
Diagnostic manifest_diagnostic(const SourcePtr& file, const ManifestError& error);

/// The columns that name a record in messages when --id-column does not: the first present wins.
inline constexpr std::array<std::string_view, 4> id_column_candidates = {"patient.id", "id", "record.id", "mrn"};

/// The column that names a record in messages: `--id-column`, else `patient.id`, else `id`.
std::string pick_id_column(const Manifest& m, const std::string& requested);

}  // namespace handout
