#include "resolve/resolve.hpp"

#include "content/text_check.hpp"

#include <nlohmann/json.hpp>

#include <optional>
#include <set>

namespace handout {

namespace {

/// Builds dotted names while parsing, so each number keeps the text it was written with.
class Flattener : public nlohmann::json_sax<nlohmann::json> {
public:
    explicit Flattener(Vars& vars) : m_vars(vars) {}
    std::size_t error_at = 0;
    std::string what;
    bool not_object = false;

    bool null() override { return value(""); }
    bool boolean(bool v) override { return value(v ? "true" : "false"); }
    bool number_integer(number_integer_t v) override { return value(std::to_string(v)); }
    bool number_unsigned(number_unsigned_t v) override { return value(std::to_string(v)); }
    bool number_float(number_float_t, const string_t& raw) override { return value(raw); }
    bool string(string_t& v) override { return value(v); }
    bool binary(binary_t&) override { return value(""); }
    bool start_object(std::size_t) override {
        if (m_depth == 0 && m_started) {
            return false;
        }
        m_started = true;
        ++m_depth;
        m_prefix.push_back(m_key);
        return true;
    }
    bool key(string_t& k) override {
        m_key = k;
        return true;
    }
    bool end_object() override {
        --m_depth;
        m_prefix.pop_back();
        return true;
    }
    bool start_array(std::size_t) override {
        if (m_depth == 0) {
            not_object = true;
            return false;
        }
        ++m_array_depth;
        return true;
    }
    bool end_array() override {
        --m_array_depth;
        return true;
    }
    bool parse_error(std::size_t position, const std::string&, const nlohmann::detail::exception& ex) override {
        error_at = position;
        what = ex.what();
        return false;
    }

private:
    bool value(const std::string& v) {
        if (m_depth == 0) {
            not_object = true;
            return false;
        }
        if (m_array_depth > 0) {
            return true;  // lists are not variables; their items are ignored
        }
        std::string name;
        for (std::size_t i = 1; i < m_prefix.size(); ++i) {
            name += m_prefix[i] + ".";
        }
        m_vars[name + m_key] = v;
        return true;
    }
    Vars& m_vars;
    std::vector<std::string> m_prefix;
    std::string m_key;
    int m_depth = 0;
    int m_array_depth = 0;
    bool m_started = false;
};

Diagnostic missing(const SourcePtr& file, std::size_t offset, const std::string& name) {
    return error_at(file, offset, "variable `" + name + "` has no value",
                    {"give it a value: `--var " + name + "=...`, the --data JSON file, or a manifest column `" + name + "`"});
}

/// Each variable's value checked once per record: a fault is reported at its first use.
class ValueCheck {
public:
    ValueCheck(const SourcePtr& file, Diagnostics& diags, std::size_t max_bytes)
        : m_file(file), m_diags(diags), m_max_bytes(max_bytes) {}

    /// Whether the value may be used; reports it (once per name) when not.
    bool usable(const std::string& name, std::string_view value, std::size_t offset) {
        auto fault = value_fault(name, value, m_max_bytes);
        if (!fault) {
            return true;
        }
        if (m_reported.insert(name).second) {
            std::vector<std::string> hints;
            if (value.size() > m_max_bytes) {
                hints.push_back("shorten the value in the record, or raise the limit: " + limit_hint("value-size"));
            } else if (valid_utf8(value)) {
                hints.push_back("fix the value in the record: values may hold tab, line feed and carriage return, "
                                "and no other control character");
            } else {
                hints.push_back("a manifest exported as Windows-1252 or Latin-1 is read with `--encoding WINDOWS-1252`");
            }
            m_diags.push_back(error_at(m_file, offset, *fault, std::move(hints)));
        }
        return false;
    }

private:
    const SourcePtr& m_file;
    Diagnostics& m_diags;
    std::size_t m_max_bytes;
    std::set<std::string> m_reported;
};

Spans resolve_spans(const Spans& in, const Vars& vars, const SourcePtr& file, Diagnostics& diags, ValueCheck& check) {
    Spans out;
    out.reserve(in.size());
    auto lookup = [&](std::string_view name) -> const std::string* {
        auto it = vars.find(std::string(name));
        return it == vars.end() ? nullptr : &it->second;
    };
    std::string reported_link;  // one report per link, not one per span inside it
    for (const auto& s : in) {
        Span r = s;
        if (s.kind == Span::Kind::variable) {
            const std::string* v = lookup(s.text);
            if (v == nullptr) {
                diags.push_back(missing(file, s.offset, s.text));
                continue;
            }
            if (!check.usable(s.text, *v, s.offset)) {
                continue;
            }
            r = Span{Span::Kind::text, isolate_bidi(*v), s.style, s.link, s.offset, true};
        }
        if (r.link.find("{{") != std::string::npos) {
            std::vector<std::string> unknown;
            // A link target is not shown: its values are checked, never isolated.
            auto checked = [&](std::string_view name) -> const std::string* {
                const std::string* v = lookup(name);
                if (v != nullptr && !check.usable(std::string(name), *v, s.offset)) {
                    return nullptr;  // reported as a fault, not as missing (below)
                }
                return v;
            };
            std::string target = fill_template(r.link, checked, &unknown);
            if (s.link != reported_link) {
                for (const auto& u : unknown) {
                    if (lookup(u) == nullptr) {
                        diags.push_back(missing(file, s.offset, u));
                    }
                }
                reported_link = s.link;
            }
            r.link = std::move(target);
            r.personal = true;
        }
        out.push_back(std::move(r));
    }
    return out;
}

/// Bidi class B: a paragraph separator ends every embedding and isolate (UAX #9, P1).
bool paragraph_separator(char32_t c) {
    return c == '\n' || c == '\r' || c == 0x1C || c == 0x1D || c == 0x1E || c == 0x85 || c == 0x2029;
}

}  // namespace

std::optional<std::size_t> flatten_json(std::string_view text, Vars& out, std::string* what) {
    Flattener f(out);
    bool ok = nlohmann::json::sax_parse(text, &f, nlohmann::json::input_format_t::json, false);
    if (ok && !f.not_object) {
        return std::nullopt;
    }
    if (what != nullptr) {
        *what = f.not_object ? std::string("not a JSON object") : f.what;
        std::size_t colon = what->rfind(": ");
        if (!f.not_object && colon != std::string::npos) {
            *what = what->substr(colon + 2);
        }
    }
    return f.error_at > 0 ? f.error_at - 1 : 0;
}

Result<Vars> vars_from_json(SourcePtr file) {
    Result<Vars> r;
    Vars v;
    std::string what;
    if (auto at = flatten_json(file->text, v, &what)) {
        Diagnostic d = error_at(file, *at,
                                what == "not a JSON object" ? std::string("the data file must hold one JSON object")
                                                            : "the data file is not valid JSON: " + what,
                                {"it must hold one JSON object, e.g. {\"patient\": {\"name\": \"...\"}}"});
        d.quote_source = false;
        r.diagnostics.push_back(std::move(d));
        return r;
    }
    r.value = std::move(v);
    return r;
}

Result<Document> resolve(const Document& doc, const Vars& vars, std::size_t max_value_bytes) {
    Result<Document> r;
    Document out = doc;
    ValueCheck check(doc.source, r.diagnostics, max_value_bytes);
    for_each_spans(out.blocks,
                   [&](Spans& spans, bool) { spans = resolve_spans(spans, vars, doc.source, r.diagnostics, check); });
    r.value = std::move(out);
    return r;
}

std::optional<std::string> value_fault(const std::string& name, std::string_view value, std::size_t max_bytes) {
    if (value.size() > max_bytes) {
        return "the value of `" + name + "` is " + std::to_string(value.size()) + " bytes, over the limit of " +
               std::to_string(max_bytes) + " (--limit value-size)";
    }
    TextProblem p = next_text_problem(value);
    switch (p.fault) {
        case TextFault::none: return std::nullopt;
        case TextFault::invalid_utf8: return "the value of `" + name + "` is not valid UTF-8";
        case TextFault::nul:
        case TextFault::control: break;
    }
    return "the value of `" + name + "` holds the control character " + control_name(p.code);
}

std::string isolate_bidi(std::string_view value) {
    bool needed = false;
    for (std::size_t pos = 0; pos < value.size() && !needed;) {
        char32_t c = 0;
        std::size_t len = decode_utf8(value, pos, c);
        if (len == 0) {
            return std::string(value);  // not ours to fix: value_fault refuses it
        }
        needed = is_bidi_control(c) || is_rtl_letter(c);
        pos += len;
    }
    if (!needed) {
        return std::string(value);
    }
    static constexpr char32_t fsi = 0x2068, pdi = 0x2069, lri = 0x2066, rli = 0x2067;
    std::string out;
    out.reserve(value.size() + 12);
    std::size_t open = 0;  // the value's own isolates open now
    auto close_line = [&]() {
        for (; open > 0; --open) {
            append_utf8(out, pdi);
        }
        append_utf8(out, pdi);
    };
    append_utf8(out, fsi);
    for (std::size_t pos = 0; pos < value.size();) {
        char32_t c = 0;
        std::size_t len = decode_utf8(value, pos, c);
        if (paragraph_separator(c)) {
            // Each line is an isolate of its own: the separator would end ours.
            close_line();
            out.append(value.substr(pos, len));
            append_utf8(out, fsi);
        } else if (c == lri || c == rli || c == fsi) {
            ++open;
            out.append(value.substr(pos, len));
        } else if (c == pdi) {
            if (open > 0) {
                --open;
                out.append(value.substr(pos, len));
            }  // else a stray PDI, which would close our isolate: dropped
        } else {
            out.append(value.substr(pos, len));
        }
        pos += len;
    }
    close_line();
    return out;
}

std::string fill_template(std::string_view tmpl, const std::function<const std::string*(std::string_view)>& lookup,
                          std::vector<std::string>* unknown) {
    std::string out;
    std::size_t pos = 0;
    while (pos < tmpl.size()) {
        std::size_t open = tmpl.find("{{", pos);
        if (open == std::string_view::npos) {
            out.append(tmpl.substr(pos));
            break;
        }
        out.append(tmpl.substr(pos, open - pos));
        std::size_t close = tmpl.find("}}", open + 2);
        if (close == std::string_view::npos) {
            out.append(tmpl.substr(open));
            break;
        }
        std::string_view name = tmpl.substr(open + 2, close - open - 2);
        while (!name.empty() && name.front() == ' ') {
            name.remove_prefix(1);
        }
        while (!name.empty() && name.back() == ' ') {
            name.remove_suffix(1);
        }
        if (const std::string* v = lookup(name)) {
            out += *v;
        } else {
            if (unknown != nullptr) {
                unknown->emplace_back(name);
            }
            out.append(tmpl.substr(open, close + 2 - open));
        }
        pos = close + 2;
    }
    return out;
}

}  // namespace handout
