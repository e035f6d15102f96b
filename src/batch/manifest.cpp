#include "batch/manifest.hpp"

#include <algorithm>
#include <set>

namespace handout {


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
            for (std::size_t c = 0; c < m.columns.size(); ++c) {
                rec.vars[m.columns[c]] = std::move(rows[k][c]);
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
            if (flatten_json(text, rec.vars)) {
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
