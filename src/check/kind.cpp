#include "check/kind.hpp"

#include <toml++/toml.h>

namespace handout {

Result<Kind> parse_kind(SourcePtr file, std::string name) {
    Result<Kind> r;
    Kind k;
    k.source = file;
    k.name = std::move(name);
    toml::table root;
    // A node's, key's or parse error's position, through the file's line index (built once).
    auto at = [&](const auto& n) { return file->offset_of(n.source().begin.line, n.source().begin.column); };
    try {
        root = toml::parse(file->text, file->path);
    } catch (const toml::parse_error& e) {
        r.diagnostics.push_back(error_at(file, at(e),
                                         "not valid TOML: " + std::string(e.description())));
        return r;
    }
    auto strings = [&](const toml::node& n, const std::string& key, std::vector<std::string>& out) {
        const auto* a = n.as_array();
        if (a == nullptr) {
            r.diagnostics.push_back(error_at(file, at(n), "`" + key + "` must be a list of strings"));
            return;
        }
        for (const auto& e : *a) {
            if (auto s = e.value<std::string>()) {
                out.push_back(*s);
            } else {
                r.diagnostics.push_back(error_at(file, at(e), "`" + key + "` must hold strings"));
            }
        }
    };
    const std::vector<std::string> keys = {"description", "required_sections", "variables", "readability", "mentions"};
    for (const auto& [key, node] : root) {
        std::string kname(key.str());
        if (kname == "description") {
            k.description = node.value_or(std::string());
        } else if (kname == "required_sections") {
            strings(node, kname, k.required_sections);
        } else if (kname == "variables") {
            k.restrict_variables = true;
            strings(node, kname, k.variables);
        } else if (kname == "readability") {
            const auto* t = node.as_table();
            if (t == nullptr) {
                r.diagnostics.push_back(error_at(file, at(node), "`readability` must be a table"));
                continue;
            }
            for (const auto& [rk, rv] : *t) {
                std::string n(rk.str());
                auto v = rv.value<double>();
                double* target = n == "warn_grade"      ? &k.readability.warn_grade
                                 : n == "max_grade"     ? &k.readability.max_grade
                                 : n == "min_ease_warn" ? &k.readability.min_ease_warn
                                 : n == "min_ease"      ? &k.readability.min_ease
                                                        : nullptr;
                if (target == nullptr || !v) {
                    std::string near = nearest(n, {"warn_grade", "max_grade", "min_ease_warn", "min_ease"});
                    r.diagnostics.push_back(error_at(file, at(rk),
                                                     target == nullptr ? "unknown key `" + n + "` in [readability]"
                                                                       : "`" + n + "` must be a number",
                                                     near.empty() || target != nullptr ? std::vector<std::string>{}
                                                                                       : std::vector<std::string>{"did you mean `" + near + "`?"}));
                    continue;
                }
                *target = *v;
            }
        } else if (kname == "mentions") {
            const auto* t = node.as_table();
            if (t == nullptr) {
                r.diagnostics.push_back(error_at(file, at(node), "`mentions` must be a table of section ids"));
                continue;
            }
            for (const auto& [sid, terms] : *t) {
                const auto* list = terms.as_array();
                if (list == nullptr) {
                    r.diagnostics.push_back(error_at(file, at(terms), "each section's mentions must be a list of lists"));
                    continue;
                }
                auto& out = k.mentions[std::string(sid.str())];
                for (const auto& term : *list) {
                    std::vector<std::string> words;
                    strings(term, std::string(sid.str()), words);
                    if (!words.empty()) {
                        out.push_back(std::move(words));
                    }
                }
            }
        } else {
            std::string near = nearest(kname, keys);
            r.diagnostics.push_back(error_at(file, at(key),
                                             "unknown key `" + kname + "`",
                                             near.empty() ? std::vector<std::string>{} : std::vector<std::string>{"did you mean `" + near + "`?"}));
        }
    }
    r.value = std::move(k);
    return r;
}

}  // namespace handout
