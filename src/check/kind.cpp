#include "check/kind.hpp"

#include <toml++/toml.h>

#include <cstdint>

namespace handout {

namespace {

/// `[plain_language]`: each check "warning" or "off", and the two limits.
void plain_language(const toml::node& node, const SourcePtr& file, PlainLanguageRules& out, Diagnostics& ds) {
    auto at = [&](const auto& n) { return file->offset_of(n.source().begin.line, n.source().begin.column); };
    const auto* t = node.as_table();
    if (t == nullptr) {
        ds.push_back(error_at(file, at(node), "`plain_language` must be a table",
                              {"write it as a section: `[plain_language]`, then one setting a line"}));
        return;
    }
    const std::vector<std::string> switches = {"undefined_terms", "passive_voice", "numerals", "long_sentences"};
    const std::vector<std::string> limits = {"max_sentence_words", "max_passive_percent"};
    for (const auto& [key, value] : *t) {
        const std::string n(key.str());
        std::optional<bool>* on = n == "undefined_terms"  ? &out.undefined_terms
                                  : n == "passive_voice"  ? &out.passive_voice
                                  : n == "numerals"       ? &out.numerals
                                  : n == "long_sentences" ? &out.long_sentences
                                                          : nullptr;
        if (on != nullptr) {
            auto v = value.value<std::string>();
            if (!v || (*v != "warning" && *v != "off")) {
                ds.push_back(error_at(file, at(value), "`" + n + "` must be \"warning\" or \"off\"",
                                      {"write `" + n + " = \"warning\"` to check it, `" + n + " = \"off\"` not to"}));
                continue;
            }
            *on = *v == "warning";
        } else if (n == "max_sentence_words") {
            auto v = value.value_exact<std::int64_t>();
            if (!v || *v < 1 || *v > 1000) {
                ds.push_back(error_at(file, at(value), "`max_sentence_words` must be a whole number from 1 to 1000",
                                      {"25 is usual for patient text"}));
                continue;
            }
            out.max_sentence_words = static_cast<int>(*v);
        } else if (n == "max_passive_percent") {
            auto v = value.value<double>();
            if (!v || !(*v >= 0 && *v <= 100)) {
                ds.push_back(error_at(file, at(value), "`max_passive_percent` must be a number from 0 to 100",
                                      {"the share of sentences in the passive voice, in per cent; 10 is usual"}));
                continue;
            }
            out.max_passive_percent = *v;
        } else {
            std::vector<std::string> all = switches;
            all.insert(all.end(), limits.begin(), limits.end());
            std::string near = nearest(n, all);
            ds.push_back(error_at(file, at(key), "unknown key `" + n + "` in [plain_language]",
                                  near.empty() ? std::vector<std::string>{"known keys: undefined_terms, passive_voice, numerals, "
                                                                          "long_sentences, max_sentence_words, max_passive_percent"}
                                               : std::vector<std::string>{"did you mean `" + near + "`?"}));
        }
    }
}

}  // namespace

PlainLanguageSettings plain_language_settings(const PlainLanguageRules* kind, const PlainLanguageRules* topic) {
    PlainLanguageSettings s;
    for (const PlainLanguageRules* r : {kind, topic}) {
        if (r == nullptr) {
            continue;
        }
        s.undefined_terms = r->undefined_terms.value_or(s.undefined_terms);
        s.passive_voice = r->passive_voice.value_or(s.passive_voice);
        s.numerals = r->numerals.value_or(s.numerals);
        s.long_sentences = r->long_sentences.value_or(s.long_sentences);
        s.max_sentence_words = r->max_sentence_words.value_or(s.max_sentence_words);
        s.max_passive_percent = r->max_passive_percent.value_or(s.max_passive_percent);
    }
    return s;
}

Result<TermList> parse_terms(SourcePtr file) {
    Result<TermList> r;
    TermList list;
    list.source = file;
    const std::string& text = file->text;
    auto trim = [](std::string_view v) {
        const char* space = " \t\r";
        std::size_t b = v.find_first_not_of(space);
        if (b == std::string_view::npos) {
            return std::string_view();
        }
        return v.substr(b, v.find_last_not_of(space) - b + 1);
    };
    std::size_t line = 0;
    while (line < text.size()) {
        std::size_t end = text.find('\n', line);
        end = end == std::string::npos ? text.size() : end;
        std::string_view content(text.data() + line, end - line);
        content = content.substr(0, content.find('#'));
        if (!trim(content).empty()) {
            Term t;
            t.offset = line + static_cast<std::size_t>(content.find_first_not_of(" \t"));
            std::size_t from = 0;
            while (from <= content.size()) {
                std::size_t bar = content.find('|', from);
                bar = bar == std::string_view::npos ? content.size() : bar;
                std::string_view form = trim(content.substr(from, bar - from));
                if (form.empty()) {
                    r.diagnostics.push_back(error_at(file, line + from, "an empty form of a term",
                                                     {"write each form between `|` signs: `NMDA receptor | NMDA receptors`"}));
                } else {
                    t.forms.emplace_back(form);
                }
                from = bar + 1;
            }
            if (!t.forms.empty()) {
                list.terms.push_back(std::move(t));
            }
        }
        line = end + 1;
    }
    r.value = std::move(list);
    return r;
}

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
    const std::vector<std::string> keys = {"description", "required_sections", "variables", "readability", "mentions",
                                           "plain_language"};
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
        } else if (kname == "plain_language") {
            plain_language(node, file, k.plain_language, r.diagnostics);
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
