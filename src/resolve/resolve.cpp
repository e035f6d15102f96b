#include "resolve/resolve.hpp"

#include <nlohmann/json.hpp>

namespace handout {

namespace {

void flatten(const nlohmann::json& j, const std::string& prefix, Vars& out) {
    if (j.is_object()) {
        for (const auto& [k, v] : j.items()) {
            flatten(v, prefix.empty() ? k : prefix + "." + k, out);
        }
    } else if (j.is_string()) {
        out[prefix] = j.get<std::string>();
    } else if (j.is_null()) {
        out[prefix] = "";
    } else {
        out[prefix] = j.dump();
    }
}

Diagnostic missing(const SourcePtr& file, std::size_t offset, const std::string& name) {
    return error_at(file, offset, "variable `" + name + "` has no value",
                    {"give it with `--var " + name + "=...` or in the --data JSON file"});
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

void resolve_blocks(Blocks& blocks, const Vars& vars, const SourcePtr& file, Diagnostics& diags) {
    for (auto& b : blocks) {
        std::visit(
            [&](auto& x) {
                using T = std::decay_t<decltype(x)>;
                if constexpr (std::is_same_v<T, Paragraph> || std::is_same_v<T, Heading>) {
                    x.spans = resolve_spans(x.spans, vars, file, diags);
                } else if constexpr (std::is_same_v<T, List>) {
                    for (auto& item : x.items) {
                        resolve_blocks(item.blocks, vars, file, diags);
                    }
                } else if constexpr (std::is_same_v<T, Table>) {
                    for (auto& row : x.rows) {
                        for (auto& cell : row) {
                            cell = resolve_spans(cell, vars, file, diags);
                        }
                    }
                } else if constexpr (std::is_same_v<T, Div>) {
                    resolve_blocks(x.blocks, vars, file, diags);
                }
            },
            b.v);
    }
}

}  // namespace

Result<Vars> vars_from_json(SourcePtr file) {
    Result<Vars> r;
    nlohmann::json j;
    try {
        j = nlohmann::json::parse(file->text);
    } catch (const nlohmann::json::parse_error& e) {
        std::size_t off = e.byte > 0 ? e.byte - 1 : 0;
        std::string what = e.what();
        std::size_t colon = what.rfind(": ");
        r.diagnostics.push_back(error_at(file, off, "not valid JSON" + (colon == std::string::npos ? std::string() : what.substr(colon)),
                                         {"the data file must hold one JSON object, e.g. {\"patient\": {\"name\": \"...\"}}"}));
        return r;
    }
    if (!j.is_object()) {
        r.diagnostics.push_back(error_at(file, 0, "the data file must hold one JSON object",
                                         {"e.g. {\"patient\": {\"name\": \"...\"}, \"date\": \"2026-11-26\"}"}));
        return r;
    }
    Vars v;
    flatten(j, "", v);
    r.value = std::move(v);
    return r;
}

Result<Document> resolve(const Document& doc, const Vars& vars) {
    Result<Document> r;
    Document out = doc;
    resolve_blocks(out.blocks, vars, doc.source, r.diagnostics);
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
