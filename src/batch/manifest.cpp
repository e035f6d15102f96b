#include "batch/manifest.hpp"

#include "content/text_check.hpp"
#include "core/c_ptr.hpp"

#include <iconv.h>

#include <algorithm>
#include <cerrno>
#include <set>

namespace handout {

namespace {

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

}  // namespace

std::optional<std::string> to_utf8(std::string_view bytes, const std::string& encoding, std::string& error) {
    iconv_t cd = iconv_open("UTF-8", encoding.c_str());
    if (cd == reinterpret_cast<iconv_t>(-1)) {
        error = "unknown encoding `" + visible_text(encoding) +
                "`; use a name iconv knows, e.g. WINDOWS-1252, ISO-8859-1, ISO-8859-15 or UTF-16 (`iconv -l` lists them)";
        return std::nullopt;
    }
    CPtr<void, iconv_close> owner(cd);
    std::string out(bytes.size() + bytes.size() / 2 + 16, '\0');
    // iconv takes char** but does not write through the input pointer.
    char* in = const_cast<char*>(bytes.data());
    std::size_t in_left = bytes.size();
    char* to = out.data();
    std::size_t to_left = out.size();
    auto where = [&]() {
        const auto offset = static_cast<std::size_t>(in - bytes.data());
        const auto done = static_cast<std::size_t>(to - out.data());
        // Lines counted in what converted so far, so the count is right for UTF-16 too.
        const auto line = 1 + static_cast<std::size_t>(std::count(out.data(), out.data() + done, '\n'));
        return "byte " + std::to_string(offset) + " (line " + std::to_string(line) + ")";
    };
    auto grow = [&]() {
        const auto done = static_cast<std::size_t>(to - out.data());
        out.resize(out.size() * 2);
        to = out.data() + done;
        to_left = out.size() - done;
    };
    while (in_left > 0) {
        if (iconv(cd, &in, &in_left, &to, &to_left) != static_cast<std::size_t>(-1)) {
            continue;  // all of the input converted
        }
        if (errno == E2BIG) {
            grow();
            continue;
        }
        if (errno == EINVAL) {
            error = "the manifest ends in the middle of a " + visible_text(encoding) + " character, at " + where();
        } else {
            error = where() + " is not a valid " + visible_text(encoding) + " character; check the manifest's encoding";
        }
        return std::nullopt;
    }
    // No input: writes out any shift state a stateful encoding left open.
    while (iconv(cd, nullptr, nullptr, &to, &to_left) == static_cast<std::size_t>(-1)) {
        if (errno != E2BIG) {
            error = "the manifest could not be converted from " + visible_text(encoding);
            return std::nullopt;
        }
        grow();
    }
    out.resize(static_cast<std::size_t>(to - out.data()));
    return out;
}


Result<Manifest> parse_csv(SourcePtr file) {
    Result<Manifest> r;
    const std::string& t = file->text;
    std::size_t i = t.compare(0, 3, "\xEF\xBB\xBF") == 0 ? 3 : 0;
    std::vector<std::vector<std::string>> rows;
    std::vector<std::size_t> row_lines;
    std::size_t line = 1;
    std::vector<std::string> row;
    std::string field;
    bool any = false;  // the current row has content (so a trailing newline makes no empty row)
    std::size_t row_line = 1;
    auto end_field = [&]() {
        row.push_back(std::move(field));
        field.clear();
    };
    auto end_row = [&]() {
        end_field();
        if (any || row.size() > 1) {
            rows.push_back(std::move(row));
            row_lines.push_back(row_line);
        }
        row.clear();
        any = false;
    };
    while (i < t.size()) {
        char c = t[i];
        if (c == '"' && field.empty()) {
            // A quoted field: runs to the closing quote; "" is one quote.
            std::size_t open = i++;
            any = true;
            bool closed = false;
            while (i < t.size()) {
                if (t[i] == '"') {
                    if (i + 1 < t.size() && t[i + 1] == '"') {
                        field += '"';
                        i += 2;
                        continue;
                    }
                    ++i;
                    closed = true;
                    break;
                }
                if (t[i] == '\n') {
                    ++line;
                }
                field += t[i++];
            }
            if (!closed) {
                Diagnostic d = error_at(file, open, "this quoted field is never closed",
                                        {"end it with `\"`; a quote inside a field is written `\"\"`"});
                d.quote_source = false;  // the line holds patient values
                r.diagnostics.push_back(std::move(d));
                return r;
            }
            continue;
        }
        if (c == ',') {
            end_field();
            any = true;
            ++i;
            continue;
        }
        if (c == '\r' && i + 1 < t.size() && t[i + 1] == '\n') {
            ++i;
            continue;
        }
        if (c == '\n') {
            end_row();
            ++line;
            row_line = line;
            ++i;
            continue;
        }
        field += c;
        any = true;
        ++i;
    }
    if (any || !field.empty()) {
        end_row();
    }
    if (rows.empty()) {
        r.diagnostics.push_back(error_at(file, 0, "the manifest is empty", {"the first line names the columns, e.g. `patient.id,patient.name,date`"}));
        return r;
    }
    Manifest m;
    m.columns = rows[0];
    std::set<std::string> seen;
    for (std::size_t c = 0; c < m.columns.size(); ++c) {
        std::string& name = m.columns[c];
        while (!name.empty() && (name.back() == ' ' || name.back() == '\t')) {
            name.pop_back();
        }
        while (!name.empty() && (name.front() == ' ' || name.front() == '\t')) {
            name.erase(0, 1);
        }
        TextProblem bad = next_text_problem(name);
        if (bad.fault != TextFault::none) {
            // Column names are shown in messages and reports: they must be text.
            Diagnostic d = error_at(file, 0,
                                    "the name of column " + std::to_string(c + 1) +
                                        (bad.fault == TextFault::invalid_utf8 ? std::string(" is not valid UTF-8")
                                                                              : " holds the control character " + control_name(bad.code)),
                                    {"if the manifest was exported as Windows-1252 or Latin-1, read it with --encoding WINDOWS-1252",
                                     "otherwise write the first line's names in plain text, e.g. `patient.id,patient.name`"});
            d.quote_source = false;
            r.diagnostics.push_back(std::move(d));
            return r;
        }
        if (name.empty() || !seen.insert(name).second) {
            r.diagnostics.push_back(error_at(file, offset_of(t, 1, 1),
                                             name.empty() ? "column " + std::to_string(c + 1) + " has no name"
                                                          : "column `" + name + "` appears twice",
                                             {"give every column a distinct name in the first line"}));
            return r;
        }
    }
    for (std::size_t k = 1; k < rows.size(); ++k) {
        Record rec;
        rec.row = k;
        rec.line = row_lines[k];
        if (rows[k].size() != m.columns.size()) {
            rec.error = "has " + std::to_string(rows[k].size()) + " fields; the header has " +
                        std::to_string(m.columns.size());
        } else {
            std::vector<std::string> invalid;
            for (std::size_t c = 0; c < m.columns.size(); ++c) {
                if (!valid_utf8(rows[k][c])) {
                    invalid.push_back(m.columns[c]);  // not kept: a report cannot hold it
                    continue;
                }
                rec.vars[m.columns[c]] = std::move(rows[k][c]);
            }
            if (!invalid.empty()) {
                rec.error = invalid_columns(invalid);
            }
        }
        m.records.push_back(std::move(rec));
    }
    r.value = std::move(m);
    return r;
}

Result<Manifest> parse_jsonl(SourcePtr file) {
    Result<Manifest> r;
    Manifest m;
    std::set<std::string> columns;
    const std::string& t = file->text;
    std::size_t pos = t.compare(0, 3, "\xEF\xBB\xBF") == 0 ? 3 : 0;
    std::size_t line = 1;
    while (pos < t.size()) {
        std::size_t e = t.find('\n', pos);
        if (e == std::string::npos) {
            e = t.size();
        }
        std::string_view text(t.data() + pos, e - pos);
        if (!text.empty() && text.back() == '\r') {
            text.remove_suffix(1);
        }
        bool blank = std::all_of(text.begin(), text.end(), [](char c) { return c == ' ' || c == '\t'; });
        if (!blank) {
            Record rec;
            rec.row = m.records.size() + 1;
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
            } else {
                for (const auto& [k, _] : rec.vars) {
                    if (columns.insert(k).second) {
                        m.columns.push_back(k);
                    }
                }
            }
            m.records.push_back(std::move(rec));
        }
        pos = e + 1;
        ++line;
    }
    r.value = std::move(m);
    return r;
}

Result<Manifest> parse_manifest(SourcePtr file) {
    const std::string& p = file->path;
    auto ends = [&](const char* ext) {
        std::string e(ext);
        return p.size() >= e.size() && p.compare(p.size() - e.size(), e.size(), e) == 0;
    };
    if (ends(".jsonl") || ends(".ndjson") || ends(".json")) {
        return parse_jsonl(std::move(file));
    }
    return parse_csv(std::move(file));
}

std::string pick_id_column(const Manifest& m, const std::string& requested) {
    if (!requested.empty()) {
        return requested;
    }
    for (const char* c : {"patient.id", "id", "record.id", "mrn"}) {
        if (std::find(m.columns.begin(), m.columns.end(), c) != m.columns.end()) {
            return c;
        }
    }
    return {};
}

}  // namespace handout
