#include "batch/manifest.hpp"

#include "content/text_check.hpp"
#include "core/c_ptr.hpp"

#include <iconv.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <set>

namespace handout {

namespace {

/// A file is read this much at a time.
constexpr std::size_t chunk_bytes = 64 * 1024;

constexpr std::string_view bom = "\xEF\xBB\xBF";

/// "has invalid UTF-8 in column `a`" (and how many more): what a record's error says.
std::string invalid_columns(const std::vector<std::string>& names) {
    std::string out = "has invalid UTF-8 in column `" + names.front() + "`";
    if (names.size() > 1) {
        out += " and " + std::to_string(names.size() - 1) + " more";
    }
    return out + "; if the manifest was exported as Windows-1252 or Latin-1, read it with --encoding WINDOWS-1252 "
                 "(or ISO-8859-1)";
}

/// Replaces each byte that is not part of a UTF-8 character by U+FFFF (a noncharacter no export
/// writes), so the line can be parsed and the fields that held such bytes found.
constexpr std::string_view invalid_mark = "\xEF\xBF\xBF";

std::string mark_invalid(std::string_view text) {
    std::string out;
    out.reserve(text.size() + 8);
    std::size_t pos = 0;
    while (pos < text.size()) {
        char32_t c = 0;
        std::size_t len = decode_utf8(text, pos, c);
        if (len == 0) {
            out += invalid_mark;
            ++pos;
        } else {
            out.append(text.substr(pos, len));
            pos += len;
        }
    }
    return out;
}

/// iconv from an encoding to UTF-8, fed a part at a time; its messages give the byte offset in
/// the input and the line in the output, never the bytes.
class Utf8Converter {
public:
    /// Null, with `error` set, for a name iconv does not know.
    static std::unique_ptr<Utf8Converter> open(const std::string& encoding, std::string& error) {
        iconv_t cd = iconv_open("UTF-8", encoding.c_str());
        if (cd == reinterpret_cast<iconv_t>(-1)) {
            error = "unknown encoding `" + visible_text(encoding) +
                    "`; use a name iconv knows, e.g. WINDOWS-1252, ISO-8859-1, ISO-8859-15 or UTF-16 (`iconv -l` lists them)";
            return nullptr;
        }
        return std::unique_ptr<Utf8Converter>(new Utf8Converter(cd, encoding));
    }

    /// Converts `in` (the input's next bytes) onto the end of `out`. With `last` false, a
    /// character cut by the end of `in` is left for the next call. Returns the bytes of `in`
    /// used, or nullopt with `error` set.
    std::optional<std::size_t> convert(std::string_view in, bool last, std::string& out, std::string& error) {
        const std::size_t start = out.size();
        out.resize(start + in.size() + in.size() / 2 + 16);
        // iconv takes char** but does not write through the input pointer.
        char* from = const_cast<char*>(in.data());
        std::size_t in_left = in.size();
        char* to = out.data() + start;
        std::size_t to_left = out.size() - start;
        std::size_t counted = start;  // output up to here is in m_newlines
        auto count_lines = [&]() {
            const auto done = static_cast<std::size_t>(to - out.data());
            m_newlines += static_cast<std::size_t>(std::count(out.data() + counted, out.data() + done, '\n'));
            counted = done;
        };
        auto grow = [&]() {
            const auto done = static_cast<std::size_t>(to - out.data());
            out.resize(out.size() * 2);
            to = out.data() + done;
            to_left = out.size() - done;
        };
        auto where = [&]() {
            count_lines();
            const auto offset = m_consumed + static_cast<std::size_t>(from - in.data());
            // Lines counted in what converted so far, so the count is right for UTF-16 too.
            return "byte " + std::to_string(offset) + " (line " + std::to_string(1 + m_newlines) + ")";
        };
        while (in_left > 0) {
            if (iconv(m_cd.get(), &from, &in_left, &to, &to_left) != static_cast<std::size_t>(-1)) {
                continue;  // all of the input converted
            }
            if (errno == E2BIG) {
                grow();
                continue;
            }
            if (errno == EINVAL && !last) {
                break;  // a character cut by the end of this part: it comes whole with the next
            }
            if (errno == EINVAL) {
                error = "the manifest ends in the middle of a " + visible_text(m_encoding) + " character, at " + where();
            } else {
                error = where() + " is not a valid " + visible_text(m_encoding) + " character; check the manifest's encoding";
            }
            return std::nullopt;
        }
        if (last) {
            // No input: writes out any shift state a stateful encoding left open.
            while (iconv(m_cd.get(), nullptr, nullptr, &to, &to_left) == static_cast<std::size_t>(-1)) {
                if (errno != E2BIG) {
                    error = "the manifest could not be converted from " + visible_text(m_encoding);
                    return std::nullopt;
                }
                grow();
            }
        }
        count_lines();
        out.resize(static_cast<std::size_t>(to - out.data()));
        const auto used = static_cast<std::size_t>(from - in.data());
        m_consumed += used;
        return used;
    }

private:
    Utf8Converter(iconv_t cd, std::string encoding) : m_cd(cd), m_encoding(std::move(encoding)) {}
    CPtr<void, iconv_close> m_cd;
    std::string m_encoding;
    std::size_t m_consumed = 0;  ///< input bytes converted by earlier calls
    std::size_t m_newlines = 0;  ///< line breaks in the output so far
};

}  // namespace

std::optional<std::string> to_utf8(std::string_view bytes, const std::string& encoding, std::string& error) {
    auto converter = Utf8Converter::open(encoding, error);
    if (!converter) {
        return std::nullopt;
    }
    std::string out;
    if (!converter->convert(bytes, true, out, error)) {
        return std::nullopt;
    }
    return out;
}

ManifestFormat manifest_format(std::string_view p) {
    for (std::string_view ext : {".jsonl", ".ndjson", ".json"}) {
        if (p.size() >= ext.size() && p.substr(p.size() - ext.size()) == ext) {
            return ManifestFormat::jsonl;
        }
    }
    return ManifestFormat::csv;
}

// ---- ManifestSource ----

struct ManifestSource::Converter {
    std::unique_ptr<Utf8Converter> iconv;
};

ManifestSource::ManifestSource(std::string_view text) : m_view(text), m_file_ended(true) {}

ManifestSource::ManifestSource(int fd, const std::string& encoding, const std::string& path)
    : m_fd(fd), m_path(path) {
    if (!encoding.empty()) {
        std::string error;
        auto converter = Utf8Converter::open(encoding, error);
        if (!converter) {
            m_file_ended = true;
            m_error = ManifestError{0, false, "manifest `" + m_path + "`: " + error,
                                    {"check --encoding: the export's encoding, e.g. WINDOWS-1252 or ISO-8859-1"}, true};
            return;
        }
        m_converter = std::make_unique<Converter>(Converter{std::move(converter)});
    }
}

ManifestSource::~ManifestSource() = default;

bool ManifestSource::read_more() {
    if (m_file_ended) {
        return false;
    }
    char raw[chunk_bytes];
    ssize_t n = 0;
    do {
        n = ::pread(m_fd, raw, sizeof raw, static_cast<off_t>(m_file_offset));
    } while (n < 0 && errno == EINTR);
    if (n < 0) {
        m_file_ended = true;
        m_error = ManifestError{0, false, "cannot read manifest `" + m_path + "`: " + std::strerror(errno), {"check the file"}, true};
        return false;
    }
    m_file_offset += static_cast<std::size_t>(n);
    const bool last = n == 0;
    if (last) {
        m_file_ended = true;
    }
    if (!m_converter) {
        m_buffer.append(raw, static_cast<std::size_t>(n));
        return !last;
    }
    m_pending.append(raw, static_cast<std::size_t>(n));
    const std::size_t before = m_buffer.size();
    std::string error;
    auto used = m_converter->iconv->convert(m_pending, last, m_buffer, error);
    if (!used) {
        m_file_ended = true;
        m_error = ManifestError{0, false, "manifest `" + m_path + "`: " + error,
                                {"check --encoding: the export's encoding, e.g. WINDOWS-1252 or ISO-8859-1"}, true};
        return false;
    }
    m_pending.erase(0, *used);
    return !last || m_buffer.size() > before;
}

bool ManifestSource::fill(std::size_t want) {
    if (m_fd < 0) {
        return m_view.size() - m_pos >= want;
    }
    m_buffer.erase(0, m_pos);
    m_pos = 0;
    bool more = true;
    while (m_buffer.size() < want && more) {
        more = read_more();
    }
    m_view = m_buffer;
    return m_buffer.size() >= want;
}

bool ManifestSource::read_line(std::string& line) {
    bool any = false;
    for (;;) {
        if (m_pos == m_view.size() && !fill(1)) {
            return any;
        }
        any = true;
        const std::string_view rest = m_view.substr(m_pos);
        const std::size_t nl = rest.find('\n');
        if (nl != std::string_view::npos) {
            line.append(rest.substr(0, nl));
            m_pos += nl + 1;
            m_consumed += nl + 1;
            return true;
        }
        line.append(rest);
        m_pos += rest.size();
        m_consumed += rest.size();
    }
}

// ---- ManifestReader ----

ManifestReader::ManifestReader(ManifestFormat format, ManifestSource& source, bool collect_jsonl_columns)
    : m_format(format), m_source(source), m_collect_columns(collect_jsonl_columns) {}

std::optional<Record> ManifestReader::next() {
    if (m_done) {
        return std::nullopt;
    }
    if (!m_started) {
        m_started = true;
        if (m_source.peek(0) == 0xEF && m_source.peek(1) == 0xBB && m_source.peek(2) == 0xBF) {
            for (int i = 0; i < 3; ++i) {
                m_source.get();
            }
        }
    }
    return m_format == ManifestFormat::csv ? next_csv() : next_jsonl();
}

std::nullopt_t ManifestReader::fail(ManifestError error) {
    m_done = true;
    if (!source_failed()) {
        m_error = std::move(error);
    }
    return std::nullopt;
}

bool ManifestReader::source_failed() {
    if (m_source.error()) {
        m_error = *m_source.error();
        return true;
    }
    return false;
}

bool ManifestReader::read_row(std::vector<std::string>& row, std::size_t& row_line) {
    row.clear();
    std::string field;
    bool any = false;  // the current row has content (so a trailing newline makes no empty row)
    row_line = m_line;
    for (;;) {
        const int c = m_source.get();
        if (c < 0) {
            if (any || !field.empty()) {
                row.push_back(std::move(field));
                return true;
            }
            return false;
        }
        if (c == '"' && field.empty()) {
            // A quoted field: runs to the closing quote; "" is one quote.
            const std::size_t open = m_source.offset() - 1;
            any = true;
            bool closed = false;
            for (int q = m_source.get(); q >= 0; q = m_source.get()) {
                if (q == '"') {
                    if (m_source.peek() == '"') {
                        field += '"';
                        m_source.get();
                        continue;
                    }
                    closed = true;
                    break;
                }
                if (q == '\n') {
                    ++m_line;
                }
                field += static_cast<char>(q);
            }
            if (!closed) {
                m_quote_open = open;
                return false;
            }
            continue;
        }
        if (c == ',') {
            row.push_back(std::move(field));
            field.clear();
            any = true;
            continue;
        }
        if (c == '\r' && m_source.peek() == '\n') {
            continue;
        }
        if (c == '\n') {
            row.push_back(std::move(field));
            field.clear();
            ++m_line;
            if (any || row.size() > 1) {
                return true;
            }
            row.clear();  // a blank line
            row_line = m_line;
            continue;
        }
        field += static_cast<char>(c);
        any = true;
    }
}

std::optional<ManifestError> ManifestReader::check_header() {
    std::set<std::string> seen;
    for (std::size_t c = 0; c < m_columns.size(); ++c) {
        std::string& name = m_columns[c];
        while (!name.empty() && (name.back() == ' ' || name.back() == '\t')) {
            name.pop_back();
        }
        while (!name.empty() && (name.front() == ' ' || name.front() == '\t')) {
            name.erase(0, 1);
        }
        TextProblem bad = next_text_problem(name);
        if (bad.fault != TextFault::none) {
            // Column names are shown in messages and reports: they must be text.
            return ManifestError{0, true,
                                 "the name of column " + std::to_string(c + 1) +
                                     (bad.fault == TextFault::invalid_utf8 ? std::string(" is not valid UTF-8")
                                                                           : " holds the control character " + control_name(bad.code)),
                                 {"if the manifest was exported as Windows-1252 or Latin-1, read it with --encoding WINDOWS-1252",
                                  "otherwise write the first line's names in plain text, e.g. `patient.id,patient.name`"},
                                 false};
        }
        if (name.empty() || !seen.insert(name).second) {
            return ManifestError{0, true,
                                 name.empty() ? "column " + std::to_string(c + 1) + " has no name"
                                              : "column `" + name + "` appears twice",
                                 {"give every column a distinct name in the first line"}, true};
        }
    }
    return std::nullopt;
}

std::optional<Record> ManifestReader::next_csv() {
    const ManifestError quote_error_template{0, true, "this quoted field is never closed",
                                             {"end it with `\"`; a quote inside a field is written `\"\"`"},
                                             false};  // the line holds patient values
    auto ended = [&](bool empty) -> std::nullopt_t {
        if (m_quote_open) {
            ManifestError e = quote_error_template;
            e.offset = *m_quote_open;
            return fail(std::move(e));
        }
        if (empty) {
            return fail(ManifestError{0, true, "the manifest is empty",
                                      {"the first line names the columns, e.g. `patient.id,patient.name,date`"}, true});
        }
        m_done = true;
        source_failed();
        return std::nullopt;
    };
    std::size_t row_line = 0;
    if (m_columns.empty() && m_rows == 0) {
        if (!read_row(m_row, row_line)) {
            return ended(true);
        }
        m_columns = std::move(m_row);
        if (auto bad = check_header()) {
            // The whole text is read first, as before: a quote never closed, further on, is the
            // error reported.
            while (read_row(m_row, row_line)) {
            }
            if (m_quote_open) {
                return ended(false);
            }
            return fail(std::move(*bad));
        }
    }
    if (!read_row(m_row, row_line)) {
        return ended(false);
    }
    Record rec;
    rec.row = ++m_rows;
    rec.line = row_line;
    if (m_row.size() != m_columns.size()) {
        rec.error = "has " + std::to_string(m_row.size()) + " fields; the header has " + std::to_string(m_columns.size());
        return rec;
    }
    std::vector<std::string> invalid;
    for (std::size_t c = 0; c < m_columns.size(); ++c) {
        if (!valid_utf8(m_row[c])) {
            invalid.push_back(m_columns[c]);  // not kept: a report cannot hold it
            continue;
        }
        rec.vars[m_columns[c]] = std::move(m_row[c]);
    }
    if (!invalid.empty()) {
        rec.error = invalid_columns(invalid);
    }
    return rec;
}

std::optional<Record> ManifestReader::next_jsonl() {
    for (;;) {
        m_line_text.clear();
        if (!m_source.read_line(m_line_text)) {
            m_done = true;
            source_failed();
            return std::nullopt;
        }
        const std::size_t line = m_line++;
        std::string_view text = m_line_text;
        if (!text.empty() && text.back() == '\r') {
            text.remove_suffix(1);
        }
        if (std::all_of(text.begin(), text.end(), [](char c) { return c == ' ' || c == '\t'; })) {
            continue;
        }
        Record rec;
        rec.row = ++m_rows;
        rec.line = line;
        if (!valid_utf8(text)) {
            // Which fields: the line parsed with each bad byte marked. Fields that hold a
            // mark are named and dropped; a name with one is not named.
            std::string marked = mark_invalid(text);
            Vars vars;
            if (flatten_json(marked, vars)) {
                rec.error = "is not one JSON object, and has invalid UTF-8";
            } else {
                std::vector<std::string> invalid;
                bool bad_name = false;
                for (auto& [k, v] : vars) {
                    if (k.find(invalid_mark) != std::string::npos) {
                        bad_name = true;
                    } else if (v.find(invalid_mark) != std::string::npos) {
                        invalid.push_back(k);
                    } else {
                        rec.vars[k] = std::move(v);
                    }
                }
                rec.error = !invalid.empty() ? invalid_columns(invalid)
                                             : "has a name that is not valid UTF-8; write the keys in plain text";
                if (bad_name && !invalid.empty()) {
                    rec.error += "; a name is not valid UTF-8 either";
                }
            }
        } else if (flatten_json(text, rec.vars)) {
            rec.error = "is not one JSON object";
            rec.vars.clear();
        } else if (m_collect_columns) {
            for (const auto& [k, _] : rec.vars) {
                if (m_seen_columns.insert(k).second) {
                    m_columns.push_back(k);
                }
            }
        }
        return rec;
    }
}

// ---- whole manifests ----

Diagnostic manifest_diagnostic(const SourcePtr& file, const ManifestError& error) {
    if (!error.positioned) {
        return Diagnostic{Severity::error, nullptr, 0, error.message, error.hints};
    }
    Diagnostic d = error_at(file, error.offset, error.message, error.hints);
    d.quote_source = error.quote_source;
    return d;
}

namespace {

Result<Manifest> parse_whole(const SourcePtr& file, ManifestFormat format) {
    Result<Manifest> r;
    ManifestSource source(file->text);
    ManifestReader reader(format, source);
    Manifest m;
    while (auto rec = reader.next()) {
        m.records.push_back(std::move(*rec));
    }
    if (reader.error()) {
        r.diagnostics.push_back(manifest_diagnostic(file, *reader.error()));
        return r;
    }
    m.columns = reader.columns();
    r.value = std::move(m);
    return r;
}

}  // namespace

Result<Manifest> parse_csv(SourcePtr file) {
    return parse_whole(file, ManifestFormat::csv);
}

Result<Manifest> parse_jsonl(SourcePtr file) {
    return parse_whole(file, ManifestFormat::jsonl);
}

Result<Manifest> parse_manifest(SourcePtr file) {
    return parse_whole(file, manifest_format(file->path));
}

std::string pick_id_column(const Manifest& m, const std::string& requested) {
    if (!requested.empty()) {
        return requested;
    }
    for (std::string_view c : id_column_candidates) {
        if (std::find(m.columns.begin(), m.columns.end(), c) != m.columns.end()) {
            return std::string(c);
        }
    }
    return {};
}

}  // namespace handout
