#include "resolve/resolve.hpp"

#include <nlohmann/json.hpp>

#include <optional>

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

Spans resolve_spans(const Spans& in, const Vars& vars, const SourcePtr& file, Diagnostics& diags) {
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
            r = Span{Span::Kind::text, *v, s.style, s.link, s.offset, true};
        }
        if (r.link.find("{{") != std::string::npos) {
            std::vector<std::string> unknown;
            std::string target = fill_template(r.link, lookup, &unknown);
            if (s.link != reported_link) {
                for (const auto& u : unknown) {
                    diags.push_back(missing(file, s.offset, u));
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

Result<Document> resolve(const Document& doc, const Vars& vars) {
    Result<Document> r;
    Document out = doc;
    for_each_spans(out.blocks, [&](Spans& spans, bool) { spans = resolve_spans(spans, vars, doc.source, r.diagnostics); });
    r.value = std::move(out);
    return r;
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
